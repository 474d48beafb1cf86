"""The audit log service: later features call `record` on every read or write of personal data.

The address of whoever acts is kept on every row written while a web request is served: the web
layer calls `set_request_ip` when a request begins (and `set_request_ip(None)` when it ends), so
no caller has to pass it; an explicit `ip=` still wins.
"""

from __future__ import annotations

import json
from contextvars import ContextVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.models import AuditEntry

_request_ip: ContextVar[str | None] = ContextVar("audit_request_ip", default=None)


def set_request_ip(ip: str | None) -> None:
    """The address the current request comes from (None outside a request)."""
    _request_ip.set(ip[:45] if ip else None)


def request_ip() -> str | None:
    return _request_ip.get()


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
        ip=ip or _request_ip.get(),
    )
    session.add(entry)
    return entry


def detail(code: str, **values) -> str:
    """A detail made of values, stored as data (`{"code": "queue", "waiting": 3, …}`) so that the
    journal words it in its reader's language (`assistant/staff/journal.py`), never as a sentence
    in the language of whoever acted."""
    return json.dumps({"code": code, **values}, ensure_ascii=False, sort_keys=True, default=str)


def detail_values(text: str | None) -> dict | None:
    """The values of a detail written by `detail`; None for a plain text (a code, a reason typed
    by someone, or a row written before details were data)."""
    if not text or not text.startswith("{"):
        return None
    try:
        values = json.loads(text)
    except ValueError:
        return None
    return values if isinstance(values, dict) and "code" in values else None


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
