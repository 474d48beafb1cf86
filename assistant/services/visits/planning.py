"""The slots of the planning: generated for the coming weeks from the professionals' weekly
sessions, skipping French public holidays, absences of the professional and closures of the
place; withdrawn when a change no longer gives them (a slot no visit ever used is deleted, the
others are blocked, a cancelled visit keeping its slot in its history, and the visits still
booked in them are returned, to be moved from the queue); generated again up to the horizon a
professional had. Generating again is harmless: a slot that exists (same professional, same
start) is left as it is. The changes that call for this are made in `planning_places`,
`weekly_sessions` and `planning_absences`; views, SMS handlers and CLI commands change the
planning through these modules only. Each operation says what it did in a `PlanningChange`; none
commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta

from sqlalchemy import func, or_, select
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
from assistant.services.visits.public_holidays import is_public_holiday

MODALITY_OF_PLACE = {
    CentreKind.FIXED: Modality.ON_SITE,
    CentreKind.MOBILE: Modality.MOBILE,
    CentreKind.TELE: Modality.TELE,
}


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
    audit.record(
        session,
        actor,
        "generate",
        "slot",
        None,
        audit.detail("slots_opened", since=today.isoformat(), weeks=weeks, created=created),
    )
    return PlanningChange(created=created)
