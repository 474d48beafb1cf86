"""The tariff grid: the cotisation per employee or per independent worker, with effective dates."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from assistant.database import Base, sql_values, utcnow


class TariffKind(enum.StrEnum):
    EMPLOYEE = "employee"  # per declared employee, per year (offre socle)
    INDEPENDENT = "independent"  # per independent worker, per year (offre spécifique)


class TariffRate(Base):
    __tablename__ = "tariff_rate"
    __table_args__ = (
        UniqueConstraint("kind", "effective_from", name="uq_tariff_rate_kind_effective_from"),
        CheckConstraint("amount >= 0", name="amount_positive"),
        CheckConstraint(f"kind IN ({sql_values(TariffKind)})", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    effective_from: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
