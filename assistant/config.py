"""Configuration read from the environment; `TestConfig` for the suite."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _flag(environ, name: str, default: bool) -> bool:
    value = environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


MIN_SECRET_KEY_BYTES = 32
# the bank account shown for transfers outside production: a valid test IBAN, no real account
DEMO_IBAN = "FR76 3000 6000 0112 3456 7890 189"
DEMO_BIC = "AGRIFRPP"


def _secret_key(environ, instance_path: Path, env: str) -> str:
    """SECRET_KEY from the environment; in development, generated once and kept in instance/."""
    if key := environ.get("SECRET_KEY"):
        if env == "production" and len(key.encode()) < MIN_SECRET_KEY_BYTES:
            # a short key can be guessed, and a forged session cookie opens any account
            raise RuntimeError(
                f"SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes in production "
                '(python -c "import secrets; print(secrets.token_hex(32))").'
            )
        return key
    if env == "production":
        raise RuntimeError("SECRET_KEY must be set in production (APP_ENV=production).")
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    """Built from os.environ when the app is created, never at import time."""

    TESTING = False

    def __init__(self, instance_path: Path, environ=None):
        environ = os.environ if environ is None else environ
        self.APP_ENV = environ.get("APP_ENV", "production")
        self.DEVELOPMENT = self.APP_ENV == "development"
        self.SECRET_KEY = _secret_key(environ, instance_path, self.APP_ENV)
        self.DATABASE_URL = environ.get("DATABASE_URL") or (
            f"sqlite:///{instance_path / 'assistant.db'}"
        )
        self.PORT = int(environ.get("PORT", "5000"))
        self.PUBLIC_BASE_URL = environ.get(
            "PUBLIC_BASE_URL", f"http://127.0.0.1:{self.PORT}"
        ).rstrip("/")
        self.TWILIO_ACCOUNT_SID = environ.get("TWILIO_ACCOUNT_SID", "")
        self.TWILIO_AUTH_TOKEN = environ.get("TWILIO_AUTH_TOKEN", "")
        self.TWILIO_FROM = environ.get("TWILIO_FROM", "")
        # Only for tests and staging: send Twilio REST calls to another base URL.
        self.TWILIO_API_BASE = environ.get("TWILIO_API_BASE", "")
        self.MEMBERS_AUTO_ACTIVATE = _flag(environ, "MEMBERS_AUTO_ACTIVATE", True)
        self.MAIL_SERVER = environ.get("MAIL_SERVER", "")
        self.MAIL_PORT = int(environ.get("MAIL_PORT", "25"))
        self.MAIL_USE_TLS = _flag(environ, "MAIL_USE_TLS", False)
        self.MAIL_USERNAME = environ.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = environ.get("MAIL_PASSWORD", "")
        self.MAIL_FROM = environ.get("MAIL_FROM", "ne-pas-repondre@spsti.example")
        self.SERVICE_NAME = environ.get("SERVICE_NAME", "SPSTI Santé Travail")
        self.SERVICE_PHONE = environ.get("SERVICE_PHONE", "01 23 45 67 89")
        self.SERVICE_EMAIL = environ.get("SERVICE_EMAIL", "contact@spsti.example")
        # the account members pay by transfer to: checked (schwifty) when the app starts; outside
        # production, a test account by default (no member pays a service that has none)
        demo = self.APP_ENV != "production"
        self.SERVICE_ACCOUNT_HOLDER = environ.get(
            "SERVICE_ACCOUNT_HOLDER", self.SERVICE_NAME if demo else ""
        )
        self.SERVICE_IBAN = environ.get("SERVICE_IBAN", DEMO_IBAN if demo else "")
        self.SERVICE_BIC = environ.get("SERVICE_BIC", DEMO_BIC if demo else "")
        # base address of the video visits; the visit's number is appended (empty: our own page)
        self.TELECONSULTATION_URL = environ.get("TELECONSULTATION_URL", "")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.PUBLIC_BASE_URL.startswith("https://")
        self.BABEL_DEFAULT_LOCALE = "fr"
        self.BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
        self.LANGUAGES = ("fr", "en")
        self.LOGIN_MAX_FAILURES = int(environ.get("LOGIN_MAX_FAILURES", "5"))
        self.LOGIN_LOCKOUT_MINUTES = int(environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
        # forwarded headers (client address, scheme, host) are believed only from this many
        # proxies in front of the app; 0: not at all
        self.TRUSTED_PROXIES = int(environ.get("TRUSTED_PROXIES", "0"))
        self.STAFF_IDLE_MINUTES = int(environ.get("STAFF_IDLE_MINUTES", "30"))
        self.MEMBER_IDLE_MINUTES = int(environ.get("MEMBER_IDLE_MINUTES", "120"))
        # one-time codes asked in any 15 minutes: per number, per address, in all
        self.OTP_MAX_PER_PHONE = int(environ.get("OTP_MAX_PER_PHONE", "3"))
        self.OTP_MAX_PER_IP = int(environ.get("OTP_MAX_PER_IP", "10"))
        self.OTP_MAX_OVERALL = int(environ.get("OTP_MAX_OVERALL", "200"))
        self.SMS_SESSION_IDLE = int(environ.get("SMS_SESSION_IDLE", str(24 * 3600)))
        # seconds between two checks of the risk catalogue table by each process
        self.RISK_CATALOGUE_TTL = int(environ.get("RISK_CATALOGUE_TTL", "30"))
        self.OUTBOX_MAX_ATTEMPTS = int(environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
        self.REMINDER_DAYS_BEFORE = int(environ.get("REMINDER_DAYS_BEFORE", "2"))
        self.BOOKING_NOTICE_DAYS = int(environ.get("BOOKING_NOTICE_DAYS", "2"))
        # minutes a health professional's "access outside my team" lasts
        self.HEALTH_ACCESS_MINUTES = int(environ.get("HEALTH_ACCESS_MINUTES", "60"))
        # request bodies: 413 beyond this many bytes; the CSV upload alone may send more
        self.MAX_CONTENT_LENGTH = int(environ.get("MAX_CONTENT_LENGTH", str(1024 * 1024)))
        self.IMPORT_MAX_BYTES = int(environ.get("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
        self.IMPORT_MAX_LINES = int(environ.get("IMPORT_MAX_LINES", "50000"))
        # seconds without a heartbeat after which a worker's import is taken over by another
        # (a chunk of 500 lines takes well under a second), and claims before it is failed
        self.IMPORT_JOB_TIMEOUT = int(environ.get("IMPORT_JOB_TIMEOUT", "300"))
        self.IMPORT_JOB_MAX_ATTEMPTS = int(environ.get("IMPORT_JOB_MAX_ATTEMPTS", "3"))
        # unfinished wizard and dialogue rows older than this are purged (`dialogues purge`)
        self.DIALOGUE_STATE_DAYS = int(environ.get("DIALOGUE_STATE_DAYS", "30"))
        self.HSTS_MAX_AGE = int(environ.get("HSTS_MAX_AGE", str(365 * 24 * 3600)))
        self.ENGINE_OPTIONS: dict = {}


class TestConfig(Config):
    """The suite's configuration: a database of its own, no CSRF unless a test asks for it."""

    TESTING = True

    def __init__(self, instance_path: Path, database_url: str, **overrides):
        super().__init__(
            instance_path, {**os.environ, "SECRET_KEY": "test-secret", "APP_ENV": "test"}
        )
        self.APP_ENV = "test"
        self.DEVELOPMENT = False
        self.DATABASE_URL = database_url
        self.WTF_CSRF_ENABLED = False
        self.TWILIO_ACCOUNT_SID = ""
        self.TWILIO_AUTH_TOKEN = ""
        self.TWILIO_API_BASE = ""
        self.MAIL_SERVER = ""
        self.MEMBERS_AUTO_ACTIVATE = True
        # the suite's fixed plannings expect the first free slot: the notice's own tests ask for
        # the default (tests/services/test_booking_notice.py)
        self.BOOKING_NOTICE_DAYS = 0
        for key, value in overrides.items():
            setattr(self, key, value)
