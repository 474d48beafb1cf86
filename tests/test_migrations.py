"""Alembic: the migrations build exactly the schema of the models, and go back down."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from assistant import migrate
from assistant.extensions import db
from assistant.models import Base
from tests.conftest import make_app


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
