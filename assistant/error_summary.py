"""The error summary at the top of every page whose forms have errors (the DSFR and GOV.UK
pattern): "Il y a un problème", then one link per field in error, to its input (a group of
boxes: its first box), and the form's own errors. `base.html` shows it, focused on load
(`autofocus`); `static/js/error-summary.js` focuses the field a link leads to.

Every WTForms form the view passes to its template is summed up, whatever its name; a form once
summed up is marked (`summarised`), so that `macros/forms.html` does not repeat its own errors.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from jinja2 import pass_context
from wtforms import Form

BOXES = ("RadioField", "MultiCheckboxField")  # a group: the link goes to its first box
UNLINKED = ("HiddenField", "CSRFTokenField")  # nothing to go to on the page


@dataclass(frozen=True)
class Problem:
    text: str
    target: str | None  # the id of the input the link leads to


def _field_problems(field) -> list[Problem]:
    if not isinstance(field.errors, list | tuple):  # a sub-form's errors: its fields say them
        return []
    target = None
    if field.type in BOXES:
        target = f"{field.id}-0" if list(field.iter_choices()) else None
    elif field.type not in UNLINKED:
        target = field.id
    label = field.label.text if field.label else ""
    problems = []
    for message in field.errors:
        if isinstance(message, dict | list | tuple):  # a sub-form's: its fields say them
            continue
        text = _("%(field)s : %(error)s", field=label, error=message) if label else str(message)
        problems.append(Problem(str(text), target))
    return problems


def problems_of(form: Form) -> list[Problem]:
    problems = [p for field in form for p in _field_problems(field)]
    problems += [Problem(str(message), None) for message in getattr(form, "form_errors", [])]
    return problems


@pass_context
def error_summary(context) -> list[Problem]:
    """The problems of the forms in the template's context, in the order the view gave them."""
    seen: set[int] = set()
    problems: list[Problem] = []
    for value in context.get_all().values():
        if not isinstance(value, Form) or id(value) in seen:
            continue
        seen.add(id(value))
        found = problems_of(value)
        if found:
            value.summarised = True
            problems += found
    return problems
