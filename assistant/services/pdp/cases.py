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
from datetime import date, datetime

from sqlalchemy import case as when
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload

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


# what a row of the queue shows with the case: whose it is, its member, whom it is given to
SHOWN = (
    joinedload(PdpCase.employee),
    joinedload(PdpCase.member),
    joinedload(PdpCase.assigned_to),
)


def _open_cases(only):
    query = select(PdpCase).where(PdpCase.stage != PdpStage.CLOSED)
    return query if only is None else query.where(only)


def queue(
    session: Session, today: date, only=None, limit: int | None = None, offset: int = 0
) -> list[QueueRow]:
    """The open cases, most urgent first: suspended contracts and urgent triggers, then the
    longest leaves, then the oldest requests; each with what is due by today, and with whose it
    is, its member and whom it is given to (loaded with it). `only`: a condition on `PdpCase`
    (`access.readable_clause`), None for every case; `limit` and `offset`: one page of it."""
    order = (
        when((or_(PdpCase.contract_suspended, PdpCase.trigger.in_(URGENT_TRIGGERS)), 0), else_=1),
        PdpCase.leave_from.is_(None),  # no leave after the longest leaves
        PdpCase.leave_from,
        PdpCase.created_at,
        PdpCase.id,
    )
    query = _open_cases(only).options(*SHOWN).order_by(*order).limit(limit).offset(offset)
    cases = list(session.scalars(query))
    if not cases:
        return []
    reviews = select(PdpReview).where(PdpReview.done_at.is_(None), PdpReview.due_on <= today)
    if limit is not None:
        reviews = reviews.where(PdpReview.case_id.in_([c.id for c in cases]))
    elif only is not None:
        reviews = reviews.where(
            PdpReview.case_id.in_(_open_cases(only).with_only_columns(PdpCase.id))
        )
    due: dict[int, list[PdpReview]] = {}
    for review in session.scalars(reviews):
        due.setdefault(review.case_id, []).append(review)
    return [
        QueueRow(c, urgent(c), sorted(due.get(c.id, []), key=lambda r: r.due_on)) for c in cases
    ]


def count_open(session: Session, only=None) -> int:
    """How many cases are open (`only`: as for `queue`)."""
    return session.scalar(_open_cases(only).with_only_columns(func.count(PdpCase.id)))


def due_reviews(session: Session, today: date, only=None) -> list[PdpReview]:
    """Every follow-up and impact review due by today and not done, soonest first, each with its
    case and whose it is (`only`: a condition on `PdpCase`, as for `queue`)."""
    query = (
        select(PdpReview)
        .join(PdpCase)
        .options(
            contains_eager(PdpReview.case).options(
                joinedload(PdpCase.employee), joinedload(PdpCase.member)
            )
        )
        .where(
            PdpReview.done_at.is_(None),
            PdpReview.due_on <= today,
            PdpCase.stage != PdpStage.CLOSED,
        )
        .order_by(PdpReview.due_on, PdpReview.id)
    )
    if only is not None:
        query = query.where(only)
    return list(session.scalars(query))


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
