"""Benchmark of concurrent booking (SPEC §4.6, §6): 1,000 booking attempts at once on 100 slots.

For each database — a fresh SQLite file (WAL), and a fresh PostgreSQL schema when
BENCH_DATABASE_URL is set (the database the issue asks about) — migrated with Alembic:

* 100 slots of one doctor, 1,000 visit requests; 50 threads, each with its own connection,
  book them all at once: request i tries slot i mod 100, so ten people fight for every slot;
* exactly 100 must be booked, 900 refused with `SlotTaken` (the script exits 1 otherwise);
* baseline, measured in the same run with the same threads and connections: 1,000 transactions
  that each change one field of their own visit (no contention), to show what the booking
  itself costs. Prints attempts per second, bookings per second and the ratio to the baseline.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.core.timeutil import PARIS  # noqa: E402
from assistant.database import commit_retrying  # noqa: E402
from assistant.models import (  # noqa: E402
    Centre,
    CentreKind,
    Employee,
    Member,
    Slot,
    StaffUser,
    Visit,
    WorkPattern,
)
from assistant.models.visit import holds_slot  # noqa: E402
from assistant.services.visits import (
    booking,
    planning,  # noqa: E402
    visit_requests,
)
from bench.stores import fresh_postgres, fresh_sqlite  # noqa: E402

ATTEMPTS = 1000
SLOTS = 100
THREADS = 50
NOW = datetime(2027, 3, 1, 8, 0, tzinfo=PARIS)


def build(session) -> tuple[list[int], list[int]]:
    centre = Centre(name="Centre", kind=CentreKind.FIXED)
    doctor = StaffUser(email="doc@bench.fr", full_name="Dr", role="doctor", password_hash="x")
    session.add_all([centre, doctor])
    session.flush()
    for weekday in range(5):
        session.add(
            WorkPattern(
                staff_id=doctor.id,
                centre_id=centre.id,
                weekday=weekday,
                starts=clock(8),
                ends=clock(18),
                slot_minutes=30,
                valid_from=date(2027, 3, 1),
            )
        )
    session.flush()
    planning.generate_slots(session, date(2027, 3, 2), 14)
    slots = list(session.scalars(select(Slot.id).order_by(Slot.starts_at).limit(SLOTS)))
    assert len(slots) == SLOTS
    member = Member(kind="employer", siret="73282932000074", siren="732829320", legal_name="B")
    session.add(member)
    session.flush()
    # one worker per attempt: a worker has one open request of a type
    workers = [
        Employee(
            member_id=member.id,
            last_name=f"R{n}",
            first_name="Bench",
            last_name_folded=f"r{n}",
            first_name_folded="bench",
            birth_date=date(1980, 1, 1),
            job="Boulanger",
            hire_date=date(2020, 1, 1),
            contract_type="cdi",
        )
        for n in range(ATTEMPTS)
    ]
    session.add_all(workers)
    session.flush()
    visits = [
        visit_requests.request_visit(
            session,
            "bench",
            member=member,
            employee=worker,
            request=visit_requests.Request("demande", "staff"),
            now=NOW,
            auto=False,
        ).id
        for worker in workers
    ]
    session.commit()
    return slots, visits


def run(sessions, work) -> tuple[float, list[str]]:
    local = threading.local()
    start = threading.Barrier(THREADS)

    def session():
        if not hasattr(local, "session"):
            local.session = sessions()
            start.wait()  # every thread has its connection ready before the clock starts
        return local.session

    def one(i):
        s = session()
        try:
            return commit_retrying(s, lambda: work(s, i))
        except booking.SlotTaken:
            s.rollback()
            return "taken"

    with ThreadPoolExecutor(THREADS) as pool:
        warm = list(pool.map(lambda _: session().connection() and None, range(THREADS)))
        assert len(warm) == THREADS
        started = time.perf_counter()
        results = list(pool.map(one, range(ATTEMPTS)))
        elapsed = time.perf_counter() - started
        list(pool.map(lambda _: session().close(), range(THREADS)))
    return elapsed, results


def bench(label: str, engine) -> bool:
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    with sessions() as session:
        slots, visits = build(session)

    def touch(s, i):
        s.execute(update(Visit).where(Visit.id == visits[i]).values(reason=f"note {i}"))
        return "ok"

    def book(s, i):
        visit = s.get(Visit, visits[i])
        booking.book(s, "bench", visit, s.get(Slot, slots[i % SLOTS]), NOW)
        return "booked"

    base_elapsed, _ = run(sessions, touch)
    elapsed, results = run(sessions, book)
    with sessions() as session:
        held = session.scalar(select(func.count()).select_from(Visit).where(holds_slot()))
    booked, taken = results.count("booked"), results.count("taken")
    ok = booked == SLOTS and taken == ATTEMPTS - SLOTS and held == SLOTS
    base_rate = ATTEMPTS / base_elapsed
    print(
        f"{label:8} baseline: {ATTEMPTS} uncontended transactions in {base_elapsed:.2f} s "
        f"({base_rate:.0f}/s), {THREADS} connections"
    )
    print(
        f"{label:8} booking:  {ATTEMPTS} attempts on {SLOTS} slots in {elapsed:.2f} s "
        f"({ATTEMPTS / elapsed:.0f} attempts/s, {booked / elapsed:.0f} bookings/s, "
        f"x{(ATTEMPTS / elapsed) / base_rate:.2f} baseline): {booked} booked, {taken} refused, "
        f"{held} slots held -> {'OK' if ok else 'WRONG'}"
    )
    return ok


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory() as directory:
        with fresh_sqlite(Path(directory), pool_size=THREADS, max_overflow=0) as engine:
            ok = bench("sqlite", engine) and ok
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        with fresh_postgres(url, pool_size=THREADS, max_overflow=0) as engine:
            ok = bench("postgres", engine) and ok
    else:
        print("BENCH_DATABASE_URL unset: PostgreSQL run skipped (the issue's figure is on it)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
