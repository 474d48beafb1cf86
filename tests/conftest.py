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
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from assistant import passwords
from assistant.app import create_app
from assistant.config import TestConfig
from assistant.database import Base
from assistant.extensions import db as _db
from assistant.services import demo
from assistant.services.membership.staff import create_staff

PASSWORD = "correct-horse-battery"

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


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """A SQLite file with the schema and the demo service, built once per worker process."""
    folder = tmp_path_factory.mktemp("demo")
    app = make_app(folder, (f"sqlite:///{folder / 'demo.db'}", {}))
    with app.extensions["database"]["sessionmaker"]() as session:
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
    def _make(role="admin", email=None, password=PASSWORD):
        with app.app_context():
            user = create_staff(
                _db.session,
                "test",
                email or f"{role}-{uuid.uuid4().hex[:6]}@test.fr",
                f"Test {role}",
                role,
                password,
            )
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


def make_member(db, siret: str, kind: str = "employer", risks=None):
    """A bare member row (the smallest a service test needs), flushed, not committed."""
    from assistant.models import Member

    member = Member(
        kind=kind,
        siret=siret,
        siren=siret[:9],
        legal_name=f"Société {siret}",
        main_risks=risks or [],
    )
    db.add(member)
    db.flush()
    return member


@pytest.fixture
def member(db):
    return make_member(db, "73282932000074")


@pytest.fixture
def other(db):
    """A second member, to check that one member never reaches another's data."""
    return make_member(db, "55203253400646")


def prove_mobile(session, employee, phone: str | None = None):
    """The worker behind `employee` proved `phone` (their contact number by default), as a
    professional records it at a visit; returns the worker."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from assistant.models import Worker

    phone = phone or employee.phone
    holder = session.scalar(select(Worker).where(Worker.phone == phone))
    if holder is not None:  # the same person, proven already with another employer
        employee.worker_id = holder.id
        employee.worker = holder
        session.flush()
        return holder
    worker = employee.worker
    if worker is None:
        worker = Worker()
        session.add(worker)
        session.flush()
        employee.worker_id = worker.id
        employee.worker = worker
    worker.phone = phone
    worker.phone_proven_at = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    worker.phone_proven_by = "staff:test"
    session.flush()
    return worker


def make_daily_planning(session, role="doctor", name="Centre de Paris 11", days=21):
    """A place and a professional of `role` working every day 9:00–12:00 in 30-minute slots,
    with the slots of `days` days from today; committed. Returns the place."""
    from datetime import time

    from assistant.core.timeutil import today_paris
    from assistant.models import Centre, WorkPattern
    from assistant.services.visits import planning

    today = today_paris()
    centre = Centre(name=name, kind="fixed")
    session.add(centre)
    session.flush()
    email = f"{role}-{uuid.uuid4().hex[:6]}@test.fr"
    staff = create_staff(session, "test", email, f"Test {role}", role, PASSWORD)
    session.add_all(
        WorkPattern(
            staff_id=staff.id,
            centre_id=centre.id,
            weekday=weekday,
            starts=time(9),
            ends=time(12),
            slot_minutes=30,
            valid_from=today,
        )
        for weekday in range(7)
    )
    session.flush()
    planning.generate_slots(session, today, days)
    session.commit()
    return centre
