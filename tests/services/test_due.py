"""The visits to plan: an employer's across the workforce, most urgent first; an independent's."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from assistant.models import Visit, VisitOutcome
from assistant.services.visits import due
from assistant.services.workforce import employees as workforce
from assistant.services.workforce import health
from tests.factories import make_centre, make_employee, make_member, make_slot, make_staff_user

TODAY = date(2026, 6, 15)


def hire(db, member, last, *, hired, **values):
    return make_employee(db, member, last_name=last, hire_date=hired, **values)


@pytest.fixture
def doctor(db):
    centre = make_centre(db)
    return make_staff_user(db, "doctor", centre_id=centre.id), centre


def visit(db, member, employee, code, status, *, day=None, doctor=None, **extra):
    """A visit row; a done one in a slot on `day` (10:00 UTC)."""
    slot = None
    if day is not None:
        slot = make_slot(db, *doctor, datetime(day.year, day.month, day.day, 10, tzinfo=UTC))
    row = Visit(
        member_id=member.id,
        employee_id=employee.id if employee is not None else None,
        visit_type=code,
        status=status,
        requested_by=extra.pop("requested_by", "employer"),
        actor="test",
        slot_id=slot.id if slot else None,
        **extra,
    )
    db.add(row)
    db.flush()
    return row


def plan(db, member, today=TODAY):
    return [
        (item.employee.last_name if item.employee else None, item.visit_type, item.window.due_by)
        for item in due.visits_to_plan(db, member, today)
    ]


def test_most_urgent_first_across_employees_overdue_first(db, member):
    hire(db, member, "Recent", hired=date(2026, 6, 1))  # VIP initiale by 1 September
    hire(db, member, "Late", hired=date(2025, 1, 6))  # never seen: overdue since April 2025
    hire(db, member, "Sooner", hired=date(2026, 4, 20))  # by 20 July
    hire(db, member, "Night", hired=date(2026, 6, 10), night_worker=True)  # before assignment
    items = due.visits_to_plan(db, member, TODAY)
    assert [(i.employee.last_name, i.visit_type, i.window.due_by, i.overdue) for i in items] == [
        ("Late", "vip_initiale", date(2025, 4, 6), True),
        ("Night", "vip_initiale", date(2026, 6, 10), True),
        ("Sooner", "vip_initiale", date(2026, 7, 20), False),
        ("Recent", "vip_initiale", date(2026, 9, 1), False),
    ]
    assert "3 mois" in items[-1].window.explanation("fr")
    assert "3 months" in items[-1].window.explanation("en")


def test_a_done_visit_starts_the_periodic_clock_and_open_requests_are_left_out(db, member, doctor):
    seen = hire(db, member, "Seen", hired=date(2023, 1, 2))
    asked = hire(db, member, "Asked", hired=date(2026, 5, 4))
    # seen on 10 January 2024 (a slot of that day), the periodic visit at most 60 months later
    visit(db, member, seen, "vip_initiale", "done", day=date(2024, 1, 10), doctor=doctor)
    visit(db, member, asked, "vip_initiale", "requested")
    assert plan(db, member) == [("Seen", "vip_periodique", date(2029, 1, 10))]


def test_the_day_of_a_done_visit_is_its_slots_day_in_paris(db, member, doctor):
    seen = hire(db, member, "Seen", hired=date(2023, 1, 2))
    done = visit(db, member, seen, "vip_initiale", "done", day=date(2024, 1, 10), doctor=doctor)
    # 23:30 UTC on 9 January is already 10 January in Paris
    done.slot.starts_at = datetime(2024, 1, 9, 23, 30, tzinfo=UTC)
    db.flush()
    assert plan(db, member) == [("Seen", "vip_periodique", date(2029, 1, 10))]


def test_a_health_flag_shortens_the_period_silently(db, member, doctor):
    seen = hire(db, member, "Seen", hired=date(2023, 1, 2))
    visit(db, member, seen, "vip_initiale", "done", day=date(2024, 1, 10), doctor=doctor)
    health.set_flags(db, "staff:1", seen, pregnant=False, invalidity_pension=False, disabled=True)
    # declined: only the periodicity changes here (the referral is tested in test_law_calendar)
    health.decline_referral(db, "staff:1", seen)
    [item] = due.visits_to_plan(db, member, TODAY, with_health=True)
    assert item.window.due_by == date(2027, 1, 10)  # 36 months for a disabled worker
    # the employer's list comes from its declaration only; the service organises the earlier one
    [declared] = due.visits_to_plan(db, member, TODAY)
    assert declared.window.due_by == date(2029, 1, 10)
    [organised] = due.organised_by_the_service(db, member, TODAY)
    assert organised.window.due_by == date(2027, 1, 10)
    for locale in ("fr", "en"):
        text = item.window.explanation(locale).lower()
        assert not any(word in text for word in ("handicap", "disab", "santé", "health"))


def test_confidential_visits_change_nothing_the_employer_sees(db, member, doctor):
    worker = hire(db, member, "Worker", hired=date(2023, 1, 2), birth_date=date(1981, 2, 3))
    before = plan(db, member)
    assert ("Worker", "mi_carriere", date(2026, 12, 31)) in before
    # asked by the employee without telling the employer: neither done nor open counts
    visit(
        db, member, worker, "vip_initiale", "done", day=date(2024, 1, 10), doctor=doctor,
        confidential=True, requested_by="employee",
    )  # fmt: skip
    visit(
        db, member, worker, "mi_carriere", "booked", day=date(2026, 7, 1), doctor=doctor,
        confidential=True, requested_by="employee",
    )  # fmt: skip
    visit(
        db, member, worker, "pre_reprise", "requested", confidential=True, requested_by="employee"
    )
    assert plan(db, member) == before
    # the same visits, not confidential, do change it
    visit(db, member, worker, "mi_carriere", "requested")
    assert plan(db, member) == [b for b in before if b[1] != "mi_carriere"]


def test_leavers_and_other_members_are_not_counted(db, member, other, doctor):
    gone = hire(db, member, "Gone", hired=date(2020, 1, 6))
    workforce.leave_employee(db, "test", member.id, gone.id, date(2026, 6, 1))
    theirs = hire(db, other, "Theirs", hired=date(2020, 1, 6))
    visit(db, other, theirs, "vip_initiale", "done", day=date(2024, 1, 10), doctor=doctor)
    assert plan(db, member) == []
    assert plan(db, other) == [("Theirs", "vip_periodique", date(2029, 1, 10))]
    # asked for one employee only: someone else's employee is never computed
    assert due.visits_to_plan(db, member, TODAY, employees=[theirs]) == []


def test_an_outcome_does_not_hide_the_visit_day(db, member, doctor):
    seen = hire(db, member, "Seen", hired=date(2023, 1, 2))
    done = visit(db, member, seen, "vip_initiale", "done", day=date(2024, 1, 10), doctor=doctor)
    db.add(VisitOutcome(visit_id=done.id, kind="attestation", recorded_by_id=doctor[0].id))
    db.flush()
    db.expire_all()
    assert plan(db, member) == [("Seen", "vip_periodique", date(2029, 1, 10))]


def test_the_professionals_next_date_shortens_the_period_never_lengthens_it(db, member, doctor):
    sooner = hire(db, member, "Sooner", hired=date(2023, 1, 2))
    later = hire(db, member, "Later", hired=date(2023, 1, 2))
    for employee, day, next_due in (
        (sooner, date(2024, 1, 10), date(2025, 1, 10)),
        (later, date(2024, 1, 11), date(2031, 1, 10)),
    ):
        done = visit(db, member, employee, "vip_initiale", "done", day=day, doctor=doctor)
        db.add(
            VisitOutcome(
                visit_id=done.id, kind="attestation", recorded_by_id=doctor[0].id, next_due=next_due
            )
        )
    db.flush()
    db.expire_all()
    assert plan(db, member) == [
        ("Sooner", "vip_periodique", date(2025, 1, 10)),
        ("Later", "vip_periodique", date(2029, 1, 11)),
    ]


# --- independents ----------------------------------------------------------------------------


@pytest.fixture
def independent(db):
    worker = make_member(db, "44306184100047", kind="independent")
    worker.birth_date = date(1981, 3, 1)  # 45 in 2026: the mid-career visit is due this year
    worker.activated_at = datetime(2026, 5, 20, 22, 30, tzinfo=UTC)  # 21 May in Paris
    db.flush()
    return worker


def test_an_independent_needs_the_initial_and_mid_career_visits(db, independent):
    items = due.worker_due(db, independent, TODAY)
    assert [(i.employee, i.visit_type, i.window.due_by, i.overdue) for i in items] == [
        (None, "vip_initiale", date(2026, 8, 21), False),
        (None, "mi_carriere", date(2026, 12, 31), False),
    ]


def test_an_independents_declared_risks_set_the_follow_up(db, independent):
    independent.main_risks = ["asbestos"]
    db.flush()
    first = due.worker_due(db, independent, TODAY)[0]
    assert (first.visit_type, first.window.due_by, first.overdue) == (
        "sir_embauche",
        date(2026, 5, 21),
        True,
    )


def test_an_independents_own_visits_count_and_not_the_employees_of_anyone(
    db, independent, doctor, member
):
    visit(db, independent, None, "vip_initiale", "done", day=date(2026, 6, 1), doctor=doctor)
    visit(db, independent, None, "mi_carriere", "booked", day=date(2026, 7, 2), doctor=doctor)
    assert [(i.visit_type, i.window.due_by) for i in due.worker_due(db, independent, TODAY)] == [
        ("vip_periodique", date(2031, 6, 1))
    ]


@pytest.mark.parametrize(("birth_date", "activated"), [(None, True), (date(1981, 3, 1), False)])
def test_an_independent_without_dates_has_nothing_computed(db, independent, birth_date, activated):
    independent.birth_date = birth_date
    if not activated:
        independent.activated_at = None
    assert due.worker_due(db, independent, TODAY) == []


# --- issue 14: the attestation d'absence de contre-indication, the post-exposure visit ----------


def test_R4323_56_the_attestation_recorded_after_an_aci_visit_sets_the_next_one(db, member, doctor):
    driver = hire(db, member, "Driver", hired=date(2026, 1, 5), exposures=["machinery"])
    assert ("Driver", "aci", date(2026, 1, 5)) in plan(db, member)
    done = visit(db, member, driver, "aci", "done", day=date(2026, 1, 5), doctor=doctor)
    db.add(
        VisitOutcome(
            visit_id=done.id,
            kind="no_contraindication",
            recorded_by_id=doctor[0].id,
            valid_until=date(2030, 12, 31),
        )
    )
    db.flush()
    db.expire_all()
    assert ("Driver", "aci", date(2030, 12, 31)) in plan(db, member)


def test_L4624_2_1_the_end_of_exposure_brings_one_post_exposure_visit(db, member, doctor):
    ended = hire(db, member, "Ended", hired=date(2020, 1, 6), exposure_ended_on=date(2026, 6, 1))
    visit(db, member, ended, "vip_initiale", "done", day=date(2024, 1, 10), doctor=doctor)
    assert plan(db, member) == [
        ("Ended", "post_exposition", date(2026, 7, 1)),
        ("Ended", "vip_periodique", date(2029, 1, 10)),
    ]
