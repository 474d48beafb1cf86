"""Each employee's follow-up as the employer declared it, to show: the category, the first visit's
due date, the periodicity (and the SIR intermediate visit), who performs the visits, and the
other visits the declaration makes due (post-exposure, mid-career, examinations before
assignment…). From the employer's declaration only: a health situation changes dates the service
organises itself (`visits.due.organised_by_the_service`), never what this shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from assistant.models import Employee, Member
from assistant.services.followup.followup_categories import FollowUp
from assistant.services.visits import due
from assistant.services.visits.visit_type_table import FOLLOW_UP_TYPES
from assistant.services.workforce import employees as workforce

REGULAR = FOLLOW_UP_TYPES | {"vip_collective"}  # the visits the follow-up itself is made of


@dataclass(frozen=True)
class Declared:
    follow: FollowUp
    first_due: date
    others: tuple[due.ToPlan, ...]  # other visits to plan, most urgent first


def declared(
    session: Session, member: Member, employees: Sequence[Employee], today: date
) -> dict[int, Declared]:
    """By employee id (the member's employees only), never with a health situation."""
    employees = [e for e in employees if e.member_id == member.id]
    others: dict[int, list[due.ToPlan]] = {}
    for item in due.visits_to_plan(session, member, today, employees):
        if item.visit_type not in REGULAR:
            others.setdefault(item.employee.id, []).append(item)
    found = {}
    for employee in employees:
        follow = due.follow_of(employee, today)  # a short seasonal contract: D4625-22
        found[employee.id] = Declared(
            follow, workforce.first_visit_due(employee, follow), tuple(others.get(employee.id, ()))
        )
    return found
