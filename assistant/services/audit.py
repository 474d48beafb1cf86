"""The audit log service: later features call `record` on every read or write of personal data."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.models import AuditEntry


def actor_label(actor) -> str:
    """A stable text for whoever acts: a staff user, a member, a phone number or the system."""
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return actor.get_id()


def record(
    session: Session,
    actor,
    action: str,
    record_type: str,
    record_id: object = None,
    detail: str | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """Add one audit entry to the current transaction (it is kept only if the change is)."""
    entry = AuditEntry(
        actor=actor_label(actor),
        action=action,
        record_type=record_type,
        record_id=None if record_id is None else str(record_id),
        detail=detail,
        ip=ip,
    )
    session.add(entry)
    return entry


def entries_for(session: Session, record_type: str, record_id: object) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.record_type == record_type, AuditEntry.record_id == str(record_id))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        )
    )


def recent(session: Session, limit: int = 200) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
