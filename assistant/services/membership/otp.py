"""One-time codes proving a phone number: 6 digits, 10 minutes, 5 attempts.

Caps on sending, in any 15 minutes: 3 codes per number, 10 per address asking, 200 in all
(configurable: `CodeLimits.from_config`). Callers ask for a code whether or not the number is
known, and send it only to a known one: unknown numbers then meet the same caps, the same
attempt counter and the same answers, so none of them tells whether a number has an account.
Every guess is counted by one conditional UPDATE, so parallel guesses cannot share a count."""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from assistant.core import messages
from assistant.core import settings as service_settings
from assistant.core.text import _l
from assistant.models import OneTimeCode

VALIDITY = timedelta(minutes=10)
MAX_ATTEMPTS = 5
CODES_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class CodeLimits:
    """Codes that may be asked in CODES_WINDOW: for one number, from one address, in all."""

    per_phone: int = 3
    per_ip: int = 10
    overall: int = 200

    @classmethod
    def from_config(cls, config: Mapping) -> CodeLimits:
        return cls(
            per_phone=int(config["OTP_MAX_PER_PHONE"]),
            per_ip=int(config["OTP_MAX_PER_IP"]),
            overall=int(config["OTP_MAX_OVERALL"]),
        )


class CodeCheck(enum.StrEnum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"  # or never sent, or already used
    TOO_MANY = "too_many"


# one message for a wrong and a missing code: a number without an account never has a code
NOT_VALID = _l("Ce code n'est pas valable. Vérifiez le SMS, ou demandez un nouveau code.")
CHECK_MESSAGES = {
    CodeCheck.WRONG: NOT_VALID,
    CodeCheck.TOO_MANY: _l("Trop d'essais pour ce code. Demandez-en un nouveau."),
    CodeCheck.EXPIRED: NOT_VALID,
}
TOO_MANY_CODES_MESSAGE = _l("Trop de codes demandés. Attendez un quart d'heure.")


class TooManyCodes(Exception):
    """More codes asked (for this number, from this address, or in all) than allowed."""


def _digest(phone: str, code: str) -> str:
    return hashlib.sha256(f"{phone}:{code}".encode()).hexdigest()


def _count(session: Session, since: datetime, *conditions) -> int:
    return session.scalar(
        select(func.count())
        .select_from(OneTimeCode)
        .where(OneTimeCode.created_at > since, *conditions)
    )


def issue(
    session: Session,
    phone: str,
    purpose: str,
    now: datetime,
    *,
    ip: str | None = None,
    limits: CodeLimits = CodeLimits(),  # noqa: B008  (frozen, never changed)
) -> str:
    """Create a code (the caller sends it through the outbox in the same transaction, to a
    known number only). Raises TooManyCodes past any of the caps."""
    since = now - CODES_WINDOW
    if (
        _count(session, since, OneTimeCode.phone == phone) >= limits.per_phone
        or (ip is not None and _count(session, since, OneTimeCode.ip == ip) >= limits.per_ip)
        or _count(session, since) >= limits.overall
    ):
        raise TooManyCodes(phone)
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(
        OneTimeCode(
            phone=phone,
            purpose=purpose,
            code_hash=_digest(phone, code),
            created_at=now,
            expires_at=now + VALIDITY,
            ip=ip,
        )
    )
    session.flush()
    return code


def send_code(
    session: Session,
    phone: str,
    purpose: str,
    now: datetime,
    *,
    locale: str = "fr",
    ip: str | None = None,
    limits: CodeLimits = CodeLimits(),  # noqa: B008  (frozen, never changed)
    template: str = "one_time_code",
    deliver: bool = True,
) -> None:
    """The one way a code is issued and its SMS queued, for the web, SMS, chat and staff alike.
    `deliver` False: an unknown number gets a code sent to no one (same caps, same answers).
    Raises TooManyCodes past any of the caps."""
    from assistant.services.messaging import outbox

    code = issue(session, phone, purpose, now, ip=ip, limits=limits)
    if deliver:
        name = service_settings.of(session).service_name
        text = messages.render(f"sms/{template}.txt", locale, code=code, service_name=name)
        outbox.queue_sms(session, phone, text)


def verify(session: Session, phone: str, purpose: str, code: str, now: datetime) -> CodeCheck:
    """Check the latest unused code for this phone and purpose; each try counts."""
    latest = (
        select(OneTimeCode.id)
        .where(
            OneTimeCode.phone == phone,
            OneTimeCode.purpose == purpose,
            OneTimeCode.used_at.is_(None),
        )
        .order_by(OneTimeCode.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    # count the try first, in one statement: the database settles parallel guesses (and on
    # SQLite this takes the write lock before anything is read)
    counted = session.execute(
        update(OneTimeCode)
        .where(
            OneTimeCode.id == latest,
            OneTimeCode.expires_at > now,
            OneTimeCode.attempts < MAX_ATTEMPTS,
        )
        .values(attempts=OneTimeCode.attempts + 1)
        .returning(OneTimeCode.id, OneTimeCode.code_hash, OneTimeCode.attempts)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if counted is None:
        current = session.execute(
            select(OneTimeCode.expires_at, OneTimeCode.attempts).where(OneTimeCode.id == latest)
        ).one_or_none()
        if current is None or current.expires_at <= now:
            return CodeCheck.EXPIRED
        return CodeCheck.TOO_MANY
    typed = "".join(ch for ch in (code or "") if ch.isdigit())
    if not hmac.compare_digest(counted.code_hash, _digest(phone, typed)):
        return CodeCheck.TOO_MANY if counted.attempts >= MAX_ATTEMPTS else CodeCheck.WRONG
    used = session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.id == counted.id, OneTimeCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return CodeCheck.OK if used.rowcount == 1 else CodeCheck.EXPIRED
