"""Planning and booking services: slot generation, compatible slots, requests, book/move/cancel."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from assistant.core.timeutil import PARIS
from assistant.models import Absence, AuditEntry, Slot, Visit, VisitStatus, WorkPattern
from assistant.services.visits import (
    booking,
    planning,
    planning_absences,
    public_holidays,
    slot_offers,
    visit_lookup,
    visit_requests,
)
from tests.factories import MONDAY, NOW, consent_to_video, make_employee


def slot_count(db, **where) -> int:
    query = select(func.count()).select_from(Slot)
    for name, value in where.items():
        query = query.where(getattr(Slot, name) == value)
    return db.scalar(query)


def ask(db, employer, employee, code="vip_periodique", auto=True, by="employer", **values):
    request = visit_requests.Request(visit_type=code, requested_by=by, **values)
    return visit_requests.request_visit(
        db, "test", member=employer, employee=employee, request=request, now=NOW, auto=auto
    )


# ------------------------------------------------------------------ slot generation


def test_two_weeks_of_sessions_give_their_slots(db, plan):
    # doctor: 5 days x 6 slots x 2 weeks; nurse: 2 days x 4 slots x 2 weeks
    assert slot_count(db, staff_id=plan.doctor.id) == 60
    assert slot_count(db, staff_id=plan.nurse.id) == 16
    first = db.scalar(select(Slot).order_by(Slot.starts_at))
    assert first.starts_at.astimezone(PARIS).replace(tzinfo=None).isoformat() == (
        "2027-03-08T09:00:00"
    )
    assert first.modality == "on_site" and first.minutes == 30


def test_generating_again_adds_nothing(db, plan):
    assert planning.generate_slots(db, MONDAY, 14) == 0


def test_public_holidays_are_skipped(db, plan):
    # Easter Monday 2027 is 29 March, 1 May 2027 a Saturday, Ascension 6 May 2027
    created = planning.generate_slots(db, date(2027, 3, 29), 7)
    assert public_holidays.is_public_holiday(date(2027, 3, 29))
    assert created == 4 * 6 + 2 * 4  # Tuesday to Friday for the doctor, both nurse days


def test_slots_follow_paris_time_across_the_spring_change(db, plan):
    # 28 March 2027: clocks go forward; the Monday after, 9:00 in Paris is 7:00 UTC (not 8:00)
    planning.generate_slots(db, date(2027, 3, 22), 14)

    def first_utc_hour(day):
        starts = [
            s.starts_at
            for s in db.scalars(select(Slot).where(Slot.staff_id == plan.doctor.id))
            if s.starts_at.astimezone(PARIS).date() == day
        ]
        assert min(starts).astimezone(PARIS).hour == 9  # always 9:00 on the wall clock
        return min(starts).hour

    assert first_utc_hour(date(2027, 3, 26)) == 8  # winter time, UTC+1
    assert first_utc_hour(date(2027, 3, 30)) == 7  # summer time, UTC+2


def test_an_absence_stops_generation_and_blocks_free_slots(db, plan, employer, employee):
    visit = ask(db, employer, employee)  # booked first doctor slot, Monday 9:00
    absence, affected = planning_absences.add_absence(
        db, "test", staff_id=plan.doctor.id, starts_on=MONDAY, ends_on=MONDAY, reason="Congé"
    )
    assert affected == [visit]
    monday = [
        s
        for s in db.scalars(select(Slot).where(Slot.staff_id == plan.doctor.id))
        if s.starts_at.astimezone(PARIS).date() == MONDAY
    ]
    assert all(s.blocked for s in monday)  # the booked one too: never offered again once moved
    assert isinstance(absence, Absence) and absence.created_by == "test"
    # and a later generation creates nothing on an absent day
    db.execute(Slot.__table__.delete().where(Slot.blocked.is_(True), Slot.id != visit.slot_id))
    assert planning.generate_slots(db, MONDAY, 1) == 0


def test_a_closure_of_a_place_blocks_every_professional_there(db, plan):
    planning_absences.add_absence(
        db, "test", centre_id=plan.tele.id, starts_on=MONDAY, ends_on=MONDAY + timedelta(days=13)
    )
    free = db.scalar(
        select(func.count())
        .select_from(Slot)
        .where(Slot.centre_id == plan.tele.id, Slot.blocked.is_(False))
    )
    assert free == 0


def test_a_pattern_ended_gives_no_more_slots(db, plan):
    for pattern in db.scalars(select(WorkPattern).where(WorkPattern.staff_id == plan.nurse.id)):
        pattern.valid_until = MONDAY + timedelta(days=15)  # Tuesday 23 March 2027
    created = planning.generate_slots(db, MONDAY + timedelta(days=14), 14)
    # the doctor's two weeks but Easter Monday (29 March), the nurse's last Tuesday only
    assert created == 9 * 6 + 4


# ------------------------------------------------------------------ compatible slots


def test_a_reprise_goes_to_the_doctor_only(db, plan, employer, employee):
    visit = ask(
        db,
        employer,
        employee,
        "reprise",
        auto=False,
        event_date=MONDAY,
        absence_cause="work_accident",
        absence_days=45,
    )
    slots = slot_offers.compatible_slots(db, visit, now=NOW, limit=20)
    assert slots and {s.staff_id for s in slots} == {plan.doctor.id}
    assert visit.due_from == MONDAY and visit.due_by == MONDAY + timedelta(days=8)


def test_a_nurse_visit_may_be_a_teleconsultation(db, plan, employer, employee):
    consent_to_video(db, employee)  # R4624-41-1: the worker's prior consent
    visit = ask(db, employer, employee, "vip_periodique", auto=False, by="staff", modality="tele")
    slots = slot_offers.compatible_slots(db, visit, now=NOW, limit=50)
    assert slots and {s.staff_id for s in slots} == {plan.nurse.id}
    assert {s.modality for s in slots} == {"tele"}


def test_slots_too_soon_blocked_or_taken_are_not_offered(db, plan, employer, employee):
    first = ask(db, employer, employee, auto=True)
    second = ask(db, employer, employee, "demande", auto=False, reason="Douleurs")
    offered = slot_offers.compatible_slots(db, second, now=NOW, limit=3)
    assert first.slot_id not in {s.id for s in offered}
    late_now = first.slot.starts_at - timedelta(minutes=30)
    assert all(
        s.starts_at >= late_now + slot_offers.LEAD_TIME
        for s in slot_offers.compatible_slots(db, second, now=late_now, limit=5)
    )


def test_an_unknown_requester_is_refused(db, plan, employer, employee):
    with pytest.raises(booking.NotAllowed):
        ask(db, employer, employee, "pre_reprise", by="employer", event_date=MONDAY)


def test_a_reprise_after_a_short_illness_is_not_required(db, plan, employer, employee):
    with pytest.raises(booking.NotAllowed) as refused:
        ask(
            db,
            employer,
            employee,
            "reprise",
            event_date=MONDAY,
            absence_cause="illness",
            absence_days=20,
        )
    assert "60 jours" in str(refused.value.message)


def test_another_members_employee_is_refused(db, plan, employer, other):
    stranger = make_employee(db, other)
    with pytest.raises(booking.NotAllowed):
        ask(db, employer, stranger)


# ------------------------------------------------------------------ requests and booking


def test_a_request_is_booked_in_the_first_compatible_slot(db, plan, employer, employee):
    visit = ask(db, employer, employee, "vip_periodique")
    assert visit.status == VisitStatus.BOOKED and visit.queued_at is None
    first = db.scalar(select(Slot).order_by(Slot.starts_at, Slot.id))
    assert visit.slot_id == first.id
    assert visit.slot.starts_at.astimezone(PARIS).isoformat() == "2027-03-08T09:00:00+01:00"
    assert [e["what"] for e in visit.history] == ["requested", "booked"]
    assert (
        db.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.record_type == "visit")
        )
        == 2
    )


def test_a_request_with_no_slot_in_its_window_goes_to_the_queue(db, plan, employer, employee):
    # a reprise due within 8 days of a return three weeks away: no planning there yet
    visit = ask(
        db,
        employer,
        employee,
        "reprise",
        event_date=MONDAY + timedelta(days=30),
        absence_cause="maternity",
        absence_days=112,
    )
    assert visit.status == VisitStatus.REQUESTED and visit.queued_at is not None
    assert visit_requests.queue(db) == [visit]


def test_a_slot_is_never_held_twice_in_one_session(db, plan, employer, employee):
    first = ask(db, employer, employee)
    second = ask(db, employer, employee, "demande", auto=False)
    with pytest.raises(booking.SlotTaken):
        booking.book(db, "test", second, first.slot, NOW)
    db.refresh(second)
    assert second.status == VisitStatus.REQUESTED and second.slot_id is None
    # the session is still usable after the refusal
    booking.book(db, "test", second, slot_offers.compatible_slots(db, second, now=NOW)[0], NOW)
    assert second.status == VisitStatus.BOOKED


def test_moving_keeps_the_visit_and_frees_the_old_slot(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    old = visit.slot
    new = slot_offers.compatible_slots(db, visit, now=NOW, exclude_slot=old.id)[0]
    booking.book(db, "test", visit, new, NOW)
    assert visit.slot_id == new.id and visit.history[-1]["what"] == "moved"
    other = ask(db, employer, employee, "demande", auto=False)
    booking.book(db, "test", other, old, NOW)  # the old slot is free again
    assert other.slot_id == old.id


def test_cancelling_frees_the_slot_and_keeps_the_history(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    slot = visit.slot
    booking.cancel(db, "test", visit, NOW, reason="Salarié en congé")
    assert visit.status == VisitStatus.CANCELLED and visit.slot_id == slot.id
    assert visit.history[-1]["note"] == "Salarié en congé"
    again = ask(db, employer, employee, "demande", auto=False)
    booking.book(db, "test", again, slot, NOW)
    with pytest.raises(booking.NotAllowed):
        booking.cancel(db, "test", visit, NOW)


def test_an_incompatible_slot_is_refused_with_a_reason(db, plan, employer, employee):
    visit = ask(db, employer, employee, "sir_embauche", auto=False)
    nurse_slot = db.scalar(select(Slot).where(Slot.staff_id == plan.nurse.id))
    with pytest.raises(booking.NotAllowed):
        booking.book(db, "test", visit, nurse_slot, NOW)


def test_next_appointment_and_no_show(db, plan, employer, employee):
    first = ask(db, employer, employee)
    assert (
        visit_lookup.next_appointment(db, member_id=employer.id, employee_id=employee.id, now=NOW)
        == first
    )
    later = first.slot.starts_at + timedelta(hours=1)
    booking.record_no_show(db, "test", first, later)
    assert first.status == VisitStatus.NO_SHOW
    assert (
        visit_lookup.next_appointment(db, member_id=employer.id, employee_id=employee.id, now=NOW)
        is None
    )


def test_the_employer_never_sees_a_confidential_visit(db, plan, employer, employee):
    mine = ask(
        db, employer, employee, "pre_reprise", by="employee", event_date=MONDAY - timedelta(days=40)
    )
    assert mine.confidential
    seen = ask(db, employer, employee, "vip_periodique")
    assert visit_lookup.employer_visits(db, employer.id) == [seen]
    assert visit_lookup.employer_visit(db, employer.id, mine.id) is None
    assert visit_lookup.employer_visit(db, employer.id + 1, seen.id) is None


def test_the_database_itself_refuses_a_second_holder(db, plan, employer, employee):
    first = ask(db, employer, employee)
    second = ask(db, employer, employee, "demande", auto=False)
    db.commit()
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        db.execute(
            Visit.__table__.update()
            .where(Visit.id == second.id)
            .values(slot_id=first.slot_id, status="booked")
        )
    db.rollback()
    # a cancelled visit does not hold its slot: the same update is then accepted
    db.execute(Visit.__table__.update().where(Visit.id == first.id).values(status="cancelled"))
    db.execute(
        Visit.__table__.update()
        .where(Visit.id == second.id)
        .values(slot_id=first.slot_id, status="booked")
    )


def test_sessions_are_cut_to_whole_slots(db, plan):
    planning.generate_slots(db, MONDAY, 1)
    nurse_day = [
        s
        for s in db.scalars(
            select(Slot).where(Slot.staff_id == plan.nurse.id).order_by(Slot.starts_at)
        )
        if s.starts_at.astimezone(PARIS).date() == MONDAY + timedelta(days=1)
    ]
    assert [s.starts_at.astimezone(PARIS).time() for s in nurse_day] == [
        time(14),
        time(14, 30),
        time(15),
        time(15, 30),
    ]


def test_a_follow_up_by_the_doctor_narrows_who_may_see_the_worker(db, plan, employer):
    # an SIR worker (asbestos): the médecin du travail (live electrical work is no longer SIR)
    exposed = make_employee(db, employer, last_name="Volt", exposures=["asbestos"])
    visit = ask(db, employer, exposed, "vip_periodique", auto=False)
    slots = slot_offers.compatible_slots(db, visit, now=NOW, limit=30)
    assert slots and {s.staff_id for s in slots} == {plan.doctor.id}
    nurse_slot = db.scalar(select(Slot).where(Slot.staff_id == plan.nurse.id))
    with pytest.raises(booking.NotAllowed):
        booking.book(db, "test", visit, nurse_slot, NOW)


def test_a_visit_already_late_is_booked_as_soon_as_possible(db, plan, employer, employee):
    visit = ask(db, employer, employee, "vip_periodique", due_by=MONDAY - timedelta(days=30))
    assert visit.status == VisitStatus.BOOKED
    assert visit.slot.starts_at.astimezone(PARIS).date() == MONDAY


def test_the_employer_is_told_of_an_employees_request_but_not_of_its_reason(
    app, db, plan, employer, employee
):
    from assistant.models import OutboxMessage

    employer.email = "patron@test.fr"
    asked = ask(db, employer, employee, "demande", by="employee", reason="Mal au dos", auto=False)
    secret = ask(
        db, employer, employee, "pre_reprise", by="employee", auto=False,
        event_date=MONDAY - timedelta(days=40),
    )  # fmt: skip
    db.flush()
    mails = db.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == "patron@test.fr")
    ).all()
    assert len(mails) == 1
    assert "Alex Durand" in mails[0].body and "Visite à la demande" in mails[0].subject
    assert "dos" not in mails[0].body
    assert asked.employer_informed_at == NOW and secret.employer_informed_at is None
