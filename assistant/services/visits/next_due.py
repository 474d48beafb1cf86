"""The next due date written on a visit's outcome: the one the follow-up rules suggest, and the
legal ceiling no printed date ever exceeds, whatever the staff-edited rules table says (VIP 5 years,
3 for disabled, invalidity-pension and night workers, R4624-16 and R4624-17; SIR 4 years with an
intermediate visit within 2 years of the exam, R4624-28; a category A radiation worker every year,
R4451-82). Both count from the worker's last follow-up visit: a reprise or a visit on request does
not restart the clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.core.timeutil import PARIS
from assistant.models import Visit, VisitStatus
from assistant.services.followup import followup_categories, followup_table
from assistant.services.followup.followup_categories import (
    PROTECTED_CEILING_MONTHS,
    PROTECTED_FACTS,
    SIR_CEILING_MONTHS,
    SIR_INTERMEDIATE_MONTHS,
    VIP_CEILING_MONTHS,
    FollowUp,
)
from assistant.services.followup.followup_table import Category
from assistant.services.prevention import risk_catalogue
from assistant.services.visits import visit_deadlines, visit_type_table
from assistant.services.visits.visit_deadlines import add_months
from assistant.services.workforce import health

RADIATION_CAT_A_MONTHS = 12  # R4451-82: the classified worker of category A, every year


def visit_day(visit: Visit) -> date:
    return visit.slot.starts_at.astimezone(PARIS).date()


def _worker(session: Session, visit: Visit):
    """(the worker as the follow-up rules read them, their health flags), or None when the
    follow-up cannot be known (an independent without a birth date)."""
    if visit.employee_id is not None:
        from assistant.services.workforce.employees import worker_of

        employee = visit.employee
        return worker_of(employee), health.flags_for(session, [employee.id]).get(employee.id)
    member = visit.member
    if not member.birth_date:
        return None
    known = risk_catalogue.of(session).catalogue()
    worker = followup_table.Worker(
        birth_date=member.birth_date,
        exposures=frozenset(code for code in member.main_risks or () if code in known),
    )
    return worker, None


def follow_up_of(session: Session, visit: Visit) -> FollowUp | None:
    """The worker's follow-up on the day of the visit (with the health situations health staff
    recorded), or None when it cannot be known."""
    found = _worker(session, visit)
    if found is None:
        return None
    worker, flags = found
    return followup_categories.follow_up(worker, visit_day(visit), health=flags)


def _legal(session: Session, visit: Visit) -> FollowUp | None:
    """The follow-up with the periodicities of the law instead of the table's."""
    found = _worker(session, visit)
    if found is None:
        return None
    worker, flags = found
    day = visit_day(visit)
    follow = followup_categories.follow_up(worker, day, health=flags)
    if follow.category is Category.VIP_COLLECTIVE:
        return follow
    sir = follow.category is Category.SIR
    months = SIR_CEILING_MONTHS if sir else VIP_CEILING_MONTHS
    if PROTECTED_FACTS & followup_categories.facts(worker, day, flags):
        months = min(months, PROTECTED_CEILING_MONTHS)
    if worker.radiation_cat_a:
        months = min(months, RADIATION_CAT_A_MONTHS)
    intermediate = SIR_INTERMEDIATE_MONTHS if sir and months > SIR_INTERMEDIATE_MONTHS else None
    return replace(follow, max_months=months, intermediate_months=intermediate)


def _from_last_visit(session: Session, visit: Visit, follow: FollowUp) -> date | None:
    basis = visit_type_table.FOLLOW_UP_TYPES | {"vip_collective"}
    done = [
        (visit_day(other), other.visit_type)
        for other in session.scalars(
            select(Visit).where(
                Visit.member_id == visit.member_id,
                Visit.employee_id.is_(None)
                if visit.employee_id is None
                else Visit.employee_id == visit.employee_id,
                Visit.status == VisitStatus.DONE,
                Visit.id != visit.id,
                Visit.visit_type.in_(basis),
            )
        )
    ]
    if visit.visit_type in basis:
        done.append((visit_day(visit), visit.visit_type))
    if not done:
        return None
    done.sort()
    last_day, last_type = done[-1]
    exams = [d for d, code in done if code in visit_type_table.SIR_EXAMS]
    found = visit_deadlines.periodic(
        last_day, last_type, follow, last_exam=exams[-1] if exams else None
    )
    return found[1].due_by if found is not None else None


def legal_ceiling(session: Session, visit: Visit) -> date | None:
    """The latest next due date the law allows after this visit; None when the follow-up is
    unknown or has no periodic visit (a collective information). Without a follow-up visit to
    count from, it counts from this visit."""
    follow = _legal(session, visit)
    if follow is None or follow.max_months is None:
        return None
    found = _from_last_visit(session, visit, follow)
    if found is not None:
        return found
    return add_months(visit_day(visit), follow.intermediate_months or follow.max_months)


def suggested_next_due(session: Session, visit: Visit) -> date | None:
    """The next periodic visit after this one, from the follow-up rules: counted from this visit
    when it is a follow-up visit, else from the worker's last follow-up visit; never beyond the
    legal ceiling."""
    follow = follow_up_of(session, visit)
    if follow is None:
        return None
    found = _from_last_visit(session, visit, follow)
    ceiling = legal_ceiling(session, visit)
    if found is None or ceiling is None:
        return found
    return min(found, ceiling)


def printed(session: Session, visit: Visit) -> date | None:
    """The next due date a document prints: the recorded one, within the legal ceiling (a date
    recorded before the ceiling was checked is printed at the ceiling)."""
    chosen = visit.outcome.next_due if visit.outcome is not None else None
    if chosen is None:
        return None
    ceiling = legal_ceiling(session, visit)
    return chosen if ceiling is None else min(chosen, ceiling)
