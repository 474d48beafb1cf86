"""Time helpers: stored in UTC, the service's calendar in Europe/Paris."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def today_paris(now: datetime | None = None) -> date:
    from assistant.database import utcnow

    return (now or utcnow()).astimezone(PARIS).date()
