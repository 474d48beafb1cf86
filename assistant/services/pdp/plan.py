"""A case's life after the request (SPEC 4.7): assignment to a cell member, the analysis with the
médecin du travail, the plan and its limits, the follow-ups at 3 and 6 months and the impact
review at one year, the outcome. Every write is audited; the limits are also the database's
(`assistant/models/pdp.py`), so a race cannot pass them either."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.core.text import _l
from assistant.models import Role, StaffUser
from assistant.models.pdp import (
    PdpAction,
    PdpActionKind,
    PdpCase,
    PdpCaseMember,
    PdpOutcome,
    PdpReview,
    PdpReviewKind,
    PdpStage,
)
from assistant.services import audit
from assistant.services.pdp.cases import PdpError

ESSAI_DAYS = 14  # an essai encadré lasts two weeks…
ESSAI_MAX = 2  # … renewable once
PSYCHOLOGICAL_MAX = 2  # appointments
REVIEWS = ((PdpReviewKind.MONTH_3, 3), (PdpReviewKind.MONTH_6, 6), (PdpReviewKind.YEAR_1, 12))


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _open(case: PdpCase) -> None:
    if case.stage == PdpStage.CLOSED:
        raise PdpError(_l("Ce dossier est clos."))


def assign(session: Session, case: PdpCase, actor, to: StaffUser) -> None:
    """Give the case to a member of the cell."""
    _open(case)
    if to.role != Role.PDP or not to.is_active:
        raise PdpError(_l("Un dossier est confié à un membre de la cellule PDP."))
    case.assigned_to_id = to.id
    audit.record(session, actor, "assign", "pdp_case", case.id, f"staff:{to.id}")


def add_staff(session: Session, case: PdpCase, actor, staff: StaffUser, now: datetime) -> None:
    """Add a member of the staff to the case: they read it from now on."""
    _open(case)
    if staff.role not in (Role.DOCTOR, Role.NURSE, Role.IPRP, Role.PDP) or not staff.is_active:
        raise PdpError(
            _l("Seuls des professionnels de santé ou de prévention rejoignent un dossier.")
        )
    exists = session.scalar(
        select(PdpCaseMember.id).where(
            PdpCaseMember.case_id == case.id, PdpCaseMember.staff_id == staff.id
        )
    )
    if exists is None:
        session.add(
            PdpCaseMember(
                case_id=case.id, staff_id=staff.id, added_by=audit.actor_label(actor), added_at=now
            )
        )
        audit.record(session, actor, "add_staff", "pdp_case", case.id, f"staff:{staff.id}")


def record_analysis(
    session: Session, case: PdpCase, actor, doctor: StaffUser, text: str, now: datetime
) -> None:
    """The analysis of the situation, made with the médecin du travail."""
    _open(case)
    if doctor.role != Role.DOCTOR or not doctor.is_active:
        raise PdpError(_l("L'analyse se fait avec le médecin du travail."))
    text = (text or "").strip()
    if not text:
        raise PdpError(_l("Écrivez l'analyse de la situation."))
    case.analysis = text
    case.analysed_with_id = doctor.id
    case.analysed_at = now
    if case.stage == PdpStage.ALERT:
        case.stage = PdpStage.ANALYSIS
    audit.record(session, actor, "analysis", "pdp_case", case.id)


def _count(session: Session, case: PdpCase, kind: PdpActionKind) -> int:
    return session.scalar(
        select(func.count(PdpAction.id)).where(PdpAction.case_id == case.id, PdpAction.kind == kind)
    )


def add_action(
    session: Session,
    case: PdpCase,
    actor,
    kind: PdpActionKind | str,
    now: datetime,
    starts_on: date | None = None,
    note: str | None = None,
) -> PdpAction:
    """One action of the plan, within its limits: the essai encadré lasts two weeks and is renewed
    once (the renewal starts the day after the first ends), the psychological support is two
    appointments."""
    kind = PdpActionKind(kind)
    _open(case)
    if case.stage == PdpStage.ALERT:
        raise PdpError(_l("Le plan se construit après l'analyse avec le médecin du travail."))
    rank = _count(session, case, kind) + 1
    ends_on = None
    if kind == PdpActionKind.ESSAI_ENCADRE:
        if rank > ESSAI_MAX:
            raise PdpError(
                _l("L'essai encadré dure deux semaines et ne se renouvelle qu'une fois.")
            )
        if rank == 2:
            first = session.scalar(
                select(PdpAction).where(
                    PdpAction.case_id == case.id, PdpAction.kind == kind, PdpAction.rank == 1
                )
            )
            starts_on = first.ends_on + timedelta(days=1)
        if starts_on is None:
            raise PdpError(_l("Indiquez le premier jour de l'essai encadré."))
        ends_on = starts_on + timedelta(days=ESSAI_DAYS - 1)
    if kind == PdpActionKind.PSYCHOLOGICAL and rank > PSYCHOLOGICAL_MAX:
        raise PdpError(_l("Le soutien psychologique est limité à deux rendez-vous."))
    action = PdpAction(
        case_id=case.id,
        kind=kind,
        rank=rank,
        starts_on=starts_on,
        ends_on=ends_on,
        note=(note or "").strip() or None,
        created_by=audit.actor_label(actor),
        created_at=now,
    )
    case.actions.append(action)
    session.flush()
    audit.record(session, actor, "add_action", "pdp_case", case.id, f"{kind} {rank}")
    return action


def mark_done(session: Session, action: PdpAction, actor, now: datetime) -> None:
    _open(action.case)
    action.done_at = now
    audit.record(session, actor, "action_done", "pdp_case", action.case_id, f"action:{action.id}")


def adopt_plan(session: Session, case: PdpCase, actor, today: date) -> list[PdpReview]:
    """The plan is adopted: the follow-ups at 3 and 6 months and the impact review at one year
    are due from today."""
    _open(case)
    if case.stage == PdpStage.ALERT or case.analysed_at is None:
        raise PdpError(_l("Le plan se construit après l'analyse avec le médecin du travail."))
    if case.stage == PdpStage.PLAN:
        raise PdpError(_l("Le plan de ce dossier est déjà adopté."))
    if not case.actions:
        raise PdpError(_l("Un plan compte au moins une action."))
    case.stage = PdpStage.PLAN
    case.plan_adopted_on = today
    reviews = [
        PdpReview(case_id=case.id, kind=kind, due_on=add_months(today, months))
        for kind, months in REVIEWS
    ]
    case.reviews.extend(reviews)
    audit.record(session, actor, "adopt_plan", "pdp_case", case.id)
    return reviews


def complete_review(
    session: Session, review: PdpReview, actor, now: datetime, note: str | None = None
) -> None:
    _open(review.case)
    if review.done_at is not None:
        raise PdpError(_l("Ce suivi est déjà fait."))
    review.done_at = now
    review.done_by = audit.actor_label(actor)
    review.note = (note or "").strip() or None
    audit.record(session, actor, "review", "pdp_case", review.case_id, str(review.kind))


def close(
    session: Session,
    case: PdpCase,
    actor,
    outcome: PdpOutcome | str,
    now: datetime,
    note: str | None = None,
) -> None:
    """The case ends with its outcome: kept in the job, adjusted post, redeployment, inaptitude,
    left."""
    _open(case)
    case.outcome = PdpOutcome(outcome)
    case.outcome_note = (note or "").strip() or None
    case.stage = PdpStage.CLOSED
    case.closed_at = now
    audit.record(session, actor, "close", "pdp_case", case.id, str(case.outcome))
