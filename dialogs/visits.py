"""Visits as journeys (SPEC 4.6, 5): `BOOK` requests a visit and offers its first free slots (a
pré-reprise asks the start of the sick leave first), `MOVE` offers other slots for the next
appointment, `CANCEL` asks before cancelling it. Played by SMS and by the web chat of a person
whose phone is proven (`context.phone`), and, for the pick and the cancellation, by the slot and
cancel pages of the employer's and the employee's spaces; everything is done by the services.

Who writes, and the request, are found by the effects of `visit_identity.py`. The request itself
is `dialogs/visit_request.py`'s: the same stoppage question (`SINCE`), the same reading of the
answers (`visit_request.wanted`) and the same call to the service (`visit_request.ask`: refused,
or handed to the team from a number the worker never proved).

A web page is its own effects: it lists the slots itself (more than `OFFERED`, page by page, by
place) and gives the journey the visit in `_visit` (and the slot a move leaves in `_current`),
the ids it listed in `_slots` and the pick; then `finish` books or cancels as by text. Who acts
is `context.actor` when no phone is proven (a signed-in account); `context.extra["offered"]`
lists more slots at once than `OFFERED`; `_requester` (employer, independent: the member's
space) asks why a visit is cancelled.

The effects between the answers keep their findings in the answers (JSON, in the conversation's
row): `_choices` the ways the person is followed, `_who` the only one (else the answer `who`),
`_type` the visit type asked for (a pré-reprise), `_visit` the request or the visit, `_slots` the
slot ids offered in their order (an answer `2` books exactly the slot listed second), `_current`
the slot a move leaves, `_taken` when the slot picked was taken meanwhile. By text, the person
may answer when they would rather come instead of a number ("mardi après-midi", "plus tard"):
the offer starts again with `_wish` (`assistant.core.when_wished`), later than `_last` (the
latest slot offered), and `_missed` says that nothing fitted (the nearest are offered).

A number the worker never proved reaches only what the employer who typed it knows anyway
(`assistant.services.workforce.phone_reach`): a request from it goes to the team, and the answer
tells nothing more. Messages name slots and visits by id; each player renders them for its channel.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from assistant.core.parsing import Choice, Reprompt
from assistant.core.text import _l
from assistant.core.when_wished import Window, Wish
from dialogs import visit_request
from dialogs.engine import Answers, Context, Journey, Outcome, Question, effect
from dialogs.visit_identity import (
    find_next,
    identify,
    keep,
    not_booked_yet,
    reprise_required,
    waiting_or_new,
)
from dialogs.visit_picks import (
    NOT_A_PICK,
    answer_hint,
    parse_pick_or_wish,
    when_hint,
)
from dialogs.visit_request_checks import LONG_ENOUGH, STOPPAGE_TYPES

OFFERED = 3  # slots offered at once, unless the player lists more (`context.extra["offered"]`)
CANCEL_REASON_MAX = 500


# --- what the person typed (dialogs/visit_picks.py) -------------------------------------------


def _check_pick(value: int | dict, answers: Answers, context: Context) -> int | dict:
    count = len(answers.get("_slots", ()))
    if isinstance(value, dict):  # a wish: other slots are offered (`_book`)
        return value
    if value == NOT_A_PICK:
        raise Reprompt(when_hint(count))
    if not 1 <= value <= count:
        raise Reprompt(answer_hint(count))
    return value


def _parse_cancel_reason(raw: str) -> str:
    text = (raw or "").strip()
    if len(text) > CANCEL_REASON_MAX:
        raise Reprompt(_l("%(max)s caractères au plus.", max=CANCEL_REASON_MAX))
    return text


def _who_choices(answers: Answers, context: Context) -> list[Choice]:
    return [Choice(key, label) for key, label in answers.get("_choices", ())]


# --- the slots offered, booked, cancelled -----------------------------------------------------


def _actor(visit, context: Context):
    """Who acts: the phone the channel proves, as the worker's label; else the signed-in
    account the player gives (`context.actor`)."""
    if context.phone is None:
        return context.actor
    return f"phone:{context.phone}" if visit.employee_id is None else f"employee:{context.phone}"


def _by_sms(context: Context) -> str | None:
    """The phone this turn came from by SMS: its reply tells the booking, no second SMS."""
    return context.phone if context.extra.get("channel") == "sms" else None


def _visit(answers: Answers, context: Context):
    from assistant.models import Visit

    return context.session.get(Visit, answers["_visit"]) if "_visit" in answers else None


def slots_to_offer(visit, context: Context, *, moving: bool, window=None) -> list:
    """The compatible free slots: a page that lists more (`context.extra["offered"]`), the
    first ones; a text message, `OFFERED` of them spread over several days (within `window`
    when the person said when); a move leaves out the slot it would leave."""
    from assistant.services.visits import slot_offers

    exclude = visit.slot_id if moving else None
    if "offered" in context.extra:
        return slot_offers.compatible_slots(
            context.session,
            visit,
            now=context.now,
            limit=context.extra["offered"],
            exclude_slot=exclude,
        )
    return slot_offers.spread_slots(
        context.session,
        visit,
        now=context.now,
        count=OFFERED,
        window=window,
        exclude_slot=exclude,
    )


def _wished(visit, answers: Answers, context: Context, moving: bool) -> tuple[list, bool]:
    """The slots within what the person asked for (`_wish`); none there, the nearest ones
    from there (else from now), and True: the offer says that nothing fits."""
    shown = answers.get("_last")
    after = datetime.fromisoformat(shown) if shown else None
    window = Wish.from_json(answers["_wish"]).window(context.today, after=after)
    slots = slots_to_offer(visit, context, moving=moving, window=window)
    if slots:
        return slots, False
    slots = slots_to_offer(visit, context, moving=moving, window=Window(start=window.start))
    return (slots or slots_to_offer(visit, context, moving=moving)), True


def _offer(answers: Answers, context: Context) -> Answers | Outcome:
    """The next compatible slots, to pick from (within the person's wish, when they said
    when); with none, a request goes to the staff (or is placed, when a slot freed meanwhile)
    and a move keeps its slot."""
    visit = _visit(answers, context)
    moving = "_current" in answers
    missed = False
    if "_wish" in answers:
        slots, missed = _wished(visit, answers, context, moving)
    else:
        slots = slots_to_offer(visit, context, moving=moving)
    taken = bool(answers.get("_taken"))
    keep(context, visit, *slots)
    if not slots:
        if moving:
            return Outcome("visit_no_other_slot", {"slot": visit.slot_id, "taken": taken})
        return place_for_the_person(visit, context, taken=taken)
    found = {k: v for k, v in answers.items() if k not in ("_wish", "_missed")}
    return {
        **found,
        "_slots": [slot.id for slot in slots],
        "_kind": visit.visit_type,
        # whose words name it: an independent's visit is not a hiring (visit_types.csv)
        "_named": "independent" if visit.employee_id is None else "worker",
        "_last": max(slot.starts_at for slot in slots).isoformat(),
        **({"_missed": True} if missed else {}),
    }


def place_for_the_person(visit, context: Context, *, taken: bool = False) -> Outcome:
    """No slot picked (none listed, or none suits the person): the first compatible one in the
    window is booked (a slot freed meanwhile), else the team places the request."""
    from assistant.models import VisitStatus
    from assistant.services.visits import visit_requests

    visit_requests.place_automatically(
        context.session, _actor(visit, context), visit, context.now, answered=_by_sms(context)
    )
    if visit.status == VisitStatus.BOOKED:
        return Outcome("visit_confirmed", {"slot": visit.slot_id, "visit": visit.id})
    return Outcome("visit_queued", {"taken": taken})


def _offer_values(answers) -> dict:
    return {
        "slots": list(answers.get("_slots", ())),
        "kind": answers.get("_kind"),
        "named": answers.get("_named", "worker"),
        "current": answers.get("_current"),
        "taken": bool(answers.get("_taken")),
        "missed": bool(answers.get("_missed")),
    }


def _book(answers: Answers, context: Context) -> Outcome:
    """Book (or move into) the slot picked; taken meanwhile (or no longer bookable), the next
    ones are offered again, and the values say why (`reason`, `taken`) to a player that shows
    it."""
    from assistant.models import Slot, VisitStatus
    from assistant.services.visits import booking

    visit = _visit(answers, context)
    moving = "_current" in answers
    if isinstance(answers.get("pick"), dict):  # said when instead: slots from there
        again = {k: v for k, v in answers.items() if k not in ("pick", "_slots", "_offer")}
        again.pop("_taken", None)
        return Outcome(
            then=(MOVE.name if moving else BOOK.name, {**again, "_wish": answers["pick"]["wish"]})
        )
    still_open = VisitStatus.BOOKED if moving else VisitStatus.REQUESTED
    if visit is None or visit.status not in (still_open, VisitStatus.BOOKED):
        return Outcome("visit_no_appointment")
    if not moving and visit.status == VisitStatus.BOOKED:  # booked meanwhile (web, staff)
        keep(context, visit)
        return Outcome("visit_already", {"slot": visit.slot_id})
    slot = context.session.get(Slot, answers["_slots"][answers["pick"] - 1])
    keep(context, visit, slot)
    try:
        if slot is None:  # deleted meanwhile (a planning changed)
            raise booking.NotAllowed(_l("Ce créneau n'est plus disponible."))
        booking.book(
            context.session,
            _actor(visit, context),
            visit,
            slot,
            context.now,
            answered=_by_sms(context),
        )
    except booking.BookingError as refused:  # taken meanwhile, or no longer bookable
        again = {k: v for k, v in answers.items() if k not in ("pick", "_slots", "_offer")}
        return Outcome(
            values={"reason": refused.message, "taken": isinstance(refused, booking.SlotTaken)},
            then=(MOVE.name if moving else BOOK.name, {**again, "_taken": True}),
        )
    return Outcome("visit_confirmed", {"slot": slot.id, "visit": visit.id, "moved": moving})


def _queue_request(answers: Answers, context: Context) -> None:
    """Answers not understood: the request waits in the staff queue meanwhile, so that staff who
    call back find it (the person may still answer)."""
    from assistant.models import VisitStatus
    from assistant.services.visits import visit_requests

    visit = _visit(answers, context)
    if visit is not None and visit.status == VisitStatus.REQUESTED:
        visit_requests.queue_for_staff(context.session, visit.actor, visit, context.now)


def _cancel(answers: Answers, context: Context) -> Outcome:
    """Only a request, or a booked visit still to come, is cancelled, and only on a yes; with
    the reason given (the member's space), else the channel's note (`context.extra
    ["cancel_note"]`, "sms" by text)."""
    from assistant.models import VisitStatus
    from assistant.services.visits import booking

    visit = _visit(answers, context)
    waiting = visit is not None and visit.status == VisitStatus.REQUESTED
    to_come = (
        visit is not None
        and visit.status == VisitStatus.BOOKED
        and visit.slot.starts_at > context.now
    )
    if not (waiting or to_come):
        return Outcome("visit_no_appointment")
    if not answers.get("confirm"):
        return Outcome("visit_cancel_kept")
    note = answers["reason"] if "reason" in answers else context.extra.get("cancel_note", "sms")
    booking.cancel(context.session, _actor(visit, context), visit, context.now, reason=note)
    return Outcome("visit_cancel_done")


WHO = Question(
    "who",
    "choice",
    _l("Pour quel emploi ?"),
    choices=_who_choices,
    when=lambda answers: len(answers.get("_choices", ())) > 1,
)
# the request's stoppage questions; by text a stoppage too short, its end not given (PASSER),
# ends the journey (the service refuses the request: `visit_refused`)
SINCE = replace(
    visit_request.STOPPAGE_START, when=lambda answers: answers.get("_type") in STOPPAGE_TYPES
)
# its expected end, asked only when the stoppage so far is too short (R4624-29)
UNTIL = replace(
    visit_request.STOPPAGE_END,
    when=lambda answers: answers.get("_type") in STOPPAGE_TYPES and not answers.get(LONG_ENOUGH),
)
# a reprise by text (`RDV REPRISE`): the request's own questions (R4624-31; an independent's
# whatever the length, the CIAMT offer)
RETURN, CAUSE, DAYS = (
    replace(
        visit_request.REQUEST.question(key),
        when=lambda answers: answers.get("_type") == visit_request.REPRISE,
        **({"check": reprise_required} if key == "absence_days" else {}),
    )
    for key in ("return_date", "absence_cause", "absence_days")
)
PICK = Question(
    "pick",
    "pick",
    _l("Quel créneau ?"),
    parse=parse_pick_or_wish,
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
REASON = Question(
    "reason",
    "text",
    _l("Motif de l'annulation (facultatif)"),
    parse=_parse_cancel_reason,
    optional=True,
    when=lambda answers: answers.get("_requester") in ("employer", "independent"),
    step="annulation",
)

BOOK = Journey(
    "visit_book",
    _l("Prendre rendez-vous"),
    (
        effect("_identified", identify),
        WHO,
        effect("_not_booked", not_booked_yet),
        SINCE,
        UNTIL,
        RETURN,
        CAUSE,
        DAYS,
        effect("_requested", waiting_or_new),
        effect("_offer", _offer),
        PICK,
    ),
    _book,
    on_give_up=_queue_request,
)
MOVE = Journey(
    "visit_move",
    _l("Déplacer un rendez-vous"),
    (effect("_found", find_next), effect("_offer", _offer), PICK),
    _book,
)
CANCEL = Journey(
    "visit_cancel",
    _l("Annuler un rendez-vous"),
    (effect("_found", find_next), REASON, CONFIRM),
    _cancel,
)
JOURNEYS = {journey.name: journey for journey in (BOOK, MOVE, CANCEL)}
