"""The professionals' weekly sessions (work patterns: a weekday, its hours and slot length at a
place, from one date to another), as staff add, change and end them. A change or an end withdraws
the future slots the old session gave and the new one would not, the visits still booked in them
returned to be moved; the professional's slots are then generated again up to the horizon they
had. A new session's slots come with the next generation. Each change says what it did in a
`PlanningChange`; none commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assistant.core.timeutil import PARIS
from assistant.models import Slot, WorkPattern
from assistant.services import audit
from assistant.services.visits import wall_clock
from assistant.services.visits.planning import (
    PlanningChange,
    regenerate,
    slot_horizon,
    withdraw_slots,
)


@dataclass(frozen=True)
class WeeklySession:
    """A work pattern's values: what a form gives, or what a pattern was before an edit (to find
    the slots it generated)."""

    staff_id: int
    centre_id: int
    weekday: int
    starts: time
    ends: time
    slot_minutes: int
    valid_from: date
    valid_until: date | None

    @classmethod
    def of(cls, pattern: WorkPattern) -> WeeklySession:
        return cls(
            pattern.staff_id,
            pattern.centre_id,
            pattern.weekday,
            pattern.starts,
            pattern.ends,
            pattern.slot_minutes,
            pattern.valid_from,
            pattern.valid_until,
        )

    def apply_to(self, pattern: WorkPattern) -> None:
        """Everything but the professional, whose session it stays."""
        pattern.centre_id = self.centre_id
        pattern.weekday = self.weekday
        pattern.starts = self.starts
        pattern.ends = self.ends
        pattern.slot_minutes = self.slot_minutes
        pattern.valid_from = self.valid_from
        pattern.valid_until = self.valid_until

    def covers(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


def stale_slots(
    session: Session, old: WeeklySession, new: WeeklySession | None, since: datetime
) -> list[Slot]:
    """The future slots the old version of a session generated that the new one would not."""
    candidates = session.scalars(
        select(Slot).where(
            Slot.staff_id == old.staff_id,
            Slot.centre_id == old.centre_id,
            Slot.starts_at >= since,
        )
    )
    stale = []
    for slot in candidates:
        local = slot.starts_at.astimezone(PARIS)
        day = local.date()
        if not old.covers(day) or not old.starts <= local.time() < old.ends:
            continue
        if (
            new is not None
            and new.centre_id == slot.centre_id
            and new.covers(day)
            and (slot.starts_at, slot.ends_at)
            in wall_clock.slot_times(day, new.starts, new.ends, new.slot_minutes)
        ):
            continue
        stale.append(slot)
    return stale


def _pattern_detail(pattern: WorkPattern) -> str:
    return (
        f"staff {pattern.staff_id} centre {pattern.centre_id} day {pattern.weekday} "
        f"{pattern.starts:%H:%M}-{pattern.ends:%H:%M}/{pattern.slot_minutes} "
        f"{pattern.valid_from}..{pattern.valid_until or ''}"
    )


def add_work_pattern(session: Session, actor, values: WeeklySession) -> WorkPattern:
    """Record a weekly session; its slots come with the next generation."""
    pattern = WorkPattern(staff_id=values.staff_id)
    values.apply_to(pattern)
    session.add(pattern)
    session.flush()
    audit.record(session, actor, "create", "work_pattern", pattern.id, _pattern_detail(pattern))
    return pattern


def _apply_change(
    session: Session, old: WeeklySession, pattern: WorkPattern, now: datetime
) -> PlanningChange:
    """After an edit or an end: withdraw the future slots the session no longer gives, then
    generate the professional's slots again up to the horizon they had."""
    horizon = slot_horizon(session, pattern.staff_id)
    session.flush()
    change = withdraw_slots(session, stale_slots(session, old, WeeklySession.of(pattern), now))
    today = now.astimezone(PARIS).date()
    return change + PlanningChange(created=regenerate(session, pattern.staff_id, horizon, today))


def change_work_pattern(
    session: Session, actor, pattern: WorkPattern, values: WeeklySession, now: datetime
) -> PlanningChange:
    """Change a weekly session from `now` on: the future slots it no longer gives are withdrawn,
    the new ones created up to the professional's horizon."""
    old = WeeklySession.of(pattern)
    values.apply_to(pattern)
    change = _apply_change(session, old, pattern, now)
    audit.record(session, actor, "update", "work_pattern", pattern.id, _pattern_detail(pattern))
    return change


def end_work_pattern(
    session: Session, actor, pattern: WorkPattern, last_day: date, now: datetime
) -> PlanningChange:
    """End a weekly session on `last_day`: its later slots are withdrawn."""
    if last_day < pattern.valid_from:
        raise ValueError("a session cannot end before it starts")
    old = WeeklySession.of(pattern)
    pattern.valid_until = last_day
    change = _apply_change(session, old, pattern, now)
    audit.record(session, actor, "end", "work_pattern", pattern.id, _pattern_detail(pattern))
    return change


def current_sessions(
    session: Session, staff_ids: list[int], today: date
) -> dict[int, list[WorkPattern]]:
    """Each professional's weekly sessions still in force from today, by weekday and hour."""
    found: dict[int, list[WorkPattern]] = {staff_id: [] for staff_id in staff_ids}
    patterns = session.scalars(
        select(WorkPattern)
        .where(
            WorkPattern.staff_id.in_(staff_ids),
            or_(WorkPattern.valid_until.is_(None), WorkPattern.valid_until >= today),
        )
        .order_by(WorkPattern.weekday, WorkPattern.starts)
    )
    for pattern in patterns:
        found[pattern.staff_id].append(pattern)
    return found
