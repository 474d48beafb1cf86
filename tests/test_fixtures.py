"""The suite's own set-up: what conftest copies is what it would have built."""

import pytest
from sqlalchemy import func, select, text

from assistant.database import Base
from assistant.extensions import db as _db
from assistant.models import Member, StaffUser
from assistant.services import demo
from tests.conftest import make_app
from tests.factories import make_member


def _sqlite_only(database):
    if not database[0].startswith("sqlite"):
        pytest.skip("the copies are SQLite's; PostgreSQL builds every time")


def _schema(app):
    with app.app_context():
        return sorted(
            _db.session.execute(
                text("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
            ).all()
        )


def test_a_copied_schema_is_the_one_create_all_makes(tmp_path, database):
    _sqlite_only(database)
    copied = make_app(tmp_path, database)
    built = make_app(tmp_path, (f"sqlite:///{tmp_path / 'built.db'}", {}), create_schema=False)
    with built.app_context():
        Base.metadata.create_all(_db.engine)
    assert _schema(copied) == _schema(built)
    assert len(_schema(copied)) > 30


def _counts(session):
    return {
        table.name: session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


def test_the_copied_demo_is_the_demo_built(tmp_path, database, load_demo, db):
    _sqlite_only(database)
    load_demo(db)
    built = make_app(tmp_path, (f"sqlite:///{tmp_path / 'built.db'}", {}))
    with built.extensions["database"]["sessionmaker"]() as session:
        demo.load(session)
        session.commit()
        assert _counts(db) == _counts(session)
        emails = select(StaffUser.email).order_by(StaffUser.email)
        assert db.scalars(emails).all() == session.scalars(emails).all()
        names = select(Member.legal_name).order_by(Member.legal_name)
        assert db.scalars(names).all() == session.scalars(names).all()
    built.extensions["database"]["engine"].dispose()


def test_the_demo_is_loaded_into_an_empty_database_only(db, load_demo):
    make_member(db)
    db.commit()
    with pytest.raises(AssertionError, match="call it first"):
        load_demo(db)
