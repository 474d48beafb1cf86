"""What the service tells people about their visits: convocations, moves, cancellations and
reminders, written to the outbox in the caller's transaction (sent after the commit)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from assistant.models import Visit


def convocation(session: Session, visit: Visit, *, moved: bool = False) -> None:
    """Queue the convocation of a booked visit (to be completed: e-mail with .ics and SMS)."""


def cancellation(session: Session, visit: Visit) -> None:
    """Queue the notice of a cancelled visit."""
