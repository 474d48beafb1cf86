"""Personal health situations that change a worker's follow-up (health data: never shown to the
employer, set only by the service's health staff or by the worker). One per worker, recorded once
whatever the number of their employers; an independent member's own is on the member.

A situation recorded after hiring (R4624-19, R4624-20) means a visit with the médecin du travail is
offered without delay: `referral_offered_on` says since when, `referral_declined_at` that the
worker said no (they may)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from assistant.database import Base, utcnow


class HealthSituation(Base):
    __tablename__ = "health_situation"
    __table_args__ = (CheckConstraint("(worker_id IS NULL) != (member_id IS NULL)", name="whose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("worker.id", ondelete="CASCADE"), unique=True
    )
    # an independent member's own situation (they are the worker)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), unique=True
    )
    pregnant: Mapped[bool] = mapped_column(default=False)  # or breastfeeding, recently delivered
    invalidity_pension: Mapped[bool] = mapped_column(default=False)
    disabled: Mapped[bool] = mapped_column(default=False)  # recognised disabled worker (RQTH…)
    referral_offered_on: Mapped[date | None]
    referral_declined_at: Mapped[datetime | None]
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
