"""Fresh, migrated databases for the benchmarks (imported by them; running it does nothing)."""

from __future__ import annotations

import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant import migrate  # noqa: E402
from assistant.database import make_engine  # noqa: E402


@contextmanager
def fresh_sqlite(directory: Path, **engine_options):
    """A new SQLite file (WAL) in `directory`, migrated with Alembic."""
    engine = make_engine(f"sqlite:///{directory / f'{uuid.uuid4().hex[:8]}.db'}", **engine_options)
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()


@contextmanager
def fresh_postgres(url: str, **engine_options):
    """A new schema `bench_<random>` of that database, migrated, dropped at the end."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"}, **engine_options)
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def vm_hwm_mb() -> float:
    """The process's peak resident memory so far (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
