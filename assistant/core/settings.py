"""What the service says about itself in its messages (name, phone, addresses), read from the
configuration by the app that starts (`assistant.app.create_app`), which gives it to every
database session it makes (`Session.info`): services find it from their session, or from a row
of that session, and no module keeps a copy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session, object_session


@dataclass(frozen=True)
class Settings:
    service_name: str = "SPSTI Santé Travail"
    service_phone: str = "01 23 45 67 89"
    service_email: str = ""
    public_base_url: str = "http://127.0.0.1:5000"
    teleconsultation_url: str = ""  # empty: <public base URL>/teleconsultation
    mail_from: str = "ne-pas-repondre@spsti.example"
    # automatic placement books no sooner than this many working days ahead (the convocation
    # and the reminder have time), unless the deadline is sooner
    booking_notice_days: int = 2
    # the account members pay by transfer to (checked at the app's start), empty when none
    bank_holder: str = ""
    bank_iban: str = ""  # compact: FR7630006000011234567890189
    bank_bic: str = ""

    @classmethod
    def from_config(cls, config: Mapping) -> Settings:
        base = str(config.get("PUBLIC_BASE_URL") or cls.public_base_url).rstrip("/")
        return cls(
            service_name=config.get("SERVICE_NAME") or cls.service_name,
            service_phone=config.get("SERVICE_PHONE") or cls.service_phone,
            service_email=config.get("SERVICE_EMAIL") or "",
            public_base_url=base,
            teleconsultation_url=str(config.get("TELECONSULTATION_URL") or "").rstrip("/"),
            mail_from=config.get("MAIL_FROM") or cls.mail_from,
            booking_notice_days=int(config.get("BOOKING_NOTICE_DAYS", cls.booking_notice_days)),
            bank_holder=config.get("SERVICE_ACCOUNT_HOLDER") or "",
            bank_iban=config.get("SERVICE_IBAN") or "",
            bank_bic=config.get("SERVICE_BIC") or "",
        )

    def teleconsultation_link(self, visit) -> str:
        base = self.teleconsultation_url or f"{self.public_base_url}/teleconsultation"
        return f"{base}/{visit.room_token}"  # random per visit: never guessed from its number

    @property
    def visits_url(self) -> str:
        return f"{self.public_base_url}/espace/visites"

    @property
    def domain(self) -> str:
        return self.mail_from.partition("@")[2] or "spsti.example"


DEFAULT = Settings()
KEY = "settings"  # in Session.info


def of(session_or_row) -> Settings:
    """The settings of the app that made this session (or the session holding this row); the
    defaults for a session made elsewhere (a script, a test's own engine)."""
    session = (
        session_or_row if isinstance(session_or_row, Session) else object_session(session_or_row)
    )
    return session.info.get(KEY, DEFAULT) if session is not None else DEFAULT
