"""Staff accounts of the service (back-office users) and the record of failed logins."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.database import Base, sql_values, utcnow
from assistant.passwords import SignIn, hash_password, password_matches


class Role(enum.StrEnum):
    """SPEC 4.8: who works in the back-office."""

    ADMIN = "admin"
    SECRETARY = "secretary"
    DOCTOR = "doctor"
    NURSE = "nurse"
    IPRP = "iprp"
    PDP = "pdp"

    @classmethod
    def health_roles(cls) -> frozenset[Role]:
        """Roles that may read medical data."""
        return frozenset({cls.DOCTOR, cls.NURSE})


class StaffUser(SignIn, Base):
    login_prefix = "staff"  # Flask-Login ids: "staff:<id>" (see SignIn)
    __tablename__ = "staff_user"
    __table_args__ = (
        CheckConstraint("session_version >= 1", name="session_version"),
        CheckConstraint(f"role IN ({sql_values(Role)})", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))
    # a nurse in advanced practice (infirmier en pratique avancée): may hold the mid-career visit
    # (L4624-2-2) like the médecin du travail
    advanced_practice: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # kept in the session at login and checked on every request; logging out bumps it, so an
    # old cookie replayed after logout is refused
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    centre = relationship("Centre")

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return password_matches(self.password_hash, password)


class LoginFailure(Base):
    """One failed login, kept a while to slow down password guessing (per account and per IP)."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class HealthAccessGrant(Base):
    """A health professional's "access outside my team": the medical data of one member's workers,
    for a limited time, asked with a reason (kept here and in the audit log)."""

    __tablename__ = "health_access_grant"
    __table_args__ = (
        CheckConstraint("expires_at > granted_at", name="period"),
        CheckConstraint("length(reason) > 0", name="reason"),
        Index("ix_health_access_grant_staff_member", "staff_id", "member_id", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
