"""The outbox: each SMS and e-mail to send, written in the transaction of what it announces."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assistant.database import Base, sql_values, utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"  # handed to the provider (or the simulator)
    DELIVERED = "delivered"  # confirmed by the provider's status callback
    FAILED = "failed"  # given up after the last attempt, or refused for good
    SKIPPED = "skipped"  # not sent on purpose (the recipient opted out)


class OutboxChannel(enum.StrEnum):
    SMS = "sms"
    EMAIL = "email"


class OutboxMessage(Base):
    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        CheckConstraint(f"status IN ({sql_values(OutboxStatus)})", name="status"),
        CheckConstraint(f"channel IN ({sql_values(OutboxChannel)})", name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # e-mail attachments: [{"filename", "content_type", "text"}] (an .ics convocation…)
    attachments: Mapped[list | None] = mapped_column(JSON)
    essential: Mapped[bool] = mapped_column(default=True)  # STOP does not stop essential messages
    status: Mapped[str] = mapped_column(String(12), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    provider: Mapped[str | None] = mapped_column(String(20))  # "twilio", "smtp", "simulator"
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
