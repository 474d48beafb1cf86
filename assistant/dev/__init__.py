"""Development-only pages (registered when APP_ENV=development): the SMS and e-mail simulator.

A developer types as any phone: the message goes through the same path as Twilio's webhook
(stored, handled once, replied), and the page shows the replies and what the outbox sent.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import func, select

from assistant.core.parsing import Reprompt, parse_phone
from assistant.extensions import db
from assistant.models import InboundSms, OutboxMessage

bp = Blueprint("dev", __name__)


@dataclass
class Line:
    at: datetime
    incoming: bool
    text: str
    subject: str | None = None
    status: str | None = None
    # an e-mail's attachments: (message id, index, file name), each a download link
    attachments: tuple = ()


def _recipients(channel: str):
    return db.session.execute(
        select(OutboxMessage.recipient, func.count(), func.max(OutboxMessage.created_at))
        .where(OutboxMessage.channel == channel)
        .group_by(OutboxMessage.recipient)
        .order_by(func.max(OutboxMessage.created_at).desc())
    ).all()


def _phones():
    """Every phone that wrote or was written to, most recent first."""
    seen: dict[str, int] = {}
    for phone, count, _last in _recipients("sms"):
        seen[phone] = seen.get(phone, 0) + count
    for phone, count in db.session.execute(
        select(InboundSms.from_number, func.count()).group_by(InboundSms.from_number)
    ).all():
        seen[phone] = seen.get(phone, 0) + 2 * count
    return [(phone, count, None) for phone, count in seen.items()]


def _timeline(phone: str) -> list[Line]:
    lines = []
    for row in db.session.scalars(select(InboundSms).where(InboundSms.from_number == phone)):
        lines.append(Line(row.received_at, True, row.body))
        if row.reply:
            lines.append(Line(row.handled_at or row.received_at, False, row.reply, status="twiml"))
    for message in db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.channel == "sms", OutboxMessage.recipient == phone
        )
    ):
        lines.append(Line(message.created_at, False, message.body, status=message.status))
    return sorted(lines, key=lambda line: line.at)


@bp.route("/sms", methods=["GET", "POST"])
def sms_index():
    if request.method == "POST":
        try:
            phone = parse_phone(request.form.get("phone", ""), mobile_only=False)
        except Reprompt as reprompt:
            flash(str(reprompt.message), "error")
            return redirect(url_for("dev.sms_index"))
        return _send_as(phone)
    return render_template(
        "dev/outbox.html", channel="sms", recipients=_phones(), recipient=None, messages=[]
    )


def _send_as(phone: str):
    from assistant.sms import clean_text, receive

    text = clean_text(request.form.get("message", ""))
    if text:
        receive(f"DEV{secrets.token_hex(16)}", phone, "simulator", text)
    return redirect(url_for("dev.sms_phone", phone=phone, _anchor="last"))


@bp.route("/sms/<path:phone>", methods=["GET", "POST"])
def sms_phone(phone: str):
    if request.method == "POST":
        return _send_as(phone)
    return render_template(
        "dev/outbox.html",
        channel="sms",
        recipients=_phones(),
        recipient=phone,
        messages=_timeline(phone),
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
    messages = [
        Line(
            m.created_at,
            False,
            m.body,
            subject=m.subject,
            status=m.status,
            attachments=tuple(
                (m.id, index, item.get("filename") or "piece-jointe")
                for index, item in enumerate(m.attachments or ())
            ),
        )
        for m in db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.channel == "email", OutboxMessage.recipient == address)
            .order_by(OutboxMessage.id)
        )
    ]
    return render_template(
        "dev/outbox.html",
        channel="email",
        recipients=_recipients("email"),
        recipient=address,
        messages=messages,
    )


@bp.get("/mail/piece-jointe/<int:message_id>/<int:index>")
def mail_attachment(message_id: int, index: int):
    """An e-mail's attachment as the recipient would open it (the `.ics` of a convocation)."""
    message = db.session.get(OutboxMessage, message_id)
    attachments = (message.attachments or []) if message is not None else []
    if message is None or message.channel != "email" or not 0 <= index < len(attachments):
        abort(404)
    item = attachments[index]
    response = make_response(item.get("text") or "")
    response.headers["Content-Type"] = item.get("content_type") or "application/octet-stream"
    filename = item.get("filename") or "piece-jointe"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
