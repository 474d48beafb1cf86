"""The service's consultation places and their opening hours."""

from __future__ import annotations

import enum
from datetime import time

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.database import Base, sql_values


class CentreKind(enum.StrEnum):
    FIXED = "fixed"
    MOBILE = "mobile"
    TELE = "tele"


class Centre(Base):
    __tablename__ = "centre"
    __table_args__ = (CheckConstraint(f"kind IN ({sql_values(CentreKind)})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    address: Mapped[str | None] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)

    hours: Mapped[list[OpeningHours]] = relationship(
        back_populates="centre", order_by="(OpeningHours.weekday, OpeningHours.opens)"
    )


class OpeningHours(Base):
    __tablename__ = "opening_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("opens < closes", name="order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]  # 0 = Monday, as in Python's date.weekday()
    opens: Mapped[time]
    closes: Mapped[time]

    centre: Mapped[Centre] = relationship(back_populates="hours")
