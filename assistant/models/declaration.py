"""A member's self-assessment of its risks in four drawers, versioned: nothing is overwritten."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from assistant.database import Base, utcnow


class RiskDeclaration(Base):
    """One version of the four drawers (organisation, activities, prevention, risks)."""

    __tablename__ = "risk_declaration"
    __table_args__ = (
        # two concurrent declarations cannot both take the same version number
        UniqueConstraint("member_id", "version", name="uq_risk_declaration_member_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    data: Mapped[dict] = mapped_column(JSON)  # {drawer: {question key: answer}}
    created_by: Mapped[str] = mapped_column(String(80))  # "member:3", "phone:+336…", "staff:2"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
