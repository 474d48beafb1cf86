"""Members of the service: employers (companies) and independent workers."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.database import Base, utcnow


class MemberKind(enum.StrEnum):
    EMPLOYER = "employer"
    INDEPENDENT = "independent"


class MemberStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    CLOSED = "closed"


class Member(Base):
    __tablename__ = "member"

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
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    doctor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None]

    doctor = relationship("StaffUser")
    centre = relationship("Centre")
