"""The planning: professionals' weekly sessions, absences and closures, and the slots they give.

Slots are generated for the coming weeks from the work patterns, skipping French public holidays
(the `holidays` package), absences of the professional and closures of the place. Generating
again is harmless: a slot that exists (same professional, same start) is left as it is. An
absence recorded after the slots were generated blocks the free ones; the visits already booked
in it are returned so that staff move them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache

import holidays
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from assistant.models import (
    Absence,
    Centre,
    CentreKind,
    Modality,
    Slot,
    StaffUser,
    Visit,
    WorkPattern,
)
from assistant.services import audit, visit_rules
from assistant.timeutil import PARIS

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
                for starts_at, ends_at in visit_rules.slot_times(
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
