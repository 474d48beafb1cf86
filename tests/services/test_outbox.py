"""The outbox: queued in the caller's transaction, delivered by workers through the real clients.

SMS go through the real `twilio` library to a fake Twilio API on 127.0.0.1, e-mails through
`smtplib` to an aiosmtpd server; the clock is the explicit `now` given to `deliver_due`.
"""

from __future__ import annotations

import signal
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from assistant.app import create_app
from assistant.config import Config
from assistant.database import utcnow
from assistant.extensions import db as _db
from assistant.models import OutboxMessage, OutboxStatus
from assistant.services.messaging.outbox import (
    STALE_CLAIM,
    SimulatorTransport,
    SmtpTransport,
    TwilioSmsTransport,
    backoff,
    claim_due,
    deliver_due,
    queue_email,
    queue_sms,
    transports_from_config,
)
from tests.conftest import make_app
from tests.fakes import FakeSmtp, FakeTwilio, free_port

SERVICE_NUMBER = "+33700000000"


@pytest.fixture
def fake_twilio():
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def fake_smtp():
    with FakeSmtp() as fake:
        yield fake


@pytest.fixture
def factory(app):
    """The app's session factory, as the worker process uses it."""
    return app.extensions["database"]["sessionmaker"]


def twilio_transports(fake: FakeTwilio) -> dict:
    sms = TwilioSmsTransport(fake.account_sid, fake.auth_token, SERVICE_NUMBER, fake.url)
    return {"sms": sms, "email": SimulatorTransport()}


def clock(moment):
    return lambda: moment


def fetch(session, message_id: int) -> OutboxMessage:
    """The row as stored now; the read transaction is closed again (SQLite cannot upgrade a
    read transaction that another connection's commit made stale into a write)."""
    session.expire_all()
    message = session.get(OutboxMessage, message_id)
    session.commit()
    return message


def queue_one_sms(session, to="+33612345678", body="Votre rendez-vous est confirmé.") -> int:
    message = queue_sms(session, to, body)
    session.commit()
    return message.id


# -- SMS through Twilio -----------------------------------------------------------------------


def test_rolled_back_sms_is_never_sent_committed_one_is_delivered(db, factory, fake_twilio):
    queue_sms(db, "+33611111111", "Annulé avec la transaction")
    db.rollback()
    body = "Bonjour, votre visite d'information et de prévention est confirmée le 12/02 à 9 h."
    message_id = queue_one_sms(db, "+33622222222", body)
    now = utcnow() + timedelta(seconds=1)

    report = deliver_due(factory, twilio_transports(fake_twilio), now=clock(now))

    assert (report.sent, report.handled, report.errors) == (1, 1, [])
    [request] = fake_twilio.requests
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{fake_twilio.account_sid}/Messages.json"
    assert request.auth == (fake_twilio.account_sid, fake_twilio.auth_token)
    assert request.form["To"] == "+33622222222"
    assert request.form["From"] == SERVICE_NUMBER
    assert request.form["Body"] == body
    message = fetch(db, message_id)
    assert message.status == OutboxStatus.SENT
    assert message.provider == "twilio"
    assert message.provider_id == request.sid and len(request.sid) == 34
    assert request.sid.startswith("SM")
    assert (message.attempts, message.sent_at, message.last_error) == (1, now, None)
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 1

    again = deliver_due(
        factory, twilio_transports(fake_twilio), now=clock(now + timedelta(hours=2))
    )
    assert again.handled == 0 and len(fake_twilio.requests) == 1


def test_wrong_credentials_are_refused_by_the_fake(db, factory, fake_twilio):
    """A wrong token is a 401: kept for a retry, so that fixing the credentials loses nothing."""
    message_id = queue_one_sms(db)
    sms = TwilioSmsTransport(fake_twilio.account_sid, "wrong", SERVICE_NUMBER, fake_twilio.url)

    deliver_due(factory, {"sms": sms}, now=clock(utcnow() + timedelta(seconds=1)))

    message = fetch(db, message_id)
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert "401" in message.last_error and "20003" in message.last_error
    assert fake_twilio.sent == []


def test_server_error_is_retried_after_backoff_then_delivered(db, factory, fake_twilio):
    message_id = queue_one_sms(db)
    fake_twilio.fail_next(1, status=500)
    now = utcnow() + timedelta(seconds=1)
    transports = twilio_transports(fake_twilio)

    report = deliver_due(factory, transports, now=clock(now))

    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    message = fetch(db, message_id)
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at == now + timedelta(seconds=30)
    assert message.last_error.startswith("twilio 500 20500")
    assert report.errors == [message.last_error]
    assert message.provider_id is None and message.sent_at is None

    too_early = deliver_due(factory, transports, now=clock(now + timedelta(seconds=29)))
    assert too_early.handled == 0 and len(fake_twilio.requests) == 1

    later = now + timedelta(seconds=30)
    assert deliver_due(factory, transports, now=clock(later)).sent == 1
    message = fetch(db, message_id)
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2 and message.sent_at == later and message.last_error is None
    assert message.provider_id == fake_twilio.sent[0].sid
    assert len(fake_twilio.requests) == 2


def test_gives_up_after_the_configured_number_of_attempts(app, db, factory, fake_twilio):
    max_attempts = app.config["OUTBOX_MAX_ATTEMPTS"]
    assert max_attempts == 8
    message_id = queue_one_sms(db)
    fake_twilio.fail_next(max_attempts + 1, status=503)
    transports = twilio_transports(fake_twilio)
    moment = utcnow() + timedelta(seconds=1)
    for attempt in range(1, max_attempts):
        report = deliver_due(factory, transports, max_attempts, now=clock(moment))
        assert report.retried == 1, attempt
        message = fetch(db, message_id)
        assert (message.status, message.attempts) == (OutboxStatus.PENDING, attempt)
        assert message.next_attempt_at == moment + backoff(attempt)
        moment = message.next_attempt_at

    report = deliver_due(factory, transports, max_attempts, now=clock(moment))

    assert report.failed == 1
    message = fetch(db, message_id)
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, max_attempts)
    assert message.last_error.startswith("twilio 503")
    assert len(fake_twilio.requests) == max_attempts
    later = moment + timedelta(days=1)
    assert deliver_due(factory, transports, max_attempts, now=clock(later)).handled == 0


def test_invalid_number_fails_at_once(db, factory, fake_twilio):
    message_id = queue_one_sms(db, to="+3361234")
    fake_twilio.fail_next(1, status=400)

    report = deliver_due(factory, twilio_transports(fake_twilio), now=clock(utcnow()))

    assert (report.failed, report.retried) == (1, 0)
    message = fetch(db, message_id)
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 1)
    assert "400" in message.last_error and "21211" in message.last_error
    assert "Invalid 'To' Phone Number" in message.last_error
    assert fake_twilio.requests[0].form["To"] == "+3361234"


def test_rate_limiting_is_retried(db, factory, fake_twilio):
    message_id = queue_one_sms(db)
    fake_twilio.fail_next(1, status=429)
    now = utcnow()

    assert deliver_due(factory, twilio_transports(fake_twilio), now=clock(now)).retried == 1

    message = fetch(db, message_id)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.last_error.startswith("twilio 429 20429")


def test_backoff_doubles_from_thirty_seconds_up_to_an_hour():
    assert [backoff(n).total_seconds() for n in range(1, 10)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]
    assert backoff(0) == timedelta(seconds=30)
    assert backoff(50) == timedelta(hours=1)


# -- e-mail through SMTP ----------------------------------------------------------------------


def test_email_is_delivered_over_smtp_in_utf8(db, factory, fake_smtp):
    subject = "Votre visite : rendez-vous à Besançon, août"
    body = (
        "Bonjour Hélène,\n\n"
        "Votre visite d'information et de prévention aura lieu jeudi à 9 h, "
        "au centre de Besançon (2ᵉ étage).\n"
        "— Le secrétariat médical, « à votre écoute »."
    )
    message = queue_email(db, "helene.dupre@example.fr", subject, body)
    db.commit()
    smtp = SmtpTransport("127.0.0.1", fake_smtp.port, "ne-pas-repondre@spsti.example")

    report = deliver_due(factory, {"email": smtp}, now=clock(utcnow()))

    assert report.sent == 1, report.errors
    [received] = fake_smtp.messages
    assert received["Subject"] == subject
    assert received["To"] == "helene.dupre@example.fr"
    assert received["From"] == "ne-pas-repondre@spsti.example"
    assert received.get_content_charset() == "utf-8"
    assert received.get_content() == body + "\n"
    assert fake_smtp.envelopes == [("ne-pas-repondre@spsti.example", ["helene.dupre@example.fr"])]
    stored = fetch(db, message.id)
    assert stored.status == OutboxStatus.SENT and stored.provider == "smtp"
    assert stored.provider_id == received["Message-ID"] == f"<outbox-{message.id}@spsti.example>"


def test_email_is_retried_when_the_smtp_server_refuses_the_connection(db, factory):
    message = queue_email(db, "a@example.fr", "Objet", "Corps")
    db.commit()
    smtp = SmtpTransport("127.0.0.1", free_port(), "ne-pas-repondre@spsti.example")
    now = utcnow()

    report = deliver_due(factory, {"email": smtp}, now=clock(now))

    assert report.retried == 1
    stored = fetch(db, message.id)
    assert (stored.status, stored.attempts) == (OutboxStatus.PENDING, 1)
    assert stored.next_attempt_at == now + timedelta(seconds=30)
    assert stored.last_error.startswith("smtp:") and "refused" in stored.last_error.lower()


# -- without credentials: the simulator -------------------------------------------------------


def test_without_credentials_messages_go_to_the_simulator(app, db, factory):
    transports = transports_from_config({})
    assert {channel: t.name for channel, t in transports.items()} == {
        "sms": "simulator",
        "email": "simulator",
    }
    assert transports_from_config(app.config)["sms"].name == "simulator"
    sms = queue_sms(db, "+33612345678", "Bonjour")
    mail = queue_email(db, "a@example.fr", "Objet", "Corps")
    db.commit()

    report = deliver_due(factory, transports, now=clock(utcnow()))

    assert report.sent == 2
    for message in (fetch(db, sms.id), fetch(db, mail.id)):
        assert message.status == OutboxStatus.SENT
        assert message.provider == "simulator"
        assert message.provider_id == f"SIM{message.id:010d}"


def test_configured_credentials_select_the_real_providers():
    transports = transports_from_config(
        {
            "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
            "TWILIO_AUTH_TOKEN": "token",
            "TWILIO_FROM": SERVICE_NUMBER,
            "MAIL_SERVER": "smtp.example",
            "MAIL_PORT": 587,
            "MAIL_FROM": "ne-pas-repondre@spsti.example",
            "MAIL_USE_TLS": True,
        }
    )
    assert isinstance(transports["sms"], TwilioSmsTransport)
    assert isinstance(transports["email"], SmtpTransport)
    assert (transports["email"].host, transports["email"].port) == ("smtp.example", 587)


# -- several workers --------------------------------------------------------------------------


def test_two_workers_at_once_send_every_message_exactly_once(db, factory, fake_twilio):
    bodies = [f"Message n° {n:03d}" for n in range(200)]
    for n, body in enumerate(bodies):
        queue_sms(db, f"+336{n:08d}", body)
    db.commit()
    now = utcnow() + timedelta(seconds=1)
    start = threading.Barrier(2)
    sent = Counter()
    errors = []

    def worker(name):
        transports = twilio_transports(fake_twilio)  # each worker process has its own client
        try:
            start.wait()
            while True:
                report = deliver_due(factory, transports, now=clock(now), limit=10)
                sent[name] += report.sent
                errors.extend(report.errors)
                if report.handled == 0:
                    return
        except Exception as error:  # reported below rather than lost in the thread
            errors.append(f"{name}: {error!r}")

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    assert errors == []
    assert fake_twilio.bodies() == Counter(bodies)
    assert len(fake_twilio.requests) == 200
    assert sent["a"] + sent["b"] == 200 and sent["a"] > 0 and sent["b"] > 0, sent
    db.expire_all()
    rows = db.execute(select(OutboxMessage.status, OutboxMessage.provider_id)).all()
    db.commit()
    assert {status for status, _ in rows} == {OutboxStatus.SENT}
    assert sorted(sid for _, sid in rows) == sorted(r.sid for r in fake_twilio.sent)


def test_claimed_messages_are_not_claimed_twice(db):
    ids = [queue_sms(db, "+33612345678", f"m{n}") for n in range(3)]
    db.commit()
    now = utcnow()

    first = claim_due(db, now, limit=2)
    second = claim_due(db, now)

    assert first == [ids[0].id, ids[1].id] and second == [ids[2].id]
    assert claim_due(db, now + STALE_CLAIM) == []
    claimed = fetch(db, ids[0].id)
    assert (claimed.status, claimed.claimed_at) == (OutboxStatus.SENDING, now)


def test_stale_claim_is_taken_again_a_fresh_one_is_not(db, factory, fake_twilio):
    now = utcnow()
    stale = queue_sms(db, "+33611111111", "abandonné par un worker tué")
    fresh = queue_sms(db, "+33622222222", "en cours chez un autre worker")
    for message, claimed_at in ((stale, now - timedelta(minutes=6)), (fresh, now - STALE_CLAIM)):
        message.status = OutboxStatus.SENDING
        message.claimed_at = claimed_at
        message.attempts = 1
    db.commit()
    transports = twilio_transports(fake_twilio)

    report = deliver_due(factory, transports, now=clock(now))

    assert report.sent == 1
    assert [r.form["Body"] for r in fake_twilio.requests] == ["abandonné par un worker tué"]
    assert fetch(db, stale.id).status == OutboxStatus.SENT
    assert fetch(db, stale.id).attempts == 2
    assert (fetch(db, fresh.id).status, fetch(db, fresh.id).claimed_at) == (
        OutboxStatus.SENDING,
        now - STALE_CLAIM,
    )

    later = now + timedelta(seconds=1)
    assert deliver_due(factory, transports, now=clock(later)).sent == 1
    assert fetch(db, fresh.id).status == OutboxStatus.SENT
    assert fake_twilio.bodies()["en cours chez un autre worker"] == 1


# -- the worker command -----------------------------------------------------------------------


def test_outbox_work_once_delivers_what_is_due_and_exits(tmp_path, database, fake_twilio):
    app = make_app(
        tmp_path,
        database,
        TWILIO_ACCOUNT_SID=fake_twilio.account_sid,
        TWILIO_AUTH_TOKEN=fake_twilio.auth_token,
        TWILIO_FROM=SERVICE_NUMBER,
        TWILIO_API_BASE=fake_twilio.url,
    )
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        with app.extensions["database"]["sessionmaker"]() as session:
            due = [queue_sms(session, "+33612345678", f"dû {n}") for n in range(2)]
            later = queue_sms(session, "+33612345678", "plus tard")
            later.next_attempt_at = utcnow() + timedelta(hours=1)
            session.commit()

            result = app.test_cli_runner().invoke(args=["outbox", "work", "--once"])

            assert result.exit_code == 0, result.output
            assert "sms via twilio, e-mail via simulator" in result.output
            assert "sent 2, retry 0, failed 0" in result.output
            assert sorted(fake_twilio.bodies()) == ["dû 0", "dû 1"]
            assert all(r.form["From"] == SERVICE_NUMBER for r in fake_twilio.requests)
            statuses = [fetch(session, m.id).status for m in (*due, later)]
            assert statuses == [OutboxStatus.SENT, OutboxStatus.SENT, OutboxStatus.PENDING]
        # The command leaves the process's signal handlers as it found them.
        assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers
    finally:
        with app.app_context():
            _db.engine.dispose()


# -- the development simulator pages ----------------------------------------------------------


def test_dev_sms_page_lists_messages_per_phone_number(tmp_path, app, db):
    queue_sms(db, "+33611111111", "Premier message pour Hélène")
    queue_sms(db, "+33611111111", "Second message pour Hélène")
    queue_sms(db, "+33622222222", "Message pour Loïc")
    queue_email(db, "a@example.fr", "Objet du courriel", "Corps du courriel")
    db.commit()
    config = Config(
        tmp_path,
        {"SECRET_KEY": "s", "APP_ENV": "development", "DATABASE_URL": app.config["DATABASE_URL"]},
    )
    config.ENGINE_OPTIONS = app.config["ENGINE_OPTIONS"]
    dev_app = create_app(config)
    try:
        client = dev_app.test_client()

        index = client.get("/dev/sms").get_data(as_text=True)
        assert "+33611111111</a> (2)" in index and "+33622222222</a> (1)" in index
        assert "a@example.fr" not in index and "Premier message" not in index

        page = client.get("/dev/sms/+33611111111")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "Premier message pour Hélène" in html and "Second message pour Hélène" in html
        assert "Message pour Loïc" not in html
        assert html.index("Premier message") < html.index("Second message")

        mail = client.get("/dev/mail/a@example.fr").get_data(as_text=True)
        assert "Objet du courriel" in mail and "Corps du courriel" in mail
    finally:
        with dev_app.app_context():
            _db.engine.dispose()


def test_twilio_is_told_where_to_report_delivery(db, factory, fake_twilio):
    message_id = queue_one_sms(db)
    transports = transports_from_config(
        {
            "TWILIO_ACCOUNT_SID": fake_twilio.account_sid,
            "TWILIO_AUTH_TOKEN": fake_twilio.auth_token,
            "TWILIO_FROM": SERVICE_NUMBER,
            "TWILIO_API_BASE": fake_twilio.url,
            "PUBLIC_BASE_URL": "https://sante.example",
        }
    )
    deliver_due(factory, transports, now=clock(utcnow() + timedelta(seconds=1)))
    assert fetch(db, message_id).status == OutboxStatus.SENT
    assert fake_twilio.requests[-1].form["StatusCallback"] == "https://sante.example/sms/status"
