"""The visits to plan. `due_visits` is the rule, a pure function: one worker's visits to plan,
most urgent first, from their follow-up, the visits done and those already asked for.
`visits_to_plan` (an employer's, across the current workforce) and `worker_due` (an independent's
own) feed it with what the database knows: the follow-up category (with the worker's health
situation, which changes due dates silently — the employer sees the dates, never why), the visits
done (their date is the slot's day in Paris) and the types already requested or booked.
Confidential visits (a pré-reprise asked by the employee) are left out entirely: they must not
change anything the employer sees.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assistant.core.timeutil import PARIS
from assistant.models import Employee, Member, Visit, VisitStatus
from assistant.services.followup import followup_categories, followup_table
from assistant.services.visits import law_calendar, law_dues, law_records, visit_type_table
from assistant.services.visits.visit_deadlines import (
    Window,
    initial_visit,
    periodic,
)
from assistant.services.visits.visit_type_table import (
    FOLLOW_UP_TYPES,
    SIR_EXAMS,
    SIR_TYPES,
    visit_types,
)
from assistant.services.workforce import employees as workforce
from assistant.services.workforce import health

OPEN = (VisitStatus.REQUESTED, VisitStatus.BOOKED)


@dataclass(frozen=True)
class Due:
    """One visit due for a worker: its type and when (a window of `visit_deadlines`)."""

    visit_type: str
    window: Window

    def overdue(self, today: date) -> bool:
        return self.window.overdue(today)


@cache
def _type_order() -> dict[str, int]:
    return {code: index for index, code in enumerate(visit_types())}


def urgency(due: Due, today: date) -> tuple:
    """Sort key, most urgent first: by deadline, none last, then by type. Overdue visits come
    first because their deadline is before today, every other one's on or after it; `today` is
    part of the signature so that a future rule (a grace period…) needs no caller change."""
    by = due.window.due_by
    return (
        by is None,
        by or date.max,
        due.window.due_from or date.min,
        _type_order().get(due.visit_type, len(_type_order())),
    )


def due_visits(
    *,
    hire_date: date,
    birth_date: date,
    contract_type: str,
    follow: followup_categories.FollowUp,
    done: Sequence[tuple[date, str]],
    open_types: Collection[str],
    today: date,
    aci_outcomes: Sequence[law_dues.AciOutcome] = (),
) -> list[Due]:
    """The visits to plan for one worker, most urgent first.

    The follow-up visit: the initial one when no follow-up visit of the worker's regime was done
    (an SIR worker needs an aptitude examination, a VIP does not count; a collective information
    does not count for an individual follow-up), else the periodic one after the last. Plus the
    mid-career visit until held (`law_calendar.mid_career_due`); the post-exposure visit and the
    examination d'absence de contre-indication when the follow-up asks for them (`law_dues`,
    `aci_outcomes`: the done `aci` visits). Types in `open_types` (already requested or booked)
    are left out.
    """
    found: list[Due] = []
    basis = _basis_types(follow.category)
    history = sorted((day, code) for day, code in done if code in basis)
    if not history:
        found.append(Due(*initial_visit(hire_date, follow, contract_type)))
    else:
        last_day, last_type = history[-1]
        exams = [day for day, code in history if code in SIR_EXAMS]
        following = periodic(last_day, last_type, follow, last_exam=exams[-1] if exams else None)
        if following is not None:
            found.append(Due(*following))

    mid = law_calendar.mid_career_due(
        birth_date, hire_date, done, today, table_age_due=follow.mid_career_due
    )
    if mid is not None:
        found.append(Due("mi_carriere", mid))

    found += [Due(*item) for item in law_dues.post_exposure_due(follow, done)]
    found += [Due(*item) for item in law_dues.aci_due(follow, hire_date, aci_outcomes)]

    found = [due for due in found if due.visit_type not in open_types]
    return sorted(found, key=lambda due: urgency(due, today))


def _basis_types(category: followup_table.Category) -> frozenset[str]:
    if category is followup_table.Category.SIR:
        return SIR_TYPES
    if category is followup_table.Category.VIP_COLLECTIVE:
        return FOLLOW_UP_TYPES | {"vip_collective"}
    return FOLLOW_UP_TYPES


@dataclass(frozen=True)
class ToPlan:
    """One visit to plan: for whom (None: the independent member themself), which, and when."""

    employee: Employee | None
    visit_type: str
    window: Window
    overdue: bool

    @property
    def kind(self) -> visit_type_table.VisitType:
        return visit_type_table.get(self.visit_type)

    def urgency(self, today: date) -> tuple:
        return urgency(Due(self.visit_type, self.window), today)


def visit_day(visit: Visit) -> date:
    """The day a visit took place, in Paris: its slot's start (else when it was last changed)."""
    if visit.slot is not None:
        return visit.slot.starts_at.astimezone(PARIS).date()
    if visit.outcome is not None and visit.outcome.recorded_at is not None:
        return visit.outcome.recorded_at.astimezone(PARIS).date()
    return (visit.updated_at or visit.created_at).astimezone(PARIS).date()


def _history(visits: Iterable[Visit]) -> tuple[list[tuple[date, str]], set[str]]:
    """(the visits done as (day, type), the types requested or booked)."""
    done, open_types = [], set()
    for visit in visits:
        if visit.status == VisitStatus.DONE:
            done.append((visit_day(visit), visit.visit_type))
        elif visit.status in OPEN:
            open_types.add(visit.visit_type)
    return done, open_types


def employee_due(
    session: Session, employee: Employee, visits: Iterable[Visit], today: date, *, with_health: bool
) -> list[Due]:
    """What the rules say is due for one employee, from their visits: with their health
    situation when `with_health` (a space reached through the worker's proven mobile), else from
    the employer's declaration only (the holder of a contact number must not infer a health
    situation from a date)."""
    visits = list(visits)
    situations = health.situations_for(session, [employee.id]) if with_health else {}
    flags = {key: health.flags_of(value) for key, value in situations.items()}
    follow = follow_of(employee, today, flags.get(employee.id))
    earlier = law_records.earlier_vips(
        session, [employee], {employee.id: follow}, flags, today, visit_day
    )
    return _employee_dues(
        employee, follow, visits, today, earlier.get(employee.id), situations.get(employee.id)
    )


# ---------------------------------------------------------------- the law's calendar (issue 14)


def follow_of(employee: Employee, today: date, flags=None) -> followup_categories.FollowUp:
    """The engine's follow-up, read with the calendar's rules: a seasonal contract under 45 days
    of actual work gets the collective prevention actions (D4625-22)."""
    worker = workforce.worker_of(employee)
    follow = followup_categories.follow_up(worker, today, flags)
    return law_calendar.seasonal_collective(worker, follow)


def _employee_dues(employee, follow, visits, today, earlier=None, situation=None) -> list[Due]:
    """One employee's visits due: `earlier`, the VIP of an earlier employment for the same job
    the follow-up runs from (R4624-15); `situation` (the service's view only), the visit with the
    médecin du travail offered after a health situation was recorded (R4624-19, R4624-20)."""
    done, open_types = _history(visits)
    dues = due_visits(
        hire_date=employee.hire_date,
        birth_date=employee.birth_date,
        contract_type=employee.contract_type,
        follow=follow,
        done=[*done, earlier] if earlier is not None else done,
        open_types=open_types,
        today=today,
        aci_outcomes=law_dues.aci_outcomes(visits, visit_day),
    )
    window = law_records.referral(situation, visits, visit_day, employee.hire_date)
    if window is not None and "orientation" not in open_types:
        dues.append(Due("orientation", window))
    return sorted(dues, key=lambda due: urgency(due, today))


PERIODIC = frozenset({"vip_periodique", "sir_periodique", "sir_intermediaire"})


def _professional_dates(dues, visits: Iterable[Visit]) -> list:
    """The next due date the professional wrote on the last outcome shortens the periodic visit
    the rules give (never lengthens it: the legal ceilings stay)."""
    done = [v for v in visits if v.status == VisitStatus.DONE and v.outcome is not None]
    if not done:
        return list(dues)
    chosen = max(done, key=visit_day).outcome.next_due
    if chosen is None:
        return list(dues)
    return [
        replace(due, window=replace(due.window, due_by=chosen))
        if due.visit_type in PERIODIC and (due.window.due_by is None or chosen < due.window.due_by)
        else due
        for due in dues
    ]


def _visits(session: Session, member_id: int, *, employees: bool) -> list[Visit]:
    query = (
        select(Visit)
        .options(selectinload(Visit.slot), selectinload(Visit.outcome))
        .where(
            Visit.member_id == member_id,
            Visit.status.in_([VisitStatus.DONE, *OPEN]),
            # never the employee's confidential requests, in any computation the employer sees
            Visit.confidential.is_(False),
        )
    )
    if employees:
        query = query.where(Visit.employee_id.is_not(None))
    else:
        query = query.where(Visit.employee_id.is_(None))
    return list(session.scalars(query))


def _sorted(found: list[ToPlan], today: date) -> list[ToPlan]:
    def key(item: ToPlan):
        person = item.employee
        name = (person.last_name_folded, person.first_name_folded, person.id) if person else ()
        return (item.urgency(today), name)

    return sorted(found, key=key)


def visits_to_plan(
    session: Session,
    member: Member,
    today: date,
    employees: Sequence[Employee] | None = None,
    *,
    with_health: bool = False,
) -> list[ToPlan]:
    """An employer's visits to plan for every current employee (or only `employees`, which must
    be the member's), most urgent first: overdue ones, then by deadline, none last.

    What the employer sees comes from its own declaration only: a date or a professional that
    changes with a health situation would tell it a pregnancy, a pension or a disability. The
    service sees the real due dates (`with_health`), and organises what they bring forward
    (`organised_by_the_service`)."""
    if employees is None:
        employees = workforce.list_employees(session, member.id, today=today)
    employees = [e for e in employees if e.member_id == member.id]
    if not employees:
        return []
    situations = health.situations_for(session, [e.id for e in employees]) if with_health else {}
    flags = {key: health.flags_of(value) for key, value in situations.items()}
    by_employee: dict[int, list[Visit]] = {}
    for visit in _visits(session, member.id, employees=True):
        by_employee.setdefault(visit.employee_id, []).append(visit)
    follows = {e.id: follow_of(e, today, flags.get(e.id)) for e in employees}
    earlier = law_records.earlier_vips(session, employees, follows, flags, today, visit_day)
    found: list[ToPlan] = []
    for employee in employees:
        visits = by_employee.get(employee.id, ())
        dues = _employee_dues(
            employee,
            follows[employee.id],
            visits,
            today,
            earlier.get(employee.id),
            situations.get(employee.id),
        )
        for due in _professional_dates(dues, visits):
            found.append(ToPlan(employee, due.visit_type, due.window, due.overdue(today)))
    return _sorted(found, today)


def organised_by_the_service(session: Session, member: Member, today: date) -> list[ToPlan]:
    """The visits the health situations bring forward or add, compared with what the employer
    sees: the service plans them itself (for staff only, never shown to the employer)."""
    declared = {
        (item.employee.id, item.visit_type): item.window.due_by
        for item in visits_to_plan(session, member, today)
    }
    found = []
    for item in visits_to_plan(session, member, today, with_health=True):
        key = (item.employee.id, item.visit_type)
        if key not in declared or (
            item.window.due_by is not None
            and (declared[key] is None or item.window.due_by < declared[key])
        ):
            found.append(item)
    return found


def worker_due(session: Session, member: Member, today: date) -> list[ToPlan]:
    """An independent worker's own visits to plan, from their birth date, their declared risks,
    their own health situation (the CIAMT table: 3 years for a pension, a disability, a
    pregnancy; the visit with the médecin du travail offered after it is recorded) and the day
    their adhesion started; empty while either date is unknown. A risk declared after adhesion
    opens the first visit's window from its declaration (`law_calendar.newly_declared`)."""
    if member.birth_date is None or member.activated_at is None:
        return []
    birth_date = member.birth_date
    started = member.activated_at.astimezone(PARIS).date()
    worker = followup_table.Worker(
        birth_date=birth_date,
        hire_date=started,
        contract_type="cdi",
        exposures=frozenset(member.main_risks or ()),
    )
    situation = health.member_situation(session, member.id)
    follow = followup_categories.follow_up(
        worker, today, health.flags_of(situation) if situation is not None else None
    )
    visits = _visits(session, member.id, employees=False)
    done, open_types = _history(visits)
    dues = due_visits(
        hire_date=started,
        birth_date=birth_date,
        contract_type="cdi",
        follow=follow,
        done=done,
        open_types=open_types,
        today=today,
        aci_outcomes=law_dues.aci_outcomes(visits, visit_day),
    )
    declared_on = law_records.independent_declared_on(session, member, today)
    dues = [
        replace(due, window=law_calendar.newly_declared(due.window, declared_on, started))
        if due.visit_type in law_calendar.INITIAL_TYPES
        else due
        for due in dues
    ]
    referral = law_records.referral(situation, visits, visit_day, started)
    if referral is not None and "orientation" not in open_types:
        dues.append(Due("orientation", referral))
    dues = _professional_dates(dues, visits)
    return _sorted([ToPlan(None, d.visit_type, d.window, d.overdue(today)) for d in dues], today)
