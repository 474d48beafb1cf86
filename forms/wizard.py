"""WTForms rendering of dialogue steps: one field per question, the engine validates.

The web player's widgets: a yes/no or a choice is a set of radio buttons, a multiple choice a set
of checkboxes; what they send is checked here against the choices offered (the engine's lenient
text parsers are for typed answers) and handed to `Journey.accept_value`. Typed fields go through
`Journey.accept`, the same parsers and checks as by SMS and chat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length
from wtforms.widgets import CheckboxInput, ListWidget

from assistant.core.parsing import Reprompt
from dialogs.engine import Answers, Context, Journey, Question

YES_NO = [SelectChoice("oui", _l("Oui")), SelectChoice("non", _l("Non"))]
YES_NO_VALUES = {"oui": True, "non": False}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


@dataclass(frozen=True)
class Select:
    """A player's choice of widget: a choice as a drop-down list (long lists, compact pages);
    `blank` labels an empty first option (nothing chosen yet, or none for an optional one)."""

    blank: object = None


@dataclass(frozen=True)
class TextArea:
    """A player's choice of widget: a long free text on several lines."""

    rows: int = 3


def _field_for(question: Question, answers: Answers, context: Context, widget=None):
    kwargs = {"label": question.text(answers, context), "description": question.hint or ""}
    if isinstance(widget, Select):
        choices = [SelectChoice(c.value, c.label) for c in question.options(answers, context)]
        if widget.blank is not None:
            choices.insert(0, SelectChoice("", widget.blank))
        return SelectField(choices=choices, validate_choice=False, **kwargs)
    if isinstance(widget, TextArea):
        return TextAreaField(render_kw={"rows": widget.rows}, **kwargs)
    if question.kind == "yesno":
        return RadioField(choices=YES_NO, validate_choice=False, **kwargs)
    if question.kind in ("choice", "multi"):
        choices = [SelectChoice(c.value, c.label) for c in question.options(answers, context)]
        field_class = MultiCheckboxField if question.kind == "multi" else RadioField
        return field_class(choices=choices, validate_choice=False, **kwargs)
    if question.kind == "email":
        return EmailField(render_kw={"autocomplete": "email"}, **kwargs)
    if question.kind == "phone":
        return TelField(render_kw={"autocomplete": "tel"}, **kwargs)
    render_kw = {}
    if question.kind == "code":
        render_kw["autocomplete"] = "one-time-code"
    if question.kind in ("number", "postcode", "siret", "code"):
        render_kw["inputmode"] = "numeric"
    if question.kind == "date":
        render_kw["placeholder"] = "jj/mm/aaaa"
    return StringField(render_kw=render_kw, **kwargs)


def step_questions(
    journey: Journey, step: str, answers: Answers, context: Context
) -> list[Question]:
    """The step's questions that may apply, whatever is answered above them on the same page.

    A question whose condition depends on an earlier question of the page (the IBAN after the
    payment choice) is shown when some answer to that question would make it apply; the
    engine then ignores it if the answer given does not.
    """
    shown: list[Question] = []
    for question in journey.step_questions(step):
        if question.effect is not None:  # done by the engine, never asked
            continue
        if question.applies(answers) or any(
            question.applies({**answers, earlier.key: value})
            for earlier in shown
            for value in _possible_values(earlier, answers, context)
        ):
            shown.append(question)
    return shown


def reveal(form, questions: list[Question], answers: Answers, context: Context) -> None:
    """Mark the questions the page shows only once the question just above is answered so (the
    score's Q2 after "oui" to Q1, the IBAN after "prélèvement"): as by SMS, they are not asked
    otherwise. The controlling field's `reveals` holds the values that show the next field,
    whose `revealed` is set; the style sheet shows it when one of them is ticked (CSS, no
    script; a browser without `:has` shows every question and the engine ignores the one that
    does not apply)."""
    for earlier, question in zip(questions, questions[1:], strict=False):
        values = [
            value
            for value in _possible_values(earlier, answers, context)
            if question.applies({**answers, earlier.key: value})
        ]
        if values and len(values) < len(_possible_values(earlier, answers, context)):
            shown = {("oui" if v else "non") if earlier.kind == "yesno" else v for v in values}
            form[earlier.key].reveals = shown
            form[question.key].revealed = True


def _possible_values(question: Question, answers: Answers, context: Context) -> list:
    if question.kind == "yesno":
        return [True, False]
    if question.kind == "choice":
        return [c.value for c in question.options(answers, context)]
    return []


def build_step_form(
    journey: Journey, step: str, answers: Answers, context: Context, formdata=None, widgets=None
):
    """The step's form (its choices and labels may need the turn's `context`); `widgets` maps a
    question key to the player's widget (Select, TextArea) when the kind's default (radio
    buttons, one-line text) does not suit the page."""
    questions = step_questions(journey, step, answers, context)
    widgets = widgets or {}

    class StepForm(FlaskForm):
        pass

    for question in questions:
        field = _field_for(question, answers, context, widgets.get(question.key))
        setattr(StepForm, question.key, field)
    form = StepForm(
        formdata=formdata, data=None if formdata else display_values(questions, answers)
    )
    reveal(form, questions, answers, context)
    return form, questions


def display_values(questions: list[Question], answers: Answers) -> dict:
    """Stored answers as the fields show them again (going back to a step)."""
    values = {}
    for question in questions:
        if question.key not in answers or answers[question.key] is None:
            continue
        value = answers[question.key]
        if question.kind == "yesno":
            value = "oui" if value else "non"
        elif question.kind == "date":
            value = date.fromisoformat(value).strftime("%d/%m/%Y")
        values[question.key] = value
    return values


class EmployerAccountForm(FlaskForm):
    password = PasswordField(
        _l("Choisissez un mot de passe"),
        validators=[
            DataRequired(_l("Choisissez un mot de passe.")),
            Length(
                min=10, max=200, message=_l("Le mot de passe doit compter au moins 10 caractères.")
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[EqualTo("password", _l("Les deux mots de passe ne sont pas identiques."))],
        render_kw={"autocomplete": "new-password"},
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code reçu par SMS"),
        validators=[DataRequired(_l("Tapez le code à 6 chiffres reçu par SMS."))],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )


class PhoneForm(FlaskForm):
    phone = TelField(
        _l("Votre téléphone mobile"),
        validators=[DataRequired(_l("Indiquez votre numéro de mobile."))],
        render_kw={"autocomplete": "tel"},
    )


def accept_step(journey: Journey, questions: list[Question], form, answers: Answers, context):
    """Validate a submitted step with the engine, question by question, in order.

    Returns (answers, ok). A question that no longer applies (an earlier answer on the page
    changed that) is dropped; each Reprompt becomes an error on its field.
    """
    ok = True
    for question in questions:
        if not question.applies(answers):
            answers.pop(question.key, None)
            continue
        field = form[question.key]
        try:
            if question.kind in ("yesno", "choice", "multi"):
                value = picked(question, field.data, answers, context)
                answers = journey.accept_value(answers, question, value, context)
            else:
                filled(question, field.data)
                answers = journey.accept(answers, question, field.data, context)
        except Reprompt as reprompt:
            field.errors = [*field.errors, str(reprompt.on_form or reprompt.message)]
            ok = False
    return answers, ok


def filled(question: Question, data) -> None:
    """A typed field left empty, in the words of a form (by SMS: "Merci de répondre par un
    texte"); an optional one goes on to the engine, which stores None."""
    if (data or "").strip() or question.optional:
        return
    raise Reprompt(question.missing or _("Remplissez ce champ."))


def picked(question: Question, data, answers: Answers, context: Context):
    """What radio buttons or checkboxes sent, as the question's value, if it was offered."""
    if question.kind == "multi":
        chosen = list(data or [])
        offered = {choice.value for choice in question.options(answers, context)}
        if not chosen and question.optional:
            return []
        if not chosen and question.missing is not None:
            raise Reprompt(question.missing)
        if not chosen or not set(chosen) <= offered:
            raise Reprompt(_("Choisissez au moins une réponse dans la liste."))
        return chosen
    if not data and question.optional:
        return None
    if not data and question.missing is not None:  # left empty: the question's own message
        raise Reprompt(question.missing)
    if question.kind == "yesno":
        if data not in YES_NO_VALUES:
            raise Reprompt(_("Choisissez oui ou non."))
        return YES_NO_VALUES[data]
    if data not in {choice.value for choice in question.options(answers, context)}:
        raise Reprompt(_("Choisissez une réponse dans la liste."))
    return data
