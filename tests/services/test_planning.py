"""The planning service's operations, called directly: what each one changes in the slots and
which booked visits it leaves to be moved."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from assistant.core.timeutil import PARIS
from assistant.models import AuditEntry, Slot, Visit
from assistant.services.visits import (
    booking,
    planning,
    planning_absences,
    planning_places,
    public_holidays,
    visit_requests,
    weekly_sessions,
)
from tests.factories import MONDAY, NOW, slot_at


def booked(db, employer, employee, slot: Slot) -> Visit:
    request = visit_requests.Request(visit_type="vip_periodique", requested_by="employer")
    visit = visit_requests.request_visit(
        db, "test", member=employer, employee=employee, request=request, now=NOW, auto=False
    )
    return booking.book(db, "test", visit, slot, NOW)


def slots_on(db, staff_id: int, day: date) -> list[Slot]:
    return [
        slot
        for slot in db.scalars(
            select(Slot).where(Slot.staff_id == staff_id).order_by(Slot.starts_at)
        )
        if slot.starts_at.astimezone(PARIS).date() == day
    ]


def audit_actions(db, record_type: str) -> list[str]:
    return list(
        db.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.record_type == record_type)
            .order_by(AuditEntry.id)
        )
    )


# ---------------------------------------------------------------- generation


def test_generating_weeks_is_idempotent(db, plan):
    assert planning.generate_weeks(db, "test", MONDAY, 2) == planning.PlanningChange()
    later = MONDAY + timedelta(days=21)
    first = planning.generate_weeks(db, "test", later, 1)
    # the doctor's week but Easter Monday (29 March 2027), the nurse's two afternoons
    assert first == planning.PlanningChange(created=4 * 6 + 2 * 4)
    assert planning.generate_weeks(db, "test", later, 1).created == 0
    assert audit_actions(db, "slot") == ["generate"] * 3


def test_regenerating_up_to_the_horizon_is_idempotent(db, plan):
    horizon = planning.slot_horizon(db, plan.doctor.id)
    assert horizon == MONDAY + timedelta(days=11)  # the second Friday
    assert planning.slot_horizon(db) == horizon
    for slot in slots_on(db, plan.doctor.id, MONDAY):
        db.delete(slot)
    db.flush()
    today = NOW.date()
    assert planning.regenerate(db, plan.doctor.id, horizon, today) == 6
    assert planning.regenerate(db, plan.doctor.id, horizon, today) == 0
    assert planning.regenerate(db, plan.doctor.id, None, today) == 0
    assert planning.regenerate(db, plan.doctor.id, today - timedelta(days=1), today) == 0


# ---------------------------------------------------------------- weekly sessions


def test_a_new_weekly_session_waits_for_the_next_generation(db, plan):
    values = weekly_sessions.WeeklySession(
        staff_id=plan.nurse.id,
        centre_id=plan.centre.id,
        weekday=0,
        starts=time(9),
        ends=time(10),
        slot_minutes=20,
        valid_from=MONDAY,
        valid_until=None,
    )
    pattern = weekly_sessions.add_work_pattern(db, "test", values)
    assert weekly_sessions.WeeklySession.of(pattern) == values
    assert slots_on(db, plan.nurse.id, MONDAY) == []
    assert audit_actions(db, "work_pattern") == ["create"]
    assert planning.generate_weeks(db, "test", MONDAY, 1).created == 3


def test_changing_a_session_withdraws_the_slots_it_no_longer_gives(db, plan, employer, employee):
    visit = booked(db, employer, employee, slot_at(db, plan.doctor, MONDAY))
    cancelled = booked(db, employer, employee, slot_at(db, plan.doctor, MONDAY, 10))
    booking.cancel(db, "test", cancelled, NOW)
    pattern = plan.pattern
    afternoon = replace(weekly_sessions.WeeklySession.of(pattern), starts=time(14), ends=time(16))

    change = weekly_sessions.change_work_pattern(db, "test", pattern, afternoon, NOW)

    # six morning slots on each of two Mondays out, four afternoon ones in
    assert change == planning.PlanningChange(created=2 * 4, withdrawn=2 * 6, to_move=[visit])
    monday = slots_on(db, plan.doctor.id, MONDAY)
    assert [slot.starts_at.astimezone(PARIS).hour for slot in monday] == [9, 10, 14, 14, 15, 15]
    # the slots visits used stay, blocked; the free ones are gone
    assert [slot.blocked for slot in monday[:2]] == [True, True]
    assert not any(slot.blocked for slot in monday[2:])
    assert visit.slot.blocked and visit.status == "booked"
    assert audit_actions(db, "work_pattern") == ["update"]
    # nothing else moves when the same session is saved again
    again = weekly_sessions.change_work_pattern(db, "test", pattern, afternoon, NOW)
    assert again == planning.PlanningChange()


def test_a_change_leaves_the_past_alone(db, plan, employer, employee):
    visit = booked(db, employer, employee, slot_at(db, plan.doctor, MONDAY))
    pattern = plan.pattern
    shorter = replace(weekly_sessions.WeeklySession.of(pattern), starts=time(10))
    now = datetime.combine(MONDAY + timedelta(days=1), time(8), PARIS)

    change = weekly_sessions.change_work_pattern(db, "test", pattern, shorter, now)

    # only the second Monday's 9:00 and 9:30 go; the same grid keeps the others
    assert change == planning.PlanningChange(created=0, withdrawn=2, to_move=[])
    assert len(slots_on(db, plan.doctor.id, MONDAY)) == 6
    assert visit.status == "booked" and not visit.slot.blocked


def test_ending_a_session_withdraws_its_later_slots(db, plan, employer, employee):
    visit = booked(db, employer, employee, slot_at(db, plan.doctor, MONDAY + timedelta(days=7)))
    pattern = plan.pattern

    change = weekly_sessions.end_work_pattern(db, "test", pattern, MONDAY, NOW)

    assert change == planning.PlanningChange(created=0, withdrawn=6, to_move=[visit])
    assert pattern.valid_until == MONDAY
    assert len(slots_on(db, plan.doctor.id, MONDAY)) == 6
    assert [slot.blocked for slot in slots_on(db, plan.doctor.id, MONDAY + timedelta(days=7))] == [
        True
    ]
    assert audit_actions(db, "work_pattern") == ["end"]
    with pytest.raises(ValueError, match="cannot end before it starts"):
        weekly_sessions.end_work_pattern(db, "test", pattern, MONDAY - timedelta(days=1), NOW)


# ---------------------------------------------------------------- places


def place_of(centre, **values) -> planning_places.Place:
    current = dict(
        name=centre.name,
        kind=centre.kind,
        address=centre.address,
        postcode=centre.postcode,
        city=centre.city,
        phone=centre.phone,
        active=centre.active,
    )
    return planning_places.Place(**(current | values))


def test_closing_and_reopening_a_place(db, plan, employer, employee):
    visit = booked(db, employer, employee, slot_at(db, plan.doctor, MONDAY + timedelta(days=2)))

    closed = planning_places.update_centre(
        db, "test", plan.centre, place_of(plan.centre, active=False), NOW
    )

    assert closed == planning.PlanningChange(created=0, withdrawn=60, to_move=[visit])
    assert db.scalar(select(func.count()).where(Slot.centre_id == plan.centre.id)) == 1
    assert visit.slot.blocked
    assert planning.generate_weeks(db, "test", MONDAY, 2).created == 0  # a closed place gives none

    reopened = planning_places.update_centre(
        db, "test", plan.centre, place_of(plan.centre, active=True), NOW
    )

    # up to the planning's horizon, now the nurse's last Thursday, but the slot the visit holds
    assert reopened == planning.PlanningChange(created=9 * 6 - 1)
    assert visit.slot.blocked
    assert audit_actions(db, "centre") == ["update", "update"]


def test_a_place_of_another_kind_gets_slots_of_its_modality(db, plan, employer, employee):
    visit = booked(db, employer, employee, slot_at(db, plan.doctor, MONDAY))

    change = planning_places.update_centre(
        db, "test", plan.centre, place_of(plan.centre, kind="tele"), NOW
    )

    assert change == planning.PlanningChange(created=59, withdrawn=60, to_move=[visit])
    modalities = db.scalars(
        select(Slot.modality).where(Slot.centre_id == plan.centre.id, Slot.blocked.is_(False))
    ).all()
    assert set(modalities) == {"tele"} and len(modalities) == 59


def test_a_new_place_is_recorded_and_audited(db):
    centre = planning_places.create_centre(
        db, "test", planning_places.Place(name="Visio", kind="tele")
    )
    assert (centre.name, centre.kind, centre.active) == ("Visio", "tele", True)
    assert audit_actions(db, "centre") == ["create"]


# ---------------------------------------------------------------- absences and closures


def test_closing_a_place_for_some_days_blocks_its_slots(db, plan, employer, employee):
    visit = booked(db, employer, employee, slot_at(db, plan.doctor, MONDAY + timedelta(days=1)))
    other = booked(db, employer, employee, slot_at(db, plan.doctor, MONDAY + timedelta(days=9)))

    absence, to_move = planning_absences.add_absence(
        db,
        "test",
        centre_id=plan.centre.id,
        starts_on=MONDAY,
        ends_on=MONDAY + timedelta(days=4),
        reason="Travaux",
    )

    assert absence.staff_id is None and absence.centre_id == plan.centre.id
    assert to_move == [visit]
    assert planning_absences.booked_during(db, absence) == [visit]
    first_week = [
        slot for n in range(5) for slot in slots_on(db, plan.doctor.id, MONDAY + timedelta(days=n))
    ]
    assert len(first_week) == 30 and all(slot.blocked for slot in first_week)
    assert not other.slot.blocked
    # the nurse's teleconsultations elsewhere are untouched
    nurse = slots_on(db, plan.nurse.id, MONDAY + timedelta(days=1))
    assert nurse and not any(slot.blocked for slot in nurse)


def test_upcoming_holidays_are_named_in_the_language_asked(db):
    december = date(2026, 12, 20)
    assert public_holidays.upcoming_holidays(december, 2) == [
        (date(2026, 12, 25), "Noël"),
        (date(2027, 1, 1), "Jour de l'an"),
    ]
    assert [name for _day, name in public_holidays.upcoming_holidays(december, 2, "en")] == [
        "Christmas Day",
        "New Year's Day",
    ]
