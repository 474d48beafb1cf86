"""Staff accounts: creation, a nurse's advanced practice, and password login with a limit on
failed attempts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from assistant.database import utcnow
from assistant.models import LoginFailure, Role, StaffUser
from assistant.services import audit
from assistant.services.membership import login_limit

MIN_PASSWORD_LENGTH = 10


class StaffError(ValueError):
    """A staff account cannot be created as asked; the message says why (in French)."""


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise StaffError(f"adresse e-mail invalide : {email!r}") from error


def create_staff(
    session: Session,
    actor,
    email: str,
    full_name: str,
    role: str,
    password: str,
    centre_id: int | None = None,
) -> StaffUser:
    email = normalise_email(email)
    if role not in {r.value for r in Role}:
        raise StaffError(f"rôle inconnu : {role!r} (choix : {', '.join(r.value for r in Role)})")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères")
    if session.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise StaffError(f"un compte existe déjà pour {email}")
    user = StaffUser(email=email, full_name=full_name.strip(), role=role, centre_id=centre_id)
    user.set_password(password)
    session.add(user)
    session.flush()
    audit.record(session, actor, "create", "staff_user", user.id, f"role={role}")
    return user


def list_staff(session: Session) -> list[StaffUser]:
    """Every back-office account, by role then name."""
    return list(session.scalars(select(StaffUser).order_by(StaffUser.role, StaffUser.full_name)))


def set_advanced_practice(session: Session, actor, user: StaffUser, advanced: bool) -> None:
    """Mark (or unmark) a nurse as an infirmier en pratique avancée, who may hold the mid-career
    visit with the médecin du travail (L4624-2-2). Only a nurse may be one; audited."""
    if advanced and user.role != Role.NURSE:
        raise StaffError("seul un infirmier peut exercer en pratique avancée")
    if user.advanced_practice == advanced:
        return
    user.advanced_practice = advanced
    session.flush()
    audit.record(session, actor, "update", "staff_user", user.id, f"advanced_practice={advanced}")


@dataclass(frozen=True)
class LoginResult:
    user: StaffUser | None
    locked_until: datetime | None = None


def _keys(email: str, ip: str | None) -> list[str]:
    return [f"email:{email.strip().lower()}"] + ([f"ip:{ip}"] if ip else [])


def authenticate(
    session: Session,
    email: str,
    password: str,
    ip: str | None,
    max_failures: int,
    lockout: timedelta,
    now: datetime | None = None,
) -> LoginResult:
    """Check a password, refusing while the account or the address has too many failures."""
    now = now or utcnow()
    keys = _keys(email, ip)
    locked = login_limit.locked_until(session, keys, max_failures, lockout, now)
    if locked is not None:
        return LoginResult(None, locked_until=locked)

    user = session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    if user is None or not user.active:
        login_limit.check_no_account(password)  # as slow as a wrong password
    if user is None or not user.active or not user.check_password(password):
        login_limit.fail(session, keys, now)
        audit.record(
            session,
            "anonymous",
            "login_failed",
            "staff_user",
            user.id if user else None,
            detail=email.strip().lower()[:200],
            ip=ip,
        )
        return LoginResult(None)

    login_limit.clear(session, keys[0])
    session.execute(delete(LoginFailure).where(LoginFailure.at <= now - lockout))
    user.last_login_at = now
    audit.record(session, user, "login", "staff_user", user.id, ip=ip)
    return LoginResult(user)
