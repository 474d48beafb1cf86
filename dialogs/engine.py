"""The dialogue engine: journeys as ordered typed questions, played one answer at a time.

It knows no channel. The SMS handler and the chat ask `next_question` and feed `accept` one
message at a time; the web wizard asks the same for a whole step, renders the questions as
WTForms fields, reads ticked boxes itself and hands their values to `accept_value` (typed
fields go through `accept`, the same lenient parsers as by SMS). State is a plain dict of JSON
values, stored by the caller in the database (the `dialogue_state` table), never in process
memory.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import FunctionType
from typing import Any

from dialogs.parsing import (
    Choice,
    fold,
    parse_choice,
    parse_multi_choice,
    parse_yes_no,
)
from dialogs.text import _l

Answers = dict[str, Any]

AGAIN = "__again__"  # a choice that sends the person back to an earlier question
SKIP_WORDS = frozenset({"", "0", "passer", "aucun", "aucune", "rien", "skip", "none", "-"})


@dataclass
class Context:
    """What a validator or an ending may need beyond the answers: the store, the day and the
    time, who acts, the phone the channel proves (SMS; None in the web chat), the language and
    the settings an ending depends on (explicit, testable)."""

    session: Any = None
    today: date | None = None
    actor: Any = None
    extra: dict = field(default_factory=dict)
    now: datetime | None = None
    phone: str | None = None
    locale: str = "fr"


@dataclass(frozen=True)
class Outcome:
    """What a finished journey did, and what to tell the person: `say` names the message (a
    template each player renders for its channel) with its `values`; `then` starts another
    journey with its first answers (a code to prove a number, a rating)."""

    say: str = ""
    values: Mapping[str, Any] = field(default_factory=dict)
    then: tuple[str, Answers] | None = None


@dataclass(frozen=True)
class Question:
    key: str
    kind: str  # text, yesno, choice, multi, date, number, postcode, phone, email, siret, iban …
    label: object  # lazy string
    parse: Callable[[str], Any] | None = None  # lenient parser for free-text kinds
    choices: Callable[[Answers], list[Choice]] | None = None
    when: Callable[[Answers], bool] | None = None
    check: Callable[[Any, Answers, Context], Any] | None = None  # may raise Reprompt
    step: str = ""  # the web wizard page it belongs to
    hint: object = None
    optional: bool = False  # an empty answer (or "0", "passer" by SMS) is stored as None
    again_to: str | None = None  # where the AGAIN choice (or "no" to a yes/no) leads
    short_label: object = None  # the prompt by SMS and chat, when the label is too long there
    list_choices: bool = True  # by SMS: enumerate the choices (not for long catalogues)

    def applies(self, answers: Mapping[str, Any]) -> bool:
        return self.when is None or bool(self.when(answers))

    def options(self, answers: Mapping[str, Any]) -> list[Choice]:
        return self.choices(answers) if self.choices else []

    def text(self, answers: Mapping[str, Any], short: bool = False) -> str:
        label = (self.short_label or self.label) if short else self.label
        # a label may depend on earlier answers (a plain function); lazy strings are callable too
        return str(label(answers) if isinstance(label, FunctionType) else label)


@dataclass(frozen=True)
class Journey:
    name: str
    title: object
    questions: tuple[Question, ...]
    finish: Callable[[Answers, Context], Any]

    def __post_init__(self):
        keys = [q.key for q in self.questions]
        assert len(keys) == len(set(keys)), f"duplicate question keys in {self.name}"

    def question(self, key: str) -> Question:
        return next(q for q in self.questions if q.key == key)

    def next_question(self, answers: Mapping[str, Any]) -> Question | None:
        """The first question that applies and has no answer yet; None when all are answered."""
        for question in self.questions:
            if question.key not in answers and question.applies(answers):
                return question
        return None

    def steps(self) -> list[str]:
        seen: list[str] = []
        for question in self.questions:
            if question.step not in seen:
                seen.append(question.step)
        return seen

    def step_questions(self, step: str) -> list[Question]:
        return [q for q in self.questions if q.step == step]

    def accept(
        self, answers: Answers, question: Question, raw: str | None, context: Context
    ) -> Answers:
        """Parse and check one typed answer; return the new answers or raise Reprompt."""
        return self.accept_value(answers, question, parse_answer(question, raw, answers), context)

    def accept_value(
        self, answers: Answers, question: Question, value: Any, context: Context
    ) -> Answers:
        """Check and store an answer already parsed by the player (a web form's ticked boxes),
        or by `accept`; return the new answers or raise Reprompt."""
        new = dict(answers)
        going_back = value == AGAIN or (question.kind == "yesno" and value is False)
        if going_back and question.again_to:
            return self.forget_from(new, question.again_to)
        if question.check is not None and value is not None:
            value = question.check(value, new, context)
        new[question.key] = value
        # an earlier answer changed: drop the answers that no longer apply
        return {k: v for k, v in new.items() if k.startswith("_") or self._still_applies(k, new)}

    def _still_applies(self, key: str, answers: Mapping[str, Any]) -> bool:
        try:
            return self.question(key).applies(answers)
        except StopIteration:
            return False

    def forget_from(self, answers: Answers, key: str) -> Answers:
        """Drop an answer and every later one (the person goes back)."""
        keys = [q.key for q in self.questions]
        index = keys.index(key)
        return {k: v for k, v in answers.items() if k not in keys[index:]}

    def complete(self, answers: Mapping[str, Any]) -> bool:
        return self.next_question(answers) is None


def parse_answer(question: Question, raw: str | None, answers: Mapping[str, Any]):
    """A typed answer (SMS, chat) as a value; a web form's ticked boxes are the web player's."""
    empty = raw is None or fold(raw) in SKIP_WORDS
    if empty and question.optional:
        return [] if question.kind == "multi" else None
    if question.kind == "yesno":
        return parse_yes_no(raw or "")
    if question.kind == "choice":
        return parse_choice(raw or "", question.options(answers))
    if question.kind == "multi":
        return parse_multi_choice(raw or "", question.options(answers))
    if question.parse is None:
        raise TypeError(f"question {question.key} of kind {question.kind} has no parser")
    value = question.parse(raw or "")
    return value.isoformat() if isinstance(value, date) else value


# What one message may take: three SMS segments of UCS-2 (a single "ê" or "…" forces UCS-2)
MESSAGE_UNITS = 201


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def prompt(
    question: Question, answers: Mapping[str, Any], width: int = 40, room: int = MESSAGE_UNITS
) -> str:
    """The question as one message (SMS, chat): short label, then numbered choices if any.

    Long choice labels are cut, shorter and shorter until the message takes at most `room`
    UTF-16 units, so that every choice (and its number) is still sent.
    """
    text = question.text(answers, short=True)
    if question.kind == "yesno":
        return f"{text} {_l('Répondez OUI ou NON.')}"
    if question.kind in ("choice", "multi") and question.list_choices:
        labels = [str(choice.label) for choice in question.options(answers)]
        while True:
            lines = [text]
            for number, label in enumerate(labels, start=1):
                if len(label) > width:
                    label = label[: width - 1].rstrip() + "…"
                lines.append(f"{number}. {label}")
            message = "\n".join(lines)
            if _units(message) <= room or width <= 12:
                return message
            width -= 2
    return text
