"""Sessions end server-side: logging out kills the cookie, idle sessions time out, forwarded
headers are trusted only behind configured proxies, and a weak SECRET_KEY stops production."""

import time

import pytest
from sqlalchemy import select

from assistant.config import Config
from assistant.models import AuditEntry, MemberUser, StaffUser
from assistant.services import demo
from tests.conftest import make_app
from tests.factories import PASSWORD


def _login_employer(client):
    response = client.post(
        "/espace/connexion",
        data={"email": "contact@boulangerie-dupont.fr", "password": demo.DEMO_PASSWORD},
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_staff_cookie_replayed_after_logout_is_refused(client, staff_login):
    staff_login("doctor")
    stolen = client.get_cookie("session").value
    assert client.get("/staff/").status_code == 200
    client.post("/staff/logout")
    client.set_cookie("session", stolen)
    replayed = client.get("/staff/")
    assert replayed.status_code == 302 and "/staff/login" in replayed.headers["Location"]


def test_a_member_cookie_replayed_after_logout_is_refused(client, demo_data):
    _login_employer(client)
    stolen = client.get_cookie("session").value
    assert client.get("/espace/").status_code == 200
    client.post("/espace/deconnexion")
    client.set_cookie("session", stolen)
    replayed = client.get("/espace/")
    assert replayed.status_code == 302 and "/espace/connexion" in replayed.headers["Location"]


def test_logging_out_ends_the_other_sessions_of_the_account(app, make_staff):
    email = make_staff("secretary")
    laptop, phone = app.test_client(), app.test_client()
    for client in (laptop, phone):
        client.post("/staff/login", data={"email": email, "password": PASSWORD})
    laptop.post("/staff/logout")
    assert phone.get("/staff/").status_code == 302


def test_a_new_login_after_logout_works(client, staff_login, db):
    email = staff_login("nurse")
    client.post("/staff/logout")
    assert (
        client.post("/staff/login", data={"email": email, "password": PASSWORD}).status_code == 302
    )
    assert client.get("/staff/").status_code == 200
    assert db.scalar(select(StaffUser.session_version).where(StaffUser.email == email)) == 2


def _idle(client, minutes):
    """Pretend the last request of this browser was `minutes` ago."""
    with client.session_transaction() as session:
        session["_last_seen"] = time.time() - minutes * 60


@pytest.mark.parametrize(("minutes", "status"), [(29, 200), (31, 302)])
def test_staff_sessions_time_out_after_30_idle_minutes(client, staff_login, minutes, status):
    staff_login("doctor")
    _idle(client, minutes)
    response = client.get("/staff/")
    assert response.status_code == status
    if status == 302:
        assert "/staff/login" in response.headers["Location"]
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "inactivité" in page
        assert client.get("/staff/").status_code == 302  # and it stays logged out


@pytest.mark.parametrize(("minutes", "status"), [(31, 200), (119, 200), (121, 302)])
def test_member_sessions_last_longer(client, demo_data, minutes, status):
    _login_employer(client)
    _idle(client, minutes)
    response = client.get("/espace/")
    assert response.status_code == status
    if status == 302:
        assert "/espace/connexion" in response.headers["Location"]


def test_idle_limits_come_from_the_configuration(tmp_path, database):
    app = make_app(tmp_path, database, STAFF_IDLE_MINUTES=5)
    with app.app_context():
        from assistant.extensions import db
        from tests.factories import make_staff_user

        make_staff_user(db.session, "admin", "a@test.fr")
        db.session.commit()
    client = app.test_client()
    client.post("/staff/login", data={"email": "a@test.fr", "password": PASSWORD})
    _idle(client, 6)
    assert client.get("/staff/").status_code == 302
    with app.app_context():
        from assistant.extensions import db

        db.engine.dispose()


def test_each_request_restarts_the_idle_clock(client, staff_login):
    staff_login("doctor")
    _idle(client, 20)
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        assert time.time() - session["_last_seen"] < 60


# --- forwarded headers ------------------------------------------------------------------------


def test_forwarded_for_is_ignored_without_trusted_proxies(client, db, make_staff):
    email = make_staff("admin")
    client.post(
        "/staff/login",
        data={"email": email, "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "login"))
    assert entry.ip == "127.0.0.1"


def test_forwarded_for_defeats_no_address_limit(client, make_staff):
    """Changing X-Forwarded-For at each try does not reset the per-address limit."""
    emails = [make_staff("admin") for _ in range(4)]
    for number in range(20):  # 4 × 5 failures from one address, on accounts never locked alone
        client.post(
            "/staff/login",
            data={"email": emails[number % 4], "password": "wrong"},
            headers={"X-Forwarded-For": f"198.51.100.{number}"},
        )
    refused = client.post(
        "/staff/login",
        data={"email": make_staff("admin"), "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.200"},
    )
    assert refused.status_code == 429


def test_forwarded_for_is_trusted_behind_configured_proxies(tmp_path, database):
    app = make_app(tmp_path, database, TRUSTED_PROXIES=1)
    with app.app_context():
        from assistant.extensions import db
        from tests.factories import make_staff_user

        make_staff_user(db.session, "admin", "a@test.fr")
        db.session.commit()
    client = app.test_client()
    client.post(
        "/staff/login",
        data={"email": "a@test.fr", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"},
    )
    with app.app_context():
        from assistant.extensions import db

        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "login"))
        assert entry.ip == "203.0.113.9"  # the address the one trusted proxy saw
        db.engine.dispose()


def test_trusted_proxies_comes_from_the_environment(tmp_path):
    key = "k" * 32
    assert Config(tmp_path, {"SECRET_KEY": key}).TRUSTED_PROXIES == 0
    assert Config(tmp_path, {"SECRET_KEY": key, "TRUSTED_PROXIES": "2"}).TRUSTED_PROXIES == 2


# --- the secret key ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["x", "s" * 31, "é" * 15])
def test_production_refuses_a_short_secret_key(tmp_path, key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        Config(tmp_path, {"APP_ENV": "production", "SECRET_KEY": key})


def test_production_accepts_a_long_secret_key(tmp_path):
    assert Config(tmp_path, {"APP_ENV": "production", "SECRET_KEY": "s" * 32}).SECRET_KEY


def test_the_session_version_is_checked_for_members_too(client, db, demo_data):
    _login_employer(client)
    user = db.scalar(select(MemberUser).where(MemberUser.email == "contact@boulangerie-dupont.fr"))
    user.session_version += 1  # what a logout elsewhere does
    db.commit()
    assert client.get("/espace/").status_code == 302
