"""The forms of the employee's space (login reuses forms.wizard's PhoneForm and CodeForm)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import InputRequired


class SlotForm(FlaskForm):
    slot = RadioField(
        _l("Choisissez un créneau"),
        coerce=int,
        validate_choice=False,  # the booking service checks the slot, the database decides
        validators=[InputRequired(_l("Choisissez un créneau."))],
    )


class ConfirmForm(FlaskForm):
    """A button and its CSRF token (cancel, let the team choose)."""


class HealthForm(FlaskForm):
    pregnant = BooleanField(_l("Je suis enceinte, j'allaite ou j'ai accouché récemment"))
    invalidity_pension = BooleanField(_l("Je perçois une pension d'invalidité"))
    disabled = BooleanField(
        _l("Je suis reconnu(e) travailleur handicapé (RQTH ou autre reconnaissance)")
    )


class NewPhoneForm(FlaskForm):
    """The worker's new mobile, then the code sent to it."""

    phone = StringField(_l("Nouveau numéro de mobile"))
    code = StringField(_l("Code reçu par SMS"))
