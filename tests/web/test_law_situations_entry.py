"""Issue 14: how the situations are entered — the employer's form and CSV file (field errors,
line errors, idempotent re-import, the import page's documentation), the health staff's page of
an employee (audited), the referral to the médecin du travail a health situation opens (and the
worker's refusal), and an independent's own health situation."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from assistant.models import AuditEntry, Employee, HealthSituation, Member
from assistant.services.workforce import csv_lines
from tests.factories import PASSWORD, make_employee, make_member, make_staff_user
from tests.web.helpers import CSV_COLUMNS, FORM, csv_file, fresh, member_login, read, upload


@pytest.fixture
def space(client, db, employer):
    db.commit()
    return member_login(client)


def staff_client(app, db, role: str, email: str, member: Member | None = None):
    user = make_staff_user(db, role, email)
    if member is not None:
        db.get(Member, member.id).doctor_id = user.id
    db.commit()
    staff = app.test_client()
    staff.post("/staff/login", data={"email": email, "password": PASSWORD})
    return staff


def martin(db) -> Employee | None:
    fresh(db)
    return db.scalar(select(Employee).where(Employee.last_name == "Martin"))


# --- the employer's form --------------------------------------------------------------------


def test_R4624_23_III_the_employers_sir_list_needs_its_written_reason_a_field_error(space, db):
    response = space.post("/espace/effectifs/nouveau", data={**FORM, "sir_employer": "y"})
    assert response.status_code == 400
    page = read(response)
    assert 'id="sir_employer_reason-error"' in page and "R4624-23 III" in page
    assert 'value="Martin"' in page and 'value="01/12/2026"' in page  # nothing else lost
    assert martin(db) is None
    reason = "Travail isolé en chambre froide"
    response = space.post(
        "/espace/effectifs/nouveau",
        data={**FORM, "sir_employer": "y", "sir_employer_reason": reason},
    )
    assert response.status_code == 302
    employee = martin(db)
    assert employee.sir_employer and employee.sir_employer_reason == reason


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"exposure_ended_on": "01/11/2026"}, "exposure_ended_on"),  # before the hire date
        ({"exposure_ended_on": "01/01/2030"}, "exposure_ended_on"),  # far in the future
        ({"working_days": "0"}, "working_days"),
        ({"working_days": "trente"}, "working_days"),
        (  # 31 calendar days in the contract, 40 days of work cannot be
            {"contract_type": "cdd", "contract_end": "31/12/2026", "working_days": "40"},
            "working_days",
        ),
        ({"radiation_category": "C"}, "radiation_category"),
    ],
)
def test_impossible_situations_get_a_field_error_and_keep_the_rest(space, db, extra, field):
    response = space.post("/espace/effectifs/nouveau", data={**FORM, **extra})
    assert response.status_code == 400
    page = read(response)
    assert f'id="{field}-error"' in page and 'value="Martin"' in page
    assert martin(db) is None


def test_the_employer_edits_the_situations_and_reads_them_back(space, db):
    data = {**FORM, "contract_type": "saisonnier", "contract_end": "28/02/2027"}
    assert space.post("/espace/effectifs/nouveau", data=data).status_code == 302
    employee = martin(db)
    edited = {**data, "heavy_loads": "y", "radiation_category": "B", "working_days": "40"}
    response = space.post(f"/espace/effectifs/{employee.id}", data=edited)
    assert response.status_code == 302
    employee = martin(db)
    assert employee.heavy_loads and employee.radiation_category == "B"
    assert employee.working_days == 40 and not employee.sir_employer
    page = read(space.get(f"/espace/effectifs/{employee.id}"))
    tag = re.search(r'<input[^>]*name="heavy_loads"[^>]*>', page).group(0)
    assert "checked" in tag
    assert re.search(r'<option selected value="B">|<option value="B" selected', page)
    assert 'value="40"' in page
    audit = db.scalar(
        select(AuditEntry).where(
            AuditEntry.record_type == "employee", AuditEntry.action == "update"
        )
    )
    assert "heavy_loads" in audit.detail and "radiation_category" in audit.detail


# --- the employer's file --------------------------------------------------------------------


def test_the_import_page_documents_every_new_column_with_an_example(space):
    page = read(space.get("/espace/effectifs"))
    for column in list(csv_lines.COLUMNS)[10:]:
        assert f"<code>{column}</code>" in page, column
    template = space.get("/espace/effectifs/modele.csv").get_data(as_text=True)
    header, example = template.lstrip("\ufeff").splitlines()
    assert header.split(";") == list(csv_lines.COLUMNS)
    assert len(example.split(";")) == len(csv_lines.COLUMNS)


def test_bad_situation_cells_are_the_lines_errors(space, db):
    status = upload(
        space,
        csv_file(
            {"nom": "Un", "rayonnements": "C"},
            {"nom": "Deux", "sir_employeur": "oui"},
            {"nom": "Trois", "charges_55kg": "peut-être"},
            {"nom": "Quatre", "fin_exposition": "01/01/2020"},
            {"nom": "Cinq", "jours_travailles": "-3"},
            {"nom": "Six", "contrat": "CDD", "fin_contrat": "10/12/2026", "jours_travailles": "30"},
            {"nom": "Sept", "travaux_reglementes": "x", "rayonnements": "cat A"},
        ),
    )
    page = status["page"]
    assert "1 salarié(s) ajouté(s)" in page
    assert "ligne 2 : rayonnements ionisants « C » non reconnu" in page
    assert "ligne 3 : Justifiez par écrit" in page
    assert "ligne 4 : charges de plus de 55 kg « peut-être » non reconnu (oui ou non)" in page
    assert "ligne 5 : La fin d'exposition précède l'embauche." in page
    assert "ligne 6 : jours travaillés « -3 » non reconnu" in page
    assert "ligne 7 : Le contrat ne compte que 10 jours calendaires" in page
    fresh(db)
    sept = db.scalar(select(Employee).where(Employee.last_name == "Sept"))
    assert sept.regulated_work and sept.radiation_category == "A"


def test_reimport_is_idempotent_and_a_file_without_the_columns_keeps_them(space, db):
    cells = {"sir_employeur": "oui", "sir_justification": "Chambre froide", "charges_55kg": "x"}
    data = csv_file(cells, {"nom": "Autre", "fin_exposition": "30/12/2026"})
    assert "2 salarié(s) ajouté(s)" in upload(space, data)["page"]
    assert "0 mis à jour, 2 inchangé(s)" in upload(space, data)["page"]
    old_format = (
        "nom;prenom;date_naissance;poste;date_embauche;contrat\n"
        "Martin;Léo;12/03/1985;Opérateur;01/12/2026;CDI\n"
    ).encode()
    assert "0 mis à jour, 1 inchangé(s)" in upload(space, old_format)["page"]
    employee = martin(db)
    assert employee.sir_employer and employee.sir_employer_reason == "Chambre froide"
    assert employee.heavy_loads
    # the column given empty: the list is taken off, its reason with it
    changed = csv_file({**cells, "sir_employeur": "non", "sir_justification": ""})
    assert "1 mis à jour" in upload(space, changed)["page"]
    employee = martin(db)
    assert not employee.sir_employer and employee.sir_employer_reason is None


def test_english_headers_are_read_too(space, db):
    data = (
        "last name;first name;date of birth;job;hire date;contract;radiation category;"
        "heavy loads;working days;contract end\n"
        "Martin;Léo;12/03/1985;Operator;01/12/2026;CDD;B;yes;20;31/12/2026\n"
    ).encode()
    assert "1 salarié(s) ajouté(s)" in upload(space, data)["page"]
    employee = martin(db)
    assert employee.radiation_category == "B" and employee.heavy_loads
    assert employee.working_days == 20
    assert set(CSV_COLUMNS) == set(csv_lines.COLUMNS) - {"portable"}


# --- the staff ------------------------------------------------------------------------------


def test_health_staff_change_the_declared_situations_audited(app, db, employer):
    employee = make_employee(db, employer, last_name="Martin", hire_date=date(2026, 12, 1))
    nurse = staff_client(app, db, "nurse", "inf@test.fr")
    page = read(nurse.get(f"/staff/salaries/{employee.id}"))
    assert "Suivi individuel (VIP)" in page and 'name="radiation_category"' in page
    response = nurse.post(
        f"/staff/salaries/{employee.id}", data={"radiation_category": "A", "sir_employer": "y"}
    )
    assert response.status_code == 400 and 'id="sir_employer_reason-error"' in read(response)
    response = nurse.post(
        f"/staff/salaries/{employee.id}",
        data={"radiation_category": "A", "exposure_ended_on": "", "working_days": ""},
    )
    assert response.status_code == 302
    employee = martin(db)
    assert employee.radiation_category == "A"
    assert db.scalar(
        select(AuditEntry).where(
            AuditEntry.record_type == "employee",
            AuditEntry.action == "update",
            AuditEntry.record_id == str(employee.id),
        )
    )
    assert "Suivi individuel renforcé (SIR)" in read(nurse.get(f"/staff/salaries/{employee.id}"))


def test_the_secretary_reads_the_situations_but_does_not_change_them(app, db, employer):
    employee = make_employee(db, employer, last_name="Martin", heavy_loads=True)
    secretary = staff_client(app, db, "secretary", "sec@test.fr")
    page = read(secretary.get(f"/staff/salaries/{employee.id}"))
    assert "Charges de plus de 55 kg" in page and 'name="heavy_loads"' not in page
    assert secretary.post(f"/staff/salaries/{employee.id}", data={}).status_code == 403
    admin = staff_client(app, db, "admin", "admin@test.fr")
    assert admin.get(f"/staff/salaries/{employee.id}").status_code == 403


def test_L4624_1_a_health_situation_offers_a_visit_with_the_doctor_the_worker_may_decline(
    app, db, employer, client
):
    employee = make_employee(db, employer, last_name="Martin")
    doctor = staff_client(app, db, "doctor", "dr@test.fr", employer)
    assert "proposée le" not in read(doctor.get(f"/staff/salaries/{employee.id}/sante"))
    doctor.post(f"/staff/salaries/{employee.id}/sante", data={"disabled": "y"})
    page = read(doctor.get(f"/staff/salaries/{employee.id}/sante"))
    assert "Visite avec le médecin du travail proposée le 23 nov. 2026." in page
    assert "Le salarié refuse cette visite" in page
    response = doctor.post(f"/staff/salaries/{employee.id}/sante/refus")
    assert response.status_code == 302
    fresh(db)
    situation = db.scalar(select(HealthSituation))
    assert situation.referral_declined_at is not None
    assert db.scalar(select(AuditEntry).where(AuditEntry.detail == "referral declined"))
    assert "Le salarié refuse cette visite" not in read(
        doctor.get(f"/staff/salaries/{employee.id}/sante")
    )
    # the employer sees none of it
    db.commit()
    page = read(member_login(client).get("/espace/effectifs")).lower()
    for word in ("handicap", "médecin du travail proposée", "refuse"):
        assert word not in page


def test_the_refusal_is_a_post_with_its_csrf_token(tmp_path, database):
    from assistant.services.workforce import health
    from tests.conftest import csrf_token, make_app

    app = make_app(tmp_path, database, WTF_CSRF_ENABLED=True)
    session = app.extensions["database"]["sessionmaker"]()
    try:
        employer = make_member(session, status="active", legal_name="Boulangerie")
        employee = make_employee(session, employer, last_name="Martin")
        doctor = make_staff_user(session, "doctor", "dr@test.fr")
        employer.doctor_id = doctor.id
        health.set_flags(
            session, "staff:1", employee, pregnant=True, invalidity_pension=False, disabled=False
        )
        session.commit()
        staff = app.test_client()
        token = csrf_token(read(staff.get("/staff/login")))
        login = {"email": "dr@test.fr", "password": PASSWORD, "csrf_token": token}
        assert staff.post("/staff/login", data=login).status_code == 302
        url = f"/staff/salaries/{employee.id}/sante/refus"
        assert staff.get(url).status_code == 405
        assert staff.post(url).status_code == 400
        page = read(staff.get(f"/staff/salaries/{employee.id}/sante"))
        form = page[page.index(f'action="{url}"') :]
        response = staff.post(url, data={"csrf_token": csrf_token(form)})
        assert response.status_code == 302
        session.rollback()
        assert session.scalar(select(HealthSituation)).referral_declined_at is not None
    finally:
        session.close()


def test_an_independents_own_health_situation_is_set_by_their_health_staff_only(app, db):
    member = make_member(
        db, "55210055400013", kind="independent", status="active", legal_name="Léa Roux"
    )
    db.commit()
    doctor = staff_client(app, db, "doctor", "dr@test.fr", member)
    other = staff_client(app, db, "nurse", "inf@test.fr")
    secretary = staff_client(app, db, "secretary", "sec@test.fr")
    assert "Situation de santé du travailleur indépendant" in read(
        doctor.get(f"/staff/adherents/{member.id}")
    )
    assert secretary.get(f"/staff/adherents/{member.id}/sante").status_code == 403
    assert other.get(f"/staff/adherents/{member.id}/sante").status_code == 403  # not her team
    response = doctor.post(f"/staff/adherents/{member.id}/sante", data={"invalidity_pension": "y"})
    assert response.status_code == 302
    fresh(db)
    situation = db.scalar(select(HealthSituation).where(HealthSituation.member_id == member.id))
    assert situation.invalidity_pension and situation.worker_id is None
    assert situation.referral_offered_on == date(2026, 11, 23)
    page = read(doctor.get(f"/staff/adherents/{member.id}/sante"))
    assert "checked" in page and "proposée le 23 nov. 2026" in page
    fresh(db)
    assert db.scalar(
        select(AuditEntry).where(
            AuditEntry.record_type == "health_situation",
            AuditEntry.record_id == f"member:{member.id}",
            AuditEntry.action == "read",
        )
    )
    # an employer's page is not an independent's
    employer = make_member(db, "73282932000074", status="active", legal_name="Boulangerie")
    db.commit()
    assert doctor.get(f"/staff/adherents/{employer.id}/sante").status_code == 404


def test_a_pregnancy_changes_nothing_the_employer_sees(app, db, employer, client):
    employee = make_employee(db, employer, last_name="Martin", hire_date=date(2026, 12, 1))
    doctor = staff_client(app, db, "doctor", "dr@test.fr", employer)
    space = member_login(client)
    pattern = rf'<tr id="employee-{employee.id}">.*?</tr>'
    before = re.search(pattern, read(space.get("/espace/effectifs")), re.S).group(0)
    detail = read(space.get(f"/espace/effectifs/{employee.id}"))
    doctor.post(f"/staff/salaries/{employee.id}/sante", data={"pregnant": "y"})
    fresh(db)
    assert db.scalar(select(HealthSituation)).pregnant
    after = re.search(pattern, read(space.get("/espace/effectifs")), re.S).group(0)
    assert after == before
    assert read(space.get(f"/espace/effectifs/{employee.id}")) == detail
