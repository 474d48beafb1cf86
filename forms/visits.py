"""The web player of the visit journeys (`dialogs/visits.py`): a slot page's pick and a cancel
page's yes, checked and ended by the journeys' questions and endings, as by text.

A slot page lists the slots itself (page by page, by place, more than a text message holds: it
is the journey's offer) and sends back the ids it listed, in their order, in a hidden field
(`LISTED`); the person's pick is the slot they chose among them. The journey books the slot
listed at that position, or says why not (taken meanwhile: offered again). A cancel page's
button is the yes; the member's space also gives the reason asked. The views keep every access
check (whose visit, still changeable, organised by the team) and render the `Outcome`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import DataRequired

from dialogs.engine import Context, Outcome
from dialogs.visits import BOOK, CANCEL, CONFIRM, MOVE, PICK

LISTED = "listed"  # the hidden field with the ids of the slots a page listed
MOST_LISTED = 200
LARGEST_ID = 2_147_483_647  # an INTEGER column on PostgreSQL


def listed_value(slots: Iterable) -> str:
    """The hidden field's value: the ids of the slots the page lists, in order."""
    return " ".join(str(slot.id) for slot in slots)


def listed(formdata: Mapping, picked: int | None) -> list[int]:
    """The slot ids the page listed. A form without them (a page of an older version) listed
    only the slot it sends."""
    words = (formdata.get(LISTED) or "").split()[:MOST_LISTED]
    ids = [int(word) for word in words if word.isdigit() and int(word) <= LARGEST_ID]
    if not ids and picked is not None and 0 < picked <= LARGEST_ID:
        ids = [picked]
    return ids


def journey_answers(visit, *, moving: bool, **more) -> dict:
    """What the page found, as the journeys' effects would have: the visit, and for a move the
    slot it leaves."""
    answers = {"_visit": visit.id, **more}
    if moving:
        answers["_current"] = visit.slot_id
    return answers


def pick(visit, slot_ids: list[int], picked: int | None, *, moving: bool, context: Context):
    """Book (or move into) the slot picked among those listed: `BOOK`'s or `MOVE`'s pick and
    ending. Raises `Reprompt` when the slot is not one the page listed."""
    journey = MOVE if moving else BOOK
    answers = journey_answers(visit, moving=moving, _slots=slot_ids)
    position = slot_ids.index(picked) + 1 if picked in slot_ids else 0
    answers = journey.accept(answers, PICK, str(position), context)
    return journey.finish(answers, context)


def cancel(visit, context: Context, answers: dict | None = None) -> Outcome:
    """Cancel on the page's yes: `CANCEL`'s confirmation and ending (with the answers the page
    gave already, e.g. the member's reason)."""
    answers = answers if answers is not None else journey_answers(visit, moving=False)
    answers = CANCEL.accept(answers, CONFIRM, "oui", context)
    return CANCEL.finish(answers, context)


def offered_again(outcome: Outcome) -> bool:
    """The slot picked could not be booked (taken meanwhile, no longer bookable): the journey
    offers the slots again, and says why (`values["reason"]`, `values["taken"]`)."""
    return outcome.then is not None and "reason" in outcome.values


class SlotButtonForm(FlaskForm):
    """The slot picked: each slot is a submit button carrying its id."""

    slot = IntegerField(validators=[DataRequired()])
