"""Booking by SMS (SPEC 4.6, 5): `RDV` offers 3 slots, `ANNULER` and `DEPLACER` act on the next
appointment, for independent members (by `Member.phone`) and employees (by the mobile their worker
proved, or the contact number an employer typed).

These flows run only where Twilio's `From` is known (never in the web chat). A number the worker
never proved reaches only what the employer who typed it knows anyway (`assistant.services.
identity`): a request from it goes to the team, and the answer tells nothing more.

Each flow is a small journey of the dialogue engine; its state (the visit, the ids of the slots
offered) is the conversation's row, so that an answer `2` books exactly the slot that was listed
second. Everything else is done by `assistant.services.booking`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date
from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.models import (
    DialogueState,
    Employee,
    Member,
    Slot,
    Visit,
    VisitStatus,
)
from assistant.services import booking, visit_rules
from assistant.services.identity import holder, known_to_employer
from assistant.sms.prompts import prompt
from assistant.sms.segments import fits
from assistant.timeutil import PARIS, today_paris
from dialogs.engine import Answers, Context, Journey, Question
from dialogs.parsing import Choice, Reprompt, fold, parse_date
from dialogs.text import _l

OFFERED = 3  # slots listed in one message
PLACE_WIDTHS = (40, 34, 28, 24, 20, 16, 12)  # place names are cut until the message fits
BOOK_WORDS = ("rdv", "rendez-vous", "rendezvous", "appointment")
PRE_REPRISE_WORDS = ("prereprise", "prerepris", "prereprise", "prereturn")


# --- who is writing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """One way the phone's owner is followed: as an independent member, or as an employee of
    one employer (a person may be declared by several employers)."""

    member: Member
    employee: Employee | None
    proven: bool = True  # False: a contact number the employer typed, never proved

    @property
    def key(self) -> str:
        if self.employee is None:
            return f"independent:{self.member.id}"
        return f"employee:{self.employee.id}"

    @property
    def requester(self) -> str:
        return "independent" if self.employee is None else "employee"

    def actor(self, phone: str) -> str:
        return f"phone:{phone}" if self.employee is None else f"employee:{phone}"

    def label(self) -> str:
        if self.employee is None:
            return str(_l("En tant qu'indépendant"))
        return self.member.legal_name


def identities(session: Session, phone: str | None, today: date) -> list[Identity]:
    """The independent member and the current employments this number reaches."""
    found = holder(session, phone, today)
    return [Identity(member, None) for member in found.independents] + [
        Identity(session.get(Member, access.employee.member_id), access.employee, access.proven)
        for access in found.employments
    ]


def _identity(session: Session, phone: str, key: str, today: date) -> Identity | None:
    return next((i for i in identities(session, phone, today) if i.key == key), None)


# --- what the person typed --------------------------------------------------------------------


def command(text: str) -> tuple[str, str | None] | None:
    """A booking command the keyword matcher does not know: `RDV PRE-REPRISE` (and variants
    such as `rdv pré reprise`, `RDV PREREPRISE`) → ("book", "pre_reprise")."""
    words = fold(text).strip(" .!").split()
    if len(words) < 2 or words[0] not in BOOK_WORDS:
        return None
    rest = re.sub(r"[^a-z]", "", "".join(words[1:]))
    if any(rest == word or fuzz.ratio(rest, word) >= 80 for word in PRE_REPRISE_WORDS):
        return ("book", "pre_reprise")
    return None


NUMBER_WORDS = {
    "un": 1,
    "une": 1,
    "one": 1,
    "premier": 1,
    "premiere": 1,
    "first": 1,
    "deux": 2,
    "two": 2,
    "deuxieme": 2,
    "second": 2,
    "seconde": 2,
    "trois": 3,
    "three": 3,
    "troisieme": 3,
    "third": 3,
}
FILLER_WORDS = frozenset(
    {"le", "la", "l", "n", "no", "num", "numero", "number", "choix", "creneau", "the", "slot"}
)


def parse_pick(raw: str) -> int:
    """The number of a listed slot: `2`, ` 2 `, `2.`, `le 2`, `n°2`, `deux`, `le deuxième`;
    0 when no number is recognised (the check then asks again with the right range)."""
    words = [w for w in re.split(r"[\s.)°#:]+", fold(raw)) if w and w not in FILLER_WORDS]
    if len(words) != 1:
        return 0
    word = words[0]
    if word.isdigit():
        return int(word) if len(word) <= 2 else 0
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    if len(word) >= 4:
        for name, value in NUMBER_WORDS.items():
            if len(name) >= 4 and fuzz.ratio(word, name) >= 75:
                return value
    return 0


def answer_hint(count: int):
    if count <= 1:
        return _l("Répondez 1.")
    if count == 2:
        return _l("Répondez 1 ou 2.")
    return _l("Répondez 1, 2 ou 3.")


def _check_pick(value: int, answers: Answers, context: Context) -> int:
    count = len(answers.get("_slots", ()))
    if not 1 <= value <= count:
        raise Reprompt(answer_hint(count))
    return value


def _check_since(value: str, answers: Answers, context: Context) -> str:
    if context.today is not None and date.fromisoformat(value) > context.today:
        raise Reprompt(_l("Cette date est dans le futur. Écrivez celle du début de votre arrêt."))
    return value


def _who_choices(answers: Answers) -> list[Choice]:
    return [Choice(key, label) for key, label in answers.get("_choices", ())]


WHO = Question(
    "who",
    "choice",
    _l("Pour quel emploi ?"),
    choices=_who_choices,
    when=lambda answers: len(answers.get("_choices", ())) > 1,
)
SINCE = Question(
    "since",
    "date",
    _l("Depuis quelle date êtes-vous en arrêt de travail ? Par exemple 12/03/2025."),
    parse=lambda raw: parse_date(raw, earliest=date(2000, 1, 1)),
    check=_check_since,
    when=lambda answers: answers.get("_type") == "pre_reprise",
)
PICK = Question("pick", "pick", _l("Quel créneau ?"), parse=parse_pick, check=_check_pick)
CONFIRM = Question("confirm", "yesno", _l("Répondez OUI pour annuler."))


def _done(answers, context):
    return answers


BOOK = Journey("visit_book", _l("Prendre rendez-vous"), (WHO, SINCE, PICK), _done)
MOVE = Journey("visit_move", _l("Déplacer un rendez-vous"), (PICK,), _done)
CANCEL = Journey("visit_cancel", _l("Annuler un rendez-vous"), (CONFIRM,), _done)
JOURNEYS = {j.name: j for j in (BOOK, MOVE, CANCEL)}


# --- how a slot reads in an SMS ---------------------------------------------------------------


def _plain(text: str) -> str:
    """Babel's French formats use (narrow) no-break spaces: outside GSM-7, they would make the
    whole message UCS-2 (70 characters a segment instead of 160)."""
    return text.replace("\u202f", " ").replace("\xa0", " ").replace("\u2019", "'")


def short_when(starts_at: datetime) -> str:
    """`lun. 7 déc. 9h30` / `Mon 7 Dec 9:30`, in Paris time."""
    local = starts_at.astimezone(PARIS)
    day = format_date(local.date(), "EEE d MMM", locale=str(get_locale() or "fr"))
    hour = _("%(hour)sh%(minute)s", hour=local.hour, minute=f"{local.minute:02d}")
    return _plain(f"{day} {hour}")


def place_name(slot: Slot, width: int = PLACE_WIDTHS[0]) -> str:
    """The place's name, cut at a word when longer than `width` (no "…": it is not GSM-7)."""
    name = _plain(" ".join((slot.centre.name or "").split()))
    if len(name) > width:
        cut = name[:width]
        if " " in cut[width // 2 :] and name[width] != " ":
            cut = cut.rsplit(" ", 1)[0]
        name = cut.rstrip(" ,;:-–(")
    return name


def slot_line(slot: Slot, width: int = PLACE_WIDTHS[0]) -> str:
    return f"{short_when(slot.starts_at)}, {place_name(slot, width)}"


def say(template: str, **values) -> str:
    return render_template(f"sms/{template}.txt", **values).strip()


def say_fitting(template: str, slot: Slot | None = None, slots=(), **values) -> str:
    """Render a template naming a slot (`when`, `place`) or listing slots (`lines`), with place
    names cut shorter and shorter until the message fits in three segments."""
    text = ""
    for width in PLACE_WIDTHS:
        if slot is not None:
            values.update(when=short_when(slot.starts_at), place=place_name(slot, width))
        if slots:
            values.update(lines=[slot_line(s, width) for s in slots], count=len(slots))
        text = say(template, **values)
        if fits(text):
            break
    return text


def _kind_label(visit: Visit) -> str:
    return visit_rules.get(visit.visit_type).label(str(get_locale() or "fr"))


# --- the flows --------------------------------------------------------------------------------


def start(session: Session, channel, word: str, variant: str | None, now: datetime) -> str:
    """`RDV` (word "book"), `ANNULER` ("cancel"), `DEPLACER` ("move") from a proven phone."""
    today = today_paris(now)
    found = identities(session, channel.phone, today)
    if not found:
        employer = holder(session, channel.phone, today).is_employer
        return say("visit_employer_only" if employer else "visit_unknown")
    if word in ("cancel", "move"):
        visit = _next_visit(session, found, now)
        if visit is None:
            return say("visit_no_appointment")
        if word == "cancel":
            _begin(session, channel, CANCEL, {"_visit": visit.id}, now)
            return say_fitting("visit_cancel_ask", slot=visit.slot)
        state = _begin(session, channel, MOVE, {"_visit": visit.id}, now)
        return _offer(session, channel, state, visit, now)
    answers: Answers = {
        "_type": variant,
        "_choices": [[identity.key, identity.label()] for identity in found],
    }
    if len(found) == 1:
        answers["_who"] = found[0].key
    state = _begin(session, channel, BOOK, answers, now)
    return proceed(session, channel, state, now)


def proceed(session: Session, channel, state: DialogueState, now: datetime) -> str:
    """After the start or an accepted answer: the next question, the offer, or the result."""
    journey = JOURNEYS[state.journey]
    answers = state.answers
    visit = session.get(Visit, answers["_visit"]) if "_visit" in answers else None
    if journey is CANCEL:
        return _finish_cancel(session, channel, state, visit, now)
    question = journey.next_question(answers)
    if journey is BOOK and visit is None:
        if question is WHO:
            return prompt(question, answers)
        return _request(session, channel, state, question, now)
    if question is not None:  # the pick, after an offer that listed nothing (cannot happen)
        return _offer(session, channel, state, visit, now)
    return _book_pick(session, channel, state, visit, now)


def give_up(session: Session, state: DialogueState, now: datetime) -> None:
    """Three answers not understood: the call-back is offered; the request waits in the staff
    queue meanwhile, so that staff who call back find it (the person may still answer)."""
    visit_id = state.answers.get("_visit")
    visit = session.get(Visit, visit_id) if visit_id else None
    if (
        state.journey == BOOK.name
        and visit is not None
        and visit.status == VisitStatus.REQUESTED
        and visit.queued_at is None
    ):
        visit.queued_at = now
        visit.history = [
            *visit.history,
            {"at": now.isoformat(), "by": visit.actor, "what": "queued"},
        ]


def _begin(session: Session, channel, journey: Journey, answers: Answers, now) -> DialogueState:
    state = DialogueState(
        key=channel.key,
        journey=journey.name,
        answers=answers,
        tries=0,
        updated_at=now,
        created_at=now,
    )
    session.add(state)
    session.flush()
    return state


def _end(session: Session, state: DialogueState) -> None:
    session.delete(state)
    session.flush()


def _next_visit(session: Session, found: list[Identity], now: datetime) -> Visit | None:
    """The earliest booked visit to come, whichever way the person is followed."""
    visits = [_booked(session, identity, now, None) for identity in found]
    visits = [visit for visit in visits if visit is not None]
    return min(visits, key=lambda v: v.slot.starts_at) if visits else None


def _worker_visits(identity: Identity, status: str):
    query = select(Visit).where(Visit.member_id == identity.member.id, Visit.status == status)
    if identity.employee is None:
        return query.where(Visit.employee_id.is_(None))
    query = query.where(Visit.employee_id == identity.employee.id)
    if not identity.proven:  # what the employer who typed the number knows anyway
        query = query.where(known_to_employer())
    return query


def _booked(session: Session, identity: Identity, now, visit_type: str | None) -> Visit | None:
    """The worker's next booked visit (of this type, when a type is asked for)."""
    query = (
        _worker_visits(identity, VisitStatus.BOOKED)
        .join(Slot, Slot.id == Visit.slot_id)
        .where(Slot.starts_at > now)
        .order_by(Slot.starts_at)
        .limit(1)
    )
    if visit_type is not None:
        query = query.where(Visit.visit_type == visit_type)
    return session.scalar(query)


def _open_request(session: Session, identity: Identity, visit_type: str | None) -> Visit | None:
    """A request of this worker still waiting for a slot (asked before, by them or for them)."""
    query = _worker_visits(identity, VisitStatus.REQUESTED)
    if visit_type is not None:
        query = query.where(Visit.visit_type == visit_type)
    rows = list(session.scalars(query.order_by(Visit.created_at, Visit.id)))
    return min(rows, key=lambda v: v.due_by or date.max) if rows else None


def _wanted(session: Session, identity: Identity, today: date) -> booking.Request:
    """What `RDV` asks for: an independent's most urgent due visit, else a visit on request."""
    if identity.employee is None:
        from assistant.services import due

        for item in due.worker_due(session, identity.member, today):
            if "independent" in visit_rules.get(item.visit_type).requesters:
                return booking.Request(
                    visit_type=item.visit_type,
                    requested_by="independent",
                    due_from=item.window.due_from,
                    due_by=item.window.due_by,
                )
    return booking.Request(visit_type="demande", requested_by=identity.requester)


def _request(session: Session, channel, state: DialogueState, question, now) -> str:
    """The person is known: tell the visit already booked, or ask the stoppage date (a
    pré-reprise), or record the request and offer its slots."""
    answers = state.answers
    today = today_paris(now)
    identity = _identity(session, channel.phone, answers.get("who") or answers["_who"], today)
    if identity is None:  # left meanwhile
        _end(session, state)
        return say("visit_unknown")
    variant = answers.get("_type")
    booked = _booked(session, identity, now, variant)
    if booked is not None:
        _end(session, state)
        return say_fitting("visit_already", slot=booked.slot)
    if question is SINCE:
        return prompt(question, answers)
    visit = _open_request(session, identity, variant)
    if visit is None:
        if variant == "pre_reprise":
            wanted = booking.Request(
                visit_type="pre_reprise",
                requested_by=identity.requester,
                event_date=date.fromisoformat(answers["since"]),
            )
        else:
            wanted = _wanted(session, identity, today)
        try:
            visit = booking.request_visit(
                session,
                identity.actor(channel.phone),
                member=identity.member,
                employee=identity.employee,
                request=wanted,
                now=now,
                auto=False,
            )
        except booking.NotAllowed as refused:
            _end(session, state)
            return str(refused.message)
        if not identity.proven:
            # accepted and handled by the team, which answers through a proven channel: the
            # holder of this number is told nothing of the worker's visits
            booking.queue_for_staff(session, identity.actor(channel.phone), visit, now)
            _end(session, state)
            return say("visit_team")
    state.answers = {**answers, "_visit": visit.id}
    return _offer(session, channel, state, visit, now)


def _offer(
    session: Session, channel, state: DialogueState, visit: Visit, now, taken: bool = False
) -> str:
    """List the next compatible slots and wait for the pick; with none, the staff takes over."""
    moving = state.journey == MOVE.name
    slots = booking.compatible_slots(
        session, visit, now=now, limit=OFFERED, exclude_slot=visit.slot_id if moving else None
    )
    if not slots:
        _end(session, state)
        if moving:
            return say_fitting("visit_no_other_slot", slot=visit.slot, taken=taken)
        booking.place_automatically(session, _actor(channel, visit), visit, now)
        if visit.status == VisitStatus.BOOKED:  # a slot freed meanwhile within the window
            return say_fitting("visit_confirmed", slot=visit.slot, visit=visit, moved=False)
        return say("visit_queued", taken=taken)
    answers = {k: v for k, v in state.answers.items() if k != "pick"}
    state.answers = {**answers, "_slots": [slot.id for slot in slots]}
    state.tries = 0
    current = short_when(visit.slot.starts_at) if moving and visit.slot else None
    return say_fitting(
        "visit_offer", slots=slots, kind=_kind_label(visit), current=current, taken=taken
    )


def _actor(channel, visit: Visit) -> str:
    return f"phone:{channel.phone}" if visit.employee_id is None else f"employee:{channel.phone}"


def _book_pick(session: Session, channel, state: DialogueState, visit: Visit | None, now) -> str:
    answers = state.answers
    moving = state.journey == MOVE.name
    still_open = VisitStatus.BOOKED if moving else VisitStatus.REQUESTED
    if visit is None or visit.status not in (still_open, VisitStatus.BOOKED):
        _end(session, state)
        return say("visit_no_appointment")
    if not moving and visit.status == VisitStatus.BOOKED:  # booked meanwhile (web, staff)
        _end(session, state)
        return say_fitting("visit_already", slot=visit.slot)
    slot = session.get(Slot, answers["_slots"][answers["pick"] - 1])
    try:
        booking.book(session, _actor(channel, visit), visit, slot, now)
    except booking.BookingError:  # taken meanwhile, or no longer bookable: the next ones
        return _offer(session, channel, state, visit, now, taken=True)
    _end(session, state)
    return say_fitting("visit_confirmed", slot=slot, visit=visit, moved=moving)


def _finish_cancel(session: Session, channel, state: DialogueState, visit: Visit | None, now):
    _end(session, state)
    if visit is None or visit.status != VisitStatus.BOOKED or visit.slot.starts_at <= now:
        return say("visit_no_appointment")
    if not state.answers.get("confirm"):
        return say("visit_cancel_kept")
    booking.cancel(session, _actor(channel, visit), visit, now, reason="sms")
    return say("visit_cancel_done")
