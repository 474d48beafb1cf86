"""Unfinished dialogues (`dialogue_state` rows: web wizards, SMS and chat conversations, journeys
handed over to another channel) that nobody came back to are deleted after `days` days without a
change."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
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


# A journey finished on one channel and completed on another (the employer's adhesion played in
# the chat, whose password is set on a web page): its answers wait in a row whose key holds the
# digest of a random token, never the token itself; the link carries the token.
HANDOVER = "handover:"


def _handover_key(token: str) -> str:
    return HANDOVER + hashlib.sha256(token.encode()).hexdigest()


def hand_over(session: Session, journey: str, answers: dict, now: datetime) -> str:
    """Keep a finished journey's answers for the page that completes it; returns the token."""
    token = secrets.token_urlsafe(24)
    session.add(
        DialogueState(
            key=_handover_key(token),
            journey=journey,
            answers=dict(answers),
            tries=0,
            created_at=now,
            updated_at=now,
        )
    )
    session.flush()
    return token


def handed_over(
    session: Session, token: str, journey: str, now: datetime, days: int
) -> DialogueState | None:
    """The row a token opens: None when unknown, for another journey, or older than `days`
    (it expires like every unfinished dialogue). The caller deletes it once completed."""
    if not token or len(token) > 64:
        return None
    row = session.scalar(
        select(DialogueState).where(
            DialogueState.key == _handover_key(token), DialogueState.journey == journey
        )
    )
    if row is None or row.updated_at < now - timedelta(days=days):
        return None
    return row
