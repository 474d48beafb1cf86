"""The fiche d'entreprise: versions drafted by the service's staff, published to the employer."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.database import Base, utcnow


class FicheStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class FicheEntreprise(Base):
    """One version of a member's fiche; a published version is never changed again."""

    __tablename__ = "fiche_entreprise"
    __table_args__ = (
        UniqueConstraint("member_id", "version", name="uq_fiche_entreprise_member_version"),
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint("(status = 'published') = (published_at IS NOT NULL)", name="published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=FicheStatus.DRAFT)
    content: Mapped[dict] = mapped_column(JSON, default=dict)  # section key → text
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    author = relationship("StaffUser")

    @property
    def is_published(self) -> bool:
        return self.status == FicheStatus.PUBLISHED


class FrozenFiche(Exception):
    """A published fiche was about to change: a bug, whatever the caller."""


@event.listens_for(FicheEntreprise, "before_update")
def _published_versions_never_change(_mapper, _connection, target: FicheEntreprise) -> None:
    history = inspect(target).attrs.status.history
    before = (history.deleted or history.unchanged or [None])[0]
    if before == FicheStatus.PUBLISHED:
        raise FrozenFiche(f"fiche {target.id} v{target.version} is published")
