"""Visit requests: the regulatory window of what is asked, the one place a request is recorded
(`request_visit`: a worker has at most one open request of a type), its automatic placement in the
first compatible slot of the window, else the staff queue, most urgent first. An employer never
asks for a teleconsultation (R4624-41-1), and the placement offers one only to a worker whose
consent is in force (`slot_offers.modalities_for`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.core import settings as service_settings
from assistant.core.text import _l
from assistant.core.timeutil import PARIS
from assistant.models import Employee, Member, Slot, Visit, VisitStatus
from assistant.services import audit
from assistant.services.visits import notices, visit_deadlines, visit_type_table
from assistant.services.visits.booking import NotAllowed, SlotTaken, book, history_event
from assistant.services.visits.public_holidays import is_public_holiday
from assistant.services.visits.slot_offers import compatible_slots

# R4624-41-1: a visit is held by video at the professional's or the worker's initiative only (and
# with the worker's consent): an employer may not ask for one
EMPLOYER_NO_TELE = _l(
    "Une téléconsultation ne se fait qu'à l'initiative du professionnel de santé ou du "
    "travailleur, avec son accord : laissez la modalité indifférente."
)

# without a regulatory deadline, a request is placed automatically only in this horizon
AUTO_HORIZON = timedelta(weeks=8)
# a visit booked inside the notice is at most this far ahead (a reprise's 8 days)
SHORT_NOTICE_HORIZON = timedelta(days=15)


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
    # a pré-reprise the staff record (R4624-29): who asked, kept in the history (labels.py)
    asked_by: str | None = None


def window_for(request: Request, today: date) -> tuple[date | None, date | None]:
    """The regulatory window of a request, or (None, None) when the rules set none."""
    code = request.visit_type
    if code == "reprise" and request.event_date is not None:
        found = visit_deadlines.reprise(
            request.event_date, request.absence_cause or "illness", request.absence_days or 0
        )
        if found is None and request.requested_by == "independent":
            # the CIAMT offer: a reprise at the independent's own request, whatever the length
            found = visit_deadlines.reprise(request.event_date, "maternity", 0)
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
        rule = visit_deadlines.pre_reprise if code == "pre_reprise" else visit_deadlines.liaison
        # absence_days: the stoppage's expected length, when known (R4624-29)
        found = rule(request.event_date, today, request.absence_days)
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
    kind = visit_type_table.get(request.visit_type)
    if request.requested_by not in kind.requesters:
        raise NotAllowed(_l("Cette visite ne peut pas être demandée ainsi."))
    if employee is not None and employee.member_id != member.id:
        raise NotAllowed(_l("Ce salarié n'est pas dans vos effectifs."))
    today = now.astimezone(PARIS).date()
    due_from, due_by = window_for(request, today)
    if request.modality is not None and not visit_type_table.allows(kind.code, request.modality):
        raise NotAllowed(_l("Cette visite ne peut pas se faire de cette façon."))
    if request.modality == "tele" and request.requested_by == "employer":
        raise NotAllowed(EMPLOYER_NO_TELE)
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
        # the worker's own, or the staff's on the worker's or a doctor's request (R4624-29):
        # never the employer's to know
        confidential=kind.confidential and request.requested_by in ("employee", "staff"),
        event_date=request.event_date,
        absence_cause=request.absence_cause,
        absence_days=request.absence_days,
        due_from=due_from,
        due_by=due_by,
        modality=request.modality,
        history=[_requested(now, actor, request)],
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


def _requested(now: datetime, actor, request: Request) -> dict:
    event = history_event(now, actor, "requested")
    if request.asked_by:
        event["asked_by"] = request.asked_by
    return event


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


def place_automatically(
    session: Session, actor, visit: Visit, now: datetime, *, answered: str | None = None
) -> bool:
    """Book the first compatible slot within the window (the soonest one when the deadline has
    passed already), no sooner than the minimum notice (`Settings.booking_notice_days` working
    days: the convocation and the reminder have time) unless the deadline itself is sooner: then
    the soonest slot, and the booking is marked `short_notice` for the staff to warn the worker
    (`short_notice`); otherwise queue the visit for staff.
    A slot taken meanwhile by someone else is skipped (the next one is tried)."""
    today = now.astimezone(PARIS).date()
    latest = visit.due_by
    if latest is None or latest < today:  # no deadline, or already late: the soonest slot
        latest = (now + AUTO_HORIZON).date()
    notice = notice_day(today, service_settings.of(session).booking_notice_days)
    hurried = visit.due_by is not None and today <= visit.due_by < notice
    after = None if hurried else datetime.combine(notice, time.min, PARIS)
    for _attempt in range(5):
        slots = compatible_slots(session, visit, now=now, limit=1, until=latest, after=after)
        if not slots:
            break
        try:
            book(session, actor, visit, slots[0], now, answered=answered)
        except SlotTaken:
            continue
        if hurried and slots[0].starts_at.astimezone(PARIS).date() < notice:
            *before, booked = visit.history
            visit.history = [*before, {**booked, "short_notice": True}]
        return True
    queue_for_staff(session, actor, visit, now)
    return False


def notice_day(today: date, working_days: int) -> date:
    """The first day a visit may be booked automatically: `working_days` working days (not a
    weekend, not a public holiday) after today."""
    day = today
    for _ in range(max(working_days, 0)):
        day += timedelta(days=1)
        while day.weekday() >= 5 or is_public_holiday(day):
            day += timedelta(days=1)
    return day


def short_notice(session: Session, now: datetime) -> list[Visit]:
    """Visits still ahead that were booked inside the minimum notice because their deadline was
    sooner: the staff warn the worker (the staff queue lists them), soonest first."""
    ahead = session.scalars(
        select(Visit)
        .join(Slot, Slot.id == Visit.slot_id)
        .where(
            Visit.status == VisitStatus.BOOKED,
            Slot.starts_at > now,
            Slot.starts_at < now + SHORT_NOTICE_HORIZON,
        )
        .order_by(Slot.starts_at, Visit.id)
    )
    return [v for v in ahead if v.history and v.history[-1].get("short_notice")]


def queue_for_staff(session: Session, actor, visit: Visit, now: datetime) -> None:
    """Hand a request to the staff queue without booking it: the team places it."""
    if visit.queued_at is None:
        visit.queued_at = now
        visit.history = [*visit.history, history_event(now, actor, "queued")]


def queue(session: Session) -> list[Visit]:
    """Unplaced requests, most urgent first (deadline, then age)."""
    rows = session.scalars(
        select(Visit).where(Visit.status == VisitStatus.REQUESTED, Visit.queued_at.is_not(None))
    )
    far = date.max
    return sorted(rows, key=lambda v: (v.due_by or far, v.queued_at))
