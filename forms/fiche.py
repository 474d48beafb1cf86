"""Back-office forms of the fiche d'entreprise: one form per part of the four-page plan."""

from __future__ import annotations

from functools import cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from assistant.services.documents.fiche import SECTION_MAX_CHARS
from assistant.services.documents.fiche_plan import PLAN, Part


class EmptyForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


@cache
def part_form(part_key: str) -> type[FlaskForm]:
    """The form of one part: a text area per heading, named by the section's key."""
    part: Part = next(p for p in PLAN if p.key == part_key)
    fields = {
        section.key: TextAreaField(
            _l(section.heading),
            validators=[Length(max=SECTION_MAX_CHARS, message=_l("%(max)d caractères au plus."))],
            render_kw={"rows": 3},
        )
        for section in part.sections
    }
    return type(f"FichePart_{part_key}", (FlaskForm,), fields)
