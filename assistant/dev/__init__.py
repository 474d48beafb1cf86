"""Development-only pages (registered when APP_ENV=development): the SMS and e-mail simulator."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select

from assistant.extensions import db
from assistant.models import OutboxMessage

bp = Blueprint("dev", __name__)


def _recipients(channel: str):
    return db.session.execute(
        select(OutboxMessage.recipient, func.count(), func.max(OutboxMessage.created_at))
        .where(OutboxMessage.channel == channel)
        .group_by(OutboxMessage.recipient)
        .order_by(func.max(OutboxMessage.created_at).desc())
    ).all()


def _messages(channel: str, recipient: str):
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.channel == channel, OutboxMessage.recipient == recipient)
        .order_by(OutboxMessage.id)
    ).all()


@bp.get("/sms")
def sms_index():
    return render_template(
        "dev/outbox.html", channel="sms", recipients=_recipients("sms"), recipient=None, messages=[]
    )


@bp.get("/sms/<path:phone>")
def sms_phone(phone: str):
    return render_template(
        "dev/outbox.html",
        channel="sms",
        recipients=_recipients("sms"),
        recipient=phone,
        messages=_messages("sms", phone),
    )


@bp.get("/mail")
def mail_index():
    return render_template(
        "dev/outbox.html",
        channel="email",
        recipients=_recipients("email"),
        recipient=None,
        messages=[],
    )


@bp.get("/mail/<path:address>")
def mail_address(address: str):
    return render_template(
        "dev/outbox.html",
        channel="email",
        recipients=_recipients("email"),
        recipient=address,
        messages=_messages("email", address),
    )
