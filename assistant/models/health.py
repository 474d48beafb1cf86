"""Personal health situations that change a worker's follow-up (health data: never shown to the
employer, set only by the service's health staff or by the worker). One per worker, recorded once
whatever the number of their employers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from assistant.database import Base, utcnow


class HealthSituation(Base):
    __tablename__ = "health_situation"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"), unique=True)
    pregnant: Mapped[bool] = mapped_column(default=False)  # or breastfeeding, recently delivered
    invalidity_pension: Mapped[bool] = mapped_column(default=False)
    disabled: Mapped[bool] = mapped_column(default=False)  # recognised disabled worker (RQTH…)
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
