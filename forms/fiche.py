"""Back-office forms of the fiche d'entreprise: the whole draft in one form, the publication's
confirmation."""

from __future__ import annotations

from functools import cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from assistant.services.documents.fiche import SECTION_MAX_CHARS
from assistant.services.documents.fiche_plan import PLAN


class EmptyForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


@cache
def draft_form() -> type[FlaskForm]:
    """Every part of the plan in one form (a text area per heading, named by the section's key):
    saving one part never drops what was typed in another."""
    fields = {
        section.key: TextAreaField(
            _l(section.heading),
            validators=[Length(max=SECTION_MAX_CHARS, message=_l("%(max)d caractères au plus."))],
            render_kw={"rows": 3},
        )
        for part in PLAN
        for section in part.sections
    }
    return type("FicheDraftForm", (FlaskForm,), fields)


class PublishForm(FlaskForm):
    """Publishing cannot be undone: the writer ticks that they know it."""

    confirm = BooleanField(
        _l(
            "Je confirme la publication : l'employeur verra cette version, qui ne pourra plus "
            "être modifiée."
        ),
        validators=[DataRequired(_l("Cochez la case pour confirmer la publication."))],
    )
