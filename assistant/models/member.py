"""Members of the service (employers and independent workers), their accounts and scores."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.database import Base, sql_values, utcnow
from assistant.passwords import SignIn, hash_password, password_matches


class MemberKind(enum.StrEnum):
    EMPLOYER = "employer"
    INDEPENDENT = "independent"


class MemberStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    CLOSED = "closed"
    REFUSED = "refused"  # by the staff, with a reason told to the member; may be validated later


class PaymentMethod(enum.StrEnum):
    SEPA = "sepa"
    TRANSFER = "transfer"


class Member(Base):
    __tablename__ = "member"
    __table_args__ = (
        CheckConstraint("adhesion_rating BETWEEN 1 AND 5", name="adhesion_rating"),
        CheckConstraint(f"kind IN ({sql_values(MemberKind)})", name="kind"),
        CheckConstraint(f"status IN ({sql_values(MemberStatus)})", name="status"),
        CheckConstraint("status <> 'refused' OR refusal_reason IS NOT NULL", name="refusal_reason"),
        CheckConstraint(
            f"payment_method IS NULL OR payment_method IN ({sql_values(PaymentMethod)})",
            name="payment_method",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=MemberStatus.PENDING)
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    siren: Mapped[str] = mapped_column(String(9), index=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    naf_code: Mapped[str | None] = mapped_column(String(6))
    address: Mapped[str | None] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(120))
    headcount: Mapped[int] = mapped_column(default=0)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164
    birth_date: Mapped[date | None]  # independents
    main_risks: Mapped[list] = mapped_column(JSON, default=list)
    payment_method: Mapped[str | None] = mapped_column(String(10))
    iban: Mapped[str | None] = mapped_column(String(34))
    yearly_amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    contract_accepted_at: Mapped[datetime | None]
    adhesion_rating: Mapped[int | None]
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    doctor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None]
    refused_at: Mapped[datetime | None]
    refusal_reason: Mapped[str | None] = mapped_column(Text)

    doctor = relationship("StaffUser")
    centre = relationship("Centre")

    @property
    def masked_iban(self) -> str | None:
        if not self.iban:
            return None
        return f"{self.iban[:4]} •••• •••• {self.iban[-4:]}"


class MemberUser(SignIn, Base):
    """A person who signs in to a member's space: e-mail + password, or mobile + one-time code."""

    login_prefix = "member"  # Flask-Login ids: "member:<id>" (see SignIn)
    __tablename__ = "member_user"
    __table_args__ = (CheckConstraint("session_version >= 1", name="session_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")  # see StaffUser
    # an e-mail account is usable once its address is proven. Self-service adhesion sets None
    # until the signed link e-mailed is followed; accounts made by the staff or the demo are
    # taken as proven
    email_confirmed_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    confirmation_sent_at: Mapped[datetime | None]

    member: Mapped[Member] = relationship()

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return password_matches(self.password_hash, password)


class OneTimeCode(Base):
    """A 6-digit code sent by SMS to prove a phone number; only its hash is kept."""

    __tablename__ = "one_time_code"
    __table_args__ = (
        Index("ix_one_time_code_ip_created_at", "ip", "created_at"),
        CheckConstraint("attempts >= 0", name="attempts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # "login", "adhesion"
    code_hash: Mapped[str] = mapped_column(String(256))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    expires_at: Mapped[datetime]
    ip: Mapped[str | None] = mapped_column(String(45))  # who asked, for the per-address cap
    used_at: Mapped[datetime | None]


class ScoreRecord(Base):
    """One computation of the prevention-culture score, with its answers (kept for the trend)."""

    __tablename__ = "score_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), index=True
    )
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # SMS self-checks
    has_employees: Mapped[bool]
    answers: Mapped[dict] = mapped_column(JSON)
    score: Mapped[Decimal] = mapped_column(Numeric(2, 1))
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
