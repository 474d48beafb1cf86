"""Unfinished dialogues (`dialogue_state` rows: web wizards, SMS and chat conversations) that
nobody came back to are deleted after `days` days without a change."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from assistant.models import DialogueState


def purge_expired(session: Session, now: datetime, days: int) -> int:
    """Delete the rows untouched for `days` days; returns how many (adds to the transaction)."""
    cutoff = now - timedelta(days=days)
    result = session.execute(
        delete(DialogueState)
        .where(DialogueState.updated_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
