"""The follow-up rules read against the Code du travail (issue 14): each test is named after the
article it checks and written from its text, not from the code."""

from datetime import date

import pytest

from assistant.services.followup import followup_table
from assistant.services.followup.followup_categories import follow_up, mid_career_due
from assistant.services.followup.followup_table import (
    Category,
    Document,
    HealthFlags,
    Performer,
    Worker,
    load_rules,
)
from assistant.services.visits import visit_type_table
from assistant.services.visits.due import due_visits
from assistant.services.visits.visit_deadlines import add_months, initial_visit

TODAY = date(2026, 11, 23)
ADULT = date(1990, 3, 10)  # 36: no mid-career visit, not a minor
MINOR = date(2010, 1, 1)  # 16
HIRED = date(2026, 10, 5)


def worker(**changes) -> Worker:
    return Worker(**{"birth_date": ADULT, "hire_date": HIRED, **changes})


def summary(follow):
    return (
        follow.category,
        follow.max_months,
        follow.intermediate_months,
        follow.before_assignment,
        follow.performed_by,
        follow.delivers,
    )


def plan(follow, done=(), *, hire=HIRED, birth=ADULT, aci=(), today=TODAY):
    return [
        (due.visit_type, due.window.due_from, due.window.due_by)
        for due in due_visits(
            hire_date=hire,
            birth_date=birth,
            contract_type="cdi",
            follow=follow,
            done=list(done),
            open_types=set(),
            today=today,
            aci_outcomes=list(aci),
        )
    ]


def write_rules(tmp_path, *rows):
    path = tmp_path / "rules.csv"
    general = "general,otherwise,SI,60,no,health_professional,attestation,Cas général,General"
    path.write_text(
        ",".join(followup_table.COLUMNS) + "\n" + "\n".join([general, *rows]) + "\n",
        encoding="utf-8",
    )
    return load_rules(path)


SIR_FOUR_YEARS = (Category.SIR, 48, 24, True, Performer.DOCTOR, Document.AVIS_APTITUDE)


# ---------------------------------------------------------------- minors on regulated work


def test_R4153_40_regulated_minor_has_a_yearly_aptitude_exam_by_the_doctor():
    """R4153-40 5° and R4624-23 II: an avis médical d'aptitude each year, by the médecin du
    travail, before the minor is assigned to regulated work."""
    result = follow_up(
        worker(birth_date=MINOR, regulated_work=True, contract_type="apprenti"), TODAY
    )
    assert summary(result) == (
        Category.SIR,
        12,
        None,
        True,
        Performer.DOCTOR,
        Document.AVIS_APTITUDE,
    )


def test_R4153_40_the_yearly_exam_is_a_legal_ceiling(tmp_path):
    rules = write_rules(
        tmp_path,
        "rm,minor&flag:regulated_work,SIR,48,yes,doctor,avis_aptitude,Mineur,Minor",
    )
    result = follow_up(worker(birth_date=MINOR, regulated_work=True), TODAY, rules=rules)
    assert (result.max_months, result.intermediate_months) == (12, None)


# ---------------------------------------------------------------- ionising radiation


def test_R4451_82_category_a_is_seen_every_year_without_intermediate_visit():
    result = follow_up(worker(exposures={"radiation"}, radiation_cat_a=True), TODAY)
    assert summary(result) == (
        Category.SIR,
        12,
        None,
        True,
        Performer.DOCTOR,
        Document.AVIS_APTITUDE,
    )


def test_R4451_82_category_a_yearly_whatever_the_table_says(tmp_path):
    rules = write_rules(
        tmp_path, "a,flag:radiation_cat_a,SIR,48,yes,doctor,avis_aptitude,Cat. A,Cat. A"
    )
    result = follow_up(worker(radiation_cat_a=True), TODAY, rules=rules)
    assert (result.max_months, result.intermediate_months) == (12, None)


def test_R4451_82_category_b_has_the_standard_sir_cycle():
    result = follow_up(worker(exposures={"radiation"}, radiation_cat_b=True), TODAY)
    assert summary(result) == SIR_FOUR_YEARS


def test_R4451_57_an_unclassified_radiation_exposure_is_no_sir():
    """R4624-23 I 5° and R4451-82: the SIR covers classified workers (category A or B)."""
    result = follow_up(worker(exposures={"radiation"}), TODAY)
    assert result.category is Category.SI
    assert result.rules == ("general",)


def test_R4451_57_the_radiation_risk_implies_sir_only_for_classified_workers():
    implied = followup_table.implications("radiation")
    assert {rule.key for rule in implied} == {"radiation_cat_a", "radiation_cat_b"}
    for rule in implied:
        assert followup_table.conditions(rule, "radiation") == frozenset({f"flag:{rule.key}"})
    # an unconditional risk has no extra condition
    [asbestos] = followup_table.implications("asbestos")
    assert followup_table.conditions(asbestos, "asbestos") == frozenset()


# ---------------------------------------------------------------- the employer's SIR list


def test_R4624_23_III_the_employers_sir_list():
    assert summary(follow_up(worker(sir_employer=True), TODAY)) == SIR_FOUR_YEARS


# ---------------------------------------------------------------- loads over 55 kg


def test_R4541_9_manual_handling_of_loads_over_55_kg_is_sir():
    result = follow_up(worker(heavy_loads=True), TODAY)
    assert summary(result) == SIR_FOUR_YEARS
    assert result.rules == ("heavy_loads",)


# ---------------------------------------------------------------- the SIR cycle


@pytest.mark.parametrize(
    "exposure",
    ["biological_3_4", "cmr", "wood_dust", "asbestos", "scaffolding", "hyperbaric", "lead"],
)
def test_R4624_28_sir_exam_at_most_every_4_years_with_an_intermediate_visit_at_2(exposure):
    assert summary(follow_up(worker(exposures={exposure}), TODAY)) == SIR_FOUR_YEARS


def test_R4624_24_R4624_25_every_sir_row_is_an_aptitude_exam_by_the_doctor():
    for rule in load_rules():
        if rule.category is Category.SIR:
            assert rule.performed_by is Performer.DOCTOR, rule.key
            assert rule.delivers is Document.AVIS_APTITUDE, rule.key


def test_R4624_28_the_intermediate_visit_is_by_a_health_professional():
    follow = follow_up(worker(exposures={"cmr"}), TODAY)
    assert visit_type_table.performers_for("sir_intermediaire", follow) == {"doctor", "nurse"}
    assert visit_type_table.performers_for("sir_periodique", follow) == {"doctor"}


# ---------------------------------------------------------------- before assignment


@pytest.mark.parametrize("exposure", ["biological_2", "emf"])
def test_R4624_18_biological_group_2_and_emf_visit_before_assignment(exposure):
    """R4624-18 3° and 4° (R4426-7, R4453-25): the VIP takes place before assignment."""
    follow = follow_up(worker(exposures={exposure}), TODAY)
    assert follow.before_assignment
    code, window = initial_visit(HIRED, follow, "cdi")
    assert (code, window.due_by, window.before_assignment) == ("vip_initiale", HIRED, True)


# ---------------------------------------------------------------- décret 2025-355


@pytest.mark.parametrize("exposure", ["machinery", "electrical"])
def test_R4323_56_R4544_10_simple_follow_up_and_an_aci_examination(exposure):
    """Since 1 October 2025 (décret 2025-355): driving machinery under an autorisation de conduite
    and live electrical work are no SIR; the worker is in the simple follow-up and needs an
    attestation d'absence de contre-indication médicale from the médecin du travail."""
    result = follow_up(worker(exposures={exposure}), TODAY)
    assert summary(result) == (
        Category.SI,
        60,
        None,
        False,
        Performer.HEALTH_PROFESSIONAL,
        Document.ATTESTATION,
    )
    assert result.aci_needed
    assert not follow_up(worker(), TODAY).aci_needed


def test_R4323_56_the_aci_examination_is_due_before_assignment():
    follow = follow_up(worker(exposures={"machinery"}), TODAY)
    assert plan(follow) == [
        ("aci", None, HIRED),
        ("vip_initiale", None, add_months(HIRED, 3)),
    ]


def test_R4323_56_a_valid_attestation_is_renewed_at_its_expiry():
    follow = follow_up(worker(exposures={"machinery"}), TODAY)
    done = [(date(2026, 10, 1), "vip_initiale")]
    # the valid_until written on the attestation
    aci = [(date(2026, 10, 2), "no_contraindication", date(2031, 9, 30))]
    assert ("aci", None, date(2031, 9, 30)) in plan(follow, done, aci=aci)
    # none written: 5 years after the examination
    aci = [(date(2026, 10, 2), "no_contraindication", None)]
    assert ("aci", None, date(2031, 10, 2)) in plan(follow, done, aci=aci)
    # an expired attestation: due again, overdue
    aci = [(date(2020, 3, 2), "no_contraindication", None)]
    assert ("aci", None, date(2025, 3, 2)) in plan(follow, done, aci=aci)


def test_R4544_10_a_contraindication_is_not_told_to_the_employer_by_the_dates():
    """The attestation is the worker's to hand over: after a contraindication, the next
    examination runs on the same 5-year clock as after an attestation (a new one may be asked for
    sooner, on request)."""
    follow = follow_up(worker(exposures={"electrical"}), TODAY)
    done = [(date(2026, 10, 1), "vip_initiale")]
    refused = [(date(2026, 10, 2), "contraindication", None)]
    issued = [(date(2026, 10, 2), "no_contraindication", None)]
    assert plan(follow, done, aci=refused) == plan(follow, done, aci=issued)
    assert ("aci", None, date(2031, 10, 2)) in plan(follow, done, aci=refused)
    # a later attestation of no contraindication starts the cycle again
    refused.append((date(2027, 3, 1), "no_contraindication", date(2031, 12, 31)))
    assert ("aci", None, date(2031, 12, 31)) in plan(follow, done, aci=refused)


# ---------------------------------------------------------------- end of exposure


def test_L4624_2_1_the_end_of_exposure_is_no_sir_category():
    ended = worker(end_of_exposure=True, exposure_ended_on=date(2026, 9, 30))
    result = follow_up(ended, TODAY)
    assert result.category is Category.SI and result.max_months == 60
    assert result.rules == ("general", "end_of_exposure")
    assert result.exposure_ended_on == date(2026, 9, 30)
    # still exposed to another SIR risk: that risk's follow-up
    other = follow_up(worker(end_of_exposure=True, exposures={"asbestos"}), TODAY)
    assert summary(other) == SIR_FOUR_YEARS


def test_L4624_2_1_the_end_of_exposure_does_not_trigger_the_mid_career_visit():
    ended = worker(end_of_exposure=True, exposure_ended_on=date(2026, 9, 30))
    assert not follow_up(ended, TODAY).mid_career_due
    assert not mid_career_due(ended, TODAY)


def test_R4624_28_1_one_post_exposure_visit_from_the_end_of_exposure():
    hired = date(2015, 2, 2)
    ended = worker(hire_date=hired, end_of_exposure=True, exposure_ended_on=date(2026, 9, 30))
    follow = follow_up(ended, TODAY)
    done = [(date(2024, 5, 6), "vip_periodique")]
    # no aptitude examination at hiring: one post-exposure visit, as soon as possible
    assert plan(follow, done, hire=hired) == [
        ("post_exposition", date(2026, 9, 30), date(2026, 10, 30)),
        ("vip_periodique", None, date(2029, 5, 6)),
    ]
    # once
    done.append((date(2026, 10, 15), "post_exposition"))
    assert plan(follow, done, hire=hired) == [("vip_periodique", None, date(2029, 5, 6))]


# ---------------------------------------------------------------- referral


def test_R4624_20_an_invalidity_pension_is_seen_by_the_doctor_first():
    result = follow_up(worker(), TODAY, HealthFlags(invalidity_pension=True))
    assert result.performed_by is Performer.DOCTOR_FIRST


def test_R4323_56_the_aci_is_due_from_the_decrees_coming_into_force_for_earlier_hires():
    """Décret 2025-355 applies from 1 October 2025: a driver hired before is not late before."""
    follow = follow_up(worker(hire_date=date(2020, 1, 6), exposures={"machinery"}), TODAY)
    found = plan(follow, [(date(2024, 1, 8), "vip_periodique")], hire=date(2020, 1, 6))
    assert ("aci", None, date(2025, 10, 1)) in found
