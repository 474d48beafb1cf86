"""Alembic environment: runs on the engine handed over by assistant.migrate."""

from alembic import context

from assistant.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # batch mode rebuilds a table (copy, DROP, rename): with foreign keys on, the DROP
            # would delete the rows that refer to it (CASCADE) or fail (RESTRICT). SQLite takes
            # this pragma only outside a transaction: on the raw connection, before any BEGIN
            _foreign_keys(connection, "OFF")
        try:
            _run(connection, sqlite)
        finally:
            if sqlite:
                _foreign_keys(connection, "ON")


def _run(connection, sqlite: bool) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:  # what the pragma let through must still hold
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
    connection.commit()


def _foreign_keys(connection, state: str) -> None:
    cursor = connection.connection.dbapi_connection.cursor()
    cursor.execute(f"PRAGMA foreign_keys={state}")
    cursor.close()


if context.is_offline_mode():
    raise SystemExit(
        "offline migrations are not supported; run `flask --app assistant.app db upgrade`"
    )
run_migrations_online()
