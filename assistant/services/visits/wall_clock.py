"""Local wall-clock times of the planning, returned in UTC: the slots a session gives on a day,
the time of a reminder some days before a visit, the start of a day in Paris. Correct across the
changes to and from summer time: a start that does not exist (the spring change) is skipped, a
repeated one (the autumn change) is taken the first time it occurs. No database, no Flask.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PARIS = "Europe/Paris"


def paris_midnight(day: date) -> datetime:
    """The start of `day` in Paris (aware, in local time)."""
    return datetime.combine(day, time.min, _zone(PARIS))


def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)  # ZoneInfo keeps its own cache of zones


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def _to_utc(naive: datetime, zone: ZoneInfo) -> datetime:
    """A local wall-clock time in UTC; an ambiguous one (the repeated hour) is the first."""
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def slot_times(
    day: date, starts: time, ends: time, minutes: int, tz: str = PARIS
) -> list[tuple[datetime, datetime]]:
    """The slots of a local session on `day`, in UTC: every `minutes` of wall-clock time from
    `starts`, each lasting `minutes`, the last ending at or before `ends`.

    On the spring change a start that does not exist (02:00–02:59 in Paris) is skipped, and so
    is one that would overlap the slot before it; on the autumn change a repeated time is taken
    the first time it occurs (fold=0). A session ending inside the skipped hour ends when the
    clock jumps.
    """
    if minutes <= 0:
        raise ValueError("minutes must be positive")
    zone = _zone(tz)
    first = datetime.combine(day, starts)
    last = datetime.combine(day, ends)
    end_limit = last
    while not _exists(end_limit, zone):  # inside the skipped hour: the clock jumps forward
        end_limit += timedelta(minutes=1)
    session_end = _to_utc(end_limit, zone)
    step = timedelta(minutes=minutes)
    slots: list[tuple[datetime, datetime]] = []
    local = first
    while local + step <= last:
        if _exists(local, zone):
            begin = _to_utc(local, zone)
            end = begin + step
            if end > session_end:
                break
            if not slots or begin >= slots[-1][1]:
                slots.append((begin, end))
        local += step
    return slots


def reminder_at(starts_at: datetime, days_before: int = 2, tz: str = PARIS) -> datetime:
    """The same local wall-clock time `days_before` calendar days earlier, in UTC (a time that
    does not exist that day is taken with the offset before the change, i.e. one hour later)."""
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be timezone-aware")
    zone = _zone(tz)
    local = starts_at.astimezone(zone).replace(tzinfo=None, fold=0)
    return _to_utc(local - timedelta(days=days_before), zone)
