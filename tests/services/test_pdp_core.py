"""The PDP cell's rules (SPEC 4.7, offre socle III.c): the employer-information rule in both
contract states, consent given, used, revoked then refused, the plan's limits (in the service and
in the database), the follow-ups due, who reads a case."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assistant.core.timeutil import PARIS
from assistant.models import AuditEntry, OutboxMessage
from assistant.models.pdp import PdpAction, PdpCase, PdpDisclosure
from assistant.services.pdp import access, cases, consent, plan
from tests.factories import make_member, make_staff_user, prove_mobile

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)
TODAY = date(2026, 11, 23)


def employee_asks(db, employee, suspended=False, **values):
    return cases.raise_request(
        db,
        "phone:+33781234567",
        raised_by="worker",
        channel="sms",
        trigger=values.pop("trigger", "none"),
        description="Mal au dos, je ne tiens plus au pétrin.",
        contact="le soir au 06 11 22 33 44",
        contract_suspended=suspended,
        employee=employee,
        now=NOW,
        **values,
    )


def emails(db):
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.channel == "email")))


def test_offre_socle_employee_not_suspended_the_employer_is_told_a_request_exists_never_what(
    db, employer, employee
):
    case = employee_asks(db, employee)
    assert case.employer_informed_at == NOW
    (mail,) = emails(db)
    assert mail.recipient == employer.email
    assert employee.last_name in mail.body and "PDP" in mail.subject
    for secret in ("dos", "pétrin", "06 11 22 33 44", "soir"):
        assert secret not in mail.body and secret not in mail.subject


def test_offre_socle_contract_suspended_the_employer_is_told_nothing(db, employer, employee):
    case = employee_asks(db, employee, suspended=True, leave_from=date(2026, 9, 1))
    assert case.employer_informed_at is None
    assert emails(db) == []


def test_a_suspended_case_cannot_be_marked_told_in_the_database(db, employee):
    case = employee_asks(db, employee, suspended=True)
    case.employer_informed_at = NOW
    with pytest.raises(IntegrityError):
        db.flush()


def test_an_independent_has_no_employer_to_tell(db):
    independent = make_member(db, "44306184100047", kind="independent", status="active")
    case = cases.raise_request(
        db,
        "phone:+33698765432",
        raised_by="worker",
        channel="chat",
        trigger="none",
        description="Je crains de ne plus pouvoir exercer.",
        member=independent,
        now=NOW,
    )
    assert case.employer_informed_at is None and case.employee_id is None
    assert emails(db) == []
    with pytest.raises(cases.PdpError):
        consent.give(db, case, "worker:1", "adjustments", "web", NOW)


def test_the_employers_own_request_does_not_tell_it_again(db, employee):
    case = cases.raise_request(
        db,
        "member:1",
        raised_by="employer",
        channel="web",
        trigger="on_request",
        description="Il a du mal depuis son retour.",
        employee=employee,
        now=NOW,
    )
    assert case.employer_informed_at is None and emails(db) == []
    assert cases.of_employee(db, [employee.id]) == [case]  # the employee sees it


def analysed_case(db, employee):
    case = employee_asks(db, employee)
    doctor = make_staff_user(db, "doctor")
    plan.record_analysis(db, case, "staff:1", doctor, "Étude de poste à prévoir.", NOW)
    return case


def test_consent_given_used_revoked_then_refused_at_the_next_disclosure(db, employee):
    case = analysed_case(db, employee)
    with pytest.raises(consent.ConsentMissing):
        consent.disclose(db, case, "staff:1", "adjustments", "adjustment_letter", NOW)
    given = consent.give(db, case, "phone:+33781234567", "adjustments", "sms", NOW)
    assert (given.channel, given.recipient_member_id) == ("sms", employee.member_id)
    disclosure = consent.disclose(db, case, "staff:1", "adjustments", "adjustment_letter", NOW)
    assert disclosure.consent_id == given.id
    assert consent.revoke(db, case, "phone:+33781234567", "sms", NOW) == 1
    with pytest.raises(consent.ConsentMissing):
        consent.disclose(db, case, "staff:1", "adjustments", "adjustment_letter", NOW)
    assert db.scalar(select(PdpDisclosure.id).where(PdpDisclosure.case_id == case.id)) == (
        disclosure.id
    )
    refused = db.scalars(
        select(AuditEntry).where(
            AuditEntry.record_type == "pdp_case", AuditEntry.action == "disclosure_refused"
        )
    ).all()
    assert len(refused) == 2


def test_a_consent_covers_only_its_scope(db, employee):
    case = analysed_case(db, employee)
    consent.give(db, case, "worker:1", "stage", "web", NOW)
    with pytest.raises(consent.ConsentMissing):
        consent.disclose(db, case, "staff:1", "adjustments", "adjustment_letter", NOW)


def test_the_essai_encadre_lasts_two_weeks_and_is_renewed_once(db, employee):
    case = analysed_case(db, employee)
    first = plan.add_action(db, case, "staff:1", "essai_encadre", NOW, starts_on=date(2026, 12, 7))
    assert (first.starts_on, first.ends_on) == (date(2026, 12, 7), date(2026, 12, 20))
    renewal = plan.add_action(db, case, "staff:1", "essai_encadre", NOW)
    assert (renewal.rank, renewal.starts_on, renewal.ends_on) == (
        2,
        date(2026, 12, 21),
        date(2027, 1, 3),
    )
    with pytest.raises(cases.PdpError, match="renouvelle qu'une fois"):
        plan.add_action(db, case, "staff:1", "essai_encadre", NOW, starts_on=date(2027, 1, 4))


def test_psychological_support_is_two_appointments_at_most(db, employee):
    case = analysed_case(db, employee)
    plan.add_action(db, case, "staff:1", "psychological", NOW)
    plan.add_action(db, case, "staff:1", "psychological", NOW)
    with pytest.raises(cases.PdpError, match="deux rendez-vous"):
        plan.add_action(db, case, "staff:1", "psychological", NOW)


@pytest.mark.parametrize("kind", ["psychological", "essai_encadre"])
def test_the_database_refuses_a_third_limited_action(db, employee, kind):
    case = analysed_case(db, employee)
    day = date(2026, 12, 7)
    db.add(
        PdpAction(case_id=case.id, kind=kind, rank=3, starts_on=day, ends_on=day, created_by="x")
    )
    with pytest.raises(IntegrityError):
        db.flush()


def test_the_plan_makes_the_follow_ups_at_3_and_6_months_and_the_impact_review_at_a_year(
    db, employee
):
    case = analysed_case(db, employee)
    with pytest.raises(cases.PdpError):
        plan.adopt_plan(db, case, "staff:1", TODAY)  # no action yet
    plan.add_action(db, case, "staff:1", "workstation_study", NOW)
    reviews = plan.adopt_plan(db, case, "staff:1", TODAY)
    assert [(r.kind, r.due_on) for r in reviews] == [
        ("month_3", date(2027, 2, 23)),
        ("month_6", date(2027, 5, 23)),
        ("year_1", date(2027, 11, 23)),
    ]
    db.flush()
    assert cases.due_reviews(db, date(2027, 2, 22)) == []
    (due,) = cases.due_reviews(db, date(2027, 2, 23))
    plan.complete_review(db, due, "staff:1", NOW, "Poste aménagé, tient bien.")
    assert cases.due_reviews(db, date(2027, 5, 1)) == []
    plan.close(db, case, "staff:1", "adjusted", NOW)
    assert cases.due_reviews(db, date(2027, 12, 1)) == []


def test_no_plan_before_the_analysis_with_the_occupational_doctor(db, employee):
    case = employee_asks(db, employee)
    with pytest.raises(cases.PdpError):
        plan.add_action(db, case, "staff:1", "social", NOW)
    nurse = make_staff_user(db, "nurse")
    with pytest.raises(cases.PdpError):
        plan.record_analysis(db, case, "staff:1", nurse, "x", NOW)


def test_the_queue_puts_suspended_contracts_and_return_to_work_first(db, employee, employer):
    from tests.factories import make_employee

    calm = employee_asks(db, employee)
    other = make_employee(db, employer, first_name="Nina", last_name="Petit")
    on_leave = employee_asks(db, other, suspended=True, leave_from=date(2026, 6, 1))
    reprise = employee_asks(db, other, trigger="reprise")
    rows = cases.queue(db, TODAY)
    assert [r.case for r in rows] == [on_leave, reprise, calm]
    assert [r.urgent for r in rows] == [True, True, False]


@pytest.mark.parametrize(
    ("role", "reads", "sees_list"),
    [
        ("pdp", True, True),
        ("admin", False, True),
        ("secretary", False, True),
        ("nurse", False, False),
        ("iprp", False, False),
    ],
)
def test_who_reads_a_case(db, employee, role, reads, sees_list):
    case = employee_asks(db, employee)
    staff = make_staff_user(db, role)
    assert access.may_read(db, staff, case) is reads
    assert access.may_see_existence(staff) is sees_list


def test_the_occupational_doctor_reads_and_other_doctors_do_not_unless_added(
    db, employer, employee
):
    case = employee_asks(db, employee)
    doctor, stranger = make_staff_user(db, "doctor"), make_staff_user(db, "doctor")
    employer.doctor_id = doctor.id
    db.flush()
    assert access.may_read(db, doctor, case) and not access.may_read(db, stranger, case)
    nurse = make_staff_user(db, "nurse")
    plan.add_staff(db, case, "staff:1", nurse, NOW)
    db.flush()
    assert access.may_read(db, nurse, case)
    assert access.readable_ids(db, nurse) == {case.id}


def test_every_write_is_audited(db, employee):
    case = analysed_case(db, employee)
    plan.add_action(db, case, "staff:1", "adjustment", NOW, note="Plan de travail réglable")
    plan.adopt_plan(db, case, "staff:1", TODAY)
    actions = db.scalars(
        select(AuditEntry.action).where(
            AuditEntry.record_type == "pdp_case", AuditEntry.record_id == str(case.id)
        )
    ).all()
    assert {"create", "inform_employer", "analysis", "add_action", "adopt_plan"} <= set(actions)


def test_the_worker_row_comes_with_the_employment(db, employee):
    worker = prove_mobile(db, employee)
    case = employee_asks(db, employee)
    assert db.get(PdpCase, case.id).worker_id == worker.id


def test_the_demo_has_a_case_whose_3_month_follow_up_is_due(demo_data, db):
    from assistant.core.timeutil import today_paris
    from assistant.database import utcnow

    today = today_paris(utcnow())
    (row,) = cases.queue(db, today)
    assert row.urgent and row.case.stage == "plan" and row.case.employer_informed_at is None
    assert [r.kind for r in row.due] == ["month_3"]
