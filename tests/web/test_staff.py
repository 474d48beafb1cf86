"""Back-office access: login, logout, CSRF, failed-login limit, roles on every staff page."""

import pytest
from sqlalchemy import select

from assistant.models import AuditEntry, Role
from assistant.services import audit
from tests.conftest import csrf_token, make_app
from tests.factories import PASSWORD
from tests.web.helpers import read


def test_login_page_is_french_and_labelled(client):
    page = client.get("/staff/login").get_data(as_text=True)
    assert '<label for="email">Adresse e-mail</label>' in page
    assert '<label for="password">Mot de passe</label>' in page


def test_staff_pages_need_a_login(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


def test_login_and_logout(client, make_staff, db):
    email = make_staff("secretary")
    response = client.post("/staff/login", data={"email": email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/staff/").get_data(as_text=True)
    assert "Secrétaire médical" in page
    assert client.post("/staff/logout").status_code == 302
    assert client.get("/staff/").status_code == 302
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["login", "logout"]


def test_wrong_password_says_so_without_saying_which(client, make_staff):
    email = make_staff()
    page = client.post("/staff/login", data={"email": email, "password": "nope-nope-nope"})
    assert "Adresse e-mail ou mot de passe incorrect." in page.get_data(as_text=True)
    unknown = client.post("/staff/login", data={"email": "x@y.fr", "password": "nope-nope-nope"})
    assert "Adresse e-mail ou mot de passe incorrect." in unknown.get_data(as_text=True)


def test_empty_fields_get_field_errors(client):
    page = client.post("/staff/login", data={"email": "pas-un-email", "password": ""})
    text = page.get_data(as_text=True)
    assert "Cette adresse e-mail n'est pas valide." in text
    assert "Indiquez votre mot de passe." in text
    assert 'value="pas-un-email"' in text  # what the user typed is kept


def test_five_failures_lock_the_account_even_with_the_right_password(client, make_staff):
    email = make_staff()
    for _ in range(5):
        client.post("/staff/login", data={"email": email, "password": "wrong-password"})
    response = client.post("/staff/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives manquées" in response.get_data(as_text=True)


def test_lock_expires(app, db, make_staff):
    from datetime import timedelta

    from assistant.database import utcnow
    from assistant.services.membership.staff import authenticate

    email = make_staff()
    start = utcnow()
    for _ in range(5):
        authenticate(db, email, "bad", "10.0.0.1", 5, timedelta(minutes=15), now=start)
    locked = authenticate(
        db, email, PASSWORD, "10.0.0.1", 5, timedelta(minutes=15), now=start + timedelta(minutes=14)
    )
    assert locked.user is None and locked.locked_until is not None
    later = authenticate(
        db, email, PASSWORD, "10.0.0.1", 5, timedelta(minutes=15), now=start + timedelta(minutes=16)
    )
    assert later.user is not None


def test_login_form_needs_a_csrf_token(tmp_path, database, make_staff):
    app = make_app(tmp_path, database, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    from assistant.extensions import db
    from tests.factories import make_staff_user

    with app.app_context():
        make_staff_user(db.session, "admin", "csrf@test.fr")
        db.session.commit()
    refused = client.post("/staff/login", data={"email": "csrf@test.fr", "password": PASSWORD})
    assert refused.status_code == 400
    assert "Formulaire expiré" in refused.get_data(as_text=True)
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    accepted = client.post(
        "/staff/login", data={"email": "csrf@test.fr", "password": PASSWORD, "csrf_token": token}
    )
    assert accepted.status_code == 302
    with app.app_context():
        db.engine.dispose()


def test_open_redirect_is_refused(client, make_staff):
    email = make_staff()
    response = client.post(
        "/staff/login?next=https://evil.example/", data={"email": email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/staff/"


ADMIN_ONLY = ["/staff/tarifs", "/staff/journal"]


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("url", ADMIN_ONLY)
def test_admin_pages_by_role(client, staff_login, role, url):
    staff_login(role)
    expected = 200 if role == Role.ADMIN else 403
    assert client.get(url).status_code == expected


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_role_reaches_the_dashboard(client, staff_login, role):
    staff_login(role)
    assert client.get("/staff/").status_code == 200


def test_every_staff_view_declares_its_roles_or_is_open_to_all_staff(app):
    """A new staff view must either be decorated or be knowingly open to every role."""
    open_to_all_staff = {"staff.login", "staff.logout", "staff.dashboard"}
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("staff.") and endpoint not in open_to_all_staff:
            assert getattr(view, "allowed_roles", None), f"{endpoint} has no role check"


def test_deactivated_staff_is_logged_out(client, db, staff_login):
    from assistant.models import StaffUser

    email = staff_login("doctor")
    user = db.scalar(select(StaffUser).where(StaffUser.email == email))
    user.active = False
    db.commit()
    assert client.get("/staff/").status_code == 302


def _journal_rows(db):
    """Rows as the code writes them, and as older rows were written (text, some in English)."""
    db.add_all(
        [
            AuditEntry(
                actor="member:1",
                action="read",
                record_type="member",
                record_id="1",
                detail="visites",
            ),
            AuditEntry(
                actor="staff:1",
                action="read",
                record_type="visit_queue",
                detail="3 waiting, 1 to move",
            ),
            AuditEntry(
                actor="system",
                action="generate",
                record_type="slot",
                detail=audit.detail("slots_opened", since="2026-11-30", weeks=2, created=40),
            ),
            AuditEntry(
                actor="phone:+33612",
                action="cancel",
                record_type="visit",
                record_id="7",
                detail="Salariée en congés",
            ),
        ]
    )
    db.commit()


def test_the_journal_words_every_row_in_french(client, db, staff_login):
    """Issue 15: the journal showed raw codes ("read", "visit_queue") and English sentences."""
    _journal_rows(db)
    staff_login("admin")
    page = read(client.get("/staff/journal"))
    assert "Consultation" in page and "liste des visites" in page and "Adhérent 1" in page
    assert "3 en attente, 1 à déplacer" in page and "waiting" not in page
    assert "40 créneaux ouverts sur 2 semaines à partir du 30 nov. 2026" in page
    assert "Connexion" in page and "Compte du service" in page  # the admin's own login
    assert "Salariée en congés" in page  # what a person typed stays as typed
    for code in (">read<", ">visit_queue", ">generate<", ">login<"):
        assert code not in page


def test_the_journal_in_english(client, db, staff_login):
    """Issue 15: "the staff journal details" were left in French with ?lang=en."""
    _journal_rows(db)
    staff_login("admin")
    page = read(client.get("/staff/journal?lang=en"))
    assert "Data access log" in page
    assert "Data viewed" in page and "list of visits" in page and "Member 1" in page
    assert "3 waiting, 1 to move" in page
    assert "40 slots opened over 2 weeks from 30 Nov 2026" in page
    for french in ("Consultation", "liste des visites", "en attente", "Adhérent", "créneaux"):
        assert french not in page, french


def test_the_queue_names_an_independents_exam_for_what_it_is(client, db, staff_login):
    """Issue 15: a self-employed worker's exam was named "à l'embauche" (no hiring), in the
    back-office too."""
    from assistant.database import utcnow
    from assistant.services.visits import visit_requests
    from tests.factories import make_member

    independent = make_member(db, "44306184100047", kind="independent", status="active")
    request = visit_requests.Request(visit_type="sir_embauche", requested_by="independent")
    visit_requests.request_visit(
        db, "test", member=independent, employee=None, request=request, now=utcnow(), auto=True
    )
    db.commit()
    staff_login("secretary")
    page = read(client.get("/staff/file-attente"))
    assert "début d'activité" in page and "embauche" not in page, page[page.find("<main") :]
