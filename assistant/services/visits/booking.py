"""Booking a visit into a slot, moving it, cancelling it, noting a no-show, and the refusals
(`BookingError`). The booking relies on the partial unique index `uq_visit_slot_taken`, not on a
look beforehand, so that of two people taking the same slot at the same moment, on any database,
exactly one wins and the other gets `SlotTaken`; every change is written in the visit's history
(`history_event`) and audited, and the worker is told (convocation, cancellation)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.core.text import _l
from assistant.models import Slot, Visit, VisitStatus
from assistant.services import audit
from assistant.services.visits import notices, visit_type_table
from assistant.services.visits.slot_offers import holds, modalities_for, performers_for


class BookingError(Exception):
    """A booking refused; `message` is for the user, in their language."""

    def __init__(self, message):
        super().__init__(message)  # lazy: translated when shown, in the user's language
        self.message = message


class SlotTaken(BookingError):
    def __init__(self):
        super().__init__(_l("Ce créneau vient d'être pris. Choisissez-en un autre."))


class NotAllowed(BookingError):
    pass


def check_compatible(session: Session, visit: Visit, slot: Slot, now: datetime) -> None:
    kind = visit_type_table.get(visit.visit_type)
    if slot.blocked or slot.starts_at <= now:
        raise NotAllowed(_l("Ce créneau n'est plus disponible."))
    if not holds(slot.staff, performers_for(session, visit, now)):
        raise NotAllowed(_l("Ce professionnel ne peut pas assurer ce type de visite."))
    if slot.modality not in modalities_for(session, visit):
        if (
            slot.modality == "tele"
            and visit.modality in (None, "tele")
            and "tele" in kind.modalities
        ):
            # R4624-41-1: by video only with the worker's prior consent, recorded
            raise NotAllowed(
                _l(
                    "Une téléconsultation demande l'accord préalable du travailleur : "
                    "choisissez un créneau en personne."
                )
            )
        raise NotAllowed(_l("Cette visite ne peut pas se faire à cet endroit ou de cette façon."))
    if slot.minutes < kind.minutes:
        raise NotAllowed(_l("Ce créneau est trop court pour cette visite."))


def book(
    session: Session, actor, visit: Visit, slot: Slot, now: datetime, *, answered: str | None = None
) -> Visit:
    """Book (or move) a visit into a slot. The database decides who had it first.
    `answered`: the phone whose SMS asked for it, whose reply is the confirmation (it gets no
    second SMS of the same news)."""
    if visit.status not in (VisitStatus.REQUESTED, VisitStatus.BOOKED):
        raise NotAllowed(_l("Cette visite ne peut plus être modifiée."))
    check_compatible(session, visit, slot, now)
    moved_from = visit.slot_id if visit.status == VisitStatus.BOOKED else None
    if moved_from == slot.id:
        return visit
    try:
        with session.begin_nested():
            # the whole booking in one UPDATE, the convocation queued below included (it is
            # written in this transaction, or nothing is)
            visit.slot_id = slot.id
            visit.slot = slot
            visit.status = VisitStatus.BOOKED
            visit.booked_at = now
            visit.queued_at = None
            visit.reminder_queued_at = None
            visit.convocation_sent_at = now
            visit.history = [
                *visit.history,
                history_event(now, actor, "moved" if moved_from else "booked", slot),
            ]
            session.flush()
    except IntegrityError:
        session.refresh(visit)
        raise SlotTaken() from None
    audit.record(session, actor, "move" if moved_from else "book", "visit", visit.id, str(slot.id))
    notices.convocation(session, visit, moved=moved_from is not None, answered=answered)
    return visit


def cancel(session: Session, actor, visit: Visit, now: datetime, reason: str | None = None):
    if visit.status not in (VisitStatus.REQUESTED, VisitStatus.BOOKED):
        raise NotAllowed(_l("Cette visite ne peut plus être annulée."))
    was_booked = visit.status == VisitStatus.BOOKED
    visit.status = VisitStatus.CANCELLED
    visit.cancelled_at = now
    visit.cancelled_by = audit.actor_label(actor)
    visit.queued_at = None
    visit.history = [*visit.history, history_event(now, actor, "cancelled", visit.slot, reason)]
    session.flush()
    audit.record(session, actor, "cancel", "visit", visit.id, reason)
    if was_booked:
        notices.cancellation(session, visit)
    return visit


def record_no_show(session: Session, actor, visit: Visit, now: datetime) -> Visit:
    if visit.status != VisitStatus.BOOKED or visit.slot.starts_at > now:
        raise NotAllowed(_l("Seule une visite passée peut être notée comme manquée."))
    visit.status = VisitStatus.NO_SHOW
    visit.history = [*visit.history, history_event(now, actor, "no_show", visit.slot)]
    audit.record(session, actor, "no_show", "visit", visit.id)
    return visit


def history_event(now: datetime, actor, what: str, slot: Slot | None = None, note=None) -> dict:
    """One entry of a visit's history: when, by whom, what (and the slot, a note)."""
    event = {"at": now.isoformat(), "by": audit.actor_label(actor), "what": what}
    if slot is not None:
        event["slot"] = slot.id
        event["starts_at"] = slot.starts_at.isoformat()
    if note:
        event["note"] = note
    return event
