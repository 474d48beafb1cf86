"""Alembic: the migrations build exactly the schema of the models, and go back down."""

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect
from sqlalchemy.exc import IntegrityError

from assistant import migrate
from assistant.database import utcnow
from assistant.extensions import db
from assistant.models import Base, Visit
from tests.conftest import make_app
from tests.factories import make_employee, make_member


def test_upgrade_from_empty_matches_the_models_then_downgrades(tmp_path, database):
    app = make_app(tmp_path, database, create_schema=False)
    with app.app_context():
        engine = db.engine
        migrate.upgrade(engine)
        assert migrate.current(engine) is not None
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert diff == []
        migrate.upgrade(engine)  # a second run is harmless
        migrate.downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        engine.dispose()


def _checks_and_deletes(engine) -> dict[str, tuple]:
    """Per table, its CHECK constraints and the ON DELETE of its foreign keys, which Alembic's
    comparison of the schemas does not look at."""
    found = {}
    inspector = inspect(engine)
    for table in inspector.get_table_names():
        checks = sorted(
            (c["name"], " ".join(c["sqltext"].split()))
            for c in inspector.get_check_constraints(table)
        )
        keys = sorted(
            (k["name"], (k["options"].get("ondelete") or "").upper())
            for k in inspector.get_foreign_keys(table)
        )
        found[table] = (checks, keys)
    found.pop("alembic_version", None)
    return found


def test_the_migrations_build_the_checks_and_on_delete_rules_of_the_models(tmp_path, database):
    app = make_app(tmp_path, database)  # the schema of the models (create_all)
    with app.app_context():
        engine = db.engine
        by_models = _checks_and_deletes(engine)
        Base.metadata.drop_all(engine)
        migrate.upgrade(engine)
        by_migrations = _checks_and_deletes(engine)
        engine.dispose()
    assert by_models["member"][0] and by_models["visit"][1]  # it compares something
    assert by_migrations == by_models


def test_the_migrated_database_refuses_a_second_open_request(tmp_path, database):
    """Migration 0007's partial unique indexes, on the schema the migrations build (not only the
    models' create_all): a plain INSERT of a second open request of a worker and type fails."""
    app = make_app(tmp_path, database, create_schema=False)
    with app.app_context():
        migrate.upgrade(db.engine)
        member = make_member(db.session)
        worker = make_employee(db.session, member, hire_date=date(2026, 1, 5))
        db.session.commit()
        for employee_id in (worker.id, None):  # an employee's, an independent's own
            row = {
                "member_id": member.id,
                "employee_id": employee_id,
                "visit_type": "demande",
                "status": "requested",
                "requested_by": "staff",
                "actor": "test",
                "confidential": False,
                "history": [],
                "created_at": utcnow(),
            }
            db.session.execute(insert(Visit).values(**row))
            db.session.commit()
            with pytest.raises(IntegrityError):
                db.session.execute(insert(Visit).values(**row))
            db.session.rollback()
            db.session.execute(insert(Visit).values(**{**row, "status": "cancelled"}))
            db.session.commit()  # a cancelled one is not an open request
        db.session.close()
        db.engine.dispose()
