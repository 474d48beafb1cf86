"""The search for compatible free slots, what a visit is offered: a slot is compatible with a visit
when its professional may perform the visit type for this worker (their role, or a nurse in
advanced practice where the type says `ipa`), its modality is allowed for the type (and the one
wished, if any; a teleconsultation only with the worker's consent in force, R4624-41-1), it is
long enough, not blocked, at least `LEAD_TIME` ahead and free. "Free" is only a hint here: the
booking itself (`booking.book`) relies on the database to decide who had a slot first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, contains_eager

from assistant.core.timeutil import PARIS
from assistant.models import Centre, Slot, StaffUser, Visit
from assistant.models.visit import holds_slot
from assistant.services.visits import tele_consent, visit_type_table

# a slot must start at least this long after now to be offered (time to receive the convocation)
LEAD_TIME = timedelta(hours=2)


def compatible_slots(
    session: Session,
    visit: Visit,
    *,
    now: datetime,
    limit: int = 3,
    until: date | None = None,
    centre_id: int | None = None,
    exclude_slot: int | None = None,
    after: datetime | None = None,
    modality: str | None = None,
) -> list[Slot]:
    """The first free slots where this visit may take place, earliest first (from `after` and
    in one `modality` when given, e.g. the filters of the staff queue)."""
    search = _search_for(session, visit, now, after=after, modality=modality)
    return find_slots(
        session, **search, until=until, centre_id=centre_id, limit=limit, exclude_slot=exclude_slot
    )


def compatible_centres(
    session: Session, visit: Visit, *, now: datetime, exclude_slot: int | None = None
) -> list[Centre]:
    """The active places where this visit has at least one free compatible slot ahead (its
    type's professionals, its modality, a teleconsultation only with consent), by name: the
    places a move or a booking page offers to choose from."""
    search = _search_for(session, visit, now)
    free = _free_slots(
        performers=search["performers"],
        modalities=search["modalities"],
        minutes=search["minutes"],
        exclude_slot=exclude_slot,
    ).where(Slot.starts_at >= search["after"], Slot.centre_id == Centre.id)
    has_slots = free.with_only_columns(Slot.id).exists()
    return list(
        session.scalars(
            select(Centre).where(Centre.active.is_(True), has_slots).order_by(Centre.name)
        )
    )


def _search_for(
    session: Session,
    visit: Visit,
    now: datetime,
    *,
    after: datetime | None = None,
    modality: str | None = None,
) -> dict:
    """What `find_slots` needs to look for this visit's slots: performers, modalities, minutes
    and the earliest start (the lead time, the window's start)."""
    kind = visit_type_table.get(visit.visit_type)
    performers = performers_for(session, visit, now)
    modalities = modalities_for(session, visit)
    if modality is not None:
        modalities = [m for m in modalities if m == modality]
    earliest = max(now + LEAD_TIME, after) if after is not None else now + LEAD_TIME
    if visit.due_from is not None:
        earliest = max(earliest, datetime.combine(visit.due_from, datetime.min.time(), PARIS))
    return {
        "performers": sorted(performers),
        "modalities": modalities,
        "minutes": kind.minutes,
        "after": earliest,
    }


def modalities_for(session: Session, visit: Visit) -> list[str]:
    """The modalities this visit may take: the type's, the one wished if any, and a
    teleconsultation only when the worker's prior consent is in force (R4624-41-1)."""
    modalities = sorted(visit_type_table.get(visit.visit_type).modalities)
    if visit.modality is not None:
        modalities = [m for m in modalities if m == visit.modality]
    if "tele" in modalities and not tele_consent.for_visit(session, visit):
        modalities.remove("tele")
    return modalities


def holds(staff: StaffUser, performers: frozenset[str] | Sequence[str]) -> bool:
    """May this professional hold a visit of these performers (`ipa`: a nurse in advanced
    practice, L4624-2-2)?"""
    return str(staff.role) in performers or (
        "ipa" in performers and staff.role == "nurse" and bool(staff.advanced_practice)
    )


def _performed_by(performers: Sequence[str]):
    """The SQL condition on the slot's professional: a role of `performers`, or a nurse in
    advanced practice when they include `ipa`."""
    roles = StaffUser.role.in_([p for p in performers if p != "ipa"])
    if "ipa" not in performers:
        return roles
    return or_(roles, and_(StaffUser.role == "nurse", StaffUser.advanced_practice.is_(True)))


# the search looks a week ahead, then two months, then anywhere: each step is a small range of
# the slot index whichever plan the database picks (see bench/slot_search.py)
SEARCH_STEPS = (timedelta(days=7), timedelta(days=62))


def _free_slots(
    *,
    performers: Sequence[str],
    modalities: Sequence[str],
    minutes: int,
    exclude_slot: int | None = None,
):
    """The free, unblocked slots long enough, of active professionals of `performers`, in one
    of `modalities` (the statement, any start)."""
    held = exists().where(Visit.slot_id == Slot.id, holds_slot())
    query = (
        select(Slot)
        .join(StaffUser, StaffUser.id == Slot.staff_id)
        # the professional joined for the search is the one the slot is read with
        .options(contains_eager(Slot.staff))
        .where(
            Slot.blocked.is_(False),
            Slot.minutes >= minutes,
            Slot.modality.in_(modalities),
            _performed_by(performers),
            StaffUser.active.is_(True),
            ~held,
        )
    )
    if exclude_slot is not None:
        query = query.where(Slot.id != exclude_slot)
    return query


def find_slots(
    session: Session,
    *,
    performers: Sequence[str],
    modalities: Sequence[str],
    minutes: int,
    after: datetime,
    until: date | None = None,
    centre_id: int | None = None,
    limit: int = 3,
    exclude_slot: int | None = None,
) -> list[Slot]:
    """The first free slots (earliest first) of the given performers and modalities."""
    query = _free_slots(
        performers=performers, modalities=modalities, minutes=minutes, exclude_slot=exclude_slot
    ).order_by(Slot.starts_at, Slot.id)
    if centre_id is not None:
        query = query.where(Slot.centre_id == centre_id)
    end = None
    if until is not None:
        end = datetime.combine(until + timedelta(days=1), datetime.min.time(), PARIS)
    found: list[Slot] = []
    start = after
    for step in (*SEARCH_STEPS, None):
        stop = None if step is None else start + step
        if end is not None and (stop is None or stop > end):
            stop = end
        window = query.where(Slot.starts_at >= start)
        if stop is not None:
            window = window.where(Slot.starts_at < stop)
        found += session.scalars(window.limit(limit - len(found)))
        if len(found) >= limit or stop is None or stop == end:
            break
        start = stop
    return found


def performers_for(
    session: Session, visit: Visit, now: datetime, *, with_health: bool = True
) -> frozenset[str]:
    """The roles that may perform this visit for this worker: a follow-up that asks for the
    médecin du travail (electrical work, CACES; a disabled worker's first visit) narrows the
    type's performers. Health flags count, silently, as in the due dates (`with_health` False:
    from the employer's declaration alone)."""
    kind = visit_type_table.get(visit.visit_type)
    employee = visit.employee
    if employee is None or kind.code not in visit_type_table.FOLLOW_UP_TYPES:
        return kind.performers
    from assistant.services.followup import followup_categories
    from assistant.services.workforce import employees as workforce
    from assistant.services.workforce import health

    today = now.astimezone(PARIS).date()
    flags = health.flags_for(session, [employee.id]).get(employee.id) if with_health else None
    follow = followup_categories.follow_up(workforce.worker_of(employee), today, flags)
    first = kind.code in ("vip_initiale", "sir_embauche")
    return visit_type_table.performers_for(kind.code, follow, first=first)


def organised_by_the_service(session: Session, visit: Visit, now: datetime) -> bool:
    """Does the worker's health situation change who may see them, compared with what the
    employer declared? Then the employer is offered no slot (the professional would tell it
    why): the team places the visit, as it does when no slot fits."""
    if visit.employee is None:
        return False
    return performers_for(session, visit, now) != performers_for(
        session, visit, now, with_health=False
    )


# slots looked at at once when the offers are spread, and how many times the search jumps on
SPREAD_POOL = 24
SPREAD_ROUNDS = 6


def spread_slots(
    session: Session,
    visit: Visit,
    *,
    now: datetime,
    count: int = 3,
    window=None,
    exclude_slot: int | None = None,
) -> list[Slot]:
    """`count` compatible free slots on different days where the planning allows (else in
    different half-days, else any), earliest first, within `window` when given (a
    `assistant.core.when_wished.Window`: the days and half-days a person asked for): what a text
    message offers, rather than three slots of the same morning."""
    chosen: list[Slot] = []
    spare: list[Slot] = []
    after = window.start if window is not None else None
    for _ in range(SPREAD_ROUNDS):
        if window is not None:
            after = window.next_moment(max(after, now))
            if after is None:
                break
        until = window.last if window is not None else None
        found = compatible_slots(
            session,
            visit,
            now=now,
            limit=SPREAD_POOL,
            until=until,
            after=after,
            exclude_slot=exclude_slot,
        )
        for slot in found:
            if window is not None and not window.fits(slot.starts_at):
                continue
            if any(_day(slot) == _day(other) for other in chosen):
                spare.append(slot)
            elif len(chosen) < count:
                chosen.append(slot)
        if len(chosen) >= count or len(found) < SPREAD_POOL:
            break
        # on after the slots seen, from the day after the last one chosen (the rest of its day
        # would only be spare)
        after = found[-1].starts_at + timedelta(microseconds=1)
        if chosen:
            next_day = datetime.combine(_day(chosen[-1]) + timedelta(days=1), time(0), PARIS)
            after = max(after, next_day)
    for other_half_day in (True, False):  # too few days: other half-days first, then any
        for slot in spare:
            if len(chosen) >= count:
                break
            if slot in chosen:
                continue
            if other_half_day and any(_half_day(slot) == _half_day(c) for c in chosen):
                continue
            chosen.append(slot)
    return sorted(chosen, key=lambda slot: (slot.starts_at, slot.id))


def _day(slot: Slot) -> date:
    return slot.starts_at.astimezone(PARIS).date()


def _half_day(slot: Slot) -> tuple[date, bool]:
    local = slot.starts_at.astimezone(PARIS)
    return local.date(), local.hour < 12
