"""Visits as journeys (SPEC 4.6, 5): `BOOK` requests a visit and offers its first free slots (a
pré-reprise asks the start of the sick leave first), `MOVE` offers other slots for the next
appointment, `CANCEL` asks before cancelling it. Played by SMS and by the web chat of a person
whose phone is proven (`context.phone`); everything is done by the services.

The effects between the answers keep their findings in the answers (JSON, in the conversation's
row): `_choices` the ways the person is followed, `_who` the only one (else the answer `who`),
`_type` the visit type asked for (a pré-reprise), `_visit` the request or the visit, `_slots` the
slot ids offered in their order (an answer `2` books exactly the slot listed second), `_current`
the slot a move leaves, `_taken` when the slot picked was taken meanwhile.

A number the worker never proved reaches only what the employer who typed it knows anyway
(`assistant.services.identity`): a request from it goes to the team, and the answer tells nothing
more. Messages name slots and visits by id; each player renders them for its channel.
"""

from __future__ import annotations

import re
from datetime import date

from rapidfuzz import fuzz

from dialogs.engine import Answers, Context, Journey, Outcome, Question, effect
from dialogs.parsing import Choice, Reprompt, fold, parse_date
from dialogs.text import _l

OFFERED = 3  # slots offered at once


# --- what the person typed --------------------------------------------------------------------

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


def _keep(context: Context, *rows) -> None:
    """The session holds what it loaded weakly: the rows this turn found stay loaded until the
    reply names them by id, so that the player reads them again without a second SELECT."""
    context.turn.setdefault("rows", []).extend(row for row in rows if row is not None)


# --- who is writing ---------------------------------------------------------------------------


def _identities(context: Context):
    """The ways the proven phone's owner is followed, looked up once per turn."""
    from assistant.services import identity

    cached = context.turn.get("identities")
    if cached is None or cached[0] != context.phone:
        cached = (context.phone, identity.identities(context.session, context.phone, context.today))
        context.turn["identities"] = cached
    return cached[1]


def _identity(answers: Answers, context: Context):
    key = answers.get("who") or answers.get("_who")
    return next((i for i in _identities(context) if i.key == key), None)


def _identify(answers: Answers, context: Context) -> Answers | Outcome:
    """Who writes: nobody known ends the journey with how to become known."""
    from assistant.services import identity

    if context.phone is None:  # a channel that proves no phone (the anonymous chat)
        return Outcome("visit_chat")
    found = _identities(context)
    if not found:
        employer = identity.holder(context.session, context.phone, context.today).is_employer
        return Outcome("visit_employer_only" if employer else "visit_unknown")
    answers = {**answers, "_choices": [[i.key, i.label()] for i in found]}
    if len(found) == 1:
        answers["_who"] = found[0].key
    return answers


def _find_next(answers: Answers, context: Context) -> Answers | Outcome:
    """The next appointment, whichever way the person is followed (to move or cancel)."""
    from assistant.services import identity

    found = _identify(answers, context)
    if isinstance(found, Outcome):
        return found
    visit = identity.next_visit(context.session, _identities(context), context.now)
    if visit is None:
        return Outcome("visit_no_appointment")
    _keep(context, visit, visit.slot)
    return {**found, "_visit": visit.id, "_current": visit.slot_id}


# --- booking ----------------------------------------------------------------------------------


def _not_booked_yet(answers: Answers, context: Context) -> Answers | Outcome | None:
    """A visit of this kind already booked is told (before any question about it)."""
    from assistant.services import identity

    who = _identity(answers, context)
    if who is None:  # left meanwhile
        return Outcome("visit_unknown")
    booked = identity.booked_visit(context.session, who, context.now, answers.get("_type"))
    if booked is not None:
        _keep(context, booked.slot)
        return Outcome("visit_already", {"slot": booked.slot_id})
    return None


def _wanted(who, answers: Answers, context: Context):
    """What is asked for: a pré-reprise from the stoppage's start; otherwise an independent's
    most urgent due visit, else a visit on request."""
    from assistant.services import booking, due, visit_rules

    if answers.get("_type") == "pre_reprise":
        return booking.Request(
            visit_type="pre_reprise",
            requested_by=who.requester,
            event_date=date.fromisoformat(answers["since"]),
        )
    if who.employee is None:
        for item in due.worker_due(context.session, who.member, context.today):
            if "independent" in visit_rules.get(item.visit_type).requesters:
                return booking.Request(
                    visit_type=item.visit_type,
                    requested_by="independent",
                    due_from=item.window.due_from,
                    due_by=item.window.due_by,
                )
    return booking.Request(visit_type="demande", requested_by=who.requester)


def _request(answers: Answers, context: Context) -> Answers | Outcome:
    """The request waiting already, or a new one. From a number the worker never proved, the
    team handles it and the answer tells nothing more."""
    from assistant.services import booking, identity

    who = _identity(answers, context)
    if who is None:
        return Outcome("visit_unknown")
    visit = identity.waiting_request(context.session, who, answers.get("_type"))
    if visit is None:
        try:
            visit = booking.request_visit(
                context.session,
                who.actor(context.phone),
                member=who.member,
                employee=who.employee,
                request=_wanted(who, answers, context),
                now=context.now,
                auto=False,
            )
        except booking.NotAllowed as refused:
            return Outcome("visit_refused", {"reason": refused.message})
        if not who.proven:
            booking.queue_for_staff(context.session, who.actor(context.phone), visit, context.now)
            return Outcome("visit_team")
    _keep(context, visit)
    return {**answers, "_visit": visit.id}


def _actor(visit, context: Context) -> str:
    return f"phone:{context.phone}" if visit.employee_id is None else f"employee:{context.phone}"


def _visit(answers: Answers, context: Context):
    from assistant.models import Visit

    return context.session.get(Visit, answers["_visit"]) if "_visit" in answers else None


def _offer(answers: Answers, context: Context) -> Answers | Outcome:
    """The next compatible slots, to pick from; with none, a request goes to the staff (or is
    placed, when a slot freed meanwhile) and a move keeps its slot."""
    from assistant.models import VisitStatus
    from assistant.services import booking

    visit = _visit(answers, context)
    moving = "_current" in answers
    slots = booking.compatible_slots(
        context.session,
        visit,
        now=context.now,
        limit=OFFERED,
        exclude_slot=visit.slot_id if moving else None,
    )
    taken = bool(answers.get("_taken"))
    _keep(context, visit, *slots)
    if not slots:
        if moving:
            return Outcome("visit_no_other_slot", {"slot": visit.slot_id, "taken": taken})
        booking.place_automatically(context.session, _actor(visit, context), visit, context.now)
        if visit.status == VisitStatus.BOOKED:  # a slot freed meanwhile within the window
            return Outcome("visit_confirmed", {"slot": visit.slot_id, "visit": visit.id})
        return Outcome("visit_queued", {"taken": taken})
    return {**answers, "_slots": [slot.id for slot in slots], "_kind": visit.visit_type}


def _offer_values(answers) -> dict:
    return {
        "slots": list(answers.get("_slots", ())),
        "kind": answers.get("_kind"),
        "current": answers.get("_current"),
        "taken": bool(answers.get("_taken")),
    }


def _book(answers: Answers, context: Context) -> Outcome:
    """Book (or move into) the slot picked; taken meanwhile, the next ones are offered."""
    from assistant.models import Slot, VisitStatus
    from assistant.services import booking

    visit = _visit(answers, context)
    moving = "_current" in answers
    still_open = VisitStatus.BOOKED if moving else VisitStatus.REQUESTED
    if visit is None or visit.status not in (still_open, VisitStatus.BOOKED):
        return Outcome("visit_no_appointment")
    if not moving and visit.status == VisitStatus.BOOKED:  # booked meanwhile (web, staff)
        _keep(context, visit)
        return Outcome("visit_already", {"slot": visit.slot_id})
    slot = context.session.get(Slot, answers["_slots"][answers["pick"] - 1])
    _keep(context, visit, slot)
    try:
        booking.book(context.session, _actor(visit, context), visit, slot, context.now)
    except booking.BookingError:  # taken meanwhile, or no longer bookable: offered again
        again = {k: v for k, v in answers.items() if k not in ("pick", "_slots", "_offer")}
        return Outcome(then=(MOVE.name if moving else BOOK.name, {**again, "_taken": True}))
    return Outcome("visit_confirmed", {"slot": slot.id, "visit": visit.id, "moved": moving})


def _queue_request(answers: Answers, context: Context) -> None:
    """Answers not understood: the request waits in the staff queue meanwhile, so that staff who
    call back find it (the person may still answer)."""
    from assistant.models import VisitStatus
    from assistant.services import booking

    visit = _visit(answers, context)
    if visit is not None and visit.status == VisitStatus.REQUESTED:
        booking.queue_for_staff(context.session, visit.actor, visit, context.now)


def _cancel(answers: Answers, context: Context) -> Outcome:
    """Only a booked visit still to come is cancelled, and only on a yes."""
    from assistant.models import VisitStatus
    from assistant.services import booking

    visit = _visit(answers, context)
    if visit is None or visit.status != VisitStatus.BOOKED or visit.slot.starts_at <= context.now:
        return Outcome("visit_no_appointment")
    if not answers.get("confirm"):
        return Outcome("visit_cancel_kept")
    booking.cancel(context.session, _actor(visit, context), visit, context.now, reason="sms")
    return Outcome("visit_cancel_done")


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
PICK = Question(
    "pick",
    "pick",
    _l("Quel créneau ?"),
    parse=parse_pick,
    check=_check_pick,
    say="visit_offer",
    values=_offer_values,
)
CONFIRM = Question(
    "confirm",
    "yesno",
    _l("Répondez OUI pour annuler."),
    say="visit_cancel_ask",
    values=lambda answers: {"slot": answers.get("_current")},
)

BOOK = Journey(
    "visit_book",
    _l("Prendre rendez-vous"),
    (
        effect("_identified", _identify),
        WHO,
        effect("_not_booked", _not_booked_yet),
        SINCE,
        effect("_requested", _request),
        effect("_offer", _offer),
        PICK,
    ),
    _book,
    on_give_up=_queue_request,
)
MOVE = Journey(
    "visit_move",
    _l("Déplacer un rendez-vous"),
    (effect("_found", _find_next), effect("_offer", _offer), PICK),
    _book,
)
CANCEL = Journey(
    "visit_cancel",
    _l("Annuler un rendez-vous"),
    (effect("_found", _find_next), CONFIRM),
    _cancel,
)
JOURNEYS = {journey.name: journey for journey in (BOOK, MOVE, CANCEL)}
