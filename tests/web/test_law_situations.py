"""Issue 14, "Follow the law": the situations the employer declares (by its form and by its CSV
file) and the follow-up each one gives, as the employer's and the staff's pages show it: the
category, the first visit's due date, the periodicity (with the SIR intermediate visit) and who
performs the visits. Expected values are the Code du travail's; the clock is FIXED_NOW
(23 November 2026), the employees are hired on 1 December 2026 unless said otherwise."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from assistant.models import Employee, Member
from tests.factories import PASSWORD, make_staff_user
from tests.web.helpers import FORM, csv_file, fresh, member_login, read, upload

SIR = "Suivi individuel renforcé (SIR)"
SI = "Suivi individuel (VIP)"
DOCTOR = "Le médecin du travail"
HEALTH_PROFESSIONAL = "Le médecin du travail ou un infirmier"
BEFORE = "1 déc. 2026 (avant l'affectation au poste)"
LIKE_CATEGORY_B = {
    "category": SIR,
    "first": BEFORE,
    "period": "examen d'aptitude tous les 48 mois au plus, visite intermédiaire à 24 mois",
    "performer": DOCTOR,
}

# name: (the form's extra fields, the CSV's cells, what the pages show, what they must not)
SITUATIONS = {
    # R4624-23 I and R4153-40: a minor on regulated work, examined before assignment, every year
    "minor_regulated": (
        {
            "birth_date": "14/05/2010",
            "contract_type": "apprenti",
            "contract_end": "31/08/2028",
            "regulated_work": "y",
        },
        {
            "date_naissance": "14/05/2010",
            "contrat": "apprentissage",
            "fin_contrat": "31/08/2028",
            "travaux_reglementes": "oui",
        },
        {
            "category": SIR,
            "first": BEFORE,
            "period": "examen d'aptitude tous les 12 mois au plus",
            "performer": DOCTOR,
        },
        ("visite intermédiaire",),
    ),
    # R4451-82: a category A worker, examined before assignment then every year by the doctor
    "radiation_a": (
        {"radiation_category": "A"},
        {"rayonnements": "A"},
        {
            "category": SIR,
            "first": BEFORE,
            "period": "examen d'aptitude tous les 12 mois au plus",
            "performer": DOCTOR,
        },
        ("visite intermédiaire",),
    ),
    # R4624-28: category B, the SIR of the general rule
    "radiation_b": ({"radiation_category": "B"}, {"rayonnements": "B"}, LIKE_CATEGORY_B, ()),
    # R4624-23 III: the employer's own list, justified in writing
    "sir_employer": (
        {"sir_employer": "y", "sir_employer_reason": "Travail isolé en chambre froide"},
        {"sir_employeur": "oui", "sir_justification": "Travail isolé en chambre froide"},
        LIKE_CATEGORY_B,
        (),
    ),
    # R4541-9 and R4624-23 II: loads over 55 kg need the doctor's aptitude
    "heavy_loads": ({"heavy_loads": "y"}, {"charges_55kg": "oui"}, LIKE_CATEGORY_B, ()),
    # L4624-2-1 and R4624-28-1: the rest's category (none here: SI) and a post-exposure visit
    "end_of_exposure": (
        {"hire_date": "01/09/2015", "exposure_ended_on": "30/06/2026"},
        {"date_embauche": "01/09/2015", "fin_exposition": "30/06/2026"},
        {
            "category": SI,
            "first": "1 déc. 2015",
            "period": "tous les 60 mois au plus",
            "performer": HEALTH_PROFESSIONAL,
            # "dans les meilleurs délais": the service gives itself a month (visit_deadlines.csv)
            "others": "Visite post-exposition ou de fin de carrière : avant le 30 juil. 2026",
        },
        (SIR,),
    ),
    # R4624-18 3°: biological agents of group 2, a VIP before assignment
    "biological_2": (
        {"exposures": ["biological_2"]},
        {"expositions": "biological_2"},
        {"first": BEFORE},
        (),
    ),
    # R4323-56 and R4544-10 (décret 2025-355): driving a forklift, a VIP within 3 months and the
    # doctor's examination of no contraindication before the authorisation
    "forklift": (
        {"exposures": ["machinery"]},
        {"expositions": "chariot élévateur"},
        {
            "category": SI,
            "first": "1 mars 2027",
            "period": "tous les 60 mois au plus",
            "performer": HEALTH_PROFESSIONAL,
            "others": "Examen d'absence de contre-indication médicale : avant le 1 déc. 2026",
        },
        ("avant l'affectation au poste",),
    ),
}


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" ,", ",")


def row(page: str, employee_id: int) -> str:
    found = re.search(rf'<tr id="employee-{employee_id}">(.*?)</tr>', page, re.S)
    assert found, f"no row for employee {employee_id}"
    return text(found.group(1))


@pytest.fixture
def space(client, db, employer):
    db.commit()
    return member_login(client)


@pytest.fixture
def doctor(app, db, employer):
    """The employer's médecin du travail, signed in to the back-office (its own client)."""
    user = make_staff_user(db, "doctor", "dr@test.fr")
    db.get(Member, employer.id).doctor_id = user.id
    db.commit()
    staff = app.test_client()
    response = staff.post("/staff/login", data={"email": "dr@test.fr", "password": PASSWORD})
    assert response.status_code == 302
    return staff


def declare(space, db, how: str, form_extra: dict, cells: dict) -> Employee:
    if how == "form":
        response = space.post("/espace/effectifs/nouveau", data={**FORM, **form_extra})
        assert response.status_code == 302, text(read(response))
    else:
        status = upload(space, csv_file(cells))
        assert status["status"] == "done" and "1 salarié(s) ajouté(s)" in status["page"], status
    fresh(db)
    return db.scalar(select(Employee).where(Employee.last_name == "Martin"))


def check(shown: str, expected: dict, absent) -> None:
    for what, value in expected.items():
        assert value in shown, (what, value, shown)
    if expected.get("performer") == DOCTOR:  # the doctor alone, not "… or a nurse"
        assert HEALTH_PROFESSIONAL not in shown, shown
    for value in absent:
        assert value not in shown, (value, shown)


@pytest.mark.parametrize("how", ["form", "csv"])
@pytest.mark.parametrize("situation", list(SITUATIONS))
def test_each_declared_situation_shows_its_legal_follow_up(
    space, doctor, db, employer, how, situation
):
    form_extra, cells, expected, absent = SITUATIONS[situation]
    employee = declare(space, db, how, form_extra, cells)
    # the employer's list, and its page of the employee
    check(row(read(space.get("/espace/effectifs")), employee.id), expected, absent)
    check(text(read(space.get(f"/espace/effectifs/{employee.id}"))), expected, ())
    # the staff's member page (no "others" column) and the staff's page of the employee
    member_row = row(read(doctor.get(f"/staff/adherents/{employer.id}")), employee.id)
    check(member_row, {k: v for k, v in expected.items() if k != "others"}, absent)
    check(text(read(doctor.get(f"/staff/salaries/{employee.id}"))), expected, ())
