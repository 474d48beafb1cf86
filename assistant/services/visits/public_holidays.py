"""French public holidays (the `holidays` package): the days the planning skips when it
generates slots, and the next ones, named in French or English, as staff see them listed. No
database, no Flask.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _french_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.France(years=year))


def is_public_holiday(day: date) -> bool:
    return day in _french_holidays(day.year)


def upcoming_holidays(today: date, count: int = 6, language: str = "fr") -> list[tuple[date, str]]:
    """The next public holidays from `today`, named in `language` ("fr" or "en")."""
    names = holidays.France(
        years=[today.year, today.year + 1], language="en_US" if language.startswith("en") else "fr"
    )
    found = []
    day = today
    while len(found) < count and day <= today + timedelta(days=366):
        if is_public_holiday(day):
            found.append((day, names.get(day, "")))
        day += timedelta(days=1)
    return found
