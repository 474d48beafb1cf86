"""The worker: a person the service follows, apart from the employments employers declare.

An employer's `Employee` row is one employment as the employer declared it; the phone it carries is
a contact the employer typed, never an identity. What is the person's own hangs on the worker: the
mobile they proved themselves (a one-time code given back, see
`assistant.services.workforce.mobile_proof`),
their health situation, and through their employments their requests and documents. A worker row
is created when the service first needs one (a health situation recorded, a mobile proven); two
employments are the same worker only when the person proved the same mobile for both.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from assistant.database import Base, utcnow


class Worker(Base):
    __tablename__ = "worker"
    __table_args__ = (
        # a mobile is here only once proven, and the proof says when and by whom
        CheckConstraint(
            "(phone IS NULL AND phone_proven_at IS NULL) OR "
            "(phone IS NOT NULL AND phone_proven_at IS NOT NULL AND phone_proven_by IS NOT NULL)",
            name="proven_phone",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)  # E.164, proven
    phone_proven_at: Mapped[datetime | None]
    phone_proven_by: Mapped[str | None] = mapped_column(String(80))  # "staff:3", "worker:7"…
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
