"""The SMS channel's records: inbound messages (one handling per MessageSid), phone profiles,
staff tasks raised by conversations, and the web chat's transcript."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assistant.database import Base, utcnow


class InboundSms(Base):
    __tablename__ = "inbound_sms"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_number: Mapped[str] = mapped_column(String(32), index=True)
    to_number: Mapped[str | None] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    reply: Mapped[str | None] = mapped_column(Text)
    handled_at: Mapped[datetime | None]


class PhoneProfile(Base):
    """What the service knows of a phone number outside any member record: language, opt-out."""

    __tablename__ = "phone_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(32), unique=True)
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    opted_out_at: Mapped[datetime | None]
    # raised when the employee space signs out: sessions signed in before it are refused
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffTask(Base):
    """Something a person of the service must do, raised by a conversation (a call-back…)."""

    __tablename__ = "staff_task"
    __table_args__ = (Index("ix_staff_task_open", "done_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "callback"
    phone: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]


class ChatLine(Base):
    """One line of a web chat conversation (the SMS channel keeps its own in inbound_sms and
    the outbox)."""

    __tablename__ = "chat_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), index=True)
    incoming: Mapped[bool]
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)
