"""The forms of the employee's space (login reuses forms.wizard's PhoneForm and CodeForm)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

ABSENCE_CAUSES = [
    SelectChoice("illness", _l("Maladie")),
    SelectChoice("work_accident", _l("Accident du travail")),
    SelectChoice("occupational_disease", _l("Maladie professionnelle")),
    SelectChoice("maternity", _l("Congé de maternité")),
]


class VisitRequestForm(FlaskForm):
    visit_type = RadioField(
        _l("Quelle visite ?"),
        validators=[InputRequired(_l("Choisissez une visite."))],
    )
    event_date = StringField(
        _l("Date de début de l'arrêt, ou date de reprise du travail"),
        description=_l(
            "Pour une pré-reprise ou un rendez-vous de liaison : le premier jour de votre arrêt. "
            "Pour une reprise : le jour de votre retour au travail. Par exemple 12/03/2025."
        ),
        render_kw={"placeholder": "jj/mm/aaaa"},
    )
    absence_cause = SelectField(
        _l("Cause de l'absence (reprise)"), choices=ABSENCE_CAUSES, default="illness"
    )
    absence_days = IntegerField(
        _l("Durée de l'absence en jours (reprise)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=3650, message=_l("Un nombre de jours entre 1 et 3650.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    reason = TextAreaField(
        _l("Ce que vous souhaitez aborder (facultatif)"),
        description=_l(
            "Quelques mots suffisent. N'écrivez aucune information médicale : vous en parlerez "
            "avec le professionnel de santé."
        ),
        validators=[Optional(), Length(max=500, message=_l("500 caractères au plus."))],
    )


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
