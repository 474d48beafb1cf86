"""The text channels: Twilio's SMS webhook and status callback, and the web chat."""

from __future__ import annotations

import hmac
import logging
import re
import secrets
import unicodedata
from xml.sax.saxutils import escape

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from twilio.request_validator import RequestValidator

from assistant import sessions
from assistant.database import utcnow
from assistant.extensions import csrf, db
from assistant.models import ChatLine, InboundSms, OutboxMessage, OutboxStatus
from assistant.sms.conversation import Channel, handle, keyword
from assistant.sms.visits import say

bp = Blueprint("sms", __name__)
INBOUND = InboundSms.__table__  # Core statements: this runs for every SMS, the ORM costs more
STORE = INBOUND.insert()
ANSWERED = (
    INBOUND.update()
    .where(INBOUND.c.message_sid == bindparam("sid"))
    .values(reply=bindparam("the_reply"), handled_at=bindparam("at"))
)
log = logging.getLogger(__name__)
TWIML = "text/xml; charset=utf-8"

TWILIO_STATUSES = {
    "delivered": OutboxStatus.DELIVERED,
    "undelivered": OutboxStatus.FAILED,
    "failed": OutboxStatus.FAILED,
}


def clean_text(text: str) -> str:
    """What a person typed, without control characters (newlines kept as spaces)."""
    text = (text or "").replace("\r", " ").replace("\n", " ")
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()


def _signed() -> bool:
    """Twilio's signature over the public URL it called; development may go unsigned."""
    token = current_app.config["TWILIO_AUTH_TOKEN"]
    if not token:
        return current_app.config["DEVELOPMENT"]
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    url = current_app.config["PUBLIC_BASE_URL"] + request.full_path.rstrip("?")
    validator = RequestValidator(token)
    # signed over the very URL we are: one signature computed (`validate` computes it with and
    # without the port, for proxies that add or drop it)
    exact = validator.compute_signature(url, request.form)
    return hmac.compare_digest(exact, signature) or validator.validate(url, request.form, signature)


def _twiml(reply: str | None):
    """TwiML answering with one message (what twilio's MessagingResponse writes, without its
    XML tree)."""
    body = f"<Response><Message>{escape(reply)}</Message></Response>" if reply else "<Response />"
    return f'<?xml version="1.0" encoding="UTF-8"?>{body}', 200, {"Content-Type": TWIML}


def receive(sid: str, phone: str, to: str | None, body: str) -> str | None:
    """Store, then handle once; a repeated MessageSid gets the first reply again.

    The message is committed before it is handled (SPEC 5: nothing a person sends is lost, even
    if the process dies mid-turn); the turn and its reply are a second transaction, on SQLite
    begun with the write lock (`BEGIN IMMEDIATE`, see assistant/database.py). A turn that fails
    is undone and the message keeps the apology as its reply."""
    sess = db.session
    row = {
        "message_sid": sid,
        "from_number": phone,
        "to_number": to,
        "body": body[:2000],
        "received_at": utcnow(),
    }
    try:
        sess.connection().execute(STORE, row)
        sess.commit()  # stored before it is handled
    except IntegrityError:  # a retried MessageSid (or twice at once): the first one's reply
        sess.rollback()
        return sess.scalar(select(InboundSms.reply).where(InboundSms.message_sid == sid))
    now = utcnow()
    try:
        reply = handle(sess, Channel(key=f"sms:{phone}", name="sms", phone=phone), body, now)
        if sess.new or sess.dirty or sess.deleted:
            sess.flush()  # what the turn wrote fails here, not at the commit below
    except Exception:  # never a stack trace nor silence: apologise, keep the message
        log.exception("SMS %s from %s could not be handled", sid, phone)
        sess.rollback()
        reply = say("error")
    sess.connection().execute(ANSWERED, {"sid": sid, "the_reply": reply, "at": now})
    sess.commit()
    return reply


@bp.post("/sms/inbound")
@csrf.exempt
def inbound():
    if not _signed():
        abort(403)
    sid = request.form.get("MessageSid", "").strip()
    phone = request.form.get("From", "").strip()
    if not sid or not phone:
        abort(400)
    return _twiml(
        receive(sid, phone, request.form.get("To"), clean_text(request.form.get("Body", "")))
    )


@bp.post("/sms/status")
@csrf.exempt
def status_callback():
    """Twilio tells what became of a message we sent."""
    if not _signed():
        abort(403)
    sid = request.form.get("MessageSid", "")
    new_status = TWILIO_STATUSES.get(request.form.get("MessageStatus", ""))
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.provider_id == sid))
    if message is not None and new_status is not None:
        message.status = new_status
        if new_status == OutboxStatus.FAILED:
            message.last_error = f"twilio {request.form.get('ErrorCode', '')}".strip()
        db.session.commit()
    return "", 204


def _chat_key() -> str:
    token = session.get("chat_token")
    if token is None:
        token = session["chat_token"] = secrets.token_urlsafe(24)
    return f"chat:{token}"


def _chat_channel(key: str, locale: str) -> Channel:
    """The chat knows no phone, but a person signed in with a one-time code is as proven as by
    SMS (the visits too); a person signed in to a member's space is that member."""
    from assistant.models import MemberUser

    phone = sessions.proven_phone(current_user)
    if isinstance(current_user, MemberUser):
        return Channel(
            key=key,
            name="chat",
            phone=phone,
            locale=locale,
            member_id=current_user.member_id,
            actor=current_user.get_id(),
        )
    return Channel(key=key, name="chat", phone=phone, locale=locale)


@bp.route("/chat", methods=["GET", "POST"])
def chat():
    key = _chat_key()
    reply = None
    if request.method == "POST":
        text = clean_text(request.form.get("message", ""))[:1000]
        if text:
            word = keyword(text)
            if word in ("english", "french"):
                session["lang"] = "en" if word == "english" else "fr"
            locale = session.get("lang") or str(get_locale())
            db.session.add(ChatLine(key=key, incoming=True, text=text))
            reply = handle(db.session, _chat_channel(key, locale), text, utcnow())
            db.session.add(ChatLine(key=key, incoming=False, text=reply))
            db.session.commit()
        if request.accept_mimetypes.best == "application/json":
            return jsonify(reply=reply)
        return redirect(url_for("sms.chat", _anchor="last"))
    lines = db.session.scalars(
        select(ChatLine).where(ChatLine.key == key).order_by(ChatLine.id)
    ).all()
    if not lines:
        greeting = say("menu")
        return render_template("chat.html", lines=[], greeting=greeting, choices=[])
    last = lines[-1]
    choices = [] if last.incoming else numbered_choices(last.text)
    return render_template("chat.html", lines=lines, greeting=None, choices=choices)


def numbered_choices(text: str) -> list[tuple[str, str]]:
    """The "1. Coiffure" lines of a question (sms/prompts.py), offered as buttons in the chat."""
    return re.findall(r"^(\d{1,2})\. (.+)$", text, flags=re.MULTILINE)
