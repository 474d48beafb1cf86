"""Fixtures: a fresh database per test (SQLite file, or a PostgreSQL schema), app, client, staff."""

from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import sqlite3
import tempfile
import uuid
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import create_engine, make_url, text

from assistant import passwords
from assistant.app import create_app
from assistant.config import TestConfig
from assistant.core.timeutil import PARIS, today_paris
from assistant.database import Base
from assistant.extensions import db as _db
from assistant.services import demo
from tests.factories import (
    CONTACT_MOBILE,
    EMPLOYER_EMAIL,
    MONDAY,
    OTHER_SIRET,
    PASSWORD,
    SIRET,
    WEEK,
    make_employee,
    make_member,
    make_planning,
    make_staff_user,
)

# One iteration instead of scrypt: hashing at production cost was most of the time of every test
# that makes an account. Production's method is checked in tests/test_passwords.py, and the
# login's equal cost for unknown accounts in tests/services/test_login_enumeration.py.
CHEAP_PASSWORD_METHOD = "pbkdf2:sha256:1"
passwords.method = CHEAP_PASSWORD_METHOD


def pytest_report_header(config):
    return f"database: {os.environ.get('TEST_DATABASE_URL') or 'SQLite (temporary files)'}"


@pytest.fixture
def database(tmp_path):
    """(url, engine options) of an empty database of this test's own."""
    pg_url = os.environ.get("TEST_DATABASE_URL")
    if not pg_url:
        yield f"sqlite:///{tmp_path / 'test.db'}", {}
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield pg_url, {"connect_args": {"options": f"-csearch_path={schema}"}}
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@functools.cache
def _sqlite_schema() -> Path:
    """A SQLite file with the empty schema, made once per process: copying it takes a
    millisecond, `create_all` a tenth of a second (for each of some 2,000 tests)."""
    folder = Path(tempfile.mkdtemp(prefix="spsti-schema-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "schema.db"
    app = create_app(TestConfig(folder / "instance", f"sqlite:///{path}"))
    with app.app_context():
        Base.metadata.create_all(_db.engine)
        _db.engine.dispose()
    with closing(sqlite3.connect(path)) as connection:  # everything in the file, none in its WAL
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def make_app(tmp_path, database, create_schema=True, **overrides):
    url, engine_options = database
    if create_schema and url.startswith("sqlite:///"):
        path = Path(make_url(url).database)
        if not path.exists():  # a new SQLite database: the schema copied
            shutil.copyfile(_sqlite_schema(), path)
            create_schema = False
    config = TestConfig(tmp_path / "instance", url, ENGINE_OPTIONS=engine_options, **overrides)
    app = create_app(config)
    if create_schema:
        with app.app_context():
            Base.metadata.create_all(_db.engine)
    return app


@pytest.fixture
def app(tmp_path, database):
    app = make_app(tmp_path, database)
    yield app
    with app.app_context():
        _db.engine.dispose()


# Every test runs on one clock: a Monday morning in Paris, moving on from there as time passes
# (tick), so that a date-dependent test means the same whatever the day it runs (weekends,
# holidays, the end of a month). Tests marked `real_clock` keep the machine's: another process
# writes times they compare.
FIXED_NOW = datetime(2026, 11, 23, 8, 30, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _fixed_clock(request):
    if request.node.get_closest_marker("real_clock"):
        yield
        return
    with time_machine.travel(FIXED_NOW, tick=True):
        yield


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """A SQLite file with the schema and the demo service, built once per worker process."""
    folder = tmp_path_factory.mktemp("demo")
    app = make_app(folder, (f"sqlite:///{folder / 'demo.db'}", {}))
    with (
        time_machine.travel(FIXED_NOW, tick=True),
        app.extensions["database"]["sessionmaker"]() as session,
    ):
        demo.load(session)
        session.commit()
    app.extensions["database"]["engine"].dispose()  # checkpoints the WAL into the file
    return folder / "demo.db"


@pytest.fixture
def load_demo(request):
    """`load_demo(session)`: the demo service in the test's empty database, committed.

    On SQLite the worker's `demo_template` is copied in (SQLite's backup API, so the app's engine
    may already be open); on PostgreSQL it is built again, as `flask demo load` does. The demo
    dates come from the clock when the template was built, a few minutes earlier at most."""

    def _load(session):
        assert demo.is_empty(session), "load_demo replaces the whole database: call it first"
        engine = session.get_bind()
        if engine.dialect.name != "sqlite":
            demo.load(session)
            session.commit()
            return
        session.commit()
        template = request.getfixturevalue("demo_template")
        with (
            closing(sqlite3.connect(template)) as source,
            closing(sqlite3.connect(engine.url.database)) as target,
        ):
            source.backup(target)
        session.expire_all()

    return _load


@pytest.fixture
def demo_data(db, load_demo):
    """The demo service in the test's database."""
    load_demo(db)


@pytest.fixture
def demo_employer(app, demo_data):
    """A client of its own signed in as the demo employer (the bakery)."""
    client = app.test_client()
    response = client.post(
        "/espace/connexion",
        data={"email": "contact@boulangerie-dupont.fr", "password": demo.DEMO_PASSWORD},
    )
    assert response.status_code == 302
    return client


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    """A session of the test's own, as another process would have (no shared app context)."""
    session = app.extensions["database"]["sessionmaker"]()
    yield session
    session.close()


@pytest.fixture
def make_staff(app):
    """`make_staff(role)`: a staff account of that role, committed; returns its e-mail."""

    def _make(role="admin", email=None, password=PASSWORD):
        with app.app_context():
            user = make_staff_user(_db.session, role, email, password=password)
            _db.session.commit()
            return user.email

    return _make


@pytest.fixture
def staff_login(client, make_staff):
    """Log the test client in as a new staff member of the given role; returns the e-mail."""

    def _login(role="admin"):
        email = make_staff(role)
        response = client.post("/staff/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.data
        return email

    return _login


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


# --- the factories' usual rows (tests/factories.py) ---------------------------------------


@pytest.fixture
def employer(db):
    """The Boulangerie Dupont (SIRET), an active employer with an e-mail address and an account
    (EMPLOYER_EMAIL, PASSWORD); flushed. The member most tests need."""
    return make_member(
        db,
        SIRET,
        status="active",
        legal_name="Boulangerie Dupont",
        email=EMPLOYER_EMAIL,
        account=EMPLOYER_EMAIL,
    )


@pytest.fixture
def member(employer):
    """The same member, where its being an employer is beside the point."""
    return employer


@pytest.fixture
def other(db):
    """The Garage Leroy (OTHER_SIRET), a second active employer: one member never reaches
    another's data."""
    return make_member(db, OTHER_SIRET, status="active", legal_name="Garage Leroy")


@pytest.fixture
def employee(db, employer):
    """Alex Durand, an employee of `employer`, whose mobile the employer typed (not proven)."""
    return make_employee(db, employer, phone=CONTACT_MOBILE)


@pytest.fixture
def plan(db):
    """The planning of fixed dates, for the services' tests: from MONDAY, the doctor Monday to
    Friday 9:00–12:00 and the nurse's teleconsultations on Tuesdays and Thursdays, two weeks of
    slots; flushed."""
    return make_planning(db, first=MONDAY, doctor_days=range(5), nurse_days=(1, 3))


@pytest.fixture
def today_plan(db):
    """A planning from today, committed: the doctor every morning, the nurse's
    teleconsultations every afternoon, the slots of two weeks from tomorrow."""
    plan = make_planning(db, nurse_days=WEEK, slots_from=today_paris() + timedelta(days=1))
    db.commit()
    return plan


@pytest.fixture
def slots(db):
    """The doctor alone, every morning, with three weeks of slots from today; committed."""
    plan = make_planning(db, days=21)
    db.commit()
    return plan
