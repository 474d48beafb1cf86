"""Teleconsultation only with the worker's prior consent, recorded (R4624-41-1, R4624-41-2), and
the mid-career visit held by the doctor or an advanced-practice nurse (L4624-2-2)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from assistant.core.timeutil import PARIS
from assistant.models import AuditEntry, Slot, TeleConsent
from assistant.services.visits import (
    booking,
    planning_absences,
    slot_offers,
    tele_consent,
    visit_requests,
)
from tests.factories import (
    MONDAY,
    OTHER_SIRET,
    make_employee,
    make_member,
    prove_mobile,
)

# Tuesday 12:30 of the plan's week: the nurse's teleconsultation at 14:00 comes before the
# doctor's next morning at the centre
TUESDAY_NOON = datetime.combine(MONDAY + timedelta(days=1), datetime.min.time(), PARIS).replace(
    hour=12, minute=30
)


def ask(db, member, employee, code="vip_periodique", by="employer", auto=True, **values):
    request = visit_requests.Request(visit_type=code, requested_by=by, **values)
    return visit_requests.request_visit(
        db, "test", member=member, employee=employee, request=request, now=TUESDAY_NOON, auto=auto
    )


def give(db, actor="staff:9", channel="staff", **whose):
    return tele_consent.give(db, actor, channel=channel, now=TUESDAY_NOON, **whose)


def tele_slot(db, plan) -> Slot:
    return db.scalar(
        select(Slot)
        .where(Slot.centre_id == plan.tele.id, Slot.starts_at > TUESDAY_NOON)
        .order_by(Slot.starts_at)
        .limit(1)
    )


def test_R4624_41_1_employer_request_placed_automatically_never_by_video_without_consent(
    db, plan, employer, employee
):
    visit = ask(db, employer, employee)
    assert visit.status == "booked"
    assert visit.slot.modality == "on_site" and visit.slot.staff_id == plan.doctor.id
    offered = slot_offers.compatible_slots(db, visit, now=TUESDAY_NOON, limit=50)
    assert offered and all(slot.modality != "tele" for slot in offered)


def test_R4624_41_1_with_the_worker_consent_the_first_slot_may_be_a_teleconsultation(
    db, plan, employer, employee
):
    give(db, employee=employee)
    visit = ask(db, employer, employee)
    assert visit.slot.modality == "tele" and visit.slot.staff_id == plan.nurse.id


def test_R4624_41_2_consent_given_then_withdrawn_tele_slots_disappear(db, plan, employer, employee):
    visit = ask(db, employer, employee, auto=False)
    give(db, "employee:+33611223344", "web", employee=employee)
    assert "tele" in {s.modality for s in slot_offers.compatible_slots(db, visit, now=TUESDAY_NOON)}
    assert tele_consent.withdraw(db, "employee:+33611223344", now=TUESDAY_NOON, employee=employee)
    assert tele_consent.in_force(db, employee=employee) is None
    offered = slot_offers.compatible_slots(db, visit, now=TUESDAY_NOON, limit=50)
    assert offered and "tele" not in {s.modality for s in offered}
    # withdrawing again changes nothing
    assert not tele_consent.withdraw(db, "test", now=TUESDAY_NOON, employee=employee)


def test_R4624_41_1_no_caller_books_a_tele_slot_without_consent(db, plan, employer, employee):
    visit = ask(db, employer, employee, auto=False)
    with pytest.raises(booking.NotAllowed) as refused:
        booking.book(db, "staff:1", visit, tele_slot(db, plan), TUESDAY_NOON)
    assert "accord préalable" in str(refused.value.message)
    give(db, employee=employee)
    booking.book(db, "staff:1", visit, tele_slot(db, plan), TUESDAY_NOON)
    assert visit.slot.modality == "tele"


def test_R4624_41_1_an_employer_may_not_ask_for_a_teleconsultation(db, plan, employer, employee):
    give(db, employee=employee)
    with pytest.raises(booking.NotAllowed):
        ask(db, employer, employee, modality="tele")


def test_R4624_41_1_an_independent_with_consent_may_choose_video(db, plan):
    member = make_member(db, OTHER_SIRET, kind="independent", status="active")
    without = ask(db, member, None, by="independent", modality="tele")
    assert without.status == "requested" and without.queued_at is not None  # no slot for it
    give(db, f"member:{member.id}", "web", member=member)
    assert tele_consent.for_visit(db, without)
    visit_requests.place_automatically(db, "test", without, TUESDAY_NOON)
    assert without.status == "booked" and without.slot.modality == "tele"


def test_R4624_41_2_the_consent_is_recorded_and_audited_whoever_records_it(
    db, plan, employer, employee
):
    consent = give(db, "staff:9", "staff", employee=employee)
    assert employee.worker_id is not None and consent.worker_id == employee.worker_id
    assert (consent.channel, consent.recorded_by) == ("staff", "staff:9")
    assert consent.withdrawn_at is None
    assert give(db, "staff:10", employee=employee) is consent  # given twice: the same one
    tele_consent.withdraw(db, "staff:9", now=TUESDAY_NOON, employee=employee)
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.record_type == "tele_consent").order_by(AuditEntry.id)
    ).all()
    assert [(e.actor, e.action, e.record_id) for e in entries] == [
        ("staff:9", "give", str(employee.id)),
        ("staff:9", "withdraw", str(employee.id)),
    ]
    assert db.get(TeleConsent, consent.id).withdrawn_at is not None


def test_R4624_41_1_the_consent_is_the_person_for_every_employer(db, plan, employer, employee):
    worker = prove_mobile(db, employee)
    elsewhere = make_member(db, OTHER_SIRET, status="active")
    second = make_employee(db, elsewhere, phone=employee.phone)
    prove_mobile(db, second)
    assert second.worker_id == worker.id
    give(db, employee=employee)
    assert tele_consent.in_force(db, employee=second) is not None


def test_R4624_41_2_a_video_visit_whose_consent_is_withdrawn_is_to_move(
    db, plan, employer, employee
):
    give(db, employee=employee)
    visit = ask(db, employer, employee)
    assert visit.slot.modality == "tele"
    assert planning_absences.displaced(db, TUESDAY_NOON) == []
    tele_consent.withdraw(db, "test", now=TUESDAY_NOON, employee=employee)
    assert planning_absences.displaced(db, TUESDAY_NOON) == [visit]


def test_L4624_2_2_mid_career_visit_only_with_the_doctor_or_an_advanced_practice_nurse(
    db, plan, employer, employee
):
    give(db, employee=employee)  # the nurse works by video: consent is not what stops her
    visit = ask(db, employer, employee, code="mi_carriere", auto=False)
    offered = slot_offers.compatible_slots(db, visit, now=TUESDAY_NOON, limit=50)
    assert offered and {s.staff_id for s in offered} == {plan.doctor.id}
    with pytest.raises(booking.NotAllowed):
        booking.book(db, "staff:1", visit, tele_slot(db, plan), TUESDAY_NOON)
    plan.nurse.advanced_practice = True
    db.flush()
    offered = slot_offers.compatible_slots(db, visit, now=TUESDAY_NOON, limit=50)
    assert plan.nurse.id in {s.staff_id for s in offered}
    booking.book(db, "staff:1", visit, tele_slot(db, plan), TUESDAY_NOON)
    assert visit.slot.staff_id == plan.nurse.id


def test_L4624_2_2_a_nurse_closes_a_mid_career_visit_only_in_advanced_practice(
    db, plan, employer, employee
):
    from assistant.services.visits import outcomes

    visit = ask(db, employer, employee, code="mi_carriere")
    assert visit.slot.staff_id == plan.doctor.id
    with pytest.raises(outcomes.OutcomeError, match="médecin du travail"):
        outcomes.check_may_issue(plan.nurse, visit, "attestation")
    plan.nurse.advanced_practice = True
    outcomes.check_may_issue(plan.nurse, visit, "attestation")


def test_R4624_41_1_a_consent_follows_the_person_when_two_workers_are_merged(
    db, plan, employer, employee
):
    """Consent recorded for a second employment before its mobile was proven: once a professional
    proves it is the same person, the consent is theirs still."""
    from assistant.services.workforce import mobile_proof
    from tests.web.helpers import last_code

    first = prove_mobile(db, employee)
    elsewhere = make_member(db, OTHER_SIRET, status="active")
    second = make_employee(db, elsewhere, phone="+33600000001")
    give(db, employee=second)  # on the staff's page, on the worker's word
    assert second.worker_id != first.id
    mobile_proof.start_proof(db, "staff:1", second, employee.phone, TUESDAY_NOON)
    db.commit()
    code = last_code(db, employee.phone)
    mobile_proof.confirm_proof(db, "staff:1", second, employee.phone, code, TUESDAY_NOON)
    assert second.worker_id == first.id
    assert tele_consent.in_force(db, employee=employee) is not None
