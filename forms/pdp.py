"""The PDP cell's back-office forms (SPEC 4.7): an alert recorded by the staff, and the steps of a
case — assignment, a staff member added, the analysis with the médecin du travail, an action of
the plan, a follow-up, the outcome. The lists of people are filled by the view; the rules (the
plan's limits…) are the services', whose refusals the view puts on the field."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from assistant import labels
from assistant.services.pdp.cases import CONTACT_MAX, DESCRIPTION_MAX, STAFF_SOURCES

TEXT_MAX = 4000
TOO_LONG = _l("%(max)d caractères au plus.")


def _choices(mapping, keys=None):
    return [
        SelectChoice(str(code), label)
        for code, label in mapping.items()
        if keys is None or code in keys
    ]


class ButtonForm(FlaskForm):
    """A button alone (an action marked done, the plan adopted): the CSRF token."""


class AlertForm(FlaskForm):
    """An alert from the médecin du travail, the treating doctor or the médecin-conseil."""

    employee = SelectField(_l("Salarié"), coerce=str, validate_choice=False)
    source = SelectField(
        _l("Alerte donnée par"),
        choices=lambda: _choices(labels.PDP_RAISED_BY, STAFF_SOURCES),
        validators=[InputRequired(_l("Indiquez qui donne l'alerte."))],
    )
    trigger = SelectField(
        _l("Événement à l'origine de l'alerte"),
        choices=lambda: _choices(labels.PDP_TRIGGER),
        validators=[InputRequired(_l("Indiquez l'événement à l'origine de l'alerte."))],
    )
    contract_suspended = BooleanField(_l("Contrat de travail suspendu (arrêt de travail)"))
    leave_from = DateField(_l("Début de l'arrêt de travail"), validators=[Optional()])
    leave_until = DateField(
        _l("Fin prévue de l'arrêt de travail (si elle est connue)"), validators=[Optional()]
    )
    description = TextAreaField(
        _l("La situation en quelques mots"),
        validators=[
            DataRequired(_l("Décrivez la situation en quelques mots.")),
            Length(max=DESCRIPTION_MAX, message=TOO_LONG),
        ],
    )
    contact = StringField(
        _l("Comment joindre la personne ou le médecin qui alerte"),
        validators=[Optional(), Length(max=CONTACT_MAX, message=TOO_LONG)],
    )


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Confier le dossier à"), coerce=str, validate_choice=False)


class AddStaffForm(FlaskForm):
    staff_id = SelectField(_l("Ajouter un intervenant"), coerce=str, validate_choice=False)


class AnalysisForm(FlaskForm):
    doctor = SelectField(_l("Avec le médecin du travail"), coerce=str, validate_choice=False)
    analysis = TextAreaField(
        _l("Analyse de la situation"),
        validators=[
            DataRequired(_l("Écrivez l'analyse de la situation.")),
            Length(max=TEXT_MAX, message=TOO_LONG),
        ],
    )


class ActionForm(FlaskForm):
    kind = SelectField(
        _l("Action du plan"),
        choices=lambda: _choices(labels.PDP_ACTION),
        validators=[InputRequired(_l("Choisissez une action."))],
    )
    starts_on = DateField(
        _l("Premier jour de l'essai encadré"),
        description=_l("Pour un essai encadré ; son renouvellement suit le premier essai."),
        validators=[Optional()],
    )
    action_note = TextAreaField(
        _l("Précisions sur l'action"), validators=[Length(max=TEXT_MAX, message=TOO_LONG)]
    )


class ReviewForm(FlaskForm):
    """One follow-up or the impact review (prefixed with the review's id: several may be due)."""

    note = TextAreaField(_l("Compte rendu"), validators=[Length(max=TEXT_MAX, message=TOO_LONG)])


class CloseForm(FlaskForm):
    outcome = SelectField(
        _l("Issue du dossier"),
        choices=lambda: _choices(labels.PDP_OUTCOME),
        validators=[InputRequired(_l("Choisissez l'issue du dossier."))],
    )
    outcome_note = TextAreaField(
        _l("Précisions sur l'issue"), validators=[Length(max=TEXT_MAX, message=TOO_LONG)]
    )
