"""The risk catalogue (thesaurus), loaded from `assistant/data/risks.csv` and then edited by an
administrator. What an entry implies for the follow-up is not stored here: it comes from the
follow-up rules table (`risk:<code>` conditions) and the legal ceilings, which no edit changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assistant.database import Base, utcnow

FAMILIES = ("physical", "chemical", "biological", "organisational", "psychosocial")
FAMILIES_SQL = ", ".join(f"'{family}'" for family in FAMILIES)


class RiskEntry(Base):
    __tablename__ = "risk_entry"
    __table_args__ = (CheckConstraint(f"family IN ({FAMILIES_SQL})", name="family"),)

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    family: Mapped[str] = mapped_column(String(20))
    label_fr: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    synonyms: Mapped[str] = mapped_column(Text, default="")  # ";"-separated, as in the CSV
    position: Mapped[int] = mapped_column(default=0)  # catalogue order
    active: Mapped[bool] = mapped_column(default=True)
    updated_by: Mapped[str] = mapped_column(String(80), default="data")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
