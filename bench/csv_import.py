"""Benchmark of the workforce CSV import (SPEC §4.4, §6): 20,000 lines, then the same file again.

Generates a `;`-separated UTF-8 file of BENCH_LINES lines (default 20,000; about 1 in 50 wrong:
bad date, unknown contract, unknown exposure, or a line repeated) in a temporary directory, and
for each database:

(a) a fresh SQLite file (WAL), migrated with Alembic;
(b) only when BENCH_DATABASE_URL is set (e.g. postgresql+psycopg://postgres@127.0.0.1/test):
    a fresh schema `bench_<random>` of that database, dropped at the end;

imports it into one member (one transaction, committed), then imports it again (nothing should
change), and prints lines per second for both. Peak memory is measured on a third, separate
import into another fresh database with tracemalloc on (tracemalloc slows Python down, so it is
kept out of the timed runs); VmHWM is the process's peak RSS so far. Last, the figure that
matters for a web worker: a new process (this script with `--one-import`) imports the file once
and prints its own peak RSS (goal: under 150 MB for 20,000 lines).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.models import Employee, Member  # noqa: E402
from assistant.services.workforce import csv_import
from bench.stores import fresh_postgres, fresh_sqlite, vm_hwm_mb  # noqa: E402

LINES = int(os.environ.get("BENCH_LINES", "20000"))
TODAY = date(2026, 11, 23)
LAST = ["Dupont", "Martin", "Bernard", "Lefèvre", "Nguyen", "Garcia", "Petit", "Roux", "Faure"]
FIRST = ["Marie", "Lucas", "Inès", "Jérôme", "Léa", "Hugo", "Thi", "Paul", "Chloé", "Karim"]
JOBS = ["Boulanger", "Vendeuse", "Maçon", "Comptable", "Livreur", "Aide-soignante", "Cariste"]
CONTRACTS = ["CDI", "CDI", "CDI", "CDD", "Intérim", "saisonnier", "apprentissage", "contrat court"]
EXPOSURES = ["", "", "bruit", "port de charges|bruit", "chemical", "écran", "nuit|conduite"]


def make_csv(path: Path, lines: int) -> int:
    """Write the file; returns how many lines were made wrong on purpose."""
    rng = random.Random(6)
    rows = ["nom;prenom;date_naissance;poste;date_embauche;contrat;fin_contrat;expositions;nuit"]
    wrong = 0
    for i in range(lines):
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(16000))
        hired = born + timedelta(days=6600 + rng.randrange(3000))
        contract = rng.choice(CONTRACTS)
        end = "" if contract == "CDI" else (hired + timedelta(days=90)).strftime("%d/%m/%Y")
        row = [
            f"{rng.choice(LAST)}-{i}",
            rng.choice(FIRST),
            born.strftime("%d/%m/%Y"),
            rng.choice(JOBS),
            hired.isoformat(),
            contract,
            end,
            rng.choice(EXPOSURES),
            rng.choice(["oui", "non", ""]),
        ]
        fault = i % 50
        if fault == 7:
            row[2] = "31/02/1990"
        elif fault == 19:
            row[5] = "freelance"
        elif fault == 31:
            row[7] = "téléportation"
        if fault in (7, 19, 31, 43):
            wrong += 1
        rows.append(";".join(row))
        if fault == 43:  # the same employee twice
            rows.append(rows[-1])
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return wrong


def new_member(session) -> int:
    member = Member(kind="employer", siret="73282932000074", siren="732829320", legal_name="Bench")
    session.add(member)
    session.commit()
    return member.id


def run_import(engine, member_id: int, data: bytes):
    session = sessionmaker(bind=engine, expire_on_commit=False)()
    try:
        calls = []
        started = time.perf_counter()
        report = csv_import.import_csv(
            session, "system", member_id, data, progress=lambda d, t: calls.append(d), today=TODAY
        )
        session.commit()
        elapsed = time.perf_counter() - started
        count = session.scalar(select(func.count()).select_from(Employee))
        return report, elapsed, count, len(calls)
    finally:
        session.close()


def line(name: str, report, elapsed: float, count: int, calls: int) -> str:
    return (
        f"{name:<22} {report.total:6d} lines {elapsed:6.2f} s {report.total / elapsed:8.0f} lines/s"
        f"  created {report.created:5d} updated {report.updated:3d} unchanged {report.unchanged:5d}"
        f"  errors {report.error_count:4d}  rows {count}  progress calls {calls}"
    )


def bench(label: str, fresh, path: Path) -> bool:
    data = path.read_bytes()
    ok = True
    with fresh() as engine:
        session = sessionmaker(bind=engine)()
        member_id = new_member(session)
        session.close()
        first = run_import(engine, member_id, data)
        print(line(f"{label} import", *first), flush=True)
        again = run_import(engine, member_id, data)
        print(line(f"{label} re-import", *again), flush=True)
        if again[0].created or again[0].updated or again[2] != first[2]:
            print("  NOT IDEMPOTENT: the re-import changed something")
            ok = False
    print(f"{label:<22} process VmHWM after the timed imports {vm_hwm_mb():.1f} MB", flush=True)
    with fresh() as engine:
        session = sessionmaker(bind=engine)()
        member_id = new_member(session)
        session.close()
        tracemalloc.start()
        run_import(engine, member_id, data)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(
        f"{label:<22} peak memory of one import: tracemalloc {peak / 2**20:.1f} MB, "
        f"process VmHWM so far {vm_hwm_mb():.1f} MB",
        flush=True,
    )
    child = subprocess.run(
        [sys.executable, __file__, "--one-import", label, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    print(child.stdout.strip() or child.stderr.strip()[-2000:], flush=True)
    return ok


def one_import(label: str, path: Path) -> int:
    """In a process of its own: import the file once, print the process's peak RSS."""
    fresh = (
        (lambda: fresh_postgres(os.environ["BENCH_DATABASE_URL"]))
        if label == "postgres"
        else (lambda: fresh_sqlite(path.parent))
    )
    with fresh() as engine:
        session = sessionmaker(bind=engine)()
        member_id = new_member(session)
        session.close()
        before = vm_hwm_mb()
        report, elapsed, _count, _calls = run_import(engine, member_id, path.read_bytes())
    print(
        f"{label:<22} a process importing once: VmHWM {before:.1f} MB before, "
        f"{vm_hwm_mb():.1f} MB after ({report.total / elapsed:.0f} lines/s)"
    )
    return 0


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench_csv_") as tmp:
        directory = Path(tmp)
        path = directory / "effectifs.csv"
        wrong = make_csv(path, LINES)
        data = path.read_bytes()
        print(
            f"file: {LINES} employees, {wrong} wrong on purpose (duplicates included), "
            f"{len(data) / 2**20:.1f} MB; VmHWM before importing {vm_hwm_mb():.1f} MB",
            flush=True,
        )
        del data
        ok = bench("sqlite", lambda: fresh_sqlite(directory), path)
        if url := os.environ.get("BENCH_DATABASE_URL"):
            ok = bench("postgres", lambda: fresh_postgres(url), path) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one-import"]:
        sys.exit(one_import(sys.argv[2], Path(sys.argv[3])))
    sys.exit(main())
