"""Visit types, who performs them and the regulatory deadlines (SPEC 4.6), with the follow-up
objects of the real category engine."""

import csv
import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.services.followup.followup_categories import follow_up
from assistant.services.followup.followup_table import HealthFlags, Worker
from assistant.services.visits import visit_deadlines, visit_type_table
from assistant.services.visits.due import Due, due_visits, urgency
from assistant.services.visits.visit_csv import VisitRulesError
from assistant.services.visits.visit_deadlines import (
    Window,
    add_months,
    initial_visit,
    liaison,
    mid_career,
    periodic,
    pre_reprise,
    reprise,
)
from assistant.services.visits.visit_type_table import (
    allows,
    get,
    may_perform,
    performers_for,
    visit_types,
)
from assistant.services.visits.wall_clock import reminder_at, slot_times

PARIS = ZoneInfo("Europe/Paris")
TODAY = date(2027, 6, 15)
ADULT = date(1990, 3, 10)  # 37 in 2027: no mid-career visit
MINOR = date(2011, 1, 1)  # 16 in 2027

CODES = [
    "vip_initiale",
    "vip_periodique",
    "sir_embauche",
    "sir_periodique",
    "sir_intermediaire",
    "reprise",
    "pre_reprise",
    "liaison",
    "mi_carriere",
    "demande",
    "post_exposition",
    "vip_collective",
    "aci",
    "orientation",
]
DOCTOR_ONLY = {
    "sir_embauche",
    "sir_periodique",
    "reprise",
    "pre_reprise",
    "post_exposition",
    "aci",
    "orientation",
}
NO_TELE = {"sir_embauche", "sir_periodique", "reprise", "post_exposition", "aci"}
# L4624-2-2: the mid-career visit is held by the médecin du travail or an infirmier en pratique
# avancée (`ipa`: a nurse whose account says advanced practice), not by any nurse
ADVANCED_PRACTICE_ONLY = {"mi_carriere"}


def follow(birth_date=ADULT, hire_date=date(2027, 1, 31), today=TODAY, health=None, **changes):
    """The real engine's follow-up for a worker in the situation `changes` describe."""
    worker = Worker(birth_date=birth_date, hire_date=hire_date, **changes)
    return follow_up(worker, today, health)


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def paris(*parts, fold=0) -> datetime:
    return datetime(*parts, tzinfo=PARIS, fold=fold).astimezone(UTC)


# ---------------------------------------------------------------- the visit types table


def test_the_table_has_exactly_the_visit_types_of_the_spec_in_order():
    assert list(visit_types()) == CODES


def test_the_table_is_parsed_once():
    assert visit_types() is visit_types()
    assert get("reprise") is visit_types()["reprise"]


@pytest.mark.parametrize("code", CODES)
def test_every_row_is_consistent(code):
    visit_type = get(code)
    assert visit_type.code == code
    assert visit_type.performers <= {"doctor", "nurse", "ipa"}
    assert "doctor" in visit_type.performers  # the médecin du travail may do every visit
    assert visit_type.modalities and visit_type.modalities <= {"on_site", "mobile", "tele"}
    assert {"on_site", "mobile"} <= visit_type.modalities
    assert visit_type.requesters and visit_type.requesters <= {
        "employer",
        "employee",
        "independent",
        "staff",
    }
    assert "staff" in visit_type.requesters
    # the demo generates 30-minute slots: every visit fits in one
    assert 20 <= visit_type.minutes <= 30
    for french, english in (
        (visit_type.label_fr, visit_type.label_en),
        (visit_type.objectives_fr, visit_type.objectives_en),
        (visit_type.conduct_fr, visit_type.conduct_en),
    ):
        assert french and english and french != english
        assert "’" not in french  # straight apostrophes, as in the other data files
    assert visit_type.label("fr") == visit_type.label_fr == visit_type.label("fr_FR")
    assert visit_type.label("en") == visit_type.label_en == visit_type.label("en_GB")
    assert visit_type.objectives("en") == visit_type.objectives_en
    assert visit_type.objectives("fr") == visit_type.objectives_fr
    assert visit_type.conduct("en") == visit_type.conduct_en
    assert visit_type.conduct("fr") == visit_type.conduct_fr


def test_french_labels_are_the_spec_ones():
    assert get("vip_initiale").label("fr") == "Visite d'information et de prévention initiale"
    assert get("vip_periodique").label("fr") == "Visite d'information et de prévention périodique"
    assert get("reprise").label("fr") == "Visite de reprise"
    assert get("pre_reprise").label("fr") == "Visite de pré-reprise"
    assert get("liaison").label("fr") == "Rendez-vous de liaison"
    assert get("mi_carriere").label("fr") == "Visite de mi-carrière"
    assert get("demande").label("fr") == "Visite à la demande"
    assert get("reprise").label("en") == "Return-to-work visit"


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("role", ["doctor", "nurse", "secretary", "admin", "iprp", "pdp", "?"])
def test_who_may_perform_each_visit(code, role):
    excluded = DOCTOR_ONLY | ADVANCED_PRACTICE_ONLY | {"demande"}
    expected = role == "doctor" or (role == "nurse" and code not in excluded)
    assert may_perform(role, code) is expected


def test_L4624_2_2_mid_career_visit_by_the_doctor_or_an_advanced_practice_nurse():
    assert get("mi_carriere").performers == {"doctor", "ipa"}
    assert may_perform("doctor", "mi_carriere")
    assert not may_perform("nurse", "mi_carriere")
    assert may_perform("nurse", "mi_carriere", advanced_practice=True)
    # advanced practice is a nurse's: it makes no other role a performer
    assert not may_perform("secretary", "mi_carriere", advanced_practice=True)
    # and it changes nothing where the doctor alone performs
    assert not may_perform("nurse", "reprise", advanced_practice=True)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("modality", ["on_site", "mobile", "tele", "phone"])
def test_which_modalities_each_visit_allows(code, modality):
    expected = modality in {"on_site", "mobile"} or (modality == "tele" and code not in NO_TELE)
    assert allows(code, modality) is expected


@pytest.mark.parametrize(
    ("code", "requesters"),
    [
        ("vip_initiale", {"employer", "independent", "staff"}),
        ("vip_periodique", {"employer", "independent", "staff"}),
        ("sir_embauche", {"employer", "independent", "staff"}),
        ("sir_periodique", {"employer", "independent", "staff"}),
        ("sir_intermediaire", {"employer", "independent", "staff"}),
        ("reprise", {"employer", "employee", "independent", "staff"}),  # CIAMT annex
        ("pre_reprise", {"employee", "independent", "staff"}),
        ("liaison", {"employer", "employee", "staff"}),
        ("mi_carriere", {"employer", "employee", "independent", "staff"}),
        ("demande", {"employer", "employee", "independent", "staff"}),
        ("post_exposition", {"employer", "employee", "independent", "staff"}),
        ("vip_collective", {"employer", "staff"}),
    ],
)
def test_who_may_ask_for_each_visit(code, requesters):
    assert get(code).requesters == requesters


def test_only_the_pre_reprise_is_always_hidden_from_the_employer():
    assert {code for code, t in visit_types().items() if t.confidential} == {"pre_reprise"}
    assert "employer" not in get("pre_reprise").requesters


@pytest.mark.parametrize(
    "call", [get, lambda c: may_perform("doctor", c), lambda c: allows(c, "tele")]
)
def test_an_unknown_visit_type_is_refused(call):
    with pytest.raises(ValueError, match="unknown visit type 'checkup'"):
        call("checkup")


# ---------------------------------------------------------------- bad data files


def _default_rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def _write(tmp_path, name, fields, rows):
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _types_file(tmp_path, change):
    fields, rows = _default_rows(visit_type_table.TYPES_FILE)
    rows = change(fields, rows)
    return _write(tmp_path, "visit_types.csv", fields, rows)


def _edit(code, **values):
    def change(fields, rows):
        for row in rows:
            if row["code"] == code:
                row.update(values)
        return rows

    return change


def test_the_default_files_load_again_from_their_path():
    assert visit_type_table.load_visit_types(visit_type_table.TYPES_FILE) == visit_types()
    loaded = visit_deadlines.load_deadline_rules(visit_deadlines.DEADLINES_FILE)
    assert loaded == visit_deadlines.deadline_rules()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            _edit("reprise", performers="doctor;secretary"),
            r"line 7 \(code 'reprise'\).*'secretary'",
        ),
        (_edit("vip_initiale", performers="nurse"), "line 2.*add doctor"),
        (_edit("liaison", modalities="on_site;phone"), "line 9.*'phone'"),
        (_edit("demande", minutes="half an hour"), "line 11.*minutes 'half an hour'"),
        (_edit("demande", minutes="0"), "line 11.*minutes '0'"),
        (_edit("demande", requesters="employer;boss"), "line 11.*'boss'"),
        (_edit("demande", confidential="maybe"), "line 11.*confidential 'maybe'"),
        (_edit("demande", label_fr=""), "line 11.*label_fr is empty"),
        (lambda f, rows: rows + [dict(rows[0])], r"line 16 \(code 'vip_initiale'\): duplicate"),
        (
            lambda f, rows: [r for r in rows if r["code"] != "liaison"],
            "missing visit type.*liaison",
        ),
    ],
)
def test_a_bad_visit_types_file_is_refused_with_its_line(tmp_path, change, message):
    path = _types_file(tmp_path, change)
    with pytest.raises(VisitRulesError, match=message):
        visit_type_table.load_visit_types(path)


def test_a_visit_types_file_without_a_column_or_with_an_unquoted_comma_is_refused(tmp_path):
    fields, rows = _default_rows(visit_type_table.TYPES_FILE)
    path = tmp_path / "no_column.csv"
    path.write_text("code,label_fr\nreprise,Visite de reprise\n", encoding="utf-8")
    with pytest.raises(VisitRulesError, match="missing column.*label_en"):
        visit_type_table.load_visit_types(path)
    text = visit_type_table.TYPES_FILE.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([text[0], text[1] + ",extra", *text[2:]]), encoding="utf-8")
    with pytest.raises(VisitRulesError, match="line 2.*too many fields"):
        visit_type_table.load_visit_types(path)
    path.write_text("\n".join([text[0], "reprise,Visite de reprise", *text[2:]]), "utf-8")
    with pytest.raises(VisitRulesError, match="line 2.*too few fields"):
        visit_type_table.load_visit_types(path)
    with pytest.raises(VisitRulesError, match="cannot read"):
        visit_type_table.load_visit_types(tmp_path / "absent.csv")


def _deadlines_file(tmp_path, key, **values):
    fields, rows = _default_rows(visit_deadlines.DEADLINES_FILE)
    for row in rows:
        if row["rule"] == key:
            row.update(values)
    return _write(tmp_path, "visit_deadlines.csv", fields, [r for r in rows if r["rule"]])


@pytest.mark.parametrize(
    ("key", "values", "message"),
    [
        ("liaison", {"visit_type": "meeting"}, "unknown visit type 'meeting'"),
        ("reprise_maladie", {"days": ""}, "rule reprise_maladie needs days"),
        ("reprise_maladie", {"days": "huit"}, "days 'huit'"),
        ("vip_initiale", {"months": "0"}, "months '0'"),
        ("vip_initiale", {"months": ""}, "rule vip_initiale needs months"),
        ("vip_initiale", {"before_assignment": "perhaps"}, "before_assignment 'perhaps'"),
        ("mi_carriere", {"text_fr": "Dans l'année des %(years)s ans"}, "text_fr has a bad"),
        ("mi_carriere", {"text_en": "In the year of %(age)"}, "text_en has a bad"),
        ("demande", {"text_en": ""}, "text_en is empty"),
        ("demande", {"rule": ""}, "missing rule.*demande"),
        ("liaison", {"rule": "pre_reprise"}, "duplicate rule"),
    ],
)
def test_a_bad_deadlines_file_is_refused(tmp_path, key, values, message):
    path = _deadlines_file(tmp_path, key, **values)
    with pytest.raises(VisitRulesError, match=message):
        visit_deadlines.load_deadline_rules(path)


# ---------------------------------------------------------------- the deadline rules as data


@pytest.mark.parametrize("key", visit_deadlines.REQUIRED_RULES)
def test_every_rule_the_code_uses_is_in_the_file_with_two_texts(key):
    rule = visit_deadlines.rule(key)
    assert rule.visit_type in visit_types()
    assert rule.text_fr != rule.text_en
    assert "’" not in rule.text_fr


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="unknown deadline rule"):
        visit_deadlines.rule("nope")
    with pytest.raises(ValueError, match="unknown deadline rule"):
        Window(None, None, False, "nope").explanation("fr")


@pytest.mark.parametrize("key", ["pre_reprise", "liaison"])
def test_the_stoppage_threshold_and_its_text_agree(key):
    rule = visit_deadlines.rule(key)
    assert rule.min_days == 31
    assert f"plus de {rule.min_days - 1} jours" in rule.text_fr
    assert f"more than {rule.min_days - 1} days" in rule.text_en


# ---------------------------------------------------------------- months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2100, 1, 31), 1, date(2100, 2, 28)),  # not a leap year (century)
        (date(2000, 1, 31), 1, date(2000, 2, 29)),  # leap year (400)
        (date(2027, 1, 31), 3, date(2027, 4, 30)),
        (date(2027, 1, 31), 2, date(2027, 3, 31)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2027, 11, 30), 1, date(2027, 12, 30)),
        (date(2027, 12, 31), 2, date(2028, 2, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2028, 2, 29), 60, date(2033, 2, 28)),
        (date(2027, 8, 31), 24, date(2029, 8, 31)),
        (date(2027, 3, 31), -1, date(2027, 2, 28)),
        (date(2027, 1, 15), -1, date(2026, 12, 15)),
        (date(2027, 6, 15), 0, date(2027, 6, 15)),
    ],
)
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


@given(st.dates(date(1950, 1, 1), date(2150, 12, 31)), st.integers(-240, 240))
def test_add_months_moves_by_whole_months_and_never_past_the_day(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day <= day.day
    if moved.day < day.day:  # clamped: the last day of its month
        assert (moved + timedelta(days=1)).day == 1


# ---------------------------------------------------------------- the initial visit


@pytest.mark.parametrize(
    ("situation", "contract", "hire", "code", "due_by", "before", "rule"),
    [
        ({}, "cdi", date(2027, 1, 31), "vip_initiale", date(2027, 4, 30), False, "vip_initiale"),
        ({}, "cdi", date(2028, 2, 29), "vip_initiale", date(2028, 5, 29), False, "vip_initiale"),
        ({}, "cdi", date(2027, 11, 30), "vip_initiale", date(2028, 2, 29), False, "vip_initiale"),
        ({}, "cdd", date(2026, 11, 30), "vip_initiale", date(2027, 2, 28), False, "vip_initiale"),
        (
            {},
            "interim",
            date(2027, 1, 31),
            "vip_initiale",
            date(2027, 4, 30),
            False,
            "vip_initiale",
        ),
        (
            {"contract_days": 30},
            "saisonnier",
            date(2027, 7, 1),
            "vip_initiale",
            date(2027, 10, 1),
            False,
            "vip_initiale",
        ),
        (
            {},
            "apprenti",
            date(2027, 12, 31),
            "vip_initiale",
            date(2028, 2, 29),
            False,
            "vip_initiale_apprenti",
        ),
        (
            {},
            "apprenti",
            date(2026, 12, 31),
            "vip_initiale",
            date(2027, 2, 28),
            False,
            "vip_initiale_apprenti",
        ),
        (
            {"night_worker": True},
            "cdi",
            date(2027, 1, 31),
            "vip_initiale",
            date(2027, 1, 31),
            True,
            "vip_initiale_avant_affectation",
        ),
        (
            {"birth_date": MINOR},
            "cdi",
            date(2027, 5, 3),
            "vip_initiale",
            date(2027, 5, 3),
            True,
            "vip_initiale_avant_affectation",
        ),
        (  # a minor apprentice: before assignment, not two months
            {"birth_date": MINOR},
            "apprenti",
            date(2027, 5, 3),
            "vip_initiale",
            date(2027, 5, 3),
            True,
            "vip_initiale_avant_affectation",
        ),
        (
            {"exposures": {"cmr"}},
            "cdi",
            date(2027, 1, 31),
            "sir_embauche",
            date(2027, 1, 31),
            True,
            "sir_embauche",
        ),
        (
            {"radiation_cat_a": True},
            "interim",
            date(2027, 2, 1),
            "sir_embauche",
            date(2027, 2, 1),
            True,
            "sir_embauche",
        ),
        (
            {"contract_days": 10},
            "short",
            date(2027, 6, 1),
            "vip_collective",
            date(2027, 6, 1),
            True,
            "vip_collective",
        ),
    ],
)
def test_the_initial_visit(situation, contract, hire, code, due_by, before, rule):
    situation = {"birth_date": ADULT, **situation}
    follow_up_ = follow(hire_date=hire, contract_type=contract, **situation)
    found, window = initial_visit(hire, follow_up_, contract)
    assert found == code
    assert (window.due_from, window.due_by, window.before_assignment) == (None, due_by, before)
    assert window.rule == rule
    months = {"vip_initiale": 3, "vip_initiale_apprenti": 2}.get(rule)
    assert dict(window.params) == ({"months": months} if months else {})
    if months:
        assert f"dans les {months} mois" in window.explanation("fr")
        assert f"within {months} months" in window.explanation("en")
    else:
        assert "avant l'affectation" in window.explanation("fr")
        assert "before taking up the job" in window.explanation("en")


@pytest.mark.parametrize(
    ("contract", "french", "english"),
    [
        (
            "cdi",
            "Visite d'information et de prévention initiale : dans les 3 mois suivant la prise "
            "effective du poste",
            "Initial information and prevention visit: within 3 months of actually taking up "
            "the job",
        ),
        (
            "apprenti",
            "Visite d'information et de prévention initiale d'un apprenti : dans les 2 mois "
            "suivant l'embauche",
            "Initial information and prevention visit of an apprentice: within 2 months of hiring",
        ),
    ],
)
def test_the_initial_visit_explains_its_deadline(contract, french, english):
    _, window = initial_visit(date(2027, 1, 4), follow(contract_type=contract), contract)
    assert window.explanation("fr") == french
    assert window.explanation("en") == english


def test_before_assignment_is_explained():
    _, window = initial_visit(date(2027, 1, 4), follow(night_worker=True), "cdi")
    assert window.explanation("fr") == (
        "Visite d'information et de prévention initiale : avant l'affectation au poste "
        "(travailleurs de nuit, moins de 18 ans)"
    )


# ---------------------------------------------------------------- periodic visits


SI = follow()  # general case: 60 months
NIGHT = follow(night_worker=True)  # SIA, 36 months
INTERIM = follow(contract_type="interim")  # SI, 24 months
# SIR, 24 months (the interim row's period): no intermediate visit
CMR = follow(contract_type="interim", exposures={"cmr"})
RADIATION_A = follow(radiation_cat_a=True)  # SIR, 12 months
SIR_48 = follow(exposures={"cmr"})  # SIR at the ceiling: 48 months, intermediate at 24
SHORT = follow(contract_type="short", contract_days=10)  # collective VIP


def test_the_follow_ups_used_below_are_what_the_engine_says():
    assert (SI.category, SI.max_months) == ("SI", 60)
    assert (NIGHT.category, NIGHT.max_months) == ("SIA", 36)
    assert (INTERIM.category, INTERIM.max_months) == ("SI", 24)
    assert (CMR.category, CMR.max_months, CMR.intermediate_months) == ("SIR", 24, None)
    assert (RADIATION_A.category, RADIATION_A.max_months) == ("SIR", 12)
    assert (SIR_48.category, SIR_48.max_months, SIR_48.intermediate_months) == ("SIR", 48, 24)
    assert (SHORT.category, SHORT.max_months) == ("VIP_COLLECTIVE", None)


@pytest.mark.parametrize(
    ("follow_up_", "last", "last_type", "code", "due_by", "months"),
    [
        (SI, date(2027, 1, 31), "vip_initiale", "vip_periodique", date(2032, 1, 31), 60),
        (SI, date(2028, 2, 29), "vip_periodique", "vip_periodique", date(2033, 2, 28), 60),
        (SI, date(2027, 3, 1), "sir_periodique", "vip_periodique", date(2032, 3, 1), 60),
        (NIGHT, date(2027, 11, 30), "vip_initiale", "vip_periodique", date(2030, 11, 30), 36),
        (NIGHT, date(2028, 2, 29), "vip_periodique", "vip_periodique", date(2031, 2, 28), 36),
        (INTERIM, date(2027, 8, 31), "vip_initiale", "vip_periodique", date(2029, 8, 31), 24),
        (CMR, date(2027, 1, 31), "sir_embauche", "sir_periodique", date(2029, 1, 31), 24),
        (CMR, date(2028, 2, 29), "sir_periodique", "sir_periodique", date(2030, 2, 28), 24),
        (RADIATION_A, date(2028, 2, 29), "sir_embauche", "sir_periodique", date(2029, 2, 28), 12),
        (SIR_48, date(2027, 1, 31), "sir_embauche", "sir_intermediaire", date(2029, 1, 31), 24),
        (SIR_48, date(2028, 2, 29), "sir_periodique", "sir_intermediaire", date(2030, 2, 28), 24),
        (SIR_48, date(2029, 1, 10), "sir_intermediaire", "sir_periodique", date(2031, 1, 10), 48),
        # no intermediate visit in this category: the next one is the examination
        (CMR, date(2029, 1, 10), "sir_intermediaire", "sir_periodique", date(2031, 1, 10), 24),
    ],
)
def test_the_periodic_visit(follow_up_, last, last_type, code, due_by, months):
    found, window = periodic(last, last_type, follow_up_)
    assert found == code
    assert (window.due_from, window.due_by, window.before_assignment) == (None, due_by, False)
    assert window.rule == code
    assert f"{months} mois" in window.explanation("fr")
    assert f"{months} months" in window.explanation("en")


def test_after_the_intermediate_visit_the_examination_is_due_from_the_last_examination():
    found, window = periodic(
        date(2028, 11, 2), "sir_intermediaire", SIR_48, last_exam=date(2027, 1, 31)
    )
    assert (found, window.due_by) == ("sir_periodique", date(2031, 1, 31))
    # a late intermediate visit does not push the examination back
    _, late = periodic(date(2029, 6, 1), "sir_intermediaire", SIR_48, last_exam=date(2027, 1, 31))
    assert late.due_by == date(2031, 1, 31)


def test_a_worker_moved_to_an_sir_post_needs_the_aptitude_examination_before_assignment():
    found, window = periodic(date(2026, 5, 1), "vip_periodique", CMR)
    assert found == "sir_embauche"
    assert window == Window(None, None, True, "sir_embauche")


@pytest.mark.parametrize("last_type", ["vip_collective", "vip_initiale", "reprise"])
def test_a_collective_follow_up_has_no_periodic_visit(last_type):
    assert periodic(date(2027, 6, 1), last_type, SHORT) is None


@pytest.mark.parametrize(
    "last_type", ["reprise", "pre_reprise", "liaison", "mi_carriere", "demande", "vip_collective"]
)
def test_visits_outside_the_follow_up_do_not_start_the_periodic_clock(last_type):
    with pytest.raises(ValueError, match="does not set the periodic follow-up"):
        periodic(date(2027, 6, 1), last_type, SI)


def test_an_unknown_last_type_is_refused():
    with pytest.raises(ValueError, match="unknown visit type"):
        periodic(date(2027, 6, 1), "checkup", SI)


# ---------------------------------------------------------------- reprise


@pytest.mark.parametrize(
    ("cause", "days", "required"),
    [
        ("maternity", 0, True),
        ("maternity", 1, True),
        ("maternity", 112, True),
        ("occupational_disease", 0, True),
        ("occupational_disease", 3, True),
        ("work_accident", 0, False),
        ("work_accident", 29, False),
        ("work_accident", 30, True),
        ("work_accident", 31, True),
        ("illness", 29, False),
        ("illness", 30, False),
        ("illness", 59, False),
        ("illness", 60, True),
        ("illness", 61, True),
    ],
)
def test_the_reprise_visit_thresholds(cause, days, required):
    window = reprise(date(2027, 6, 14), cause, days)
    if not required:
        assert window is None
        return
    assert window.due_from == date(2027, 6, 14)
    assert window.due_by == date(2027, 6, 22)
    assert window.before_assignment is False
    assert window.rule == visit_deadlines.REPRISE_RULES[cause]


@pytest.mark.parametrize(
    ("return_date", "due_by"),
    [
        (date(2027, 12, 28), date(2028, 1, 5)),
        (date(2028, 2, 25), date(2028, 3, 4)),
        (date(2027, 2, 25), date(2027, 3, 5)),
    ],
)
def test_the_reprise_deadline_is_eight_calendar_days_later(return_date, due_by):
    window = reprise(return_date, "illness", 90)
    assert window.due_by == due_by
    assert not window.overdue(due_by)
    assert window.overdue(due_by + timedelta(days=1))


@pytest.mark.parametrize(
    ("cause", "days", "french", "english"),
    [
        (
            "maternity",
            100,
            "Visite de reprise après un congé de maternité : le jour de la reprise et au plus "
            "tard dans les 8 jours",
            "Return-to-work visit after maternity leave: on the day of return and at the latest "
            "within 8 days",
        ),
        (
            "occupational_disease",
            5,
            "Visite de reprise après une absence pour maladie professionnelle : le jour de la "
            "reprise et au plus tard dans les 8 jours",
            "Return-to-work visit after an absence for an occupational disease: on the day of "
            "return and at the latest within 8 days",
        ),
        (
            "work_accident",
            30,
            "Visite de reprise après une absence d'au moins 30 jours pour accident du travail : "
            "le jour de la reprise et au plus tard dans les 8 jours",
            "Return-to-work visit after an absence of at least 30 days for a work accident: on "
            "the day of return and at the latest within 8 days",
        ),
        (
            "illness",
            60,
            "Visite de reprise après une absence d'au moins 60 jours pour maladie ou accident "
            "non professionnel : le jour de la reprise et au plus tard dans les 8 jours",
            "Return-to-work visit after an absence of at least 60 days for an illness or a "
            "non-work accident: on the day of return and at the latest within 8 days",
        ),
    ],
)
def test_the_reprise_rules_are_explained(cause, days, french, english):
    window = reprise(date(2027, 6, 14), cause, days)
    assert window.explanation("fr") == french
    assert window.explanation("en") == english


def test_a_reprise_needs_a_known_cause_and_a_real_length():
    with pytest.raises(ValueError, match="unknown absence cause 'holiday'"):
        reprise(date(2027, 6, 14), "holiday", 90)
    with pytest.raises(ValueError, match="negative"):
        reprise(date(2027, 6, 14), "illness", -1)


# ---------------------------------------------------------------- during a stoppage


@pytest.mark.parametrize("during", [pre_reprise, liaison])
@pytest.mark.parametrize(
    ("start", "today", "allowed"),
    [
        (date(2027, 6, 1), date(2027, 6, 1), False),  # day 1
        (date(2027, 6, 1), date(2027, 6, 30), False),  # day 30
        (date(2027, 6, 1), date(2027, 7, 1), True),  # day 31: more than 30 days
        (date(2027, 6, 1), date(2027, 9, 1), True),
        (date(2028, 2, 1), date(2028, 3, 1), False),  # day 30 (29 February counted)
        (date(2028, 2, 1), date(2028, 3, 2), True),
        (date(2027, 2, 1), date(2027, 3, 2), False),  # day 30 (no 29 February)
        (date(2027, 2, 1), date(2027, 3, 3), True),
        (date(2027, 7, 1), date(2027, 6, 1), False),  # not started yet
    ],
)
def test_visits_during_a_stoppage_of_more_than_30_days(during, start, today, allowed):
    window = during(start, today)
    if not allowed:
        assert window is None
        return
    assert window.due_from == start + timedelta(days=30)
    assert window.due_by is None
    assert not window.overdue(today + timedelta(days=3650))
    assert window.rule == during.__name__
    assert "30 jours" in window.explanation("fr")


def test_the_pre_reprise_is_explained():
    window = pre_reprise(date(2027, 1, 1), date(2027, 3, 1))
    assert window.explanation("fr").startswith(
        "Visite de pré-reprise : possible pendant un arrêt de travail de plus de 30 jours"
    )
    assert window.explanation("en").startswith("Pre-return visit: possible during a sick leave")


# ---------------------------------------------------------------- mid-career


@pytest.mark.parametrize(
    ("birth", "age", "year"),
    [
        (date(1982, 12, 31), 45, 2027),
        (date(1983, 1, 1), 45, 2028),
        (date(1984, 2, 29), 45, 2029),  # born on 29 February, the year has none: that year too
        (date(1983, 2, 28), 45, 2028),
        (date(1984, 6, 15), 43, 2027),  # a branch agreement's earlier age
    ],
)
def test_the_mid_career_window_is_the_calendar_year_of_the_birthday(birth, age, year):
    window = mid_career(birth, age) if age != 45 else mid_career(birth)
    assert (window.due_from, window.due_by) == (date(year, 1, 1), date(year, 12, 31))
    assert window.rule == "mi_carriere"
    assert f"des {age} ans" in window.explanation("fr")
    assert f"turns {age}" in window.explanation("en")


@pytest.mark.parametrize(
    ("birth", "today", "listed"),
    [
        (date(1982, 12, 31), date(2027, 1, 1), True),  # turns 45 on the last day of the year
        (date(1982, 12, 31), date(2026, 12, 31), False),  # turns 44 that day
        (date(1982, 12, 31), date(2028, 1, 1), True),  # missed: stays due, overdue (L4624-2-2)
        (date(1983, 1, 1), date(2027, 12, 31), False),  # turns 45 the next day, in 2028
        (date(1983, 1, 1), date(2028, 1, 1), True),
        (date(1984, 2, 29), date(2029, 3, 1), True),
        (date(1984, 2, 29), date(2029, 2, 28), True),  # still 44, but it is the year
    ],
)
def test_the_mid_career_visit_is_listed_in_its_year(birth, today, listed):
    follow_up_ = follow(birth_date=birth, hire_date=date(2010, 1, 4), today=today)
    done = [(today - timedelta(days=200), "vip_periodique")]
    found = due_visits(
        hire_date=date(2010, 1, 4),
        birth_date=birth,
        contract_type="cdi",
        follow=follow_up_,
        done=done,
        open_types=(),
        today=today,
    )
    assert ("mi_carriere" in [due.visit_type for due in found]) is listed


# ---------------------------------------------------------------- the visits to plan


def plan(follow_up_, done=(), open_types=(), today=TODAY, birth=ADULT, hire=date(2020, 1, 6)):
    return due_visits(
        hire_date=hire,
        birth_date=birth,
        contract_type="cdi",
        follow=follow_up_,
        done=list(done),
        open_types=set(open_types),
        today=today,
    )


def summary(found):
    return [(due.visit_type, due.window.due_by) for due in found]


def test_no_visit_done_gives_the_initial_visit():
    assert summary(plan(SI, hire=date(2027, 5, 31))) == [("vip_initiale", date(2027, 8, 31))]


def test_visits_outside_the_follow_up_do_not_replace_the_initial_visit():
    done = [(date(2026, 3, 1), "reprise"), (date(2026, 9, 1), "demande")]
    assert summary(plan(SI, done)) == [("vip_initiale", date(2020, 4, 6))]


def test_the_periodic_visit_runs_from_the_last_follow_up_visit_in_any_order():
    done = [
        (date(2024, 5, 2), "vip_periodique"),
        (date(2026, 1, 5), "reprise"),  # does not reset the clock
        (date(2020, 2, 3), "vip_initiale"),
    ]
    assert summary(plan(SI, done)) == [("vip_periodique", date(2029, 5, 2))]


def test_sir_intermediate_then_periodic_visits():
    done = [(date(2023, 3, 1), "sir_embauche")]
    assert summary(plan(SIR_48, done, hire=date(2023, 3, 1))) == [
        ("sir_intermediaire", date(2025, 3, 1)),
    ]
    done.append((date(2025, 2, 10), "sir_intermediaire"))
    assert summary(plan(SIR_48, done, hire=date(2023, 3, 1)))[0] == (
        "sir_periodique",
        date(2027, 3, 1),  # 48 months after the examination, not 24 after the intermediate visit
    )
    done.append((date(2027, 2, 15), "sir_periodique"))
    assert summary(plan(SIR_48, done, hire=date(2023, 3, 1)))[0] == (
        "sir_intermediaire",
        date(2029, 2, 15),
    )


def test_an_sir_worker_with_only_vip_visits_needs_the_aptitude_examination():
    found = plan(CMR, [(date(2024, 1, 8), "vip_periodique")], hire=date(2020, 1, 6))
    assert summary(found) == [("sir_embauche", date(2020, 1, 6))]
    assert found[0].window.before_assignment


def test_a_collective_information_does_not_count_for_an_individual_follow_up():
    assert summary(plan(SI, [(date(2027, 6, 1), "vip_collective")], hire=date(2027, 6, 1))) == [
        ("vip_initiale", date(2027, 9, 1))
    ]


def test_short_contracts_get_the_collective_information_once():
    assert summary(plan(SHORT, hire=date(2027, 6, 14))) == [("vip_collective", date(2027, 6, 14))]
    assert plan(SHORT, [(date(2027, 6, 14), "vip_collective")]) == []


def test_overdue_visits_come_first_then_by_deadline_then_those_without_one():
    birth = date(1982, 4, 1)  # 45 in 2027
    follow_up_ = follow(birth_date=birth, end_of_exposure=True, exposures={"cmr"})
    found = plan(follow_up_, [(date(2024, 3, 1), "sir_embauche")], birth=birth)
    assert summary(found) == [
        ("sir_intermediaire", date(2026, 3, 1)),  # overdue
        ("mi_carriere", date(2027, 12, 31)),
        ("post_exposition", None),
    ]
    assert found[0].overdue(TODAY) and not found[1].overdue(TODAY)
    assert [urgency(due, TODAY) for due in found] == sorted(urgency(due, TODAY) for due in found)


def test_a_deadline_later_this_year_comes_before_one_in_later_years():
    birth = date(1982, 4, 1)
    follow_up_ = follow(birth_date=birth)
    found = plan(follow_up_, [(date(2025, 1, 6), "vip_periodique")], birth=birth)
    assert summary(found) == [
        ("mi_carriere", date(2027, 12, 31)),
        ("vip_periodique", date(2030, 1, 6)),
    ]


def test_the_most_overdue_comes_first():
    a = Due("reprise", reprise(date(2027, 5, 3), "illness", 90))
    b = Due("vip_periodique", Window(None, date(2027, 1, 31), False, "vip_periodique"))
    c = Due("demande", Window(None, None, False, "demande"))
    d = Due("mi_carriere", mid_career(date(1982, 1, 1)))
    assert sorted([c, d, a, b], key=lambda due: urgency(due, TODAY)) == [b, a, d, c]


@pytest.mark.parametrize(
    ("open_types", "expected"),
    [
        ((), ["vip_initiale", "mi_carriere"]),
        (("vip_initiale",), ["mi_carriere"]),
        (("mi_carriere", "reprise"), ["vip_initiale"]),
        (("vip_initiale", "mi_carriere"), []),
    ],
)
def test_visits_already_requested_or_booked_are_not_listed_again(open_types, expected):
    birth = date(1982, 7, 14)
    found = plan(follow(birth_date=birth), open_types=open_types, birth=birth)
    assert [due.visit_type for due in found] == expected


def test_a_mid_career_visit_done_this_year_is_not_listed_again():
    birth = date(1982, 7, 14)
    done = [(date(2025, 1, 6), "vip_periodique"), (date(2027, 2, 1), "mi_carriere")]
    assert [d.visit_type for d in plan(follow(birth_date=birth), done, birth=birth)] == [
        "vip_periodique"
    ]
    # one held in the year of the 44th birthday counts too (anticipated, L4624-2-2)…
    done[1] = (date(2026, 2, 1), "mi_carriere")
    assert "mi_carriere" not in [
        d.visit_type for d in plan(follow(birth_date=birth), done, birth=birth)
    ]
    # …not one held before the year of the 43rd
    done[1] = (date(2024, 12, 31), "mi_carriere")
    assert "mi_carriere" in [
        d.visit_type for d in plan(follow(birth_date=birth), done, birth=birth)
    ]


def test_the_mid_career_year_comes_from_the_engine_or_from_the_birth_date():
    birth = date(1984, 6, 15)  # 43 in 2027
    follow_up_ = follow(birth_date=birth)
    assert not follow_up_.mid_career_due
    assert "mi_carriere" not in [d.visit_type for d in plan(follow_up_, birth=birth)]
    # a table that lists it from 43 (CIAMT: "dès 43 ans"): listed now, due by the 45th year's end
    earlier = dataclasses.replace(follow_up_, mid_career_due=True)
    found = {d.visit_type: d.window for d in plan(earlier, birth=birth)}
    assert found["mi_carriere"].due_by == date(2029, 12, 31)
    assert "43" in found["mi_carriere"].explanation("fr")
    # the legal default (45) holds even when the table lost its mid-career row
    birth_45 = date(1982, 6, 15)
    silent = dataclasses.replace(follow(birth_date=birth_45), mid_career_due=False)
    assert "mi_carriere" in [d.visit_type for d in plan(silent, birth=birth_45)]


@settings(max_examples=150, deadline=None)
@given(
    done=st.lists(
        st.tuples(st.dates(date(2015, 1, 1), date(2027, 6, 15)), st.sampled_from(CODES)),
        max_size=6,
    ),
    open_types=st.sets(st.sampled_from(CODES), max_size=3),
    which=st.sampled_from([SI, NIGHT, INTERIM, CMR, RADIATION_A, SIR_48, SHORT]),
    birth=st.dates(date(1960, 1, 1), date(2005, 12, 31)),
)
def test_the_plan_is_ordered_and_never_repeats_an_open_or_listed_type(
    done, open_types, which, birth
):
    found = plan(which, done, open_types, birth=birth)
    types = [due.visit_type for due in found]
    assert len(types) == len(set(types))
    assert not set(types) & open_types
    keys = [urgency(due, TODAY) for due in found]
    assert keys == sorted(keys)
    overdue = [due.overdue(TODAY) for due in found]
    assert overdue == sorted(overdue, reverse=True)  # every overdue one before the others


# ---------------------------------------------------------------- performers for a worker


def test_the_doctor_alone_when_the_follow_up_asks_for_the_medecin_du_travail():
    # an SIR worker: the examinations by the doctor, the intermediate visit by either (R4624-28)
    sir = follow(exposures={"cmr"})
    assert performers_for("sir_embauche", sir) == {"doctor"}
    assert performers_for("vip_periodique", sir) == {"doctor"}
    assert performers_for("sir_intermediaire", sir) == {"doctor", "nurse"}
    # live electrical work is in simple follow-up since décret 2025-355
    electrical = follow(exposures={"electrical"})
    assert performers_for("vip_initiale", electrical) == {"doctor", "nurse"}
    # not a follow-up visit: the type's own performers (L4624-2-2)
    assert performers_for("mi_carriere", sir) == {"doctor", "ipa"}
    assert performers_for("mi_carriere", electrical) == {"doctor", "ipa"}
    assert performers_for("vip_periodique", SI) == {"doctor", "nurse"}
    assert performers_for("vip_periodique") == {"doctor", "nurse"}
    assert performers_for("reprise", SI) == {"doctor"}


def test_a_disabled_worker_sees_the_doctor_first():
    disabled = follow(health=HealthFlags(disabled=True))
    assert performers_for("vip_initiale", disabled, first=True) == {"doctor"}
    assert performers_for("vip_periodique", disabled) == {"doctor", "nurse"}


# ---------------------------------------------------------------- windows


def test_a_window_is_overdue_only_after_its_deadline():
    window = Window(None, date(2027, 6, 15), False, "vip_periodique", (("months", 60),))
    assert not window.overdue(date(2027, 6, 14))
    assert not window.overdue(date(2027, 6, 15))
    assert window.overdue(date(2027, 6, 16))
    assert not Window(None, None, False, "demande").overdue(date(2099, 1, 1))
    assert Due("vip_periodique", window).overdue(date(2027, 6, 16))


def test_the_other_rules_are_explained():
    assert visit_deadlines.on_request().explanation("fr").startswith("Visite à la demande : pas de")
    assert (
        visit_deadlines.post_exposure()
        .explanation("en")
        .startswith("Post-exposure or end-of-career visit")
    )
    assert visit_deadlines.post_exposure().due_by is None


# ---------------------------------------------------------------- slots in local time


def test_slots_of_an_ordinary_summer_morning():
    slots = slot_times(date(2027, 6, 14), time(8, 0), time(12, 0), 30)
    assert len(slots) == 8
    assert slots[0] == (utc(2027, 6, 14, 6, 0), utc(2027, 6, 14, 6, 30))
    assert slots[-1][1] == utc(2027, 6, 14, 10, 0)
    assert all(a[1] == b[0] for a, b in zip(slots, slots[1:], strict=False))
    assert all(start.tzinfo is UTC and end.tzinfo is UTC for start, end in slots)


def test_slots_of_a_winter_afternoon_that_is_not_a_multiple_of_the_length():
    slots = slot_times(date(2027, 1, 11), time(14, 0), time(15, 45), 30)
    assert [start for start, _ in slots] == [
        utc(2027, 1, 11, 13, 0),
        utc(2027, 1, 11, 13, 30),
        utc(2027, 1, 11, 14, 0),
    ]


@pytest.mark.parametrize(
    ("starts", "ends", "minutes"),
    [(time(9, 0), time(9, 0), 30), (time(10, 0), time(9, 0), 30), (time(9, 0), time(9, 20), 30)],
)
def test_a_session_too_short_has_no_slot(starts, ends, minutes):
    assert slot_times(date(2027, 6, 14), starts, ends, minutes) == []


def test_a_slot_length_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        slot_times(date(2027, 6, 14), time(9), time(12), 0)


@pytest.mark.parametrize(
    ("day", "first_utc"),
    [
        (date(2027, 3, 27), utc(2027, 3, 27, 7, 0)),  # winter time, the day before
        (date(2027, 3, 28), utc(2027, 3, 28, 6, 0)),  # summer time from 03:00 that night
        (date(2027, 10, 30), utc(2027, 10, 30, 6, 0)),
        (date(2027, 10, 31), utc(2027, 10, 31, 7, 0)),  # winter time again
    ],
)
def test_daytime_sessions_on_the_days_the_clocks_change(day, first_utc):
    slots = slot_times(day, time(8, 0), time(10, 0), 30)
    assert [start for start, _ in slots] == [
        first_utc + timedelta(minutes=30 * i) for i in range(4)
    ]


def test_a_night_session_across_the_spring_change_skips_the_missing_hour():
    slots = slot_times(date(2027, 3, 28), time(1, 0), time(4, 0), 30)
    assert slots == [
        (utc(2027, 3, 28, 0, 0), utc(2027, 3, 28, 0, 30)),  # 01:00 CET
        (utc(2027, 3, 28, 0, 30), utc(2027, 3, 28, 1, 0)),  # 01:30 CET
        (utc(2027, 3, 28, 1, 0), utc(2027, 3, 28, 1, 30)),  # 03:00 CEST
        (utc(2027, 3, 28, 1, 30), utc(2027, 3, 28, 2, 0)),  # 03:30 CEST
    ]
    local = [start.astimezone(PARIS).strftime("%H:%M") for start, _ in slots]
    assert local == ["01:00", "01:30", "03:00", "03:30"]


def test_a_session_spanning_two_to_three_on_the_spring_day():
    slots = slot_times(date(2027, 3, 28), time(1, 30), time(3, 30), 30)
    assert [s.astimezone(PARIS).strftime("%H:%M") for s, _ in slots] == ["01:30", "03:00"]
    assert slots[0][1] == slots[1][0]
    # a session wholly inside the missing hour has no slot
    assert slot_times(date(2027, 3, 28), time(2, 0), time(3, 0), 30) == []
    # a session ending inside it ends when the clock jumps
    ending = slot_times(date(2027, 3, 28), time(1, 0), time(2, 30), 30)
    assert [s.astimezone(PARIS).strftime("%H:%M") for s, _ in ending] == ["01:00", "01:30"]


def test_slots_that_do_not_divide_the_hour_never_overlap_after_the_spring_change():
    slots = slot_times(date(2027, 3, 28), time(1, 0), time(4, 0), 45)
    # 01:00 and 01:45 CET; 02:30 does not exist; 03:15 CEST would start before 01:45 ends
    assert slots == [
        (utc(2027, 3, 28, 0, 0), utc(2027, 3, 28, 0, 45)),
        (utc(2027, 3, 28, 0, 45), utc(2027, 3, 28, 1, 30)),
    ]
    # a slot may not run past the end of a session cut short by the change
    short = slot_times(date(2027, 3, 28), time(1, 0), time(3, 10), 45)
    assert short == [(utc(2027, 3, 28, 0, 0), utc(2027, 3, 28, 0, 45))]


def test_a_night_session_across_the_autumn_change_takes_the_first_of_the_repeated_times():
    slots = slot_times(date(2027, 10, 31), time(1, 30), time(3, 30), 30)
    assert slots == [
        (utc(2027, 10, 30, 23, 30), utc(2027, 10, 31, 0, 0)),  # 01:30 CEST
        (utc(2027, 10, 31, 0, 0), utc(2027, 10, 31, 0, 30)),  # 02:00 CEST (fold 0)
        (utc(2027, 10, 31, 0, 30), utc(2027, 10, 31, 1, 0)),  # 02:30 CEST (fold 0)
        (utc(2027, 10, 31, 2, 0), utc(2027, 10, 31, 2, 30)),  # 03:00 CET
    ]
    assert [s.astimezone(PARIS).fold for s, _ in slots] == [0, 0, 0, 0]


def test_another_time_zone():
    slots = slot_times(date(2027, 6, 14), time(8), time(9), 30, tz="America/Martinique")
    assert slots[0][0] == utc(2027, 6, 14, 12, 0)


@settings(max_examples=300, deadline=None)
@given(
    day=st.dates(date(2024, 1, 1), date(2035, 12, 31)),
    start_minute=st.integers(0, 23 * 60),
    length=st.integers(0, 10 * 60),
    minutes=st.sampled_from([10, 15, 20, 25, 30, 45, 60]),
)
def test_slots_are_whole_ordered_disjoint_and_on_the_local_grid(day, start_minute, length, minutes):
    end_minute = min(start_minute + length, 24 * 60 - 1)
    starts = time(*divmod(start_minute, 60))
    ends = time(*divmod(end_minute, 60))
    slots = slot_times(day, starts, ends, minutes)
    for begin, end in slots:
        assert end - begin == timedelta(minutes=minutes)
        local = begin.astimezone(PARIS)
        assert local.date() == day
        offset = (local.hour * 60 + local.minute) - start_minute
        assert offset >= 0 and offset % minutes == 0  # on the wall-clock grid of the session
        assert local.fold == 0
    assert all(a[1] <= b[0] for a, b in zip(slots, slots[1:], strict=False))
    midnight = datetime.combine(day, time(0), tzinfo=PARIS)
    normal_day = (midnight + timedelta(days=1)).utcoffset() == midnight.utcoffset()
    if normal_day:
        assert len(slots) == (end_minute - start_minute) // minutes
        assert all(a[1] == b[0] for a, b in zip(slots, slots[1:], strict=False))


# ---------------------------------------------------------------- reminders


@pytest.mark.parametrize(
    ("starts_at", "days_before", "expected", "hours"),
    [
        (paris(2027, 6, 16, 9, 0), 2, paris(2027, 6, 14, 9, 0), 48),
        (paris(2027, 3, 30, 9, 0), 2, paris(2027, 3, 28, 9, 0), 48),  # change that night: after
        (paris(2027, 3, 29, 9, 0), 2, paris(2027, 3, 27, 9, 0), 47),  # across the spring change
        (paris(2027, 11, 1, 9, 0), 2, paris(2027, 10, 30, 9, 0), 49),  # across the autumn change
        (paris(2027, 11, 1, 9, 0), 1, paris(2027, 10, 31, 9, 0), 24),
        (paris(2027, 11, 1, 9, 0), 0, paris(2027, 11, 1, 9, 0), 0),
        (paris(2028, 3, 1, 8, 30), 2, paris(2028, 2, 28, 8, 30), 48),  # 29 February between
        (paris(2028, 1, 1, 8, 30), 2, paris(2027, 12, 30, 8, 30), 48),
        # the same wall-clock time does not exist on the spring day: an hour later in wall time
        (paris(2027, 3, 30, 2, 30), 2, utc(2027, 3, 28, 1, 30), 47),
        # it exists twice on the autumn day: the first time
        (paris(2027, 11, 2, 2, 30), 2, paris(2027, 10, 31, 2, 30, fold=0), 49),
    ],
)
def test_the_reminder_is_at_the_same_local_time_days_before(
    starts_at, days_before, expected, hours
):
    found = reminder_at(starts_at, days_before)
    assert found == expected
    assert found.tzinfo is UTC
    assert starts_at - found == timedelta(hours=hours)


def test_the_reminder_by_default_is_two_days_before_and_needs_an_aware_time():
    assert reminder_at(utc(2027, 6, 16, 7, 0)) == utc(2027, 6, 14, 7, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        reminder_at(datetime(2027, 6, 16, 9, 0))


@given(
    st.datetimes(datetime(2024, 1, 1), datetime(2035, 12, 31), timezones=st.just(UTC)),
    st.integers(0, 7),
)
def test_the_reminder_keeps_the_wall_clock_time_when_it_exists(starts_at, days_before):
    found = reminder_at(starts_at, days_before).astimezone(PARIS)
    local = starts_at.astimezone(PARIS)
    assert found.date() == local.date() - timedelta(days=days_before)
    target = datetime.combine(found.date(), local.time().replace(fold=0), tzinfo=PARIS)
    exists = target.astimezone(UTC).astimezone(PARIS).replace(tzinfo=None) == target.replace(
        tzinfo=None
    )
    if exists:
        assert found.time() == local.time()
