"""Back-office forms of the risk catalogue: editing an entry, adding one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length

from assistant import labels
from assistant.models.risk import FAMILIES


class RiskEntryForm(FlaskForm):
    family = SelectField(
        _l("Famille"),
        choices=[SelectChoice(family, labels.RISK_FAMILY[family]) for family in FAMILIES],
        validators=[DataRequired(_l("Choisissez une famille de risques."))],
    )
    label_fr = StringField(
        _l("Libellé en français"),
        validators=[
            DataRequired(_l("Indiquez le libellé en français.")),
            Length(max=200, message=_l("%(max)d caractères au plus.")),
        ],
    )
    label_en = StringField(
        _l("Libellé en anglais"),
        validators=[
            DataRequired(_l("Indiquez le libellé en anglais.")),
            Length(max=200, message=_l("%(max)d caractères au plus.")),
        ],
    )
    synonyms = TextAreaField(_l("Synonymes"), render_kw={"rows": 8})
    active = BooleanField(_l("Proposé dans les formulaires et reconnu dans les messages"))


class NewRiskEntryForm(RiskEntryForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Indiquez un code.")), Length(max=40)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
