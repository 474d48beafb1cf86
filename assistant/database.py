"""The relational store: engine set-up for SQLite and PostgreSQL, the declarative base, sessions."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

T = TypeVar("T")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend (SQLite stores no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def sql_values(values: Iterable[str]) -> str:
    """`'a', 'b'` for a CHECK constraint's `IN (…)`: the values of an enum written as literals."""
    return ", ".join(f"'{value}'" for value in values)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # Let SQLAlchemy issue BEGIN itself so that transactions behave as on PostgreSQL.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=10000")
            if engine.url.database not in (None, "", ":memory:"):
                cursor.execute("PRAGMA journal_mode=WAL")
                # with WAL, NORMAL syncs at checkpoints, not at every commit: a crash of the app
                # loses nothing; a power cut may lose the last commits, never the database
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # IMMEDIATE takes the write lock at once (waiting busy_timeout for it), for a
            # transaction known to write: see commit_retrying
            conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get('sqlite_begin', '')}")

    return engine


# requests that only read: on SQLite they need not wait for the write lock
READ_ONLY_BLUEPRINTS = {"public", None}  # None: static files and unknown URLs


class Database:
    """Binds an engine and a session factory to a Flask app; one session per app context.

    On SQLite, a web request's transactions begin with the write lock (`BEGIN IMMEDIATE`, waiting
    busy_timeout for it), as the SMS webhook's do: a request reads, then writes (a form, an audit
    row of a read), and a transaction that read first cannot take the lock once another
    connection has committed since ("database is locked" at once, busy_timeout or not). Writers
    then take turns; readers are not blocked (WAL). GET requests of the public site only read
    and keep a plain BEGIN. `writer_sessionmaker` is for other code that reads then writes
    outside a request (the CSV import on the worker). PostgreSQL needs none of it."""

    def init_app(self, app, info: dict) -> None:
        """`info`: what the services read from every session of this app (`Session.info`: the
        service's settings, the risk catalogue), given by `create_app`."""
        engine = make_engine(app.config["DATABASE_URL"], **app.config.get("ENGINE_OPTIONS", {}))
        writer = engine
        if engine.dialect.name == "sqlite":
            writer = engine.execution_options(sqlite_begin="IMMEDIATE")
        app.extensions["database"] = {
            "engine": engine,
            "sessionmaker": sessionmaker(bind=engine, expire_on_commit=False, info=info),
            "writer_sessionmaker": sessionmaker(bind=writer, expire_on_commit=False, info=info),
        }

        @app.teardown_appcontext
        def _close_session(_exc):
            from flask import g

            session = g.pop("db_session", None)
            if session is not None:
                session.close()

    @property
    def engine(self) -> Engine:
        from flask import current_app

        return current_app.extensions["database"]["engine"]

    @property
    def session(self) -> Session:
        from flask import current_app, g, has_request_context, request

        if "db_session" not in g:
            factories = current_app.extensions["database"]
            web = has_request_context() and not (
                request.method in ("GET", "HEAD", "OPTIONS")
                and request.blueprint in READ_ONLY_BLUEPRINTS
            )
            g.db_session = factories["writer_sessionmaker" if web else "sessionmaker"]()
        return g.db_session


db = Database()


def is_lock_conflict(error: OperationalError) -> bool:
    """SQLite's answer when two writers meet: the loser may simply try again."""
    return "database is locked" in str(error.orig) or "database is busy" in str(error.orig)


def commit_retrying(session: Session, work: Callable[[], T], attempts: int = 12) -> T:
    """Run `work` and commit; on SQLite, start again from scratch when another writer got the
    database first (a read snapshot cannot be upgraded to a write after another commit), this
    time taking the write lock first. PostgreSQL waits on row locks instead and never needs it."""
    for attempt in range(attempts):
        if not session.in_transaction() and session.get_bind().dialect.name == "sqlite":
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        try:
            result = work()
            session.commit()
            return result
        except OperationalError as error:
            session.rollback()
            if not is_lock_conflict(error) or attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0, 0.005 * 2 ** min(attempt, 6)))
    raise AssertionError("unreachable")
