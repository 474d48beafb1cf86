"""Visit outcomes: who may issue which document, the next due date from the follow-up rules,
medical notes kept to health staff (audited), and what each PDF contains — and never contains."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from assistant.core.timeutil import PARIS
from assistant.models import AuditEntry, MedicalNote, VisitOutcome
from assistant.services.documents import visit_documents
from assistant.services.prevention import risk_catalogue
from assistant.services.visits import booking, inaptitude, outcomes, visit_requests
from tests.factories import NOW, OTHER_SIRET, make_employee, make_member, make_staff_user

AFTER = datetime(2027, 3, 8, 12, 0, tzinfo=PARIS)  # the first slots (Monday 9:00) are past
NOTE = "Lombalgie chronique, suivi kiné en cours"  # must never leave the health staff


def ask(db, member, employee, code="vip_periodique", by="employer", **values):
    request = visit_requests.Request(visit_type=code, requested_by=by, **values)
    visit = visit_requests.request_visit(
        db, "test", member=member, employee=employee, request=request, now=NOW
    )
    assert visit.status == "booked"
    return visit


def audit_actions(db, record_type) -> list[tuple[str, str]]:
    rows = db.scalars(
        select(AuditEntry).where(AuditEntry.record_type == record_type).order_by(AuditEntry.id)
    )
    return [(row.actor, row.action) for row in rows]


# ------------------------------------------------------------------ who issues what


def test_a_nurse_records_an_attestation_and_the_visit_is_done(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    assert outcomes.kinds_for("nurse", visit) == ["attestation"]
    outcome = outcomes.record(
        db,
        plan.nurse,
        visit,
        kind="attestation",
        now=AFTER,
        main_risks=["manual_handling", "noise", "noise"],
        advice="Échauffements avant la prise de poste.",
        next_due=date(2032, 3, 8),
        note=NOTE,
    )
    assert visit.status == "done" and visit.outcome is outcome
    assert outcome.recorded_by_id == plan.nurse.id and outcome.main_risks == [
        "manual_handling",
        "noise",
    ]
    assert visit.history[-1]["what"] == "done" and visit.history[-1]["kind"] == "attestation"
    assert (plan.nurse.get_id(), "create") in audit_actions(db, "visit_outcome")
    assert (plan.nurse.get_id(), "create") in audit_actions(db, "medical_note")
    assert db.scalar(select(MedicalNote.text)) == NOTE


def sir_exam(db, employer, employee):
    """An aptitude examination: the only visit that ends with an avis d'aptitude (R4624-25)."""
    employee.exposures = ["asbestos"]
    return ask(db, employer, employee, code="sir_periodique")


def date_inaptitude_steps(db, plan, visit):
    """The mandatory steps of R4624-42, dated the day of the visit."""
    day = visit.slot.starts_at.astimezone(PARIS).date()
    for step in inaptitude.MANDATORY:
        inaptitude.record_step(db, plan.doctor, visit, step, day, today=day)


@pytest.mark.parametrize("kind", ["aptitude", "inaptitude"])
def test_only_the_doctor_gives_an_avis(db, plan, employer, employee, kind):
    visit = sir_exam(db, employer, employee)
    with pytest.raises(outcomes.OutcomeError) as refused:
        outcomes.record(db, plan.nurse, visit, kind=kind, now=AFTER)
    assert "Seul le médecin du travail" in str(refused.value.message)
    assert visit.status == "booked" and db.scalar(select(VisitOutcome)) is None
    date_inaptitude_steps(db, plan, visit)
    outcomes.record(db, plan.doctor, visit, kind=kind, now=AFTER)
    assert visit.outcome.kind == kind


@pytest.mark.parametrize("role", ["secretary", "admin", "iprp", "pdp"])
def test_other_staff_record_nothing_and_read_no_note(db, plan, employer, employee, role):
    visit = ask(db, employer, employee)
    other = make_staff_user(db, role)
    with pytest.raises(outcomes.OutcomeError):
        outcomes.record(db, other, visit, kind="attestation", now=AFTER)
    with pytest.raises(outcomes.OutcomeError):
        outcomes.add_note(db, other, visit, NOTE, AFTER)
    with pytest.raises(outcomes.OutcomeError):
        outcomes.notes(db, other, visit)
    with pytest.raises(outcomes.OutcomeError):
        outcomes.record(db, "member:1", visit, kind="attestation", now=AFTER)
    assert outcomes.kinds_for(role, visit) == []


def test_a_nurse_does_not_close_a_visit_of_the_doctor_alone(db, plan, employer, employee):
    visit = ask(
        db,
        employer,
        employee,
        code="reprise",
        event_date=date(2027, 3, 8),
        absence_cause="work_accident",
        absence_days=40,
    )
    with pytest.raises(outcomes.OutcomeError) as refused:
        outcomes.record(db, plan.nurse, visit, kind="attestation", now=AFTER)
    assert "médecin du travail" in str(refused.value.message)


def test_collective_information_gives_an_attestation_de_presence(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    visit.visit_type = "vip_collective"
    assert outcomes.kinds_for("doctor", visit)[0] == "presence"
    with pytest.raises(outcomes.OutcomeError):
        outcomes.record(db, plan.doctor, visit, kind="aptitude", now=AFTER)
    outcomes.record(db, plan.nurse, visit, kind="presence", now=AFTER)
    assert "séance d'information collective" in visit_documents.outcome_document(visit).text


def test_not_before_the_visit_not_twice_not_after_a_no_show(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    with pytest.raises(outcomes.OutcomeError):
        outcomes.record(db, plan.doctor, visit, kind="attestation", now=NOW)
    outcomes.record(db, plan.doctor, visit, kind="attestation", now=AFTER)
    with pytest.raises(outcomes.OutcomeError):
        outcomes.record(db, plan.doctor, visit, kind="aptitude", now=AFTER)

    missed = ask(db, employer, make_employee(db, employer, last_name="Roux"))
    booking.record_no_show(db, "test", missed, AFTER)
    with pytest.raises(outcomes.OutcomeError):
        outcomes.record(db, plan.doctor, missed, kind="attestation", now=AFTER)


def test_unknown_risks_and_a_next_due_in_the_past_are_refused(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    with pytest.raises(outcomes.OutcomeError):
        outcomes.record(db, plan.doctor, visit, kind="attestation", now=AFTER, main_risks=["x"])
    with pytest.raises(outcomes.OutcomeError):
        outcomes.record(
            db, plan.doctor, visit, kind="attestation", now=AFTER, next_due=date(2027, 3, 8)
        )
    assert visit.status == "booked"


def test_visits_to_record_are_the_past_booked_ones_most_recent_first(db, plan, employer):
    first = ask(db, employer, make_employee(db, employer))
    second = ask(db, employer, make_employee(db, employer, last_name="B"))
    third = ask(db, employer, make_employee(db, employer, last_name="C"))
    at = second.slot.starts_at + timedelta(minutes=1)
    assert outcomes.visits_to_record(db, at) == [second, first]
    booking.record_no_show(db, "test", first, at)
    assert outcomes.visits_to_record(db, at) == [second]
    assert third not in outcomes.visits_to_record(db, AFTER - timedelta(hours=3))


# ------------------------------------------------------------------ next due date


def test_next_due_follows_the_category(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    assert outcomes.suggested_next_due(db, visit) == date(2032, 3, 8)  # VIP: 5 years

    night = make_employee(db, employer, last_name="Nuit", night_worker=True)
    assert outcomes.suggested_next_due(db, ask(db, employer, night)) == date(2030, 3, 8)

    exposed = make_employee(db, employer, last_name="Amiante", exposures=["asbestos"])
    exam = ask(db, employer, exposed, code="sir_periodique")
    assert exam.slot.starts_at.astimezone(PARIS).date() == date(2027, 3, 8)
    assert outcomes.suggested_next_due(db, exam) == date(2029, 3, 8)  # SIR: 2 years


def test_a_reprise_does_not_restart_the_periodic_clock(db, plan, employer, employee):
    periodic = ask(db, employer, employee)
    outcomes.record(db, plan.doctor, periodic, kind="attestation", now=AFTER)
    reprise = ask(
        db,
        employer,
        employee,
        code="reprise",
        event_date=date(2027, 3, 9),
        absence_cause="maternity",
        absence_days=100,
    )
    assert reprise.slot.starts_at > periodic.slot.starts_at
    assert outcomes.suggested_next_due(db, reprise) == date(2032, 3, 8)


def test_an_independent_next_due_from_their_birth_date_and_risks(db, plan):
    member = make_member(db, OTHER_SIRET, kind="independent")
    assert outcomes.suggested_next_due(db, ask(db, member, None, by="independent")) is None
    member.birth_date = date(1980, 2, 29)
    member.main_risks = ["noise"]
    visit = ask(db, member, None, by="independent")
    assert outcomes.suggested_next_due(db, visit) == date(2032, 3, 8)


# ------------------------------------------------------------------ notes


def test_notes_are_read_by_health_staff_and_every_read_is_audited(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    outcomes.record(db, plan.doctor, visit, kind="attestation", now=AFTER, note=NOTE)
    outcomes.add_note(db, plan.nurse, visit, "Revoir dans 6 mois", AFTER)
    with pytest.raises(outcomes.OutcomeError):
        outcomes.add_note(db, plan.nurse, visit, "   ", AFTER)
    read = outcomes.notes(db, plan.nurse, visit)
    assert [n.text for n in read] == [NOTE, "Revoir dans 6 mois"]
    assert (plan.nurse.get_id(), "read") in audit_actions(db, "medical_note")
    assert audit_actions(db, "medical_note").count((plan.doctor.get_id(), "create")) == 1


# ------------------------------------------------------------------ documents


def recorded(db, plan, employer, employee, kind="aptitude"):
    """A visit closed by the doctor: an avis after an SIR exam (R4624-25: never after a VIP),
    the steps of R4624-42 dated before an inaptitude."""
    if kind in ("aptitude", "inaptitude"):
        visit = sir_exam(db, employer, employee)
        date_inaptitude_steps(db, plan, visit)
    else:
        visit = ask(db, employer, employee)
    outcomes.record(
        db,
        plan.doctor,
        visit,
        kind=kind,
        now=AFTER,
        recommendations="Éviter le port de charges de plus de 15 kg.",
        main_risks=["manual_handling", "wood_dust"],
        advice="Portez un masque FFP2 lors du ponçage.",
        next_due=date(2029, 3, 8),
        note=NOTE,
    )
    return visit


def test_the_outcome_document_has_the_conclusion_and_next_date_but_nothing_medical(
    db, plan, employer, employee
):
    visit = recorded(db, plan, employer, employee)
    document = visit_documents.outcome_document(visit)
    text = document.text
    assert document.title == "Avis d'aptitude"
    assert "apte au poste" in text and "Alex Durand" in text and employer.legal_name in text
    assert "Éviter le port de charges de plus de 15 kg." in text
    assert "au plus tard le 08/03/2029" in text
    assert "prud'hommes" in text
    assert NOTE not in text and "Lombalgie" not in text
    assert "FFP2" not in text  # the ordonnance is the worker's
    for code in ("manual_handling", "wood_dust"):
        assert risk_catalogue.of(db).catalogue()[code].label("fr") not in text
    assert visit_documents.outcome_document_pdf(visit).startswith(b"%PDF")


def test_inaptitude_and_attestation_documents(db, plan, employer, employee):
    visit = recorded(db, plan, employer, employee, kind="inaptitude")
    text = visit_documents.outcome_document(visit).text
    assert "inapte au poste" in text and "reclassement" in text and NOTE not in text
    other = make_employee(db, employer, last_name="Roux")
    visit = recorded(db, plan, employer, other, kind="attestation")
    document = visit_documents.outcome_document(visit)
    # the doctor's proposals on it may be contested like an avis (L4624-3, L4624-7)
    assert document.title.startswith("Attestation de suivi") and "prud'hommes" in document.text


def test_the_ordonnance_has_risks_advice_and_how_to_reach_the_team(db, plan, employer, employee):
    visit = recorded(db, plan, employer, employee)
    document = visit_documents.ordonnance(visit)
    text = document.text
    assert document.title == "Ordonnance de prévention"
    for code in ("manual_handling", "wood_dust"):
        assert risk_catalogue.of(db).catalogue()[code].label("fr") in text
    assert "Portez un masque FFP2 lors du ponçage." in text
    assert "01 23 45 67 89" in text and "Centre de Paris 11" in text
    assert "jamais transmis à votre employeur" in text
    assert NOTE not in text
    assert visit_documents.ordonnance_pdf(visit).startswith(b"%PDF")


def test_no_document_without_an_outcome(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    with pytest.raises(ValueError, match="no outcome recorded"):
        visit_documents.outcome_document(visit)
    with pytest.raises(ValueError, match="no outcome recorded"):
        visit_documents.ordonnance(visit)
