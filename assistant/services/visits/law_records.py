"""What the law's calendar rules (`law_calendar`) need from the database, for `due`: the visits a
doctor held, the VIP an earlier employment of the same person had for the same job (R4624-15), and
since when an independent's declared risks ask for their current follow-up."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assistant.core.parsing import fold
from assistant.core.timeutil import PARIS
from assistant.models import Employee, HealthSituation, Member, RiskDeclaration, Visit, VisitStatus
from assistant.services.followup import followup_categories, followup_table
from assistant.services.visits import law_calendar
from assistant.services.visits.visit_deadlines import Window

DOCTOR = "doctor"


def doctor_days(visits: Iterable[Visit], day_of) -> list[date]:
    """The days of the visits held (done) by the médecin du travail, and of every `orientation`
    visit done: either is the visit a referral offers."""
    found = []
    for visit in visits:
        if visit.status != VisitStatus.DONE:
            continue
        held_by = visit.slot.staff.role if visit.slot is not None else None
        if visit.visit_type == "orientation" or str(held_by) == DOCTOR:
            found.append(day_of(visit))
    return found


def referral(
    situation: HealthSituation | None, visits: Iterable[Visit], day_of, hired_on: date | None = None
) -> Window | None:
    """The `orientation` visit still due after a situation was recorded during this employment
    (from `hired_on`) (R4624-19, R4624-20)."""
    if situation is None:
        return None
    from assistant.services.workforce import health

    return law_calendar.referral_due(
        situation.referral_offered_on,
        situation.referral_declined_at is not None,
        health.flags_of(situation),
        doctor_days(visits, day_of),
        hired_on,
    )


def earlier_vips(
    session: Session,
    employees: Sequence[Employee],
    follows: dict[int, followup_categories.FollowUp],
    flags: dict,
    today: date,
    day_of,
) -> dict[int, tuple[date, str]]:
    """By employment, the VIP of another employment of the same worker (`Employee.worker_id`)
    that spares a new one at hiring (R4624-15): the same job (the same title, folded) and the
    same follow-up category, held within 5 years before hiring (3 for the workers of R4624-17),
    with no inaptitude nor individual measures since. The service's own records only."""
    by_worker: dict[int, list[Employee]] = {}
    for employee in employees:
        if employee.worker_id is not None:
            by_worker.setdefault(employee.worker_id, []).append(employee)
    if not by_worker:
        return {}
    others = list(session.scalars(select(Employee).where(Employee.worker_id.in_(list(by_worker)))))
    wanted = {
        other.id for other in others if any(other.id != e.id for e in by_worker[other.worker_id])
    }
    if not wanted:
        return {}
    visits: dict[int, list[Visit]] = {}
    for visit in session.scalars(
        select(Visit)
        .options(selectinload(Visit.slot), selectinload(Visit.outcome))
        .where(
            Visit.employee_id.in_(wanted),
            Visit.status == VisitStatus.DONE,
            Visit.confidential.is_(False),
        )
    ):
        visits.setdefault(visit.employee_id, []).append(visit)
    from assistant.services.workforce import employees as workforce

    found: dict[int, tuple[date, str]] = {}
    for employee in employees:
        follow = follows.get(employee.id)
        if follow is None or employee.worker_id is None:
            continue
        same_job = [
            other
            for other in others
            if other.worker_id == employee.worker_id
            and other.id != employee.id
            and fold(other.job) == fold(employee.job)
            and law_calendar.seasonal_collective(
                workforce.worker_of(other),
                followup_categories.follow_up(
                    workforce.worker_of(other), today, flags.get(employee.id)
                ),
            ).category
            is follow.category
        ]
        earlier = [
            (day_of(v), v.visit_type, v.outcome.kind if v.outcome is not None else None)
            for other in same_job
            for v in visits.get(other.id, ())
        ]
        months = law_calendar.dispense_months(
            workforce.worker_of(employee), today, flags.get(employee.id)
        )
        held = law_calendar.earlier_vip(employee.hire_date, follow, months, earlier)
        if held is not None:
            found[employee.id] = held
    return found


def independent_declared_on(session: Session, member: Member, today: date) -> date:
    """Since when the independent's declared risks ask for their current follow-up: the
    adhesion, or the declaration that made it stricter (`law_calendar.declared_since`)."""
    adhesion = member.activated_at.astimezone(PARIS).date()
    rows = session.scalars(
        select(RiskDeclaration)
        .where(RiskDeclaration.member_id == member.id)
        .order_by(RiskDeclaration.version)
    )

    def rank(codes) -> int:
        worker = followup_table.Worker(
            birth_date=member.birth_date, hire_date=adhesion, exposures=frozenset(codes or ())
        )
        category = followup_categories.follow_up(worker, today).category
        return followup_categories.CATEGORY_RANK[category]

    from assistant.services.prevention import declarations

    versions = [
        (row.created_at.astimezone(PARIS).date(), rank(declarations.risk_codes(row.data)))
        for row in rows
    ]
    return law_calendar.declared_since(adhesion, versions, rank(member.main_risks))
