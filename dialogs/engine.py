"""The dialogue engine: journeys as ordered typed questions, played one answer at a time.

It knows no channel. The SMS handler and the chat ask `advance` (which runs the journey's
effects, then gives the next question or the journey's ending) and feed `accept` one message at a
time; the web wizard asks the same for a whole step, renders the questions as WTForms fields,
reads ticked boxes itself and hands their values to `accept_value` (typed fields go through
`accept`, the same lenient parsers as by SMS). State is a plain dict of JSON values, stored by the
caller in the database (the `dialogue_state` table), never in process memory.

An effect is a step of the journey that the engine does itself between answers (place a request,
find the slots to offer): a `Question` with an `effect` is never asked. It runs once, when it comes
next, and may add answers (keys starting with "_", kept whatever the later answers) or end the
journey early with an `Outcome`. Its own key is then stored, so it does not run again, unless an
earlier answer changes and drops it (`forget_from`), or the journey is started again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import FunctionType
from typing import Any

from assistant.core.parsing import (
    Choice,
    Reprompt,
    fold,
    parse_choice,
    parse_multi_choice,
    parse_yes_no,
)

Answers = dict[str, Any]

AGAIN = "__again__"  # a choice that sends the person back to an earlier question
SKIP_WORDS = frozenset({"", "0", "passer", "aucun", "aucune", "rien", "skip", "none", "-"})


@dataclass
class Context:
    """What a question's choices or label, a validator or an ending may need beyond the
    answers: the store (and through it the app's reference data, the risk catalogue), the day
    and the time, who acts, the phone the channel proves (SMS; in the web chat, the mobile of a
    person signed in with a one-time code, else None), the language and the settings an ending
    depends on (explicit, testable). A player makes one per turn."""

    session: Any = None
    today: date | None = None
    actor: Any = None
    extra: dict = field(default_factory=dict)
    now: datetime | None = None
    phone: str | None = None
    locale: str = "fr"
    # what this turn's effects looked up, for this turn only (asked once; the rows found stay
    # loaded until the reply names them)
    turn: dict = field(default_factory=dict)


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
    label: object  # lazy string, or a function of (answers, context)
    parse: Callable[[str], Any] | None = None  # lenient parser for free-text kinds
    choices: Callable[[Answers, Context], list[Choice]] | None = None
    when: Callable[[Answers], bool] | None = None
    check: Callable[[Any, Answers, Context], Any] | None = None  # may raise Reprompt
    step: str = ""  # the web wizard page it belongs to
    hint: object = None
    optional: bool = False  # an empty answer (or "0", "passer" by SMS) is stored as None
    again_to: str | None = None  # where the AGAIN choice (or "no" to a yes/no) leads
    short_label: object = None  # the prompt by SMS and chat, when the label is too long there
    list_choices: bool = True  # by SMS: enumerate the choices (not for long catalogues)
    missing: object = None  # what to say when a required answer is empty (else the kind's own)
    # a step the engine runs itself instead of asking (see the module's docstring)
    effect: Callable[[Answers, Context], Answers | Outcome | None] | None = None
    # a message template each player renders for its channel instead of the label, with
    # `values(answers)` (slots, visits named by id), like an Outcome's
    say: str = ""
    values: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None

    def applies(self, answers: Mapping[str, Any]) -> bool:
        return self.when is None or bool(self.when(answers))

    def options(self, answers: Mapping[str, Any], context: Context) -> list[Choice]:
        return self.choices(answers, context) if self.choices else []

    def message(self, answers: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
        """The template and values a player renders for this question ("" : use the label)."""
        return self.say, (self.values(answers) if self.values else {})

    def text(self, answers: Mapping[str, Any], context: Context, short: bool = False) -> str:
        label = (self.short_label or self.label) if short else self.label
        # a label may depend on earlier answers (a plain function); lazy strings are callable too
        return str(label(answers, context) if isinstance(label, FunctionType) else label)


def effect(
    key: str,
    run: Callable[[Answers, Context], Answers | Outcome | None],
    when: Callable[[Answers], bool] | None = None,
) -> Question:
    """A step done by the engine between answers, never asked (`Journey.advance`)."""
    return Question(key, "effect", "", when=when, effect=run)


@dataclass(frozen=True)
class Ask:
    """What `Journey.advance` gives when a question is to be asked: the question, and the
    answers to keep meanwhile (the effects that ran may have added some)."""

    question: Question
    answers: Answers


@dataclass(frozen=True)
class Journey:
    name: str
    title: object
    questions: tuple[Question, ...]
    finish: Callable[[Answers, Context], Any]
    # called when the person gives up (answers not understood too often, a call-back offered)
    on_give_up: Callable[[Answers, Context], None] | None = None

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
        value = parse_answer(question, raw, answers, context)
        return self.accept_value(answers, question, value, context)

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

    def advance(self, answers: Mapping[str, Any], context: Context) -> Ask | Outcome:
        """Run the effects that come next, then give the next question to ask (`Ask`), or the
        journey's ending: the `Outcome` an effect ended it with, or else `finish`'s."""
        answers = dict(answers)
        while (question := self.next_question(answers)) is not None:
            if question.effect is None:
                return Ask(question, answers)
            result = question.effect(answers, context)
            if isinstance(result, Outcome):
                return result
            if result is not None:
                answers = dict(result)
            answers.setdefault(question.key, True)  # done: not run again
        return self.finish(answers, context)

    def give_up(self, answers: Mapping[str, Any], context: Context) -> None:
        """The person gives up: the journey leaves things as staff need to find them."""
        if self.on_give_up is not None:
            self.on_give_up(dict(answers), context)


def parse_answer(question: Question, raw: str | None, answers: Mapping[str, Any], context: Context):
    """A typed answer (SMS, chat) as a value; a web form's ticked boxes are the web player's."""
    empty = raw is None or fold(raw) in SKIP_WORDS
    if empty and question.optional:
        return [] if question.kind == "multi" else None
    if empty and question.missing is not None:
        raise Reprompt(question.missing)
    if question.kind == "yesno":
        return parse_yes_no(raw or "")
    if question.kind == "choice":
        return parse_choice(raw or "", question.options(answers, context))
    if question.kind == "multi":
        if question.parse is not None:  # words the question reads its own way (risks)
            return question.parse(raw or "")
        return parse_multi_choice(raw or "", question.options(answers, context))
    if question.parse is None:
        raise TypeError(f"question {question.key} of kind {question.kind} has no parser")
    value = question.parse(raw or "")
    return value.isoformat() if isinstance(value, date) else value
