"""Workforce forms: one employee, and the CSV file to import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from assistant import labels
from assistant.core.parsing import Reprompt, parse_date, parse_phone
from assistant.core.text import lazy_risk_label
from forms.wizard import MultiCheckboxField


class LenientDate:
    """A date typed as people do (12/03/1980, 12 mars 1980); the parsed date goes in .parsed."""

    def __init__(self, optional: bool = False):
        self.optional = optional

    def __call__(self, form, field):
        field.parsed = None
        if not (field.data or "").strip():
            if self.optional:
                return
            raise ValidationError(_l("Indiquez une date, par exemple 12/03/1980."))
        try:
            field.parsed = parse_date(field.data)
        except Reprompt as reprompt:
            raise ValidationError(str(reprompt.message)) from None


def _risk_choices(catalogue, keep=()):
    """The entries offered, and the inactive ones this employee already has (kept on save)."""
    offered = catalogue.offered()
    codes = {r.code for r in offered}
    kept = [catalogue[c] for c in keep if c not in codes and c in catalogue]
    return [SelectChoice(r.code, lazy_risk_label(r)) for r in (*offered, *kept)]


class MobilePhone:
    """An optional French or international mobile number; the E.164 form goes in .parsed."""

    def __call__(self, form, field):
        field.parsed = None
        if not (field.data or "").strip():
            return
        try:
            field.parsed = parse_phone(field.data)
        except Reprompt as reprompt:
            raise ValidationError(str(reprompt.message)) from None


class EmployeeForm(FlaskForm):
    last_name = StringField(
        _l("Nom"), validators=[DataRequired(_l("Indiquez le nom.")), Length(max=100)]
    )
    first_name = StringField(
        _l("Prénom"), validators=[DataRequired(_l("Indiquez le prénom.")), Length(max=100)]
    )
    birth_date = StringField(
        _l("Date de naissance"), validators=[LenientDate()], render_kw={"placeholder": "jj/mm/aaaa"}
    )
    job = StringField(
        _l("Poste"), validators=[DataRequired(_l("Indiquez le poste.")), Length(max=200)]
    )
    hire_date = StringField(
        _l("Date d'embauche"), validators=[LenientDate()], render_kw={"placeholder": "jj/mm/aaaa"}
    )
    contract_type = SelectField(
        _l("Contrat"),
        choices=[SelectChoice(kind.value, label) for kind, label in labels.CONTRACT.items()],
    )
    contract_end = StringField(
        _l("Fin du contrat (si CDD, intérim…)"),
        validators=[LenientDate(optional=True)],
        render_kw={"placeholder": "jj/mm/aaaa"},
    )
    exposures = MultiCheckboxField(_l("Expositions"), validate_choice=False)
    night_worker = BooleanField(_l("Travailleur de nuit"))
    phone = StringField(
        _l("Mobile du salarié"), validators=[MobilePhone()], render_kw={"autocomplete": "off"}
    )

    def __init__(self, *args, risks, keep_exposures=(), **kwargs):
        """`risks`: the app's reading of the risk catalogue (`risk_catalogue.Catalogue`)."""
        super().__init__(*args, **kwargs)
        self.exposures.choices = _risk_choices(risks, keep_exposures)


class LeaveForm(FlaskForm):
    left_on = StringField(
        _l("Date de départ"), validators=[LenientDate()], render_kw={"placeholder": "jj/mm/aaaa"}
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l("Fichier CSV des salariés"), validators=[FileRequired(_l("Choisissez un fichier CSV."))]
    )
