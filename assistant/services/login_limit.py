"""Failed-login limits shared by staff and member logins (kept in the database, so every
worker process sees them)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from assistant.models import LoginFailure

IP_FACTOR = 4  # an office behind one address is not locked out by one colleague's typos


def locked_until(
    session: Session, keys: list[str], max_failures: int, lockout: timedelta, now: datetime
) -> datetime | None:
    """When the first key (the account) or the others (addresses) may try again, if locked."""
    for index, key in enumerate(keys):
        limit = max_failures if index == 0 else max_failures * IP_FACTOR
        count, first = session.execute(
            select(func.count(), func.min(LoginFailure.at)).where(
                LoginFailure.key == key, LoginFailure.at > now - lockout
            )
        ).one()
        if count >= limit:
            return first + lockout
    return None


def fail(session: Session, keys: list[str], now: datetime) -> None:
    for key in keys:
        session.add(LoginFailure(key=key, at=now))


def clear(session: Session, key: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.key == key))
