"""The document that closes a visit, by visit type, as the Code du travail says (issue 14): an
SIR exam ends with an avis, a VIP with an attestation, a pré-reprise with recommendations, an
ACI with its attestation for the worker alone; proposals are the doctor's and may be contested;
the next due date stays within the legal ceiling; an independent's avis speaks to them alone; an
inaptitude only after the steps of R4624-42. Each test is named after its article."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from assistant.core.timeutil import PARIS
from assistant.services.documents import visit_documents
from assistant.services.prevention import risk_catalogue
from assistant.services.visits import inaptitude, outcome_rules, outcomes, visit_requests
from tests.factories import NOW, OTHER_SIRET, make_employee, make_member

AFTER = datetime(2027, 3, 8, 12, 0, tzinfo=PARIS)  # the first slots (Monday 9:00) are past
DAY = date(2027, 3, 8)  # the day of the first visit asked for
RECOURSE_WORDS = "prud'hommes"
EMPLOYER_RECEIVES = "remis au salarié et à l'employeur"
STEPS = ("workstation_study", "fiche_entreprise", "employer_exchange")


def ask(db, member, employee, code="vip_periodique", by="employer", **values):
    request = visit_requests.Request(visit_type=code, requested_by=by, **values)
    visit = visit_requests.request_visit(
        db, "test", member=member, employee=employee, request=request, now=NOW
    )
    assert visit.status == "booked", code
    return visit


def day_of(visit) -> date:
    return visit.slot.starts_at.astimezone(PARIS).date()


def sir_worker(db, employer, **values):
    """An employee exposed to asbestos: SIR, an aptitude examination every 2 years at most."""
    return make_employee(db, employer, last_name="Amiante", exposures=["asbestos"], **values)


def date_the_steps(db, plan, visit, steps=STEPS, on=None):
    for step in steps:
        inaptitude.record_step(db, plan.doctor, visit, step, on or day_of(visit), today=DAY)


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(outcomes.OutcomeError) as error:
        call(*args, **kwargs)
    return str(error.value.message)


# ------------------------------------------------------------------ which document ends which visit


@pytest.mark.parametrize("code", ["sir_embauche", "sir_periodique"])
def test_R4624_25_an_sir_exam_ends_with_an_avis_never_an_attestation(db, plan, employer, code):
    visit = ask(db, employer, sir_worker(db, employer), code=code)
    assert outcomes.kinds_for("doctor", visit) == ["aptitude", "inaptitude"]
    message = refused(outcomes.record, db, plan.doctor, visit, kind="attestation", now=AFTER)
    assert "ne correspond pas" in message
    outcomes.record(db, plan.doctor, visit, kind="aptitude", now=AFTER)
    assert visit.outcome.kind == "aptitude"


@pytest.mark.parametrize("code", ["vip_initiale", "vip_periodique"])
def test_R4624_14_a_vip_ends_with_an_attestation_no_aptitude_outside_sir(
    db, plan, employer, employee, code
):
    visit = ask(db, employer, employee, code=code)
    assert outcomes.kinds_for("doctor", visit) == ["attestation"]
    assert outcomes.kinds_for("nurse", visit) == ["attestation"]
    refused(outcomes.record, db, plan.doctor, visit, kind="aptitude", now=AFTER)
    outcomes.record(db, plan.doctor, visit, kind="attestation", now=AFTER)
    assert visit_documents.outcome_document(visit).title.startswith("Attestation de suivi")


def test_R4624_30_a_pre_reprise_gives_recommendations_no_avis(db, plan, employer, employee):
    visit = ask(
        db, employer, employee, code="pre_reprise", by="employee", event_date=DAY - timedelta(40)
    )
    assert outcomes.kinds_for("doctor", visit) == ["recommendations"]
    for kind in ("aptitude", "inaptitude", "attestation"):
        refused(outcomes.record, db, plan.doctor, visit, kind=kind, now=AFTER)
    outcomes.record(
        db,
        plan.doctor,
        visit,
        kind="recommendations",
        now=AFTER,
        recommendations="Reprise à mi-temps thérapeutique, sans port de charges.",
    )
    text = visit_documents.outcome_document(visit).text
    assert "Reprise à mi-temps thérapeutique" in text and "R4624-30" in text
    assert "apte" not in text and EMPLOYER_RECEIVES not in text
    assert "n'est pas transmis à l'employeur" in text
    assert not outcome_rules.for_employer(visit.outcome.kind)


def test_R4624_30_pre_reprise_recommendations_never_reach_the_employer_even_asked_by_staff(
    db, plan, employer, employee
):
    stoppage = DAY - timedelta(days=40)
    visit = ask(db, employer, employee, code="pre_reprise", by="staff", event_date=stoppage)
    outcomes.record(db, plan.doctor, visit, kind="recommendations", now=AFTER)
    assert not outcome_rules.employer_may_read(visit)


def test_R4624_32_a_reprise_ends_with_an_avis_in_sir_else_an_attestation_or_an_inaptitude(
    db, plan, employer, employee
):
    reprise = {"event_date": DAY, "absence_cause": "work_accident", "absence_days": 40}
    ordinary = ask(db, employer, employee, code="reprise", **reprise)
    assert outcomes.kinds_for("doctor", ordinary) == ["attestation", "inaptitude"]
    exposed = ask(db, employer, sir_worker(db, employer), code="reprise", **reprise)
    assert outcomes.kinds_for("doctor", exposed) == ["aptitude", "inaptitude"]


def test_L4624_2_2_mid_career_and_R4624_19_orientation_end_with_an_attestation_de_suivi(
    db, plan, employer, employee
):
    mid = ask(db, employer, employee, code="mi_carriere")
    assert outcomes.kinds_for("doctor", mid) == outcomes.kinds_for("nurse", mid) == ["attestation"]
    orientation = ask(db, employer, employee, code="orientation", by="staff")
    assert outcomes.kinds_for("doctor", orientation) == ["attestation"]
    refused(outcomes.record, db, plan.doctor, orientation, kind="aptitude", now=AFTER)


def test_R4624_1_collective_information_ends_with_an_attestation_de_presence_only(
    db, plan, employer, employee
):
    visit = ask(db, employer, employee)
    visit.visit_type = "vip_collective"
    assert outcomes.kinds_for("doctor", visit) == outcomes.kinds_for("nurse", visit) == ["presence"]
    refused(outcomes.record, db, plan.nurse, visit, kind="attestation", now=AFTER)


def test_L4624_2_1_post_exposure_visit_ends_with_the_etat_des_expositions_for_the_worker(
    db, plan, employer
):
    worker = sir_worker(db, employer, exposure_ended_on=date(2027, 1, 31))
    visit = ask(db, employer, worker, code="post_exposition")
    assert outcomes.kinds_for("doctor", visit) == ["exposures"]
    refused(outcomes.record, db, plan.doctor, visit, kind="attestation", now=AFTER)
    outcomes.record(
        db,
        plan.doctor,
        visit,
        kind="exposures",
        now=AFTER,
        main_risks=["asbestos"],
        recommendations="Scanner thoracique tous les 5 ans avec le médecin traitant.",
    )
    document = visit_documents.outcome_document(visit)
    assert document.title == "État des expositions"
    text = document.text
    assert risk_catalogue.of(db).catalogue()["asbestos"].label("fr") in text
    assert "31/01/2027" in text and "Scanner thoracique" in text and "L4624-2-1" in text
    assert EMPLOYER_RECEIVES not in text and "médecin traitant" in text
    assert not outcome_rules.employer_may_read(visit)


# ------------------------------------------------------------------ ACI (décret 2025-355)


def test_decret_2025_355_aci_no_contraindication_valid_five_years_handed_to_the_worker(
    db, plan, employer, employee
):
    visit = ask(db, employer, employee, code="aci", reason="CACES R489 chariots élévateurs")
    assert outcomes.kinds_for("doctor", visit) == ["no_contraindication", "contraindication"]
    assert outcomes.kinds_for("nurse", visit) == []
    refused(outcomes.record, db, plan.nurse, visit, kind="no_contraindication", now=AFTER)
    refused(outcomes.record, db, plan.doctor, visit, kind="aptitude", now=AFTER)
    outcome = outcomes.record(db, plan.doctor, visit, kind="no_contraindication", now=AFTER)
    five_years = day_of(visit).replace(year=day_of(visit).year + 5)
    assert outcome.valid_until == five_years
    text = visit_documents.outcome_document(visit).text
    until = five_years.strftime("%d/%m/%Y")
    assert "absence de contre-indication" in text and f"valable jusqu'au {until}" in text
    assert "CACES R489" in text and "remis au salarié" in text and EMPLOYER_RECEIVES not in text
    assert RECOURSE_WORDS not in text
    assert not outcome_rules.employer_may_read(visit)


def test_L4624_7_an_aci_contraindication_carries_the_contestation_notice(
    db, plan, employer, employee
):
    visit = ask(db, employer, employee, code="aci")
    outcome = outcomes.record(db, plan.doctor, visit, kind="contraindication", now=AFTER)
    assert outcome.valid_until is None
    text = visit_documents.outcome_document(visit).text
    assert "contre-indication médicale" in text and RECOURSE_WORDS in text and "15 jours" in text
    assert EMPLOYER_RECEIVES not in text and "valable" not in text
    assert not outcome_rules.employer_may_read(visit)


# ------------------------------------------------------------------ proposals (L4624-3)


def test_L4624_3_a_nurse_writes_no_proposal_for_the_employer(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    message = refused(
        outcomes.record,
        db,
        plan.nurse,
        visit,
        kind="attestation",
        now=AFTER,
        recommendations="Poste assis-debout.",
    )
    assert "médecin du travail" in message and "L4624-3" in message
    assert visit.status == "booked"


def test_L4624_7_the_doctors_proposals_carry_the_appeal_notice(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    outcomes.record(
        db, plan.doctor, visit, kind="attestation", now=AFTER, recommendations="Poste assis-debout."
    )
    text = visit_documents.outcome_document(visit).text
    assert "Poste assis-debout." in text and "L4624-3" in text
    assert RECOURSE_WORDS in text and "L4624-7" in text
    plain = ask(db, employer, make_employee(db, employer, last_name="Roux"))
    outcomes.record(db, plan.doctor, plain, kind="attestation", now=AFTER)
    assert RECOURSE_WORDS not in visit_documents.outcome_document(plain).text


def test_L4624_3_a_proposal_a_nurse_wrote_before_is_not_printed(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    outcomes.record(db, plan.nurse, visit, kind="attestation", now=AFTER)
    visit.outcome.recommendations = "Changer de poste."  # recorded before the rule
    text = visit_documents.outcome_document(visit).text
    assert "Changer de poste." not in text and RECOURSE_WORDS not in text


# ------------------------------------------------------------------ next due date, legal ceilings


def test_R4624_16_the_next_vip_visit_is_at_most_five_years_later(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    assert outcomes.legal_ceiling(db, visit) == date(2032, 3, 8)
    message = refused(
        outcomes.record,
        db,
        plan.doctor,
        visit,
        kind="attestation",
        now=AFTER,
        next_due=date(2032, 3, 9),
    )
    assert "08/03/2032" in message
    outcomes.record(
        db, plan.doctor, visit, kind="attestation", now=AFTER, next_due=date(2032, 3, 8)
    )
    assert "au plus tard le 08/03/2032" in visit_documents.outcome_document(visit).text


def test_R4624_17_a_night_worker_is_seen_again_within_three_years(db, plan, employer):
    visit = ask(db, employer, make_employee(db, employer, last_name="Nuit", night_worker=True))
    assert outcomes.legal_ceiling(db, visit) == date(2030, 3, 8)
    refused(
        outcomes.record,
        db,
        plan.nurse,
        visit,
        kind="attestation",
        now=AFTER,
        next_due=date(2031, 3, 8),
    )


def test_R4624_28_after_an_sir_exam_the_intermediate_visit_within_two_years(db, plan, employer):
    visit = ask(db, employer, sir_worker(db, employer), code="sir_periodique")
    assert outcomes.legal_ceiling(db, visit) == date(2029, 3, 8)
    refused(
        outcomes.record,
        db,
        plan.doctor,
        visit,
        kind="aptitude",
        now=AFTER,
        next_due=date(2031, 3, 8),
    )


def test_R4451_82_a_category_a_worker_is_examined_every_year(db, plan, employer):
    worker = make_employee(db, employer, last_name="Atome", radiation_category="A")
    visit = ask(db, employer, worker, code="sir_periodique")
    assert outcomes.legal_ceiling(db, visit) == date(2028, 3, 8)
    assert outcomes.suggested_next_due(db, visit) <= date(2028, 3, 8)
    refused(
        outcomes.record,
        db,
        plan.doctor,
        visit,
        kind="aptitude",
        now=AFTER,
        next_due=date(2029, 3, 8),
    )


def test_R4624_16_an_old_date_beyond_the_ceiling_is_printed_at_the_ceiling(
    db, plan, employer, employee
):
    visit = ask(db, employer, employee)
    outcomes.record(db, plan.doctor, visit, kind="attestation", now=AFTER)
    visit.outcome.next_due = date(2035, 1, 1)  # written before the rule
    text = visit_documents.outcome_document(visit).text
    assert "01/01/2035" not in text and "au plus tard le 08/03/2032" in text


# ------------------------------------------------------------------ the independent's avis


def test_L4624_7_an_independents_avis_speaks_to_them_alone(db, plan):
    member = make_member(db, OTHER_SIRET, kind="independent", legal_name="Jean Couvreur")
    member.birth_date, member.main_risks = date(1975, 4, 2), ["asbestos"]
    visit = ask(db, member, None, code="sir_periodique", by="independent")
    outcomes.record(
        db, plan.doctor, visit, kind="aptitude", now=AFTER, recommendations="Masque à ventilation."
    )
    text = visit_documents.outcome_document(visit).text
    assert "Jean Couvreur" in text and "apte" in text and "Masque à ventilation." in text
    assert "employeur" not in text.lower() and RECOURSE_WORDS not in text
    assert "travailleur indépendant" in text and "tribunal judiciaire" in text


def test_R4624_14_an_independents_attestation_is_theirs_alone(db, plan):
    member = make_member(db, OTHER_SIRET, kind="independent", legal_name="Jean Couvreur")
    member.birth_date = date(1975, 4, 2)
    visit = ask(db, member, None, by="independent")
    outcomes.record(db, plan.nurse, visit, kind="attestation", now=AFTER)
    text = visit_documents.outcome_document(visit).text
    assert "employeur" not in text.lower() and "remis au travailleur indépendant" in text


# ------------------------------------------------------------------ inaptitude (R4624-42)


def test_R4624_42_no_inaptitude_before_the_study_the_fiche_and_the_exchange(db, plan, employer):
    visit = ask(db, employer, sir_worker(db, employer), code="sir_periodique")
    assert inaptitude.missing(db, visit) == list(STEPS)
    message = refused(outcomes.record, db, plan.doctor, visit, kind="inaptitude", now=AFTER)
    assert "R4624-42" in message and "étude du poste" in message.lower()
    date_the_steps(db, plan, visit, steps=STEPS[:2])
    assert inaptitude.missing(db, visit) == ["employer_exchange"]
    refused(outcomes.record, db, plan.doctor, visit, kind="inaptitude", now=AFTER)
    date_the_steps(db, plan, visit, steps=STEPS[2:])
    assert inaptitude.missing(db, visit) == []
    outcomes.record(db, plan.doctor, visit, kind="inaptitude", now=AFTER)
    assert visit.outcome.kind == "inaptitude"


def test_R4624_42_the_second_exam_within_15_days_of_the_first(db, plan, employer):
    visit = ask(db, employer, sir_worker(db, employer), code="sir_periodique")
    first = day_of(visit)
    later = first + timedelta(days=30)
    with pytest.raises(inaptitude.StepError) as error:
        inaptitude.record_step(
            db, plan.doctor, visit, "second_exam", first + timedelta(days=16), today=later
        )
    assert "15 jours" in str(error.value.message)
    with pytest.raises(inaptitude.StepError):
        inaptitude.record_step(db, plan.doctor, visit, "second_exam", first, today=later)
    step = inaptitude.record_step(
        db, plan.doctor, visit, "second_exam", first + timedelta(days=15), today=later
    )
    assert step.done_on == first + timedelta(days=15)
    assert "second_exam" not in inaptitude.missing(db, visit)  # optional


def test_R4624_42_steps_are_the_doctors_dated_and_never_in_the_future(db, plan, employer):
    visit = ask(db, employer, sir_worker(db, employer), code="sir_periodique")
    with pytest.raises(inaptitude.StepError):
        inaptitude.record_step(db, plan.nurse, visit, "workstation_study", DAY, today=DAY)
    with pytest.raises(inaptitude.StepError):
        inaptitude.record_step(
            db, plan.doctor, visit, "workstation_study", DAY + timedelta(days=1), today=DAY
        )
    with pytest.raises(inaptitude.StepError):
        inaptitude.record_step(db, plan.doctor, visit, "diagnosis", DAY, today=DAY)
    inaptitude.record_step(db, plan.doctor, visit, "workstation_study", DAY, today=DAY)
    again = inaptitude.record_step(
        db, plan.doctor, visit, "workstation_study", DAY - timedelta(days=2), today=DAY
    )  # corrected, not doubled
    assert [s.done_on for s in inaptitude.steps_done(db, visit).values()] == [again.done_on]


def test_R4624_42_the_avis_d_inaptitude_prints_the_dates_of_the_procedure(db, plan, employer):
    visit = ask(db, employer, sir_worker(db, employer), code="sir_periodique")
    first = day_of(visit)
    dates = (date(2027, 2, 1), date(2026, 12, 15), date(2027, 3, 1))
    for step, on in zip(STEPS, dates, strict=True):
        inaptitude.record_step(db, plan.doctor, visit, step, on, today=first)
    inaptitude.record_step(
        db, plan.doctor, visit, "second_exam", first + timedelta(days=10), today=DAY + timedelta(30)
    )
    outcomes.record(
        db,
        plan.doctor,
        visit,
        kind="inaptitude",
        now=AFTER + timedelta(days=12),
        recommendations="Reclassement sur un poste sans exposition.",
    )
    text = visit_documents.outcome_document(visit).text
    assert "inapte au poste" in text and "R4624-42" in text
    for day in ("01/02/2027", "15/12/2026", "01/03/2027", "18/03/2027"):
        assert day in text, day
    assert RECOURSE_WORDS in text and EMPLOYER_RECEIVES in text


def test_R4624_42_an_independents_inaptitude_needs_the_workstation_study_only(db, plan):
    member = make_member(db, OTHER_SIRET, kind="independent", legal_name="Jean Couvreur")
    member.birth_date, member.main_risks = date(1975, 4, 2), ["asbestos"]
    visit = ask(db, member, None, code="sir_periodique", by="independent")
    assert inaptitude.missing(db, visit) == ["workstation_study"]
