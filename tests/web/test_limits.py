"""Limits and bad input on the web: body size, ids out of range, empty dates, cache headers,
audit IPs, wizard rows, parallel writers on SQLite."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from assistant.database import utcnow
from assistant.models import AuditEntry, DialogueState, Employee
from assistant.services import demo
from tests.conftest import make_app
from tests.web.helpers import _wait

# --- request bodies ---------------------------------------------------------------------------


def test_a_large_anonymous_post_is_refused_before_it_is_read(tmp_path, database):
    app = make_app(tmp_path, database, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post(
        "/chat",
        data=b"message=" + b"x" * (3 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "trop volumineu" in page and "<h1>" in page


def test_the_csv_upload_may_be_larger_than_other_forms(tmp_path, database, load_demo):
    # limits small enough for the test client to keep bodies in memory (under 500 kB)
    app = make_app(tmp_path, database, MAX_CONTENT_LENGTH=100_000, IMPORT_MAX_BYTES=400_000)
    client = app.test_client()
    session = app.extensions["database"]["sessionmaker"]()
    load_demo(session)
    session.commit()
    session.close()
    client.post(
        "/espace/connexion",
        data={"email": "contact@boulangerie-dupont.fr", "password": demo.DEMO_PASSWORD},
    )
    upload = ("nom;prenom\n" + "Martin;Léo\n" * 25_000).encode()  # about 300 kB
    response = client.post(
        "/espace/effectifs/import",
        data={"file": (io.BytesIO(upload), "effectifs.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert client.post("/chat", data={"message": "x" * 200_000}).status_code == 413
    too_big = client.post(
        "/espace/effectifs/import",
        data={"file": (io.BytesIO(upload + upload[:150_000]), "effectifs.csv")},
        content_type="multipart/form-data",
    )
    assert too_big.status_code == 413
    assert "391 Ko au plus" in too_big.get_data(as_text=True).replace("\u202f", " ")
    with app.app_context():
        db_engine = app.extensions["database"]["engine"]
        db_engine.dispose()


# --- bad input, never a 500 ------------------------------------------------------------------


def test_an_empty_departure_date_is_a_clear_message(demo_employer, db):
    employee_id = db.scalar(select(Employee.id).limit(1))
    response = demo_employer.post(f"/espace/effectifs/{employee_id}/depart", data={"left_on": ""})
    assert response.status_code == 302
    page = demo_employer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Indiquez une date" in page


@pytest.mark.parametrize(
    "url",
    [
        "/espace/visites/99999999999999999999999",
        "/espace/effectifs/99999999999999999999999",
        "/espace/effectifs/import/18446744073709551616",
        "/espace/effectifs/9223372036854775808",
        "/espace/effectifs/2147483648",
    ],
)
def test_member_ids_out_of_range_are_not_found(demo_employer, url):
    assert demo_employer.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/staff/salaries/99999999999999999999999/sante",
        "/staff/adherents/99999999999999999999999",
        "/staff/visites/99999999999999999999999/issue",
        "/staff/adherents/1/fiche/99999999999999999999999.pdf",
        "/staff/planning/lieux/99999999999999999999999",
    ],
)
def test_staff_ids_out_of_range_are_not_found(staff_login, client, url):
    staff_login("admin")
    assert client.get(url).status_code == 404


def test_employee_space_ids_out_of_range_are_not_found(client):
    # not signed in: a known route sends to the login page, an impossible id is not found
    assert client.get("/salarie/visite/1/creneau").status_code == 302
    assert client.get("/salarie/visite/99999999999999999999999/creneau").status_code == 404


def test_ids_stop_at_the_columns_range(app):
    """Ids are INTEGER columns on PostgreSQL: the converter stops there, on every backend."""
    from werkzeug.exceptions import NotFound

    urls = app.url_map.bind("localhost")
    assert urls.match("/espace/effectifs/2147483647")[0] == "member.employee_edit"
    with pytest.raises(NotFound):
        urls.match("/espace/effectifs/2147483648")


# --- headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/chat", "/adhesion/entreprise/entreprise"])
def test_pages_with_personal_data_are_not_stored(client, url):
    assert client.get(url).headers.get("Cache-Control") == "no-store"


def test_member_and_staff_pages_are_not_stored(demo_employer, app):
    assert demo_employer.get("/espace/effectifs").headers["Cache-Control"] == "no-store"
    assert app.test_client().get("/staff/login").headers["Cache-Control"] == "no-store"


def test_hsts_only_when_the_public_url_is_https(tmp_path, database, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    app = make_app(tmp_path / "https", database, PUBLIC_BASE_URL="https://sante.example")
    header = app.test_client().get("/").headers.get("Strict-Transport-Security", "")
    assert header.startswith("max-age=") and int(header.split("=")[1].split(";")[0]) >= 15552000


# --- the adhesion wizard's rows ----------------------------------------------------------------


def test_visiting_the_wizard_creates_no_row_until_the_first_answer(client, db):
    for _ in range(3):
        client.get("/adhesion/entreprise", follow_redirects=True)
        client.get("/adhesion/entreprise/entreprise")
    assert db.scalar(select(func.count()).select_from(DialogueState)) == 0
    response = client.post(
        "/adhesion/entreprise/entreprise",
        data={"siret": "552 100 554 00013", "legal_name": "Menuiserie Petit"},
    )
    assert response.status_code == 302
    db.rollback()
    assert db.scalar(select(func.count()).select_from(DialogueState)) == 1
    client.get("/adhesion/entreprise", follow_redirects=True)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(DialogueState)) == 1


def test_expired_dialogue_rows_are_purged(app, db):
    now = utcnow()
    old = now - timedelta(days=app.config["DIALOGUE_STATE_DAYS"] + 1)
    db.add(
        DialogueState(key="web:old:employer", journey="employer", created_at=old, updated_at=old)
    )
    db.add(
        DialogueState(key="web:new:employer", journey="employer", created_at=now, updated_at=now)
    )
    db.commit()
    result = app.test_cli_runner().invoke(args=["dialogues", "purge"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    db.expire_all()
    assert list(db.scalars(select(DialogueState.key))) == ["web:new:employer"]


# --- the audit log ------------------------------------------------------------------------------


def test_audit_rows_written_during_a_request_carry_its_ip(demo_employer, db, app, make_staff):
    from tests.factories import PASSWORD

    before = db.scalar(select(func.max(AuditEntry.id)))
    demo_employer.get("/espace/")  # the test client's address is 127.0.0.1
    demo_employer.post(
        "/espace/effectifs/nouveau",
        data={
            "last_name": "Martin",
            "first_name": "Léo",
            "birth_date": "12/03/1990",
            "job": "Boulanger",
            "hire_date": "01/09/2026",
            "contract_type": "cdi",
            "contract_end": "",
        },
    )
    staff = app.test_client()
    email = make_staff("admin")
    staff.post(
        "/staff/login",
        data={"email": email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.9"},
    )
    db.rollback()
    rows = db.scalars(
        select(AuditEntry).where(AuditEntry.id > before, AuditEntry.actor != "test")
    ).all()
    assert {(row.action, row.record_type) for row in rows} >= {
        ("read", "member"),
        ("create", "employee"),
    }
    assert all(row.ip for row in rows), [(r.action, r.record_type, r.ip) for r in rows]
    assert {row.ip for row in rows} == {"127.0.0.1", "198.51.100.9"}


def test_the_employer_reading_its_workforce_is_audited(demo_employer, db):
    employee_id = db.scalar(select(Employee.id).limit(1))
    demo_employer.get("/espace/effectifs")
    demo_employer.get(f"/espace/effectifs/{employee_id}")
    db.rollback()
    reads = db.execute(
        select(AuditEntry.record_type, AuditEntry.record_id, AuditEntry.ip).where(
            AuditEntry.action == "read", AuditEntry.record_type == "employee"
        )
    ).all()
    assert ("employee", str(employee_id), "127.0.0.1") in reads
    listing = db.scalar(
        select(AuditEntry).where(AuditEntry.action == "read", AuditEntry.detail == "effectifs")
    )
    assert listing is not None


# --- parallel writers on SQLite ------------------------------------------------------------------


def test_parallel_web_writes_on_sqlite_never_fail(tmp_path, database, app, db, load_demo):
    if not database[0].startswith("sqlite"):
        pytest.skip("SQLite's write lock only")
    load_demo(db)
    db.commit()
    failures: list = []
    barrier = threading.Barrier(6, timeout=30)

    def visitor(n: int) -> None:
        try:
            _visit(n)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append((n, repr(error)))

    def _visit(n: int) -> None:
        client = app.test_client()
        response = client.post(
            "/espace/connexion",
            data={"email": "contact@boulangerie-dupont.fr", "password": demo.DEMO_PASSWORD},
        )
        if response.status_code != 302:
            failures.append(("login", response.status_code))
        barrier.wait()
        for i in range(6):
            # each request reads (the member, the workforce), then writes
            response = client.post(
                "/espace/effectifs/nouveau",
                data={
                    "last_name": f"Nom{n}x{i}",
                    "first_name": "Léo",
                    "birth_date": "12/03/1990",
                    "job": "Boulanger",
                    "hire_date": "01/09/2026",
                    "contract_type": "cdi",
                    "contract_end": "",
                },
            )
            if response.status_code != 302:
                failures.append((n, i, response.status_code))
            if client.get("/espace/").status_code != 200:
                failures.append((n, i, "read"))

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    db.rollback()
    assert (
        db.scalar(
            select(func.count())
            .select_from(Employee)
            .where(Employee.first_name == "Léo", Employee.last_name.like("Nom%"))
        )
        == 36
    )


# --- one import at a time ------------------------------------------------------------------------


def test_one_unfinished_import_per_member_held_by_the_database(demo_employer, db):
    from sqlalchemy.exc import IntegrityError

    from assistant.models import ImportJob, Member

    member_id = db.scalar(select(Member.id).where(Member.email == "contact@boulangerie-dupont.fr"))
    db.add(ImportJob(member_id=member_id, status="running", actor="member:1"))
    db.commit()
    db.add(ImportJob(member_id=member_id, status="pending", actor="member:1"))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()
    db.add(ImportJob(member_id=member_id, status="done", actor="member:1"))
    db.commit()

    response = demo_employer.post(
        "/espace/effectifs/import",
        data={"file": (io.BytesIO(b"nom;prenom\nMartin;Leo\n"), "effectifs.csv")},
        content_type="multipart/form-data",
    )
    assert response.headers["Location"].endswith("/espace/effectifs")
    page = demo_employer.get("/espace/effectifs").get_data(as_text=True)
    assert "déjà en cours" in page
    db.rollback()
    assert db.scalar(select(func.count()).select_from(ImportJob)) == 2


def test_a_file_past_the_line_cap_is_refused_with_a_clear_message(tmp_path, database, load_demo):
    app = make_app(tmp_path, database, IMPORT_MAX_LINES=3)
    session = app.extensions["database"]["sessionmaker"]()
    load_demo(session)
    session.commit()
    session.close()
    client = app.test_client()
    client.post(
        "/espace/connexion",
        data={"email": "contact@boulangerie-dupont.fr", "password": demo.DEMO_PASSWORD},
    )
    header = "nom;prenom;date_naissance;poste;date_embauche;contrat"
    lines = [f"Nom{n};Léa;12/03/1990;Vendeuse;01/09/2024;CDI" for n in range(4)]
    response = client.post(
        "/espace/effectifs/import",
        data={"file": (io.BytesIO("\n".join([header, *lines]).encode()), "e.csv")},
        content_type="multipart/form-data",
    )
    assert _wait(client, response.headers["Location"])["status"] == "done"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 au plus" in page and "rien n&#39;a été importé" in page
    with app.app_context():
        app.extensions["database"]["engine"].dispose()
