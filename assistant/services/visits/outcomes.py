"""The outcome of a visit, recorded by the professional who saw the worker: which document the
employer receives (attestation de suivi, avis d'aptitude or d'inaptitude, attestation de présence),
the recommendations, the risks and advice of the worker's ordonnance de prévention, the next due
date, and medical notes that never leave the health staff. Only doctors and nurses record outcomes
and read or write notes; an avis d'aptitude or d'inaptitude is the médecin du travail's alone;
every write and every read of a note is audited. The documents themselves are printed by
`documents.visit_documents`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.core.text import _l
from assistant.core.timeutil import PARIS
from assistant.models import (
    MedicalNote,
    OutcomeKind,
    Role,
    Slot,
    StaffUser,
    Visit,
    VisitOutcome,
    VisitStatus,
)
from assistant.services import audit
from assistant.services.followup import followup_categories, followup_table
from assistant.services.prevention import risk_catalogue
from assistant.services.visits import visit_deadlines, visit_type_table
from assistant.services.workforce import health

HEALTH_ROLES = frozenset(str(role) for role in Role.health_roles())
DOCTOR_ONLY = frozenset({OutcomeKind.APTITUDE, OutcomeKind.INAPTITUDE})
MAX_TEXT = 4000


class OutcomeError(Exception):
    """A refused outcome or note; `message` is for the user, in their language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# ------------------------------------------------------------------ rules


def kinds_for(role: str, visit: Visit) -> list[str]:
    """The documents this professional may issue after this visit, the usual one first."""
    if visit.visit_type == "vip_collective":
        return [OutcomeKind.PRESENCE, OutcomeKind.ATTESTATION]
    if str(role) == Role.DOCTOR:
        return [OutcomeKind.ATTESTATION, OutcomeKind.APTITUDE, OutcomeKind.INAPTITUDE]
    if str(role) == Role.NURSE:
        return [OutcomeKind.ATTESTATION]
    return []


def _health_staff(actor) -> StaffUser:
    if not isinstance(actor, StaffUser) or actor.role not in HEALTH_ROLES:
        raise OutcomeError(_l("Seuls les professionnels de santé ont accès à cette visite."))
    return actor


def check_may_issue(actor, visit: Visit, kind: str) -> None:
    staff = _health_staff(actor)
    if kind not in set(OutcomeKind):
        raise OutcomeError(_l("Choisissez le document à délivrer."))
    if kind in DOCTOR_ONLY and staff.role != Role.DOCTOR:
        raise OutcomeError(
            _l(
                "Seul le médecin du travail peut rendre un avis d'aptitude ou d'inaptitude. "
                "Délivrez une attestation de suivi, ou orientez le salarié vers le médecin."
            )
        )
    if not visit_type_table.may_perform(staff.role, visit.visit_type, staff.advanced_practice):
        raise OutcomeError(_l("Cette visite relève du médecin du travail."))
    if kind not in kinds_for(staff.role, visit):
        raise OutcomeError(_l("Ce document ne correspond pas à cette visite."))


def visits_to_record(session: Session, now: datetime, limit: int = 200) -> list[Visit]:
    """Booked visits whose time has come, most recent first: their outcome (or the no-show) is
    still to be recorded."""
    return list(
        session.scalars(
            select(Visit)
            .join(Slot, Slot.id == Visit.slot_id)
            .where(Visit.status == VisitStatus.BOOKED, Slot.starts_at <= now)
            .order_by(Slot.starts_at.desc(), Visit.id.desc())
            .limit(limit)
        )
    )


def visit_day(visit: Visit) -> date:
    return visit.slot.starts_at.astimezone(PARIS).date()


def _follow_up(session: Session, visit: Visit, today: date):
    """The worker's follow-up (with the health situations health staff recorded), or None when
    it cannot be known (an independent without a birth date)."""
    if visit.employee_id is not None:
        from assistant.services.workforce.employees import worker_of

        employee = visit.employee
        flags = health.flags_for(session, [employee.id]).get(employee.id)
        return followup_categories.follow_up(worker_of(employee), today, health=flags)
    member = visit.member
    if not member.birth_date:
        return None
    known = risk_catalogue.of(session).catalogue()
    worker = followup_table.Worker(
        birth_date=member.birth_date,
        exposures=frozenset(code for code in member.main_risks or () if code in known),
    )
    return followup_categories.follow_up(worker, today)


def suggested_next_due(session: Session, visit: Visit) -> date | None:
    """The next periodic visit after this one, from the follow-up rules: counted from this visit
    when it is a follow-up visit, else from the worker's last follow-up visit (a reprise or a
    visit on request does not restart the clock)."""
    day = visit_day(visit)
    follow = _follow_up(session, visit, day)
    if follow is None:
        return None
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
        done.append((day, visit.visit_type))
    if not done:
        return None
    done.sort()
    last_day, last_type = done[-1]
    exams = [d for d, code in done if code in visit_type_table.SIR_EXAMS]
    found = visit_deadlines.periodic(
        last_day, last_type, follow, last_exam=exams[-1] if exams else None
    )
    return found[1].due_by if found is not None else None


# ------------------------------------------------------------------ recording


def record(
    session: Session,
    actor,
    visit: Visit,
    *,
    kind: str,
    now: datetime,
    recommendations: str | None = None,
    main_risks: Iterable[str] = (),
    advice: str | None = None,
    next_due: date | None = None,
    note: str | None = None,
) -> VisitOutcome:
    """Record the outcome of a visit that took place; the visit is then done."""
    check_may_issue(actor, visit, kind)
    if visit.status != VisitStatus.BOOKED or visit.outcome is not None:
        raise OutcomeError(
            _l("Le résultat de cette visite est déjà enregistré, ou elle n'a pas eu lieu.")
        )
    if visit.slot.starts_at > now:
        raise OutcomeError(_l("Cette visite n'a pas encore eu lieu."))
    codes = list(dict.fromkeys(main_risks))
    known = risk_catalogue.of(session).catalogue()
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise OutcomeError(_l("Risque inconnu : %(code)s", code=", ".join(unknown)))
    if next_due is not None and next_due <= visit_day(visit):
        raise OutcomeError(_l("La prochaine visite doit être après celle-ci."))
    outcome = VisitOutcome(
        visit_id=visit.id,
        kind=kind,
        recorded_by_id=actor.id,
        recorded_at=now,
        next_due=next_due,
        recommendations=_clean(recommendations),
        main_risks=codes,
        advice=_clean(advice),
    )
    session.add(outcome)
    visit.outcome = outcome
    visit.status = VisitStatus.DONE
    visit.history = [
        *visit.history,
        {"at": now.isoformat(), "by": audit.actor_label(actor), "what": "done", "kind": kind},
    ]
    session.flush()
    audit.record(session, actor, "create", "visit_outcome", visit.id, kind)
    if _clean(note):
        add_note(session, actor, visit, note, now)
    return outcome


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text[:MAX_TEXT] or None


def add_note(session: Session, actor, visit: Visit, text: str, now: datetime) -> MedicalNote:
    staff = _health_staff(actor)
    cleaned = _clean(text)
    if cleaned is None:
        raise OutcomeError(_l("La note est vide."))
    note = MedicalNote(visit_id=visit.id, author_id=staff.id, text=cleaned, created_at=now)
    session.add(note)
    session.flush()
    audit.record(session, actor, "create", "medical_note", visit.id, str(note.id))
    return note


def notes(session: Session, actor, visit: Visit) -> list[MedicalNote]:
    """The medical notes of a visit, for health staff only; the read is audited."""
    _health_staff(actor)
    audit.record(session, actor, "read", "medical_note", visit.id)
    return list(
        session.scalars(
            select(MedicalNote)
            .where(MedicalNote.visit_id == visit.id)
            .order_by(MedicalNote.created_at, MedicalNote.id)
        )
    )
