"""The planning: places, professionals' weekly sessions, absences and closures, and the slots
they give. Views, SMS handlers and CLI commands all change the planning through this module.

Slots are generated for the coming weeks from the work patterns, skipping French public holidays
(the `holidays` package), absences of the professional and closures of the place. Generating
again is harmless: a slot that exists (same professional, same start) is left as it is. An
absence recorded after the slots were generated blocks the free ones; the visits already booked
in it are returned so that staff move them.

A change to a place or a weekly session withdraws the future slots it no longer gives: a slot no
visit ever used is deleted, the others are blocked (a cancelled visit keeps its slot in its
history), and the visits still booked in them are returned, to be moved from the queue. The
professional's slots are then generated again up to the horizon they had. Each operation says
what it did in a `PlanningChange`; none commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import holidays
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from assistant.core.timeutil import PARIS
from assistant.models import (
    Absence,
    Centre,
    CentreKind,
    Modality,
    Slot,
    StaffUser,
    Visit,
    VisitStatus,
    WorkPattern,
)
from assistant.services import audit
from assistant.services.visits import wall_clock

MODALITY_OF_PLACE = {
    CentreKind.FIXED: Modality.ON_SITE,
    CentreKind.MOBILE: Modality.MOBILE,
    CentreKind.TELE: Modality.TELE,
}


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


def paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, PARIS)


@dataclass(frozen=True)
class PlanningChange:
    """What an operation did to the slots, and the booked visits that no longer fit: staff must
    move them (the queue shows them as "à déplacer")."""

    created: int = 0
    withdrawn: int = 0
    to_move: list[Visit] = field(default_factory=list)

    def __add__(self, other: PlanningChange) -> PlanningChange:
        return PlanningChange(
            self.created + other.created,
            self.withdrawn + other.withdrawn,
            self.to_move + other.to_move,
        )


def _absent_days(session: Session, first: date, last: date) -> tuple[set, set]:
    """(staff_id, day) and (centre_id, day) pairs when nobody may be booked."""
    staff_days: set[tuple[int, date]] = set()
    centre_days: set[tuple[int, date]] = set()
    rows = session.scalars(
        select(Absence).where(Absence.starts_on <= last, Absence.ends_on >= first)
    )
    for absence in rows:
        day = max(absence.starts_on, first)
        while day <= min(absence.ends_on, last):
            if absence.staff_id is not None:
                staff_days.add((absence.staff_id, day))
            else:
                centre_days.add((absence.centre_id, day))
            day += timedelta(days=1)
    return staff_days, centre_days


def generate_slots(session: Session, first: date, days: int, staff_ids: Iterable[int] = ()) -> int:
    """Create the slots of the `days` days from `first`; returns how many were created."""
    last = first + timedelta(days=days - 1)
    query = (
        select(WorkPattern, Centre)
        .join(Centre, Centre.id == WorkPattern.centre_id)
        .join(StaffUser, StaffUser.id == WorkPattern.staff_id)
        .where(
            Centre.active.is_(True),
            StaffUser.active.is_(True),
            WorkPattern.valid_from <= last,
            or_(WorkPattern.valid_until.is_(None), WorkPattern.valid_until >= first),
        )
    )
    staff_ids = list(staff_ids)
    if staff_ids:
        query = query.where(WorkPattern.staff_id.in_(staff_ids))
    patterns = session.execute(query).all()
    staff_days, centre_days = _absent_days(session, first, last)
    rows = []
    day = first
    while day <= last:
        if not is_public_holiday(day):
            for pattern, centre in patterns:
                if (
                    pattern.weekday != day.weekday()
                    or day < pattern.valid_from
                    or (pattern.valid_until is not None and day > pattern.valid_until)
                    or (pattern.staff_id, day) in staff_days
                    or (centre.id, day) in centre_days
                ):
                    continue
                for starts_at, ends_at in wall_clock.slot_times(
                    day, pattern.starts, pattern.ends, pattern.slot_minutes
                ):
                    rows.append(
                        {
                            "staff_id": pattern.staff_id,
                            "centre_id": centre.id,
                            "starts_at": starts_at,
                            "ends_at": ends_at,
                            "minutes": pattern.slot_minutes,
                            "modality": MODALITY_OF_PLACE[CentreKind(centre.kind)],
                            "blocked": False,
                        }
                    )
        day += timedelta(days=1)
    if not rows:
        return 0
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(Slot).on_conflict_do_nothing(index_elements=["staff_id", "starts_at"])
    before = session.scalar(select(func.count()).select_from(Slot))
    for start in range(0, len(rows), 1000):
        session.execute(statement, rows[start : start + 1000])
    return session.scalar(select(func.count()).select_from(Slot)) - before


def add_absence(
    session: Session,
    actor,
    *,
    starts_on: date,
    ends_on: date,
    staff_id: int | None = None,
    centre_id: int | None = None,
    reason: str | None = None,
) -> tuple[Absence, list[Visit]]:
    """Record an absence (or a closure when only the place is given); block the slots it covers
    and return the visits booked in them, for staff to move."""
    absence = Absence(
        staff_id=staff_id,
        centre_id=None if staff_id is not None else centre_id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        created_by=audit.actor_label(actor),
    )
    session.add(absence)
    session.flush()
    start = datetime.combine(starts_on, datetime.min.time(), PARIS)
    end = datetime.combine(ends_on + timedelta(days=1), datetime.min.time(), PARIS)
    whose = Slot.staff_id == staff_id if staff_id is not None else Slot.centre_id == centre_id
    within = and_(whose, Slot.starts_at >= start, Slot.starts_at < end)
    # every slot is blocked, the held ones too: a visit moved out of one never frees it again
    session.execute(
        update(Slot)
        .where(within)
        .values(blocked=True)
        .execution_options(synchronize_session="fetch")
    )
    affected = list(
        session.scalars(
            select(Visit)
            .join(Slot, Slot.id == Visit.slot_id)
            .where(within, Visit.status == "booked")
            .order_by(Slot.starts_at)
        )
    )
    audit.record(session, actor, "create", "absence", absence.id, f"{starts_on}..{ends_on}")
    return absence, affected


def booked_during(session: Session, absence: Absence) -> list[Visit]:
    """The visits still booked in the days of an absence or closure."""
    whose = (
        Slot.staff_id == absence.staff_id
        if absence.staff_id is not None
        else Slot.centre_id == absence.centre_id
    )
    return list(
        session.scalars(
            select(Visit)
            .join(Slot, Slot.id == Visit.slot_id)
            .where(
                and_(
                    whose,
                    Slot.starts_at >= paris_midnight(absence.starts_on),
                    Slot.starts_at < paris_midnight(absence.ends_on + timedelta(days=1)),
                ),
                Visit.status == VisitStatus.BOOKED,
            )
            .order_by(Slot.starts_at)
        )
    )


# ---------------------------------------------------------------- withdrawing and regenerating


def withdraw_slots(session: Session, slots: list[Slot]) -> PlanningChange:
    """Take slots out of the planning: the ones no visit ever used are deleted, the others are
    blocked (a cancelled visit keeps its slot in its history). The booked visits in them are
    returned to be moved."""
    if not slots:
        return PlanningChange()
    ids = [slot.id for slot in slots]
    visits = list(session.scalars(select(Visit).where(Visit.slot_id.in_(ids))))
    used = {visit.slot_id for visit in visits}
    for slot in slots:
        if slot.id in used:
            slot.blocked = True
        else:
            session.delete(slot)
    session.flush()
    booked = [visit for visit in visits if visit.status == VisitStatus.BOOKED]
    return PlanningChange(
        withdrawn=len(slots),
        to_move=sorted(booked, key=lambda visit: visit.slot.starts_at),
    )


def slot_horizon(session: Session, staff_id: int | None = None) -> date | None:
    """The last day slots were generated for (of one professional, or of anyone)."""
    query = select(func.max(Slot.starts_at))
    if staff_id is not None:
        query = query.where(Slot.staff_id == staff_id)
    last = session.scalar(query)
    if last is None:
        return None
    if last.tzinfo is None:  # in case an aggregate bypasses the column type
        last = last.replace(tzinfo=UTC)
    return last.astimezone(PARIS).date()


def regenerate(session: Session, staff_id: int, horizon: date | None, today: date) -> int:
    """Generate this professional's slots again up to the horizon they had before a change;
    returns how many were created (none the second time)."""
    if horizon is None or horizon < today:
        return 0
    return generate_slots(session, today, (horizon - today).days + 1, staff_ids=[staff_id])


def generate_weeks(session: Session, actor, today: date, weeks: int) -> PlanningChange:
    """Open the `weeks` weeks from `today` to visits (public holidays, absences and closures
    excepted); the slots that exist are left as they are."""
    created = generate_slots(session, today, weeks * 7)
    audit.record(session, actor, "generate", "slot", None, f"{today} +{weeks}w: {created}")
    return PlanningChange(created=created)


# ---------------------------------------------------------------- places


@dataclass(frozen=True)
class Place:
    """What staff say of a place."""

    name: str
    kind: str
    address: str | None = None
    postcode: str | None = None
    city: str | None = None
    phone: str | None = None
    active: bool = True

    def apply_to(self, centre: Centre) -> None:
        centre.name = self.name
        centre.kind = self.kind
        centre.address = self.address
        centre.postcode = self.postcode
        centre.city = self.city
        centre.phone = self.phone
        centre.active = self.active


def create_centre(session: Session, actor, place: Place) -> Centre:
    centre = Centre()
    place.apply_to(centre)
    session.add(centre)
    session.flush()
    audit.record(session, actor, "create", "centre", centre.id)
    return centre


def update_centre(
    session: Session, actor, centre: Centre, place: Place, now: datetime
) -> PlanningChange:
    """Change a place. Closed, or of another kind (so another modality), it loses its future
    slots; opened again, or of another kind, its professionals' slots are generated again up to
    the horizon the planning had."""
    was_active, old_kind = centre.active, centre.kind
    horizon = slot_horizon(session)
    place.apply_to(centre)
    change = PlanningChange()
    if (was_active and not centre.active) or old_kind != centre.kind:
        future = list(
            session.scalars(select(Slot).where(Slot.centre_id == centre.id, Slot.starts_at > now))
        )
        change = withdraw_slots(session, future)
    if centre.active and (not was_active or old_kind != centre.kind):
        session.flush()
        staff_ids = session.scalars(
            select(WorkPattern.staff_id).where(WorkPattern.centre_id == centre.id).distinct()
        ).all()
        today = now.astimezone(PARIS).date()
        for staff_id in staff_ids:
            change += PlanningChange(created=regenerate(session, staff_id, horizon, today))
    audit.record(
        session, actor, "update", "centre", centre.id, "active" if centre.active else "inactive"
    )
    return change


# ---------------------------------------------------------------- weekly sessions


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
