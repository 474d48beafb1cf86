"""The outcome of a visit, recorded by the professional who saw the worker: the document that
closes it (which one, by visit type and who receives it: `outcome_rules`), the recommendations,
the risks and advice of the worker's ordonnance de prévention, the next due date (within the legal
ceiling: `next_due`), and medical notes that never leave the health staff. Only doctors and nurses
record outcomes and read or write notes; avis, proposals to the employer (L4624-3) and the other
medical decisions are the médecin du travail's alone; an avis d'inaptitude waits for the steps of
R4624-42 (`inaptitude`); every write and every read of a note is audited. The documents themselves
are printed by `documents.visit_documents`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.core.text import _l
from assistant.labels import INAPTITUDE_STEP
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
from assistant.services.prevention import risk_catalogue
from assistant.services.visits import inaptitude, visit_type_table
from assistant.services.visits.next_due import legal_ceiling, suggested_next_due, visit_day
from assistant.services.visits.outcome_rules import (
    AVIS,
    DOCTOR_ONLY,
    NO_NEXT_DUE,
    kinds_for,
    valid_until,
)

__all__ = ["kinds_for", "legal_ceiling", "suggested_next_due", "visit_day"]

HEALTH_ROLES = frozenset(str(role) for role in Role.health_roles())
MAX_TEXT = 4000


class OutcomeError(Exception):
    """A refused outcome or note; `message` is for the user, in their language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# ------------------------------------------------------------------ rules


def _health_staff(actor) -> StaffUser:
    if not isinstance(actor, StaffUser) or actor.role not in HEALTH_ROLES:
        raise OutcomeError(_l("Seuls les professionnels de santé ont accès à cette visite."))
    return actor


def check_may_issue(actor, visit: Visit, kind: str) -> None:
    staff = _health_staff(actor)
    if kind not in set(OutcomeKind):
        raise OutcomeError(_l("Choisissez le document à délivrer."))
    if kind in AVIS and staff.role != Role.DOCTOR:
        raise OutcomeError(
            _l(
                "Seul le médecin du travail peut rendre un avis d'aptitude ou d'inaptitude. "
                "Délivrez une attestation de suivi, ou orientez le salarié vers le médecin."
            )
        )
    if kind in DOCTOR_ONLY and staff.role != Role.DOCTOR:
        raise OutcomeError(_l("Ce document relève du médecin du travail."))
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


def _check_content(
    session: Session, staff: StaffUser, visit: Visit, kind: str, text: str | None, due
) -> None:
    """What the professional wrote may go on this document."""
    if text and staff.role != Role.DOCTOR:
        raise OutcomeError(
            _l(
                "Les propositions d'aménagement ou de mutation du poste relèvent du médecin du "
                "travail (article L4624-3) : orientez le salarié vers le médecin."
            )
        )
    if kind == OutcomeKind.INAPTITUDE:
        missing = inaptitude.missing(session, visit)
        if missing:
            raise OutcomeError(
                _l(
                    "Avant un avis d'inaptitude (article R4624-42), datez : %(steps)s.",
                    steps=", ".join(str(INAPTITUDE_STEP[step]).lower() for step in missing),
                )
            )
    if due is None:
        return
    if due <= visit_day(visit):
        raise OutcomeError(_l("La prochaine visite doit être après celle-ci."))
    ceiling = legal_ceiling(session, visit)
    if ceiling is not None and due > ceiling:
        raise OutcomeError(
            _l(
                "La prochaine visite ne peut pas dépasser le %(date)s : c'est le plafond légal "
                "du suivi de ce travailleur.",
                date=ceiling.strftime("%d/%m/%Y"),
            )
        )


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
    if kind in NO_NEXT_DUE:
        next_due = None  # the ACI has its own validity; an état des expositions no next visit
    _check_content(session, actor, visit, kind, _clean(recommendations), next_due)
    outcome = VisitOutcome(
        visit_id=visit.id,
        kind=kind,
        recorded_by_id=actor.id,
        recorded_at=now,
        next_due=next_due,
        valid_until=valid_until(kind, visit_day(visit)),
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
