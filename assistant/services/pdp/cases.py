"""Requests for help to the PDP cell (SPEC 4.7) and the cell's queue.

Anyone the SPEC names may raise an alert: the employee or the independent worker (SMS `PDP`, the
chat, their space), the employer (its space), and the médecin du travail, the treating doctor or
the médecin-conseil (recorded by the service's staff). `raise_request` is the one way in, whoever
asks and by whichever channel.

**The employer-information rule** (offre socle, III.c): when an employee asks while their
contract is not suspended, the employer is told beforehand that a request exists — never its
content — by an e-mail through the outbox, in the same transaction, and the case records when
(`employer_informed_at`). When it is suspended (sick leave), the employer is told nothing. An
independent has no employer. A database CHECK keeps a suspended case untold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.models import Employee, Member
from assistant.models.pdp import (
    PdpCase,
    PdpChannel,
    PdpRaisedBy,
    PdpReview,
    PdpStage,
    PdpTrigger,
)
from assistant.services import audit
from assistant.services.membership import member_mail
from assistant.services.visits.visit_requests import notice_day

RESPONSE_WORKING_DAYS = 5  # the cell calls back within this many working days
DESCRIPTION_MAX = 1000
CONTACT_MAX = 200
URGENT_TRIGGERS = (PdpTrigger.ACCIDENT_OR_DISEASE, PdpTrigger.PRE_REPRISE, PdpTrigger.REPRISE)
STAFF_SOURCES = (
    PdpRaisedBy.OCCUPATIONAL_DOCTOR,
    PdpRaisedBy.TREATING_DOCTOR,
    PdpRaisedBy.MEDECIN_CONSEIL,
)


class PdpError(ValueError):
    """A request or a step the rules refuse; `message` is for the user, in their language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def answer_by(today: date) -> date:
    """The day by which the cell gets back to the person who asked."""
    return notice_day(today, RESPONSE_WORKING_DAYS)


def raise_request(
    session: Session,
    actor,
    *,
    raised_by: PdpRaisedBy | str,
    channel: PdpChannel | str,
    trigger: PdpTrigger | str,
    description: str,
    now: datetime,
    employee: Employee | None = None,
    member: Member | None = None,
    contract_suspended: bool = False,
    leave_from: date | None = None,
    leave_until: date | None = None,
    contact: str | None = None,
    identity_proven: bool = False,
) -> PdpCase:
    """A new case for an employee (`employee`) or an independent member (`member`)."""
    from assistant.core.text import _l

    raised_by, channel, trigger = PdpRaisedBy(raised_by), PdpChannel(channel), PdpTrigger(trigger)
    if (employee is None) == (member is None):
        raise ValueError("a case is an employee's or an independent member's")
    if employee is None and raised_by == PdpRaisedBy.EMPLOYER:
        raise PdpError(_l("Un travailleur indépendant n'a pas d'employeur."))
    description = (description or "").strip()
    if not description:
        raise PdpError(_l("Décrivez la situation en quelques mots."))
    if leave_from and leave_until and leave_until < leave_from:
        raise PdpError(_l("La fin de l'arrêt précède son début."))
    if employee is None:
        contract_suspended = bool(leave_from) or contract_suspended
    case = PdpCase(
        member_id=(employee.member_id if employee is not None else member.id),
        employee_id=employee.id if employee is not None else None,
        worker_id=employee.worker_id if employee is not None else None,
        raised_by=raised_by,
        channel=channel,
        raised_actor=audit.actor_label(actor),
        identity_proven=identity_proven,
        trigger=trigger,
        contract_suspended=contract_suspended,
        leave_from=leave_from,
        leave_until=leave_until,
        description=description[:DESCRIPTION_MAX],
        contact=(contact or "").strip()[:CONTACT_MAX] or None,
        stage=PdpStage.ALERT,
        created_at=now,
    )
    session.add(case)
    session.flush()
    audit.record(session, actor, "create", "pdp_case", case.id, f"{raised_by} {channel}")
    if employee is not None and raised_by == PdpRaisedBy.WORKER and not contract_suspended:
        inform_employer(session, case, employee, now)
    return case


def inform_employer(session: Session, case: PdpCase, employee: Employee, now: datetime) -> None:
    """Tell the employer that a request exists, never its content (the employee's name, the day
    it was made, what it means for the employer: nothing to do), and record when."""
    from babel.dates import format_date

    from assistant.core.messages import language
    from assistant.core.text import date_format
    from assistant.core.timeutil import today_paris

    employer = session.get(Member, employee.member_id)
    locale = language(employer.locale)
    day = format_date(today_paris(now), date_format("long", locale), locale=locale)
    member_mail.tell(session, employer, "pdp_employer_informed", employee=employee, day=day)
    case.employer_informed_at = now
    audit.record(session, "system", "inform_employer", "pdp_case", case.id, f"member:{employer.id}")


@dataclass(frozen=True)
class QueueRow:
    case: PdpCase
    urgent: bool
    due: list[PdpReview]  # follow-ups or the impact review due by today


def urgent(case: PdpCase) -> bool:
    """A suspended contract (sick leave) or a trigger that means a return to work is at stake."""
    return case.contract_suspended or case.trigger in URGENT_TRIGGERS


def queue(session: Session, today: date) -> list[QueueRow]:
    """The open cases, most urgent first: suspended contracts and urgent triggers, then the
    longest leaves, then the oldest requests; each with what is due by today."""
    cases = list(session.scalars(select(PdpCase).where(PdpCase.stage != PdpStage.CLOSED)))
    due_reviews = session.scalars(
        select(PdpReview).where(PdpReview.done_at.is_(None), PdpReview.due_on <= today)
    )
    due: dict[int, list[PdpReview]] = {}
    for review in due_reviews:
        due.setdefault(review.case_id, []).append(review)
    far = date.max - timedelta(days=1)
    cases.sort(key=lambda c: (not urgent(c), c.leave_from or far, c.created_at, c.id))
    return [
        QueueRow(c, urgent(c), sorted(due.get(c.id, []), key=lambda r: r.due_on)) for c in cases
    ]


def due_reviews(session: Session, today: date) -> list[PdpReview]:
    """Every follow-up and impact review due by today and not done, soonest first."""
    return list(
        session.scalars(
            select(PdpReview)
            .join(PdpCase)
            .where(
                PdpReview.done_at.is_(None),
                PdpReview.due_on <= today,
                PdpCase.stage != PdpStage.CLOSED,
            )
            .order_by(PdpReview.due_on, PdpReview.id)
        )
    )


def of_employee(session: Session, employee_ids) -> list[PdpCase]:
    """The cases about these employments (the worker's own view), newest first."""
    ids = list(employee_ids)
    if not ids:
        return []
    return list(
        session.scalars(
            select(PdpCase)
            .where(PdpCase.employee_id.in_(ids))
            .order_by(PdpCase.created_at.desc(), PdpCase.id.desc())
        )
    )


def of_member(session: Session, member: Member) -> list[PdpCase]:
    """An independent member's own cases, newest first."""
    return list(
        session.scalars(
            select(PdpCase)
            .where(PdpCase.member_id == member.id, PdpCase.employee_id.is_(None))
            .order_by(PdpCase.created_at.desc(), PdpCase.id.desc())
        )
    )


def asked_by_employer(session: Session, member: Member) -> list[PdpCase]:
    """The requests this employer made itself (it may see that it asked, and about whom)."""
    return list(
        session.scalars(
            select(PdpCase)
            .where(PdpCase.member_id == member.id, PdpCase.raised_by == PdpRaisedBy.EMPLOYER)
            .order_by(PdpCase.created_at.desc(), PdpCase.id.desc())
        )
    )
