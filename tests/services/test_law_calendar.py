"""The Code du travail's calendar (issue 14), each test named after its article: the visit with the
médecin du travail after a health situation is recorded, the mid-career visit, seasonal workers,
no new VIP at hiring after a recent one, the pré-reprise known to be needed, independents."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from assistant.models import HealthSituation, RiskDeclaration, Visit, VisitOutcome
from assistant.services.visits import due, visit_deadlines, visit_requests
from assistant.services.visits.booking import NotAllowed
from assistant.services.workforce import employees as workforce
from assistant.services.workforce import health
from tests.factories import (
    make_centre,
    make_employee,
    make_member,
    make_slot,
    make_staff_user,
    prove_mobile,
)

TODAY = date(2026, 11, 23)  # the fixed clock's day


@pytest.fixture
def centre(db):
    return make_centre(db)


@pytest.fixture
def doctor(db, centre):
    return make_staff_user(db, "doctor", centre_id=centre.id)


@pytest.fixture
def nurse(db, centre):
    return make_staff_user(db, "nurse", centre_id=centre.id)


def done(db, member, employee, code, day, staff, centre, **extra):
    slot = make_slot(db, staff, centre, datetime(day.year, day.month, day.day, 9, tzinfo=UTC))
    row = Visit(
        member_id=member.id,
        employee_id=employee.id if employee is not None else None,
        visit_type=code,
        status="done",
        requested_by="employer",
        actor="test",
        slot_id=slot.id,
        **extra,
    )
    db.add(row)
    db.flush()
    return row


def service_view(db, member, today=TODAY):
    return {
        (i.employee.last_name, i.visit_type): i
        for i in due.visits_to_plan(db, member, today, with_health=True)
    }


# ---------------------------------------------------------------- R4624-19, R4624-20


def test_R4624_20_disability_recorded_after_hiring_offers_the_medecin_du_travail(
    db, member, doctor, nurse, centre
):
    worker = make_employee(db, member, last_name="Worker", hire_date=date(2020, 1, 6))
    done(db, member, worker, "vip_initiale", date(2020, 2, 3), nurse, centre)
    health.set_flags(
        db, "staff:1", worker, pregnant=False, invalidity_pension=True, disabled=False,
        today=date(2026, 11, 20),
    )  # fmt: skip
    item = service_view(db, member)[("Worker", "orientation")]
    assert (item.window.due_from, item.window.due_by) == (date(2026, 11, 20), date(2026, 11, 28))
    assert not item.overdue
    # never in what the employer sees
    assert "orientation" not in [i.visit_type for i in due.visits_to_plan(db, member, TODAY)]
    # a visit held by a nurse since is not the médecin du travail…
    done(db, member, worker, "vip_periodique", date(2026, 11, 21), nurse, centre)
    assert ("Worker", "orientation") in service_view(db, member)
    # …a visit held by the doctor is
    done(db, member, worker, "demande", date(2026, 11, 22), doctor, centre)
    assert ("Worker", "orientation") not in service_view(db, member)


def test_R4624_19_pregnancy_recorded_offers_the_visit_which_the_worker_may_decline(db, member):
    worker = make_employee(db, member, last_name="Worker", hire_date=date(2024, 1, 8))
    situation = health.set_flags(
        db, "staff:1", worker, pregnant=True, invalidity_pension=False, disabled=False
    )
    assert situation.referral_offered_on == TODAY
    assert ("Worker", "orientation") in service_view(db, member)
    # her own view (employee space, proven mobile) lists it too
    mine = due.employee_due(db, worker, [], TODAY, with_health=True)
    assert "orientation" in [d.visit_type for d in mine]
    health.decline_referral(db, "employee:1", worker, datetime(2026, 11, 23, 9, tzinfo=UTC))
    assert situation.referral_declined_at is not None
    assert ("Worker", "orientation") not in service_view(db, member)
    # saving the same situation again is no new offer
    health.set_flags(db, "staff:1", worker, pregnant=True, invalidity_pension=False, disabled=False)
    assert situation.referral_declined_at is not None
    # a new situation is a new offer
    health.set_flags(db, "staff:1", worker, pregnant=True, invalidity_pension=False, disabled=True)
    assert situation.referral_declined_at is None
    assert ("Worker", "orientation") in service_view(db, member)


def test_R4624_20_a_situation_known_before_hiring_is_the_first_visits_not_a_referral(
    db, member, other
):
    first = make_employee(
        db, other, last_name="Worker", phone="+33611223344", hire_date=date(2020, 1, 6)
    )
    prove_mobile(db, first)
    health.set_flags(
        db, "staff:1", first, pregnant=False, invalidity_pension=False, disabled=True,
        today=date(2024, 5, 6),
    )  # fmt: skip
    later = make_employee(
        db, member, last_name="Worker", phone="+33611223344", hire_date=date(2026, 10, 5)
    )
    prove_mobile(db, later)
    found = service_view(db, member)
    assert ("Worker", "orientation") not in found
    assert ("Worker", "vip_initiale") in found  # by the médecin du travail (doctor first)


def test_R4624_19_the_referral_helpers_are_pure():
    situation = HealthSituation(pregnant=False, invalidity_pension=False, disabled=False)
    before = health.flags_of(situation)
    situation.disabled = True
    assert health.became_true(before, health.flags_of(situation))
    assert not health.became_true(health.flags_of(situation), health.flags_of(situation))
    health.offer_referral(situation, date(2026, 3, 2))
    assert situation.referral_offered_on == date(2026, 3, 2)
    health.decline(situation, datetime(2026, 3, 3, tzinfo=UTC))
    assert situation.referral_declined_at == datetime(2026, 3, 3, tzinfo=UTC)


def test_R4624_20_an_independents_own_pension_offers_the_visit_and_three_years(
    db, doctor, nurse, centre
):
    member = make_member(db, "44306184100047", kind="independent")
    member.birth_date = date(1990, 3, 1)
    member.activated_at = datetime(2025, 1, 10, 9, tzinfo=UTC)
    done(db, member, None, "vip_initiale", date(2025, 2, 3), nurse, centre)
    db.add(
        HealthSituation(
            member_id=member.id, invalidity_pension=True, updated_by="test",
            referral_offered_on=date(2026, 11, 2),
        )
    )  # fmt: skip
    db.flush()
    found = {i.visit_type: i.window for i in due.worker_due(db, member, TODAY)}
    # the CIAMT table: 3 years instead of 5 for a pension holder
    assert found["vip_periodique"].due_by == date(2028, 2, 3)
    assert found["orientation"].due_from == date(2026, 11, 2)


def test_R4624_19_an_independent_records_a_pregnancy_and_may_decline_the_visit(db):
    member = make_member(db, "44306184100047", kind="independent")
    member.birth_date = date(1990, 3, 1)
    member.activated_at = datetime(2025, 1, 10, 9, tzinfo=UTC)
    situation = health.set_own_flags(
        db, "member:1", member, pregnant=True, invalidity_pension=False, disabled=False
    )
    assert situation.member_id == member.id and situation.referral_offered_on == TODAY
    assert "orientation" in [i.visit_type for i in due.worker_due(db, member, TODAY)]
    health.decline_own_referral(db, "member:1", member)
    assert "orientation" not in [i.visit_type for i in due.worker_due(db, member, TODAY)]


# ---------------------------------------------------------------- L4624-2-2


def test_L4624_2_2_a_mid_career_visit_held_at_43_or_44_counts(db, member, nurse, centre):
    worker = make_employee(
        db, member, last_name="Worker", birth_date=date(1981, 5, 4), hire_date=date(2015, 1, 5)
    )  # 45 in 2026
    done(db, member, worker, "vip_periodique", date(2024, 6, 3), nurse, centre)
    assert ("Worker", "mi_carriere") in service_view(db, member)
    done(db, member, worker, "mi_carriere", date(2025, 4, 7), nurse, centre)  # at 43
    assert ("Worker", "mi_carriere") not in service_view(db, member)


def test_L4624_2_2_a_missed_mid_career_visit_stays_overdue(db, member, nurse, centre):
    worker = make_employee(
        db, member, last_name="Worker", birth_date=date(1980, 5, 4), hire_date=date(2015, 1, 5)
    )  # 45 in 2025: the year is over
    done(db, member, worker, "vip_periodique", date(2024, 6, 3), nurse, centre)
    item = service_view(db, member)[("Worker", "mi_carriere")]
    assert item.window.due_by == date(2025, 12, 31) and item.overdue
    # someone hired after that year was never the service's to see at mid-career
    make_employee(
        db, member, last_name="Later", birth_date=date(1980, 5, 4), hire_date=date(2026, 1, 5)
    )
    assert ("Later", "mi_carriere") not in service_view(db, member)


# ---------------------------------------------------------------- D4625-22


def test_D4625_22_seasonal_under_45_working_days_gets_collective_actions(db, member):
    # 7 July to 23 August: 48 calendar days, but at most 42 days of actual work (6 a week)
    make_employee(
        db, member, last_name="Seasonal", contract_type="saisonnier",
        hire_date=date(2026, 7, 6), contract_end=date(2026, 8, 23),
    )  # fmt: skip
    make_employee(
        db, member, last_name="Counted", contract_type="saisonnier",
        hire_date=date(2026, 7, 6), contract_end=date(2026, 9, 30), working_days=40,
    )  # fmt: skip
    found = {(i.employee.last_name, i.visit_type): i for i in due.visits_to_plan(db, member, TODAY)}
    assert set(found) == {("Seasonal", "vip_collective"), ("Counted", "vip_collective")}
    assert found[("Seasonal", "vip_collective")].window.due_by == date(2026, 7, 6)


def test_D4625_22_the_employer_sees_the_collective_actions_as_the_follow_up(db, member):
    from assistant.services.followup.followup_table import Category
    from assistant.services.workforce import followup_view

    seasonal = make_employee(
        db, member, contract_type="saisonnier", hire_date=date(2026, 7, 6), working_days=30
    )
    shown = followup_view.declared(db, member, [seasonal], TODAY)[seasonal.id]
    assert shown.follow.category is Category.VIP_COLLECTIVE
    assert shown.first_due == date(2026, 7, 6)


def test_D4625_22_days_of_actual_work_are_counted_at_most_six_a_week():
    from assistant.services.visits.law_calendar import working_days_at_most

    assert working_days_at_most(date(2026, 7, 6), date(2026, 8, 23)) == 42
    assert working_days_at_most(date(2026, 7, 5), date(2026, 7, 5)) == 1  # one Sunday
    assert working_days_at_most(date(2026, 7, 6), date(2026, 7, 12)) == 6


def test_D4625_22_the_employers_declared_length_counts_working_days(db, member):
    seasonal = make_employee(
        db, member, contract_type="saisonnier", hire_date=date(2026, 7, 6),
        contract_end=date(2026, 8, 23),
    )  # fmt: skip
    assert workforce.worker_of(seasonal).contract_days == 42


# ---------------------------------------------------------------- R4624-15


def _two_employments(db, member, other, *, job="Boulanger", **values):
    first = make_employee(
        db, other, last_name="Worker", phone="+33611223344", hire_date=date(2022, 1, 3),
        job="Boulanger", **values,
    )  # fmt: skip
    prove_mobile(db, first)
    second = make_employee(
        db, member, last_name="Worker", phone="+33611223344", hire_date=date(2026, 10, 5),
        job=job, **values,
    )  # fmt: skip
    prove_mobile(db, second)
    return first, second


def test_R4624_15_no_new_vip_within_five_years_for_the_same_job(db, member, other, nurse, centre):
    first, _ = _two_employments(db, member, other)
    done(db, other, first, "vip_initiale", date(2022, 2, 7), nurse, centre)
    # the periodic visit runs from the earlier one: none at hiring
    assert [(i.visit_type, i.window.due_by) for i in due.visits_to_plan(db, member, TODAY)] == [
        ("vip_periodique", date(2027, 2, 7))
    ]


def test_R4624_15_another_job_or_an_inaptitude_needs_a_new_vip(
    db, member, other, nurse, doctor, centre
):
    first, second = _two_employments(db, member, other, job="Vendeur")
    done(db, other, first, "vip_initiale", date(2022, 2, 7), nurse, centre)
    assert [i.visit_type for i in due.visits_to_plan(db, member, TODAY)] == ["vip_initiale"]
    second.job = "  BOULANGER "  # the same job, typed otherwise
    db.flush()
    assert [i.visit_type for i in due.visits_to_plan(db, member, TODAY)] == ["vip_periodique"]
    later = done(db, other, first, "demande", date(2024, 3, 4), doctor, centre)
    db.add(VisitOutcome(visit_id=later.id, kind="inaptitude", recorded_by_id=doctor.id))
    db.flush()
    db.expire_all()
    assert [i.visit_type for i in due.visits_to_plan(db, member, TODAY)] == ["vip_initiale"]


def test_R4624_15_three_years_for_the_workers_of_R4624_17(db, member, other, nurse, centre):
    first, _ = _two_employments(db, member, other, night_worker=True)
    done(db, other, first, "vip_initiale", date(2022, 2, 7), nurse, centre)  # 4 years before
    assert [i.visit_type for i in due.visits_to_plan(db, member, TODAY)] == ["vip_initiale"]
    done(db, other, first, "vip_periodique", date(2024, 2, 5), nurse, centre)
    assert [(i.visit_type, i.window.due_by) for i in due.visits_to_plan(db, member, TODAY)] == [
        ("vip_periodique", date(2027, 2, 5))
    ]


# ---------------------------------------------------------------- R4624-29, R4624-30


def test_R4624_29_pre_reprise_as_soon_as_the_leave_is_known_to_last_over_30_days():
    start = date(2026, 11, 16)  # 8 days so far
    assert visit_deadlines.pre_reprise(start, TODAY) is None
    window = visit_deadlines.pre_reprise(start, TODAY, expected_days=45)
    assert window is not None and window.due_from <= TODAY
    assert visit_deadlines.liaison(start, TODAY, expected_days=31) is not None
    assert visit_deadlines.pre_reprise(start, TODAY, expected_days=30) is None


def test_R4624_29_a_request_with_the_expected_end_of_the_leave_is_accepted():
    request = visit_requests.Request(
        "pre_reprise", "employee", event_date=date(2026, 11, 16), absence_days=60
    )
    due_from, _ = visit_requests.window_for(request, TODAY)
    assert due_from is not None
    short = visit_requests.Request(
        "pre_reprise", "employee", event_date=date(2026, 11, 16), absence_days=20
    )
    with pytest.raises(NotAllowed):
        visit_requests.window_for(short, TODAY)


# ---------------------------------------------------------------- independents (CIAMT)


def test_CIAMT_an_independent_may_ask_for_a_reprise_themself():
    from dialogs.visit_request import requestable

    assert "reprise" in [kind.code for kind in requestable("independent")]
    # on their request, whatever the length of the stoppage (the annex: "à la demande")
    request = visit_requests.Request(
        "reprise", "independent", event_date=TODAY, absence_cause="illness", absence_days=10
    )
    assert visit_requests.window_for(request, TODAY)[0] == TODAY


def test_CIAMT_an_independents_newly_declared_risk_opens_its_window_from_the_declaration(db):
    member = make_member(db, "44306184100047", kind="independent")
    member.birth_date = date(1990, 3, 1)
    member.activated_at = datetime(2026, 1, 12, 9, tzinfo=UTC)
    db.add(
        RiskDeclaration(
            member_id=member.id, version=1, created_by="test",
            data={"risques": {"risks": ["asbestos"]}},
            created_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
        )
    )  # fmt: skip
    member.main_risks = ["asbestos"]
    db.flush()
    [first] = due.worker_due(db, member, TODAY)
    assert first.visit_type == "sir_embauche"
    assert (first.window.due_from, first.window.due_by) == (date(2026, 11, 20), date(2027, 2, 20))
    assert not first.overdue
    # declared at adhesion: due before starting, as before
    member.activated_at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    [first] = due.worker_due(db, member, TODAY)
    assert first.window.due_by == date(2026, 11, 20)
