"""One-time codes proving a phone number: 6 digits, 10 minutes, 5 attempts, 3 codes per 15 min."""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.models import OneTimeCode
from dialogs.text import _l

VALIDITY = timedelta(minutes=10)
MAX_ATTEMPTS = 5
MAX_CODES = 3
CODES_WINDOW = timedelta(minutes=15)


class CodeCheck(enum.StrEnum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"  # or never sent, or already used
    TOO_MANY = "too_many"


CHECK_MESSAGES = {
    CodeCheck.WRONG: _l("Ce code n'est pas le bon. Vérifiez le SMS et réessayez."),
    CodeCheck.TOO_MANY: _l("Trop d'essais pour ce code. Demandez-en un nouveau."),
    CodeCheck.EXPIRED: _l("Ce code a expiré ou n'a pas été demandé. Demandez-en un nouveau."),
}


class TooManyCodes(Exception):
    """More codes asked for this phone than allowed in the window."""


def _digest(phone: str, code: str) -> str:
    return hashlib.sha256(f"{phone}:{code}".encode()).hexdigest()


def issue(session: Session, phone: str, purpose: str, now: datetime) -> str:
    """Create a code (the caller sends it through the outbox in the same transaction)."""
    recent = session.scalar(
        select(func.count())
        .select_from(OneTimeCode)
        .where(OneTimeCode.phone == phone, OneTimeCode.created_at > now - CODES_WINDOW)
    )
    if recent >= MAX_CODES:
        raise TooManyCodes(phone)
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(
        OneTimeCode(
            phone=phone,
            purpose=purpose,
            code_hash=_digest(phone, code),
            created_at=now,
            expires_at=now + VALIDITY,
        )
    )
    session.flush()
    return code


def verify(session: Session, phone: str, purpose: str, code: str, now: datetime) -> CodeCheck:
    """Check the latest unused code for this phone and purpose; each try counts."""
    current = session.scalar(
        select(OneTimeCode)
        .where(
            OneTimeCode.phone == phone,
            OneTimeCode.purpose == purpose,
            OneTimeCode.used_at.is_(None),
        )
        .order_by(OneTimeCode.id.desc())
        .limit(1)
    )
    if current is None or current.expires_at <= now:
        return CodeCheck.EXPIRED
    if current.attempts >= MAX_ATTEMPTS:
        return CodeCheck.TOO_MANY
    current.attempts += 1
    typed = "".join(ch for ch in (code or "") if ch.isdigit())
    if not hmac.compare_digest(current.code_hash, _digest(phone, typed)):
        return CodeCheck.TOO_MANY if current.attempts >= MAX_ATTEMPTS else CodeCheck.WRONG
    current.used_at = now
    return CodeCheck.OK
