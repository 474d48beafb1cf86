"""The outbox: queue messages inside the caller's transaction, deliver them later from a worker.

Delivery is at-least-once towards the provider: a row is claimed (SKIP LOCKED on PostgreSQL,
SQLite serialises writers), sent, then marked; a worker killed between the provider's answer and
the mark leaves the row `sending`, and it is claimed again once the claim has gone stale.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from assistant.database import utcnow
from assistant.models import OutboxMessage, OutboxStatus, PhoneProfile

STALE_CLAIM = timedelta(minutes=5)


def queue_sms(session: Session, to: str, body: str, essential: bool = True) -> OutboxMessage:
    message = OutboxMessage(channel="sms", recipient=to, body=body, essential=essential)
    session.add(message)
    return message


def queue_email(session: Session, to: str, subject: str, body: str) -> OutboxMessage:
    message = OutboxMessage(channel="email", recipient=to, subject=subject, body=body)
    session.add(message)
    return message


class DeliveryError(Exception):
    """A send failed; `permanent` says whether trying again could help."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class Transport(Protocol):
    name: str

    def send(self, message: OutboxMessage) -> str:
        """Hand the message to the provider; return its id or raise DeliveryError."""


class SimulatorTransport:
    """Development and demos: nothing leaves the machine, /dev/sms shows the message."""

    name = "simulator"

    def send(self, message: OutboxMessage) -> str:
        return f"SIM{message.id:010d}"


class TwilioSmsTransport:
    name = "twilio"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_: str,
        api_base: str = "",
        status_callback: str = "",
    ):
        from twilio.rest import Client

        self.from_ = from_
        # Twilio reports delivery there (POST /sms/status); it must reach a public https URL.
        self.extra = {"status_callback": status_callback} if status_callback else {}
        self.client = Client(account_sid, auth_token, http_client=_twilio_http_client(api_base))

    def send(self, message: OutboxMessage) -> str:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        try:
            sent = self.client.messages.create(
                to=message.recipient, from_=self.from_, body=message.body, **self.extra
            )
        except TwilioRestException as error:
            # 401: our credentials are wrong; retrying lets an operator fix them without losing
            # the message. 429: slow down. Other 4xx: this message can never go (bad number…).
            permanent = 400 <= error.status < 500 and error.status not in (401, 429)
            raise DeliveryError(
                f"twilio {error.status} {error.code}: {error.msg}", permanent
            ) from error
        except (TwilioException, OSError) as error:
            raise DeliveryError(f"twilio: {error}") from error
        return sent.sid


def _twilio_http_client(api_base: str):
    """Twilio's own HTTP client; with `api_base`, its calls go to that host instead (tests)."""
    from twilio.http.http_client import TwilioHttpClient

    if not api_base:
        return TwilioHttpClient(timeout=15)

    class RebasedHttpClient(TwilioHttpClient):
        def request(self, method, url, *args, **kwargs):
            for host in ("https://api.twilio.com", "https://messaging.twilio.com"):
                if url.startswith(host):
                    url = api_base.rstrip("/") + url[len(host) :]
            return super().request(method, url, *args, **kwargs)

    return RebasedHttpClient(timeout=15)


class SmtpTransport:
    name = "smtp"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        use_tls: bool = False,
        username: str = "",
        password: str = "",
    ):
        self.host, self.port, self.sender = host, port, sender
        self.use_tls, self.username, self.password = use_tls, username, password

    def send(self, message: OutboxMessage) -> str:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.recipient
        email["Subject"] = message.subject or ""
        email["Message-ID"] = f"<outbox-{message.id}@{self.sender.partition('@')[2] or 'local'}>"
        email.set_content(message.body)
        for attachment in message.attachments or ():
            _attach(email, attachment)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=15) as smtp:
                if self.use_tls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryError(f"smtp refused: {error.recipients}", permanent=True) from error
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"smtp: {error}") from error
        return email["Message-ID"]


def _attach(email: EmailMessage, attachment: Mapping) -> None:
    """A text attachment ({"filename", "content_type", "text"}), e.g. an .ics with its
    `method=` parameter, which calendar clients read from the Content-Type."""
    content_type, *parameters = (part.strip() for part in attachment["content_type"].split(";"))
    _main, _, subtype = content_type.partition("/")
    params = dict(p.partition("=")[::2] for p in parameters if "=" in p)
    email.add_attachment(
        attachment["text"],
        subtype=subtype or "plain",
        filename=attachment["filename"],
        params=params,
    )


def _status_callback_url(public_base_url: str) -> str:
    return f"{public_base_url}/sms/status" if public_base_url.startswith("https://") else ""


def transports_from_config(config: Mapping) -> dict[str, Transport]:
    """Real providers where credentials are configured, the simulator otherwise."""
    sms: Transport = SimulatorTransport()
    if config.get("TWILIO_ACCOUNT_SID") and config.get("TWILIO_AUTH_TOKEN"):
        sms = TwilioSmsTransport(
            config["TWILIO_ACCOUNT_SID"],
            config["TWILIO_AUTH_TOKEN"],
            config["TWILIO_FROM"],
            config.get("TWILIO_API_BASE", ""),
            _status_callback_url(config.get("PUBLIC_BASE_URL", "")),
        )
    email: Transport = SimulatorTransport()
    if config.get("MAIL_SERVER"):
        email = SmtpTransport(
            config["MAIL_SERVER"],
            config["MAIL_PORT"],
            config["MAIL_FROM"],
            config.get("MAIL_USE_TLS", False),
            config.get("MAIL_USERNAME", ""),
            config.get("MAIL_PASSWORD", ""),
        )
    return {"sms": sms, "email": email}


def _opted_out(session: Session, message: OutboxMessage) -> bool:
    """STOP stops non-essential SMS (reminders, news); codes and convocations still go."""
    if message.channel != "sms" or message.essential:
        return False
    return (
        session.scalar(
            select(PhoneProfile.id).where(
                PhoneProfile.phone == message.recipient, PhoneProfile.opted_out_at.is_not(None)
            )
        )
        is not None
    )


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def claim_due(session: Session, now: datetime, limit: int = 50) -> list[int]:
    """Mark up to `limit` due messages as ours and commit; concurrent workers get other rows.

    One statement, UPDATE … WHERE id IN (SELECT … SKIP LOCKED) RETURNING id: on SQLite a
    transaction that reads and then writes fails at once ("database is locked", whatever the busy
    timeout) when another connection committed in between; one that starts by writing waits.
    """
    due = (
        select(OutboxMessage.id)
        .where(
            or_(
                (OutboxMessage.status == OutboxStatus.PENDING)
                & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == OutboxStatus.SENDING)
                & (OutboxMessage.claimed_at < now - STALE_CLAIM),
            )
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due))
        .values(status=OutboxStatus.SENDING, claimed_at=now)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    ids = sorted(claimed)
    session.commit()
    return ids


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.skipped


def deliver_due(
    session_factory: Callable[[], Session],
    transports: Mapping[str, Transport],
    max_attempts: int = 8,
    now: Callable[[], datetime] = utcnow,
    limit: int = 50,
) -> DeliveryReport:
    """Deliver one batch of due messages; each outcome is committed on its own.

    `session_factory` must make sessions that keep loaded attributes on commit
    (`expire_on_commit=False`, as the app's does).
    """
    report = DeliveryReport()
    with session_factory() as session:
        ids = claim_due(session, now(), limit)
        for message_id in ids:
            message = session.get(OutboxMessage, message_id)
            # No transaction stays open while the provider answers: the outcome is then written
            # by a transaction that starts with its write (see claim_due on SQLite).
            session.commit()
            if _opted_out(session, message):
                message.status = OutboxStatus.SKIPPED
                report.skipped += 1
                session.commit()
                continue
            transport = transports[message.channel]
            message.attempts += 1
            try:
                message.provider_id = transport.send(message)
            except DeliveryError as error:
                message.last_error = str(error)[:2000]
                report.errors.append(message.last_error)
                if error.permanent or message.attempts >= max_attempts:
                    message.status = OutboxStatus.FAILED
                    report.failed += 1
                else:
                    message.status = OutboxStatus.PENDING
                    message.next_attempt_at = now() + backoff(message.attempts)
                    report.retried += 1
            else:
                message.status = OutboxStatus.SENT
                message.provider = transport.name
                message.sent_at = now()
                message.last_error = None
                report.sent += 1
            session.commit()
    return report
