"""The follow-up category engine (SPEC 4.4): the table row by row, combinations, legal ceilings."""

import csv
import dataclasses
import os
from datetime import date

import pytest

from assistant.services.followup import followup_categories, followup_table
from assistant.services.followup.followup_categories import follow_up, mid_career_due
from assistant.services.followup.followup_table import (
    Category,
    Document,
    FollowUpRulesError,
    HealthFlags,
    Performer,
    Worker,
    load_rules,
)

TODAY = date(2026, 6, 15)
ADULT = date(1990, 3, 10)  # 36 in 2026: no mid-career visit, not a minor
MINOR = date(2010, 1, 1)  # 16

SIR, SIA, SI, VIP_COLLECTIVE, ALL = (
    Category.SIR,
    Category.SIA,
    Category.SI,
    Category.VIP_COLLECTIVE,
    Category.ALL,
)
HP, DOCTOR, DOCTOR_FIRST, TEAM = (
    Performer.HEALTH_PROFESSIONAL,
    Performer.DOCTOR,
    Performer.DOCTOR_FIRST,
    Performer.PLURIDISCIPLINARY_TEAM,
)
ATTESTATION, APTITUDE_OR_ATTESTATION, APTITUDE, PRESENCE, EXPOSURES = (
    Document.ATTESTATION,
    Document.AVIS_APTITUDE_OR_ATTESTATION,
    Document.AVIS_APTITUDE,
    Document.ATTESTATION_PRESENCE,
    Document.ETAT_EXPOSITIONS,
)

# SPEC 4.4 (CIAMT's table) read against the Code du travail (issue 14: SIR exams by the doctor
# every 4 years at most with an intermediate visit, yearly for category A and regulated minors;
# machinery and live electrical work in simple follow-up with an attestation d'absence de
# contre-indication; the post-exposure visit a one-off visit, no category), written out again so
# that the data file is checked against the text:
# key: (category, max periodicity in months or None for an event, before assignment, performer,
# document, visit asked for besides the follow-up)
SPEC_TABLE = {
    "general": (SI, 60, False, HP, ATTESTATION, None),
    "minor": (SIA, None, True, HP, ATTESTATION, None),
    "biological_2": (SIA, 60, True, HP, ATTESTATION, None),
    "emf": (SIA, 60, True, HP, ATTESTATION, None),
    "electrical": (SI, 60, False, HP, ATTESTATION, "aci"),
    "machinery": (SI, 60, False, HP, ATTESTATION, "aci"),
    "night_worker": (SIA, 36, True, HP, ATTESTATION, None),
    "pregnant": (SIA, 36, False, HP, ATTESTATION, None),
    "invalidity_pension": (SIA, 36, False, DOCTOR_FIRST, ATTESTATION, None),
    "disabled": (SIA, 36, False, DOCTOR_FIRST, ATTESTATION, None),
    "regulated_minor": (SIR, 12, True, DOCTOR, APTITUDE, None),
    "radiation_cat_a": (SIR, 12, True, DOCTOR, APTITUDE, None),
    "radiation_cat_b": (SIR, 48, True, DOCTOR, APTITUDE, None),
    "biological_3_4": (SIR, 48, True, DOCTOR, APTITUDE, None),
    "cmr": (SIR, 48, True, DOCTOR, APTITUDE, None),
    "asbestos": (SIR, 48, True, DOCTOR, APTITUDE, None),
    "scaffolding": (SIR, 48, True, DOCTOR, APTITUDE, None),
    "hyperbaric": (SIR, 48, True, DOCTOR, APTITUDE, None),
    "lead": (SIR, 48, True, DOCTOR, APTITUDE, None),
    "heavy_loads": (SIR, 48, True, DOCTOR, APTITUDE, None),
    "sir_employer": (SIR, 48, True, DOCTOR, APTITUDE, None),
    "interim": (SI, 24, False, HP, APTITUDE_OR_ATTESTATION, None),
    "seasonal_short": (SI, 24, False, TEAM, PRESENCE, None),
    "short_contract": (VIP_COLLECTIVE, None, True, TEAM, PRESENCE, None),
    "mid_career": (ALL, None, False, HP, ATTESTATION, "mi_carriere"),
    "end_of_exposure": (ALL, None, False, DOCTOR, EXPOSURES, "post_exposition"),
}
SIR_48 = (SIR, 48, 24, True, DOCTOR, APTITUDE)


def worker(**changes) -> Worker:
    return Worker(**{"birth_date": ADULT, "hire_date": date(2020, 1, 6), **changes})


# One worker per row, in the situation that row describes, and the follow-up it must get:
# (category, max_months after the ceilings, intermediate SIR visit, before assignment, performer,
# document). A row whose own periodicity is an event gets the legal ceiling.
ROW_CASES = {
    "general": (worker(), (SI, 60, None, False, HP, ATTESTATION)),
    "minor": (worker(birth_date=MINOR), (SIA, 60, None, True, HP, ATTESTATION)),
    "biological_2": (
        worker(exposures={"biological_2"}),
        (SIA, 60, None, True, HP, ATTESTATION),
    ),
    "emf": (worker(exposures={"emf"}), (SIA, 60, None, True, HP, ATTESTATION)),
    "electrical": (worker(exposures={"electrical"}), (SI, 60, None, False, HP, ATTESTATION)),
    "machinery": (worker(exposures={"machinery"}), (SI, 60, None, False, HP, ATTESTATION)),
    "night_worker": (worker(night_worker=True), (SIA, 36, None, True, HP, ATTESTATION)),
    "pregnant": (worker(), (SIA, 36, None, False, HP, ATTESTATION)),
    "invalidity_pension": (worker(), (SIA, 36, None, False, DOCTOR_FIRST, ATTESTATION)),
    "disabled": (worker(), (SIA, 36, None, False, DOCTOR_FIRST, ATTESTATION)),
    "regulated_minor": (
        worker(birth_date=MINOR, regulated_work=True),
        (SIR, 12, None, True, DOCTOR, APTITUDE),
    ),
    "radiation_cat_a": (
        worker(exposures={"radiation"}, radiation_cat_a=True),
        (SIR, 12, None, True, DOCTOR, APTITUDE),
    ),
    "radiation_cat_b": (worker(radiation_cat_b=True), SIR_48),
    "biological_3_4": (worker(exposures={"biological_3_4"}), SIR_48),
    "cmr": (worker(exposures={"cmr"}), SIR_48),
    "asbestos": (worker(exposures={"asbestos"}), SIR_48),
    "scaffolding": (worker(exposures={"scaffolding"}), SIR_48),
    "hyperbaric": (worker(exposures={"hyperbaric"}), SIR_48),
    "lead": (worker(exposures={"lead"}), SIR_48),
    "heavy_loads": (worker(heavy_loads=True), SIR_48),
    "sir_employer": (worker(sir_employer=True), SIR_48),
    "interim": (
        worker(contract_type="interim"),
        (SI, 24, None, False, HP, APTITUDE_OR_ATTESTATION),
    ),
    "seasonal_short": (
        worker(contract_type="saisonnier", contract_days=30),
        (SI, 24, None, False, TEAM, PRESENCE),
    ),
    "short_contract": (
        worker(contract_type="short", contract_days=10),
        (VIP_COLLECTIVE, None, None, True, TEAM, PRESENCE),
    ),
    "mid_career": (worker(birth_date=date(1981, 11, 30)), (SI, 60, None, False, HP, ATTESTATION)),
    # a one-off visit, no category: the general case for an otherwise unexposed worker
    "end_of_exposure": (worker(end_of_exposure=True), (SI, 60, None, False, HP, ATTESTATION)),
}
ROW_HEALTH = {
    "pregnant": HealthFlags(pregnant=True),
    "invalidity_pension": HealthFlags(invalidity_pension=True),
    "disabled": HealthFlags(disabled=True),
}


def outcome(result):
    return (
        result.category,
        result.max_months,
        result.intermediate_months,
        result.before_assignment,
        result.performed_by,
        result.delivers,
    )


# ---------------------------------------------------------------- the table, row by row


def test_the_table_has_exactly_the_spec_rows():
    assert [rule.key for rule in load_rules()] == list(SPEC_TABLE)
    assert set(ROW_CASES) == set(SPEC_TABLE)


@pytest.mark.parametrize("key", SPEC_TABLE)
def test_row_holds_the_spec_values(key):
    rule = {rule.key: rule for rule in load_rules()}[key]
    assert (
        rule.category,
        rule.max_months,
        rule.before_assignment,
        rule.performed_by,
        rule.delivers,
        rule.also_due,
    ) == SPEC_TABLE[key]
    assert rule.label_fr and rule.label_en and rule.label("en") == rule.label_en


@pytest.mark.parametrize("key", ROW_CASES)
def test_each_row_gives_its_follow_up(key):
    situation, expected = ROW_CASES[key]
    result = follow_up(situation, TODAY, ROW_HEALTH.get(key))
    assert key in result.rules
    assert outcome(result) == expected


def test_data_file_is_well_formed_csv():
    """A label with an unquoted comma would shift the columns."""
    with followup_table.DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(None not in row and None not in row.values() for row in rows)


# ---------------------------------------------------------------- the strictest rule wins


@pytest.mark.parametrize(
    ("situation", "health", "expected", "rules"),
    [
        pytest.param(
            worker(night_worker=True, exposures={"asbestos"}),
            None,
            (SIR, 36, 24, True, DOCTOR, APTITUDE),
            ("night_worker", "asbestos"),
            id="night worker + asbestos",
        ),
        pytest.param(
            worker(contract_type="interim", exposures={"cmr"}),
            None,
            (SIR, 24, None, True, DOCTOR, APTITUDE),
            ("cmr", "interim"),
            id="interim + CMR",
        ),
        pytest.param(
            worker(),
            HealthFlags(disabled=True),
            (SIA, 36, None, False, DOCTOR_FIRST, ATTESTATION),
            ("disabled",),
            id="disabled instead of the general case",
        ),
        pytest.param(
            worker(contract_type="interim"),
            HealthFlags(disabled=True),
            (SIA, 24, None, False, DOCTOR_FIRST, ATTESTATION),
            ("disabled", "interim"),
            id="interim + disabled: SIA, interim's shorter period",
        ),
        pytest.param(
            worker(exposures={"electrical", "emf"}),
            HealthFlags(pregnant=True),
            (SIA, 36, None, True, HP, ATTESTATION),
            ("emf", "electrical", "pregnant"),
            id="electrical + EMF + pregnant: SIA, before assignment for EMF",
        ),
        pytest.param(
            worker(birth_date=MINOR, exposures={"machinery"}),
            None,
            (SIA, 60, None, True, HP, ATTESTATION),
            ("minor", "machinery"),
            id="minor + driving machinery: SIA before assignment",
        ),
        pytest.param(
            worker(birth_date=MINOR, regulated_work=True, exposures={"lead"}),
            None,
            (SIR, 12, None, True, DOCTOR, APTITUDE),
            ("minor", "regulated_minor", "lead"),
            id="regulated minor + lead: the shortest period",
        ),
        pytest.param(
            worker(radiation_cat_a=True, exposures={"radiation", "cmr"}),
            None,
            (SIR, 12, None, True, DOCTOR, APTITUDE),
            ("radiation_cat_a", "cmr"),
            id="radiation cat. A beats CMR",
        ),
        pytest.param(
            worker(contract_type="short", contract_days=20, exposures={"asbestos"}),
            None,
            SIR_48,
            ("asbestos", "short_contract"),
            id="short contract + asbestos",
        ),
        pytest.param(
            worker(contract_type="short", contract_days=20, night_worker=True),
            None,
            (SIA, 36, None, True, HP, ATTESTATION),
            ("night_worker", "short_contract"),
            id="short contract + night worker",
        ),
        pytest.param(
            worker(contract_type="saisonnier", contract_days=30, exposures={"scaffolding"}),
            None,
            (SIR, 24, None, True, DOCTOR, APTITUDE),
            ("scaffolding", "seasonal_short"),
            id="seasonal + scaffolding: the doctor beats the team, the seasonal 24 months",
        ),
        pytest.param(
            worker(end_of_exposure=True, exposures={"asbestos"}),
            None,
            SIR_48,
            ("asbestos", "end_of_exposure"),
            id="still exposed to asbestos + end of another exposure",
        ),
        pytest.param(
            worker(exposures={"night_work"}),
            None,
            (SIA, 36, None, True, HP, ATTESTATION),
            ("night_worker",),
            id="night work declared as a catalogue risk",
        ),
        pytest.param(
            worker(exposures={"wood_dust"}),
            None,
            SIR_48,
            ("cmr",),
            id="wood dust is a carcinogenic process",
        ),
        pytest.param(
            worker(exposures={"noise", "screen", "road"}),
            None,
            (SI, 60, None, False, HP, ATTESTATION),
            ("general",),
            id="risks without special follow-up: general case",
        ),
    ],
)
def test_combinations(situation, health, expected, rules):
    result = follow_up(situation, TODAY, health)
    assert outcome(result) == expected
    assert result.rules == rules


def test_unknown_risk_codes_are_ignored():
    result = follow_up(worker(exposures={"unicorns", "", "ASBESTOS", "lead"}), TODAY)
    assert result.category is SIR and result.rules == ("lead",)
    assert follow_up(worker(exposures={"unicorns"}), TODAY).rules == ("general",)


# ---------------------------------------------------------------- health data stay apart


def test_health_situations_only_come_from_the_health_argument():
    assert not {"pregnant", "disabled", "invalidity_pension"} & {
        f.name for f in dataclasses.fields(Worker)
    }
    # an employer writing a health word as a "risk" changes nothing
    declared = worker(exposures={"pregnant", "disabled", "health:disabled"})
    assert follow_up(declared, TODAY).rules == ("general",)
    assert follow_up(declared, TODAY, HealthFlags(disabled=True)).rules == ("disabled",)


# ---------------------------------------------------------------- legal ceilings


def write_rules(tmp_path, *rows: str, name="rules.csv"):
    path = tmp_path / name
    path.write_text(
        ",".join(followup_table.COLUMNS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    return path


GENERAL_120 = "general,otherwise,SI,120,no,health_professional,attestation,Cas général,General"


@pytest.mark.parametrize(
    ("rows", "situation", "health", "months", "intermediate"),
    [
        pytest.param([GENERAL_120], worker(), None, 60, None, id="SI 120 → 60"),
        pytest.param(
            [GENERAL_120, "sia,risk:emf,SIA,,no,health_professional,attestation,EMF,EMF"],
            worker(exposures={"emf"}),
            None,
            60,
            None,
            id="SIA without period → 60",
        ),
        pytest.param(
            [GENERAL_120, "sir,risk:asbestos,SIR,72,yes,health_professional,attestation,A,A"],
            worker(exposures={"asbestos"}),
            None,
            48,
            24,
            id="SIR 72 → 48, intermediate at 24",
        ),
        pytest.param(
            [GENERAL_120, "sir,risk:asbestos,SIR,36,yes,health_professional,attestation,A,A"],
            worker(exposures={"asbestos"}),
            None,
            36,
            24,
            id="SIR 36 kept, intermediate at 24",
        ),
        pytest.param(
            [GENERAL_120, "hand,health:disabled,SIA,120,no,doctor_first,attestation,H,H"],
            worker(),
            HealthFlags(disabled=True),
            36,
            None,
            id="disabled 120 → 36",
        ),
        pytest.param(
            [GENERAL_120],
            worker(),
            HealthFlags(invalidity_pension=True),
            36,
            None,
            id="invalidity pension with no row of its own → 36",
        ),
        pytest.param(
            [GENERAL_120],
            worker(night_worker=True),
            None,
            36,
            None,
            id="night worker with no row of its own → 36",
        ),
        pytest.param(
            [GENERAL_120, "sir,risk:asbestos,SIR,72,yes,health_professional,attestation,A,A"],
            worker(exposures={"asbestos"}, night_worker=True),
            None,
            36,
            24,
            id="SIR night worker → 36",
        ),
        pytest.param(
            [GENERAL_120, "vipc,contract:short,VIP_COLLECTIVE,120,yes,doctor,attestation,C,C"],
            worker(contract_type="short"),
            None,
            60,
            None,
            id="collective VIP 120 → 60",
        ),
    ],
)
def test_legal_ceilings_whatever_the_table_says(
    tmp_path, rows, situation, health, months, intermediate
):
    result = follow_up(situation, TODAY, health, rules=load_rules(write_rules(tmp_path, *rows)))
    assert (result.max_months, result.intermediate_months) == (months, intermediate)


def test_default_sir_rows_have_the_intermediate_visit_at_24_months():
    """An examination every 48 months, an intermediate visit 24 months after each (R4624-28)."""
    assert follow_up(worker(exposures={"cmr"}), TODAY).intermediate_months == 24


# ---------------------------------------------------------------- minors and birthdays


@pytest.mark.parametrize(
    ("birth_date", "today", "minor"),
    [
        (date(2008, 6, 15), date(2026, 6, 14), True),  # the day before the 18th birthday
        (date(2008, 6, 15), date(2026, 6, 15), False),  # the 18th birthday
        (date(2008, 6, 15), date(2026, 6, 16), False),  # the day after
        (date(2008, 12, 31), date(2026, 12, 31), False),
        (date(2009, 1, 1), date(2026, 12, 31), True),
        # born on 29 February: the birthday is 1 March in a non-leap year
        (date(2008, 2, 29), date(2026, 2, 28), True),
        (date(2008, 2, 29), date(2026, 3, 1), False),
        (date(2012, 2, 29), date(2030, 2, 28), True),
        (date(2012, 2, 29), date(2030, 3, 1), False),
        # (an 18th birthday never falls on a 29 February: 18 is no multiple of 4)
        # an ordinary 28 February birthday, for comparison
        (date(2010, 2, 28), date(2028, 2, 27), True),
        (date(2010, 2, 28), date(2028, 2, 28), False),
    ],
)
def test_minor_around_the_18th_birthday(birth_date, today, minor):
    assert followup_categories.is_minor(worker(birth_date=birth_date), today) is minor
    result = follow_up(worker(birth_date=birth_date), today)
    assert ("minor" in result.rules) is minor
    assert result.category is (SIA if minor else SI)
    assert result.before_assignment is minor


@pytest.mark.parametrize(
    ("today", "minor"),
    [(date(2026, 2, 27), True), (date(2026, 2, 28), True), (date(2026, 3, 1), False)],
)
def test_regulated_work_ends_with_minority(today, minor):
    result = follow_up(worker(birth_date=date(2008, 2, 29), regulated_work=True), today)
    assert result.category is (SIR if minor else SI)


@pytest.mark.parametrize(
    ("birth_date", "today", "age"),
    [
        (date(2004, 2, 29), date(2028, 2, 28), 23),
        (date(2004, 2, 29), date(2028, 2, 29), 24),  # leap year: the real birthday
        (date(2004, 2, 29), date(2027, 2, 28), 22),
        (date(2004, 2, 29), date(2027, 3, 1), 23),
    ],
)
def test_age_with_a_29_february_birthday(birth_date, today, age):
    assert followup_categories.age_on(birth_date, today) == age


# ---------------------------------------------------------------- mid-career


@pytest.mark.parametrize(
    ("birth_date", "due"),
    [
        (date(1981, 1, 1), True),  # turns 45 in 2026, birthday already passed
        (date(1981, 12, 31), True),  # turns 45 later in 2026
        (date(1982, 1, 1), False),  # turns 44
        (date(1980, 12, 31), False),  # turned 45 in 2025
        (date(1981, 2, 28), True),
    ],
)
def test_mid_career_in_the_year_of_the_45th_birthday(birth_date, due):
    situation = worker(birth_date=birth_date)
    assert mid_career_due(situation, TODAY) is due
    result = follow_up(situation, TODAY)
    assert result.mid_career_due is due
    assert ("mid_career" in result.rules) is due
    # mid-career does not change the category
    assert result.category is SI and "general" in result.rules


def test_mid_career_does_not_change_an_sir_follow_up():
    result = follow_up(worker(birth_date=date(1981, 5, 5), exposures={"lead"}), TODAY)
    assert result.mid_career_due and result.rules == ("lead", "mid_career")
    assert (result.category, result.max_months) == (SIR, 48)


def test_mid_career_years_are_data(tmp_path):
    """A branch agreement (or CIAMT's "43, 44 and 45") is a change of the table, not of code."""
    rules = load_rules(
        write_rules(
            tmp_path,
            GENERAL_120,
            "mid,turns:43;turns:44;turns:45,ALL,,no,health_professional,attestation,Mi,Mid",
        )
    )
    born_1985 = worker(birth_date=date(1985, 9, 1))
    due = [year for year in range(2020, 2035) if mid_career_due(born_1985, date(year, 6, 1), rules)]
    assert due == [2028, 2029, 2030]


# ---------------------------------------------------------------- contracts


@pytest.mark.parametrize(
    ("contract_type", "days", "category", "months", "rule"),
    [
        ("saisonnier", 1, SI, 24, "seasonal_short"),
        ("saisonnier", 44, SI, 24, "seasonal_short"),
        ("saisonnier", 45, SI, 60, "general"),
        ("saisonnier", 120, SI, 60, "general"),
        ("saisonnier", None, SI, 60, "general"),  # unknown length: full individual follow-up
        ("short", 0, VIP_COLLECTIVE, None, "short_contract"),
        ("short", 44, VIP_COLLECTIVE, None, "short_contract"),
        ("short", 45, SI, 60, "general"),
        ("short", None, SI, 60, "general"),
        ("cdd", 30, VIP_COLLECTIVE, None, "short_contract"),
        ("cdd", 45, SI, 60, "general"),
        ("cdd", None, SI, 60, "general"),
        ("cdi", 10, SI, 60, "general"),
        ("apprenti", None, SI, 60, "general"),
        ("interim", 10, SI, 24, "interim"),
    ],
)
def test_contracts(contract_type, days, category, months, rule):
    result = follow_up(worker(contract_type=contract_type, contract_days=days), TODAY)
    assert (result.category, result.max_months, result.rules) == (category, months, (rule,))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"contract_type": "CDI"}, "unknown contract type 'CDI'"),
        ({"contract_type": "stage"}, "unknown contract type 'stage'"),
        ({"contract_days": -1}, "contract_days cannot be negative"),
    ],
)
def test_a_worker_is_checked(changes, message):
    with pytest.raises(ValueError, match=message):
        worker(**changes)


# ---------------------------------------------------------------- the rules file


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "bad,risk:asbestos,SIR,24,yes,health_professional,attestation,A, B,C",
            "line 3 (key 'bad'): too many fields",
        ),
        ("bad,risk:asbestos,SIR,24,yes", "line 3 (key 'bad'): too few fields"),
        (
            "bad,risk:asbestos,SIRR,24,yes,health_professional,attestation,A,A",
            "line 3 (key 'bad'): category 'SIRR' is not one of",
        ),
        (
            "bad,risk:asbestos,SIR,two,yes,health_professional,attestation,A,A",
            "max_months 'two'",
        ),
        ("bad,risk:asbestos,SIR,0,yes,health_professional,attestation,A,A", "max_months '0'"),
        ("bad,risk:asbestos,SIR,24,maybe,health_professional,attestation,A,A", "'maybe'"),
        ("bad,risk:asbestos,SIR,24,yes,nurse,attestation,A,A", "performed_by 'nurse'"),
        ("bad,risk:asbestos,SIR,24,yes,doctor,certificate,A,A", "delivers 'certificate'"),
        ("bad,risk:amiante,SIR,24,yes,doctor,attestation,A,A", "unknown risk code 'amiante'"),
        ("bad,flag:pregnant,SIA,36,no,doctor,attestation,A,A", "unknown condition 'flag:pregnant'"),
        ("bad,risk:lead&,SIR,24,yes,doctor,attestation,A,A", "empty condition"),
        (",risk:lead,SIR,24,yes,doctor,attestation,A,A", "key is empty"),
        ("general,risk:lead,SIR,24,yes,doctor,attestation,A,A", "(key 'general'): duplicate"),
    ],
)
def test_malformed_row_is_named(tmp_path, row, message):
    path = write_rules(tmp_path, GENERAL_120, row)
    with pytest.raises(FollowUpRulesError, match="rules.csv, line") as raised:
        load_rules(path)
    assert message in str(raised.value)


def test_missing_column_and_missing_file(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text("key,matches,category\ngeneral,otherwise,SI\n", encoding="utf-8")
    with pytest.raises(FollowUpRulesError, match="missing column"):
        load_rules(path)
    with pytest.raises(FollowUpRulesError, match="cannot read"):
        load_rules(tmp_path / "nowhere.csv")
    with pytest.raises(FollowUpRulesError, match="no rules"):
        load_rules(write_rules(tmp_path, name="empty.csv"))


def test_a_table_without_general_case_is_refused(tmp_path):
    rules = load_rules(
        write_rules(tmp_path, "lead,risk:lead,SIR,24,yes,doctor,attestation,Plomb,Lead")
    )
    assert follow_up(worker(exposures={"lead"}), TODAY, rules=rules).category is SIR
    with pytest.raises(FollowUpRulesError, match="general case"):
        follow_up(worker(), TODAY, rules=rules)


def test_rules_are_cached_and_reread_after_an_edit(tmp_path):
    path = write_rules(tmp_path, GENERAL_120)
    assert load_rules(path) is load_rules(path)
    assert load_rules() is load_rules(followup_table.DATA)
    path.write_text(path.read_text(encoding="utf-8").replace(",120,", ",12,"), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different modification time, whatever the clock resolution
    assert load_rules(path)[0].max_months == 12


def test_distribution_for_the_chart():
    results = [
        follow_up(worker(), TODAY),
        follow_up(worker(exposures={"asbestos"}), TODAY),
        follow_up(worker(night_worker=True), TODAY),
        follow_up(worker(exposures={"lead"}), TODAY),
    ]
    assert followup_categories.distribution(results) == {SIR: 2, SIA: 1, SI: 1, VIP_COLLECTIVE: 0}


def test_the_also_due_column_is_optional_and_checked(tmp_path):
    path = tmp_path / "rules.csv"
    header = ",".join(followup_table.COLUMNS) + ",also_due\n"
    path.write_text(
        header + GENERAL_120 + ",\nmach,risk:machinery,SI,60,no,doctor,attestation,M,M,aci\n",
        encoding="utf-8",
    )
    assert follow_up(worker(exposures={"machinery"}), TODAY, rules=load_rules(path)).aci_needed
    path.write_text(
        header + GENERAL_120 + ",\nmach,risk:machinery,SI,60,no,doctor,attestation,M,M,audit\n",
        encoding="utf-8",
    )
    with pytest.raises(FollowUpRulesError, match=r"\(key 'mach'\): also_due 'audit'"):
        load_rules(path)
