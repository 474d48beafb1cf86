"""The employer's workforce pages: by hand, by CSV with progress, chart and due visits."""

import io

from sqlalchemy import select

from assistant.models import Employee, ImportJob
from assistant.services import demo
from tests.factories import PASSWORD, make_centre, make_member, make_staff_user
from tests.web.helpers import _wait, member_login


def _add(client, last, first, birth, **extra):
    data = {
        "last_name": last,
        "first_name": first,
        "birth_date": birth,
        "job": "Boulanger",
        "hire_date": "01/09/2026",
        "contract_type": "cdi",
        "contract_end": "",
    }
    data.update(extra)
    return client.post("/espace/effectifs/nouveau", data=data)


def test_three_employees_by_hand_and_the_category_chart(demo_employer, db):
    assert _add(demo_employer, "Martin", "Léo", "12/03/1990").status_code == 302
    assert _add(demo_employer, "Durand", "Zoé", "3 avril 1985", night_worker="y").status_code == 302
    assert (
        _add(demo_employer, "Petit", "Ana", "1980-01-15", exposures=["asbestos"]).status_code == 302
    )
    page = demo_employer.get("/espace/effectifs").get_data(as_text=True)
    for name in ("Martin", "Durand", "Petit"):
        assert name in page
    assert "<svg" in page and "SIR" in page and "SIA" in page
    assert "Première visite avant le" in page


def test_bad_dates_get_field_errors_and_keep_the_rest(demo_employer):
    response = _add(demo_employer, "Martin", "Léo", "31/02/1990")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="birth_date-error"' in page and 'value="Martin"' in page


def test_duplicate_employee_is_refused_clearly(demo_employer):
    _add(demo_employer, "Martin", "Léo", "12/03/1990")
    response = _add(demo_employer, "MARTIN", "leo", "12/03/1990")
    assert "déjà déclaré" in response.get_data(as_text=True)


def test_edit_and_leave(demo_employer, db):
    _add(demo_employer, "Martin", "Léo", "12/03/1990")
    employee = db.scalar(select(Employee).where(Employee.last_name == "Martin"))
    data = {
        "last_name": "Martin",
        "first_name": "Léo",
        "birth_date": "12/03/1990",
        "job": "Chef boulanger",
        "hire_date": "01/09/2026",
        "contract_type": "cdi",
    }
    assert demo_employer.post(f"/espace/effectifs/{employee.id}", data=data).status_code == 302
    demo_employer.post(f"/espace/effectifs/{employee.id}/depart", data={"left_on": "30/09/2026"})
    db.rollback()
    db.expire_all()
    employee = db.get(Employee, employee.id)
    assert employee.job == "Chef boulanger" and str(employee.left_on) == "2026-09-30"


def _csv(lines: int, bad_every: int = 50) -> bytes:
    rows = ["nom;prenom;date_naissance;poste;date_embauche;contrat;expositions;travail_de_nuit"]
    for n in range(lines):
        birth = "31/02/1990" if n % bad_every == 7 else f"{1 + n % 28:02d}/03/1985"
        rows.append(f"Nom{n};Prénom{n};{birth};Vendeur;01/09/2024;CDI;bruit;non")
    return ("\n".join(rows) + "\n").encode("cp1252")


def _upload(client, data: bytes):
    return client.post(
        "/espace/effectifs/import",
        data={"file": (io.BytesIO(data), "effectifs.csv")},
        content_type="multipart/form-data",
    )


def test_csv_import_of_500_lines_with_errors_in_the_background(demo_employer, db):
    response = _upload(demo_employer, _csv(500))
    location = response.headers["Location"]
    assert "/espace/effectifs/import/" in location
    queued = demo_employer.get(location, headers={"Accept": "application/json"}).get_json()
    assert queued == {"status": "pending", "done": 0, "total": 0}  # the worker runs it
    status = _wait(demo_employer, location)
    assert status["status"] == "done" and status["total"] == 500
    page = demo_employer.get(location).get_data(as_text=True)
    assert "490 salarié(s) ajouté(s)" in page
    assert "ligne 9 : date de naissance « 31/02/1990 » non reconnue" in page
    again = _wait(demo_employer, _upload(demo_employer, _csv(500)).headers["Location"])
    assert again["status"] == "done"
    db.rollback()
    assert len(db.scalars(select(Employee)).all()) == 490 + len(demo.EMPLOYEES)  # no duplicate
    job = db.scalar(select(ImportJob).order_by(ImportJob.id.desc()))
    assert job.data is None and job.report["unchanged"] == 490


def test_missing_columns_import_nothing(demo_employer, db):
    location = _upload(demo_employer, b"nom;prenom\nMartin;Leo\n").headers["Location"]
    _wait(demo_employer, location)
    assert "Colonnes obligatoires manquantes" in demo_employer.get(location).get_data(as_text=True)


def test_independents_and_other_members_cannot_reach_the_workforce(client, db, load_demo):
    load_demo(db)
    db.commit()
    client.post(
        "/espace/connexion",
        data={"email": "contact@boulangerie-dupont.fr", "password": demo.DEMO_PASSWORD},
    )
    _add(client, "Martin", "Léo", "12/03/1990")
    employee = db.scalar(select(Employee).where(Employee.last_name == "Martin"))
    make_member(
        db,
        "55210055400013",
        status="active",
        legal_name="Autre SARL",
        headcount=1,
        email="autre@autre.fr",
        account="autre@autre.fr",
    )
    db.commit()
    intruder = member_login(client.application.test_client(), "autre@autre.fr")
    assert intruder.get(f"/espace/effectifs/{employee.id}").status_code == 404
    assert "Martin" not in intruder.get("/espace/effectifs").get_data(as_text=True)
    job = _upload(client, _csv(3)).headers["Location"]
    assert intruder.get(job).status_code == 404


def test_health_situation_changes_dates_silently(demo_employer, db, staff_login, app):
    from assistant.models import AuditEntry, Role

    _add(demo_employer, "Martin", "Léo", "12/03/1990", hire_date="01/09/2026")
    before = demo_employer.get("/espace/effectifs").get_data(as_text=True)
    employee = db.scalar(select(Employee).where(Employee.last_name == "Martin"))
    nurse = app.test_client()

    nurse_user = make_staff_user(db, Role.NURSE, "inf@test.fr")
    nurse_user.centre_id = _team_centre(db, employee)  # the nurse of the employer's centre
    make_staff_user(db, Role.SECRETARY, "sec@test.fr")
    db.commit()
    secretary = app.test_client()
    secretary.post("/staff/login", data={"email": "sec@test.fr", "password": PASSWORD})
    assert secretary.get(f"/staff/salaries/{employee.id}/sante").status_code == 403
    nurse.post("/staff/login", data={"email": "inf@test.fr", "password": PASSWORD})
    assert nurse.get(f"/staff/salaries/{employee.id}/sante").status_code == 200
    nurse.post(f"/staff/salaries/{employee.id}/sante", data={"disabled": "y"})
    after = demo_employer.get("/espace/effectifs").get_data(as_text=True)
    for word in ("handicap", "invalidit", "grossesse", "situation de sant"):
        assert word.lower() not in after.lower()
    assert after.count("SI") == before.count("SI")  # the employer's category is unchanged
    db.rollback()
    assert db.scalar(select(AuditEntry).where(AuditEntry.record_type == "health_situation"))


def test_the_employer_gives_the_employees_mobile_or_gets_a_field_error(demo_employer, db):
    response = _add(demo_employer, "Martin", "Léo", "12/03/1990", phone="12 34")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="phone-error"' in page and 'value="Martin"' in page
    assert (
        _add(demo_employer, "Martin", "Léo", "12/03/1990", phone="06 12 34 56 78").status_code
        == 302
    )
    db.rollback()
    employee = db.scalar(select(Employee).where(Employee.last_name == "Martin"))
    assert employee.phone == "+33612345678"
    page = demo_employer.get(f"/espace/effectifs/{employee.id}").get_data(as_text=True)
    assert 'value="+33612345678"' in page


def _team_centre(db, employee) -> int:
    """A centre for the employee's demo_employer, so that its nurse is in charge of its workers."""
    from assistant.models import Member

    centre = make_centre(db)
    db.get(Member, employee.member_id).centre_id = centre.id
    return centre.id


def test_an_import_whose_workers_kept_dying_fails_and_tells_the_member(demo_employer, db):
    from datetime import timedelta

    from assistant.database import utcnow
    from assistant.services.workforce import import_jobs

    location = _upload(demo_employer, _csv(3)).headers["Location"]
    timeout, now = timedelta(seconds=300), utcnow()
    for _attempt in range(3):  # each claiming worker dies before its first chunk
        assert import_jobs.claim(db, now, timeout, 3) is not None
        now += timeout + timedelta(seconds=1)
    assert import_jobs.claim(db, now, timeout, 3) is None
    assert demo_employer.get(location, headers={"Accept": "application/json"}).get_json()[
        "status"
    ] == ("failed")
    page = demo_employer.get(location).get_data(as_text=True)
    assert "L'import a échoué : il a été interrompu 3 fois avant la fin." in page
    # the member is not blocked: a new upload is queued
    assert "/espace/effectifs/import/" in _upload(demo_employer, _csv(3)).headers["Location"]


def test_an_import_no_worker_took_for_an_hour_no_longer_blocks_the_member(demo_employer, db):
    from datetime import timedelta

    location = _upload(demo_employer, _csv(3)).headers["Location"]
    db.rollback()
    job = db.scalar(select(ImportJob).order_by(ImportJob.id.desc()))
    job.created_at -= timedelta(hours=1, minutes=1)  # queued while no worker ran
    db.commit()
    again = _upload(demo_employer, _csv(3)).headers["Location"]
    assert again != location and "/espace/effectifs/import/" in again
    page = demo_employer.get(location).get_data(as_text=True)
    assert "il n'a pas pu être traité dans l'heure" in page
    assert _wait(demo_employer, again)["status"] == "done"


def test_an_import_taken_over_after_its_worker_died_says_so(demo_employer, app, db):
    from datetime import date, timedelta

    from assistant.database import utcnow
    from assistant.services.workforce import import_jobs

    location = _upload(demo_employer, _csv(3)).headers["Location"]
    timeout = timedelta(seconds=300)
    assert import_jobs.claim(db, utcnow(), timeout, 3) is not None  # this worker dies
    later = utcnow() + timeout + timedelta(seconds=1)
    import_jobs.work_once(
        app.extensions["database"]["writer_sessionmaker"],
        today=lambda: date(2026, 11, 27),
        timeout=timeout,
        max_attempts=3,
        now=lambda: later,
    )
    page = demo_employer.get(location).get_data(as_text=True)
    assert "3 salarié(s) ajouté(s)" in page
    assert "L'import a été repris après une interruption" in page


def test_the_import_report_of_a_french_upload_reads_in_english(demo_employer, db):
    """Issue 15: "ligne 26 : type de contrat…" was left in French on the English page."""
    location = _upload(demo_employer, _csv(12)).headers["Location"]
    _wait(demo_employer, location)
    page = demo_employer.get(location + "?lang=en").get_data(as_text=True)
    assert "line 9: date of birth" in page
    assert "ligne 9" not in page and "non reconnue" not in page
    french = demo_employer.get(location + "?lang=fr").get_data(as_text=True)
    assert "ligne 9 : date de naissance « 31/02/1990 » non reconnue" in french
