"""Failed-login limits shared by staff and member logins (kept in the database, so every
worker process sees them)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from assistant.models import LoginFailure
from assistant.passwords import password_matches

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


# made by generate_password_hash with werkzeug's default method and cost, as the accounts' are
# (tests/services/test_login_enumeration.py checks that both still cost the same)
DUMMY_HASH = (
    "scrypt:32768:8:1$wQEsDBBjsonhJzhI$43300a84bc089aaf6f0534c43e6bffd2da4e95906210e51f265d9e45ec"
    "42f5b4299c57796a158c6e744a1bfa279166d200410820d8dff7e0b9c149060e9f26ab"
)


def check_no_account(password: str) -> bool:
    """Spend on an unknown (or disabled) account the hashing a real one costs, so that the
    response time does not tell which e-mails have an account. Always False."""
    password_matches(DUMMY_HASH, password)
    return False
