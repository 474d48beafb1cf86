"""The forms of a visit's outcome in the back-office: the document issued, the medical note, a
dated step of the inaptitude procedure (R4624-42)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from assistant import labels
from assistant.services.visits import inaptitude, outcomes
from forms.wizard import MultiCheckboxField


class OutcomeForm(FlaskForm):
    kind = RadioField(_l("Document délivré"), validate_choice=False)
    recommendations = TextAreaField(
        _l("Propositions et préconisations pour l'employeur"),
        description=_l(
            "Aménagements du poste, ou conclusions d'un avis d'inaptitude. Jamais de diagnostic : "
            "ce texte figure sur le document de l'employeur."
        ),
        validators=[Length(max=outcomes.MAX_TEXT)],
    )
    main_risks = MultiCheckboxField(
        _l("Principaux risques (ordonnance de prévention)"), validate_choice=False
    )
    advice = TextAreaField(
        _l("Conseils de prévention (ordonnance de prévention)"),
        description=_l("Remis au seul salarié, jamais à l'employeur."),
        validators=[Length(max=outcomes.MAX_TEXT)],
    )
    next_due = DateField(
        _l("Prochaine visite au plus tard le"),
        description=_l("Calculée d'après le suivi du salarié ; modifiable."),
        validators=[Optional()],
    )
    note = TextAreaField(
        _l("Note médicale"),
        description=_l(
            "Visible des seuls professionnels de santé, chaque lecture est tracée ; elle ne "
            "figure sur aucun document."
        ),
        validators=[Length(max=outcomes.MAX_TEXT)],
    )


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Nouvelle note médicale"), validators=[Length(max=outcomes.MAX_TEXT)])


class InaptitudeStepForm(FlaskForm):
    """The médecin du travail dates one step of the procedure before an inaptitude."""

    step = SelectField(
        _l("Étape"), choices=lambda: [(str(k), v) for k, v in labels.INAPTITUDE_STEP.items()]
    )
    done_on = DateField(
        _l("Date"),
        validators=[InputRequired(message=_l("Indiquez la date de cette étape."))],
    )
    step_note = TextAreaField(
        _l("Précision (sans diagnostic)"),
        validators=[Length(max=inaptitude.MAX_NOTE)],
    )
