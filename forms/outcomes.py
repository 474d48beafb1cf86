"""The forms of a visit's outcome in the back-office: the document issued, the medical note."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, TextAreaField
from wtforms.validators import Length, Optional

from assistant.services.visits import outcomes
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
