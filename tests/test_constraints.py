"""The database refuses what the code relies on never being stored: enum-like columns hold one of
their values, a birth date is a date, and the visits of a worker (with their outcome and medical
notes) are never deleted with the employment or the member. Each on the schema the models create
and on the one the migrations build; on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Date, delete, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError

from assistant import migrate
from assistant.extensions import db as _db
from assistant.models import (
    Centre,
    Employee,
    MedicalNote,
    Member,
    OutboxMessage,
    StaffUser,
    TariffRate,
    Visit,
    VisitOutcome,
)
from tests.conftest import make_app

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["models", "migrations"])
def session(request, tmp_path, database):
    """A session on a schema built by `Base.metadata.create_all` or by the migrations."""
    by_models = request.param == "models"
    app = make_app(tmp_path, database, create_schema=by_models)
    with app.app_context():
        engine = _db.engine
    if not by_models:
        migrate.upgrade(engine)
    session = app.extensions["database"]["sessionmaker"]()
    yield session
    session.close()
    engine.dispose()


def add(session, model, **values) -> int:
    """Insert one row with a plain INSERT (no Python check on the way), return its id."""
    return session.execute(insert(model).values(**values).returning(model.id)).scalar_one()


def member_row(siret="73282932000074", **changes) -> dict:
    return {
        "kind": "employer",
        "status": "active",
        "siret": siret,
        "siren": siret[:9],
        "legal_name": "Boulangerie Durand",
        "headcount": 3,
        "main_risks": [],
        "locale": "fr",
        **changes,
    }


def staff_row(**changes) -> dict:
    return {
        "email": "dr@sante.example",
        "full_name": "Dr Martin",
        "role": "doctor",
        "password_hash": "not-a-hash",
        **changes,
    }


def outbox_row(**changes) -> dict:
    return {"channel": "sms", "recipient": "+33612345678", "body": "Bonjour", **changes}


def centre_row(**changes) -> dict:
    return {"name": "Centre Paris 11", "kind": "fixed", **changes}


def tariff_row(**changes) -> dict:
    return {"kind": "employee", "amount": 100, "effective_from": date(2026, 1, 1), **changes}


def employee_row(member_id: int, **changes) -> dict:
    return {
        "member_id": member_id,
        "last_name": "Durand",
        "first_name": "Alex",
        "last_name_folded": "durand",
        "first_name_folded": "alex",
        "birth_date": date(1990, 5, 4),
        "job": "Vendeur",
        "hire_date": date(2026, 1, 5),
        "contract_type": "cdi",
        "exposures": [],
        **changes,
    }


def visit_row(member_id: int, employee_id: int | None, **changes) -> dict:
    return {
        "member_id": member_id,
        "employee_id": employee_id,
        "visit_type": "vip_initiale",
        "status": "requested",
        "requested_by": "staff",
        "actor": "test",
        "confidential": False,
        "history": [],
        **changes,
    }


def _member(**changes):
    return Member, member_row(**changes)


# (model, row) of a row the database must refuse, by constraint
REFUSED = {
    "member.kind": lambda: _member(kind="company"),
    "member.status": lambda: _member(status="deleted"),
    "member.payment_method": lambda: _member(payment_method="cheque"),
    "staff_user.role": lambda: (StaffUser, staff_row(role="superuser")),
    "outbox_message.status": lambda: (OutboxMessage, outbox_row(status="queued")),
    "outbox_message.channel": lambda: (OutboxMessage, outbox_row(channel="fax")),
    "centre.kind": lambda: (Centre, centre_row(kind="boat")),
    "tariff_rate.kind": lambda: (TariffRate, tariff_row(kind="company")),
}


@pytest.mark.parametrize("constraint", REFUSED)
def test_a_value_outside_its_enum_is_refused(session, constraint):
    model, row = REFUSED[constraint]()
    with pytest.raises(IntegrityError):
        add(session, model, **row)
    session.rollback()


@pytest.mark.parametrize(
    ("model", "row"),
    [
        (Member, member_row(kind="independent", status="closed", payment_method="transfer")),
        (Member, member_row(status="pending", payment_method=None)),
        (StaffUser, staff_row(role="pdp")),
        (OutboxMessage, outbox_row(channel="email", status="skipped")),
        (Centre, centre_row(kind="tele")),
        (TariffRate, tariff_row(kind="independent")),
    ],
)
def test_the_values_the_code_writes_are_accepted(session, model, row):
    add(session, model, **row)
    session.commit()


def test_a_visit_modality_outside_the_modalities_is_refused(session):
    member_id = add(session, Member, **member_row())
    add(session, Visit, **visit_row(member_id, None, modality="tele"))
    add(session, Visit, **visit_row(member_id, None, visit_type="vip_periodique", modality=None))
    session.commit()
    with pytest.raises(IntegrityError):
        add(session, Visit, **visit_row(member_id, None, visit_type="reprise", modality="phone"))
    session.rollback()


def test_a_member_birth_date_is_a_date(session):
    columns = {c["name"]: c["type"] for c in inspect(session.get_bind()).get_columns("member")}
    assert isinstance(columns["birth_date"], Date)
    member_id = add(session, Member, **member_row(kind="independent", birth_date=date(1980, 3, 12)))
    session.commit()
    assert session.get(Member, member_id).birth_date == date(1980, 3, 12)


def _worker_with_records(session) -> tuple[int, int, int]:
    """(member, employee, visit) ids: a done visit with its outcome and a medical note."""
    member_id = add(session, Member, **member_row())
    employee_id = add(session, Employee, **employee_row(member_id))
    staff_id = add(session, StaffUser, **staff_row())
    visit_id = add(session, Visit, **visit_row(member_id, employee_id, status="cancelled"))
    add(session, VisitOutcome, visit_id=visit_id, kind="attestation", recorded_by_id=staff_id)
    add(session, MedicalNote, visit_id=visit_id, author_id=staff_id, text="RAS")
    session.commit()
    return member_id, employee_id, visit_id


@pytest.mark.parametrize(
    "deleted",
    ["employee", "member", "visit"],
)
def test_medical_records_are_not_deleted_with_what_they_hang_on(session, deleted):
    member_id, employee_id, visit_id = _worker_with_records(session)
    model, row_id = {
        "employee": (Employee, employee_id),
        "member": (Member, member_id),
        "visit": (Visit, visit_id),
    }[deleted]
    with pytest.raises(IntegrityError):
        session.execute(delete(model).where(model.id == row_id))
    session.rollback()
    assert session.scalar(select(VisitOutcome.id).where(VisitOutcome.visit_id == visit_id))
    assert session.scalar(select(MedicalNote.id).where(MedicalNote.visit_id == visit_id))
    assert session.get(Employee, employee_id) is not None


def test_an_employee_without_visits_may_still_be_deleted(session):
    member_id = add(session, Member, **member_row())
    employee_id = add(session, Employee, **employee_row(member_id))
    session.commit()
    session.execute(delete(Employee).where(Employee.id == employee_id))
    session.commit()
    assert session.get(Employee, employee_id) is None


# --- the upgrade of a database in use ----------------------------------------------------------


def _rows_before_0008(connection) -> None:
    """What a 0007 database may hold: birth dates as text (one not a date), a worker's visit
    with its outcome and medical note, messages in the outbox."""
    run = connection.execute
    for siret, kind, born in (
        ("73282932000074", "employer", None),
        ("44306184100047", "independent", "1980-03-12"),
        ("40483304800022", "independent", "pas-date"),
    ):
        run(
            text(
                "INSERT INTO member (kind, status, siret, siren, legal_name, headcount, "
                "birth_date, main_risks, locale, created_at) VALUES (:kind, 'active', :siret, "
                ":siren, 'Membre', 0, :born, '[]', 'fr', :now)"
            ),
            {"kind": kind, "siret": siret, "siren": siret[:9], "born": born, "now": NOW},
        )
    run(
        text(
            "INSERT INTO staff_user (email, full_name, role, password_hash, active, created_at, "
            "session_version) VALUES ('dr@sante.example', 'Dr Martin', 'doctor', 'x', :t, :now, 1)"
        ),
        {"now": NOW, "t": True},
    )
    run(
        text(
            "INSERT INTO employee (member_id, last_name, first_name, last_name_folded, "
            "first_name_folded, birth_date, job, hire_date, contract_type, exposures, "
            "night_worker, created_at, updated_at) VALUES (1, 'Durand', 'Alex', 'durand', "
            "'alex', :born, 'Vendeur', :hired, 'cdi', '[]', :f, :now, :now)"
        ),
        {"born": date(1990, 5, 4), "hired": date(2026, 1, 5), "now": NOW, "f": False},
    )
    run(
        text(
            "INSERT INTO visit (member_id, employee_id, visit_type, status, requested_by, actor, "
            "confidential, history, room_token, created_at, updated_at) VALUES (1, 1, "
            "'vip_initiale', 'cancelled', 'staff', 'test', :f, '[]', 'room', :now, :now)"
        ),
        {"now": NOW, "f": False},
    )
    run(
        text(
            "INSERT INTO visit_outcome (visit_id, kind, recorded_by_id, recorded_at, main_risks) "
            "VALUES (1, 'attestation', 1, :now, '[]')"
        ),
        {"now": NOW},
    )
    run(
        text(
            "INSERT INTO medical_note (visit_id, author_id, text, created_at) "
            "VALUES (1, 1, 'RAS', :now)"
        ),
        {"now": NOW},
    )
    run(
        text(
            "INSERT INTO outbox_message (channel, recipient, body, essential, status, attempts, "
            "next_attempt_at, created_at) VALUES ('sms', '+33612345678', 'Bonjour', :t, 'sent', "
            "1, :now, :now)"
        ),
        {"now": NOW, "t": True},
    )


def _counts(connection) -> dict[str, int]:
    tables = ("member", "employee", "visit", "visit_outcome", "medical_note", "outbox_message")
    return {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}


def test_the_upgrade_from_0007_keeps_the_rows_and_converts_the_birth_dates(tmp_path, database):
    app = make_app(tmp_path, database, create_schema=False)
    with app.app_context():
        engine = _db.engine
    migrate.upgrade(engine, "0007_one_open_request")
    with engine.begin() as connection:
        _rows_before_0008(connection)
        before = _counts(connection)
    migrate.upgrade(engine, "0008_constraints")
    assert migrate.current(engine) == "0008_constraints"
    session = app.extensions["database"]["sessionmaker"]()
    assert _counts(session.connection()) == before  # no table rebuild lost a row
    born = dict(session.execute(select(Member.siret, Member.birth_date)).all())
    assert born == {
        "73282932000074": None,
        "44306184100047": date(1980, 3, 12),
        "40483304800022": None,  # not a date: emptied (the code could not read it either)
    }
    with pytest.raises(IntegrityError):  # the worker's records are kept from now on
        session.execute(delete(Employee).where(Employee.id == 1))
    session.rollback()
    with pytest.raises(IntegrityError):  # and the checks hold
        add(session, Member, **member_row("55203253400646", status="deleted"))
    session.rollback()
    session.close()
    # and back: the birth date as text again, nothing lost
    migrate.downgrade(engine, "0007_one_open_request")
    with engine.connect() as connection:
        assert _counts(connection) == before
        stored = connection.execute(
            text("SELECT birth_date FROM member WHERE siret = '44306184100047'")
        ).scalar()
    assert stored == "1980-03-12"
    engine.dispose()
