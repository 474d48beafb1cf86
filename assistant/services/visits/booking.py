"""Visits: requests, the search for compatible free slots, booking, moving and cancelling.

A slot is compatible with a visit when its professional's role may perform the visit type, its
modality is allowed for the type (and the one wished, if any), it is long enough, not blocked,
in the future and free. "Free" is only a hint when searching: the booking itself relies on the
partial unique index `uq_visit_slot_taken`, so that of two people taking the same slot at the same
moment, on any database, exactly one wins and the other gets `SlotTaken`.

Visits asked by an employee without telling the employer (`confidential`) never appear in what
the employer's space reads: every employer-facing query goes through `employer_visits`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager

from assistant.core.text import _l
from assistant.core.timeutil import PARIS
from assistant.models import Employee, Member, Slot, StaffUser, Visit, VisitStatus
from assistant.models.visit import holds_slot
from assistant.services import audit
from assistant.services.visits import notices, visit_rules

# without a regulatory deadline, a request is placed automatically only in this horizon
AUTO_HORIZON = timedelta(weeks=8)
# a slot must start at least this long after now to be offered (time to receive the convocation)
LEAD_TIME = timedelta(hours=2)


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


@dataclass(frozen=True)
class Request:
    """What someone asks for; the window is computed from it by the rules."""

    visit_type: str
    requested_by: str  # employer, employee, independent, staff
    reason: str | None = None
    event_date: date | None = None  # return to work (reprise), start of the stoppage (pré-reprise)
    absence_cause: str | None = None
    absence_days: int | None = None
    modality: str | None = None
    due_from: date | None = None  # already known (visits to plan)
    due_by: date | None = None


def window_for(request: Request, today: date) -> tuple[date | None, date | None]:
    """The regulatory window of a request, or (None, None) when the rules set none."""
    code = request.visit_type
    if code == "reprise" and request.event_date is not None:
        found = visit_rules.reprise(
            request.event_date, request.absence_cause or "illness", request.absence_days or 0
        )
        if found is None:
            raise NotAllowed(
                _l(
                    "Une visite de reprise n'est obligatoire qu'après un congé de maternité, une "
                    "maladie professionnelle, un accident du travail d'au moins 30 jours ou une "
                    "maladie d'au moins 60 jours. Demandez plutôt une visite à la demande."
                )
            )
        return found.due_from, found.due_by
    if code in ("pre_reprise", "liaison") and request.event_date is not None:
        rule = visit_rules.pre_reprise if code == "pre_reprise" else visit_rules.liaison
        found = rule(request.event_date, today)
        if found is None:
            raise NotAllowed(
                _l("Cette visite est possible pendant un arrêt de travail de plus de 30 jours.")
            )
        return found.due_from, found.due_by
    return request.due_from, request.due_by


def request_visit(
    session: Session,
    actor,
    *,
    member: Member,
    employee: Employee | None,
    request: Request,
    now: datetime,
    auto: bool = True,
    none_open: bool = False,
) -> Visit:
    """Record a request; place it at once in the first compatible slot when the rules allow
    (a free slot within the regulatory window), else put it in the staff queue.

    The one place a visit request is created. A worker has at most one open request of a type
    (a partial unique index): asking again returns the open one, marked `reused`, whoever asked
    it first and whatever the concurrency. `none_open`: the caller has just looked and found
    no open request of this worker, so it is not looked up again (the index still decides)."""
    kind = visit_rules.get(request.visit_type)
    if request.requested_by not in kind.requesters:
        raise NotAllowed(_l("Cette visite ne peut pas être demandée ainsi."))
    if employee is not None and employee.member_id != member.id:
        raise NotAllowed(_l("Ce salarié n'est pas dans vos effectifs."))
    today = now.astimezone(PARIS).date()
    due_from, due_by = window_for(request, today)
    if request.modality is not None and not visit_rules.allows(kind.code, request.modality):
        raise NotAllowed(_l("Cette visite ne peut pas se faire de cette façon."))
    waiting = None if none_open else open_request(session, member.id, employee, kind.code)
    if waiting is not None:
        waiting.reused = True
        return waiting
    visit = Visit(
        member_id=member.id,
        employee_id=employee.id if employee is not None else None,
        visit_type=kind.code,
        status=VisitStatus.REQUESTED,
        reason=request.reason,
        requested_by=request.requested_by,
        actor=audit.actor_label(actor),
        confidential=kind.confidential and request.requested_by == "employee",
        event_date=request.event_date,
        absence_cause=request.absence_cause,
        absence_days=request.absence_days,
        due_from=due_from,
        due_by=due_by,
        modality=request.modality,
        history=[_event(now, actor, "requested")],
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(visit)
            session.flush()
    except IntegrityError:  # another request of this worker and type won meanwhile
        waiting = open_request(session, member.id, employee, kind.code)
        if waiting is None:
            raise
        waiting.reused = True
        return waiting
    audit.record(session, actor, "create", "visit", visit.id, kind.code)
    if request.requested_by == "employee":
        notices.employee_request(session, visit, now)
    if auto:
        place_automatically(session, actor, visit, now)
    return visit


def open_request(
    session: Session, member_id: int, employee: Employee | None, visit_type: str
) -> Visit | None:
    """The worker's request of this type still waiting for a slot (at most one)."""
    query = select(Visit).where(
        Visit.member_id == member_id,
        Visit.visit_type == visit_type,
        Visit.status == VisitStatus.REQUESTED,
    )
    if employee is None:
        query = query.where(Visit.employee_id.is_(None))
    else:
        query = query.where(Visit.employee_id == employee.id)
    return session.scalar(query.limit(1))


def place_automatically(session: Session, actor, visit: Visit, now: datetime) -> bool:
    """Book the first compatible slot within the window (the soonest one when the deadline has
    passed already); otherwise queue the visit for staff.
    A slot taken meanwhile by someone else is skipped (the next one is tried)."""
    today = now.astimezone(PARIS).date()
    latest = visit.due_by
    if latest is None or latest < today:  # no deadline, or already late: the soonest slot
        latest = (now + AUTO_HORIZON).date()
    for _attempt in range(5):
        slots = compatible_slots(session, visit, now=now, limit=1, until=latest)
        if not slots:
            break
        try:
            book(session, actor, visit, slots[0], now)
            return True
        except SlotTaken:
            continue
    queue_for_staff(session, actor, visit, now)
    return False


def queue_for_staff(session: Session, actor, visit: Visit, now: datetime) -> None:
    """Hand a request to the staff queue without booking it: the team places it."""
    if visit.queued_at is None:
        visit.queued_at = now
        visit.history = [*visit.history, _event(now, actor, "queued")]


def compatible_slots(
    session: Session,
    visit: Visit,
    *,
    now: datetime,
    limit: int = 3,
    until: date | None = None,
    centre_id: int | None = None,
    exclude_slot: int | None = None,
    after: datetime | None = None,
    modality: str | None = None,
) -> list[Slot]:
    """The first free slots where this visit may take place, earliest first (from `after` and
    in one `modality` when given, e.g. the filters of the staff queue)."""
    kind = visit_rules.get(visit.visit_type)
    performers = performers_for(session, visit, now)
    modalities = sorted(kind.modalities)
    for wished in (visit.modality, modality):
        if wished is not None:
            modalities = [m for m in modalities if m == wished]
    earliest = max(now + LEAD_TIME, after) if after is not None else now + LEAD_TIME
    if visit.due_from is not None:
        earliest = max(earliest, datetime.combine(visit.due_from, datetime.min.time(), PARIS))
    return find_slots(
        session,
        performers=sorted(performers),
        modalities=modalities,
        minutes=kind.minutes,
        after=earliest,
        until=until,
        centre_id=centre_id,
        limit=limit,
        exclude_slot=exclude_slot,
    )


# the search looks a week ahead, then two months, then anywhere: each step is a small range of
# the slot index whichever plan the database picks (see bench/slot_search.py)
SEARCH_STEPS = (timedelta(days=7), timedelta(days=62))


def find_slots(
    session: Session,
    *,
    performers: Sequence[str],
    modalities: Sequence[str],
    minutes: int,
    after: datetime,
    until: date | None = None,
    centre_id: int | None = None,
    limit: int = 3,
    exclude_slot: int | None = None,
) -> list[Slot]:
    """The first free slots (earliest first) of the given roles and modalities."""
    held = exists().where(Visit.slot_id == Slot.id, holds_slot())
    query = (
        select(Slot)
        .join(StaffUser, StaffUser.id == Slot.staff_id)
        # the professional joined for the search is the one the slot is read with
        .options(contains_eager(Slot.staff))
        .where(
            Slot.blocked.is_(False),
            Slot.minutes >= minutes,
            Slot.modality.in_(modalities),
            StaffUser.role.in_(performers),
            StaffUser.active.is_(True),
            ~held,
        )
        .order_by(Slot.starts_at, Slot.id)
    )
    if centre_id is not None:
        query = query.where(Slot.centre_id == centre_id)
    if exclude_slot is not None:
        query = query.where(Slot.id != exclude_slot)
    end = None
    if until is not None:
        end = datetime.combine(until + timedelta(days=1), datetime.min.time(), PARIS)
    found: list[Slot] = []
    start = after
    for step in (*SEARCH_STEPS, None):
        stop = None if step is None else start + step
        if end is not None and (stop is None or stop > end):
            stop = end
        window = query.where(Slot.starts_at >= start)
        if stop is not None:
            window = window.where(Slot.starts_at < stop)
        found += session.scalars(window.limit(limit - len(found)))
        if len(found) >= limit or stop is None or stop == end:
            break
        start = stop
    return found


def performers_for(
    session: Session, visit: Visit, now: datetime, *, with_health: bool = True
) -> frozenset[str]:
    """The roles that may perform this visit for this worker: a follow-up that asks for the
    médecin du travail (electrical work, CACES; a disabled worker's first visit) narrows the
    type's performers. Health flags count, silently, as in the due dates (`with_health` False:
    from the employer's declaration alone)."""
    kind = visit_rules.get(visit.visit_type)
    employee = visit.employee
    if employee is None or kind.code not in visit_rules.FOLLOW_UP_TYPES:
        return kind.performers
    from assistant.services.followup import followup_categories
    from assistant.services.workforce import employees as workforce
    from assistant.services.workforce import health

    today = now.astimezone(PARIS).date()
    flags = health.flags_for(session, [employee.id]).get(employee.id) if with_health else None
    follow = followup_categories.follow_up(workforce.worker_of(employee), today, flags)
    first = kind.code in ("vip_initiale", "sir_embauche")
    return visit_rules.performers_for(kind.code, follow, first=first)


def organised_by_the_service(session: Session, visit: Visit, now: datetime) -> bool:
    """Does the worker's health situation change who may see them, compared with what the
    employer declared? Then the employer is offered no slot (the professional would tell it
    why): the team places the visit, as it does when no slot fits."""
    if visit.employee is None:
        return False
    return performers_for(session, visit, now) != performers_for(
        session, visit, now, with_health=False
    )


def check_compatible(session: Session, visit: Visit, slot: Slot, now: datetime) -> None:
    kind = visit_rules.get(visit.visit_type)
    if slot.blocked or slot.starts_at <= now:
        raise NotAllowed(_l("Ce créneau n'est plus disponible."))
    if slot.staff.role not in performers_for(session, visit, now):
        raise NotAllowed(_l("Ce professionnel ne peut pas assurer ce type de visite."))
    if slot.modality not in kind.modalities or (
        visit.modality is not None and slot.modality != visit.modality
    ):
        raise NotAllowed(_l("Cette visite ne peut pas se faire à cet endroit ou de cette façon."))
    if slot.minutes < kind.minutes:
        raise NotAllowed(_l("Ce créneau est trop court pour cette visite."))


def book(session: Session, actor, visit: Visit, slot: Slot, now: datetime) -> Visit:
    """Book (or move) a visit into a slot. The database decides who had it first."""
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
                _event(now, actor, "moved" if moved_from else "booked", slot),
            ]
            session.flush()
    except IntegrityError:
        session.refresh(visit)
        raise SlotTaken() from None
    audit.record(session, actor, "move" if moved_from else "book", "visit", visit.id, str(slot.id))
    notices.convocation(session, visit, moved=moved_from is not None)
    return visit


def cancel(session: Session, actor, visit: Visit, now: datetime, reason: str | None = None):
    if visit.status not in (VisitStatus.REQUESTED, VisitStatus.BOOKED):
        raise NotAllowed(_l("Cette visite ne peut plus être annulée."))
    was_booked = visit.status == VisitStatus.BOOKED
    visit.status = VisitStatus.CANCELLED
    visit.cancelled_at = now
    visit.cancelled_by = audit.actor_label(actor)
    visit.queued_at = None
    visit.history = [*visit.history, _event(now, actor, "cancelled", visit.slot, reason)]
    session.flush()
    audit.record(session, actor, "cancel", "visit", visit.id, reason)
    if was_booked:
        notices.cancellation(session, visit)
    return visit


def record_no_show(session: Session, actor, visit: Visit, now: datetime) -> Visit:
    if visit.status != VisitStatus.BOOKED or visit.slot.starts_at > now:
        raise NotAllowed(_l("Seule une visite passée peut être notée comme manquée."))
    visit.status = VisitStatus.NO_SHOW
    visit.history = [*visit.history, _event(now, actor, "no_show", visit.slot)]
    audit.record(session, actor, "no_show", "visit", visit.id)
    return visit


def next_appointment(
    session: Session, *, member_id: int, employee_id: int | None, now: datetime
) -> Visit | None:
    """The worker's next booked visit (an independent: employee_id None)."""
    query = (
        select(Visit)
        .join(Slot, Slot.id == Visit.slot_id)
        .where(
            Visit.member_id == member_id,
            Visit.status == VisitStatus.BOOKED,
            Slot.starts_at > now,
        )
        .order_by(Slot.starts_at)
        .limit(1)
    )
    if employee_id is None:
        query = query.where(Visit.employee_id.is_(None))
    else:
        query = query.where(Visit.employee_id == employee_id)
    return session.scalar(query)


def employer_visits(session: Session, member_id: int, statuses=None) -> list[Visit]:
    """The visits an employer may see: never the confidential ones."""
    query = select(Visit).where(Visit.member_id == member_id, Visit.confidential.is_(False))
    if statuses is not None:
        query = query.where(Visit.status.in_(list(statuses)))
    return list(session.scalars(query.order_by(Visit.created_at.desc(), Visit.id.desc())))


def employer_visit(session: Session, member_id: int, visit_id: int) -> Visit | None:
    """One visit of this employer, or None (another member's, or confidential: not theirs)."""
    visit = session.get(Visit, visit_id)
    if visit is None or visit.member_id != member_id or visit.confidential:
        return None
    return visit


def queue(session: Session) -> list[Visit]:
    """Unplaced requests, most urgent first (deadline, then age)."""
    rows = session.scalars(
        select(Visit).where(Visit.status == VisitStatus.REQUESTED, Visit.queued_at.is_not(None))
    )
    far = date.max
    return sorted(rows, key=lambda v: (v.due_by or far, v.queued_at))


def _event(now: datetime, actor, what: str, slot: Slot | None = None, note=None) -> dict:
    event = {"at": now.isoformat(), "by": audit.actor_label(actor), "what": what}
    if slot is not None:
        event["slot"] = slot.id
        event["starts_at"] = slot.starts_at.isoformat()
    if note:
        event["note"] = note
    return event
