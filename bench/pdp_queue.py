"""Benchmark of the PDP cell's back-office at a service's size (SPEC 4.7).

For each database — a fresh SQLite file (WAL), and a fresh PostgreSQL schema when
BENCH_DATABASE_URL is set — migrated with Alembic:

* 20 centres and 20 doctors (one per centre), 3 people of the cell, an administrator;
  2,000 members (1,800 employers with 3 employees each, 200 independents), each in the charge of
  one doctor and of that doctor's centre, so that a doctor is in charge of 100 members;
* 5,000 open cases (one in ten an independent's; a third with a suspended contract or an urgent
  trigger; 40 % at the alert, 30 % analysed, 30 % with a plan adopted 1 to 14 months ago and its
  three reviews, the past ones half done: about 1,000 follow-ups due), half of them given to
  someone of the cell, and 500 closed cases;
* then, each timed (wall-clock p50 / p99, and CPU per call) with the number of SQL statements:
  - baseline: the bare query of the open cases' ids (the cheapest read of the same rows);
  - `cases.queue(session, today)` alone, then with what a row of the page shows (the person,
    the member, whom it is given to: the lazy loads);
  - `access.readable_ids(session, doctor)` for a doctor in charge of 100 members;
  - through Flask's test client, signed in: `/staff/` for the administrator (the staff home
    without the PDP section: the pages' baseline), `/staff/` and `/staff/pdp` for the cell and
    for a doctor.

Knobs: BENCH_RUNS (service calls, 30), BENCH_REQUESTS (page requests, 20), BENCH_CASES (5000),
BENCH_MEMBERS (2000). Prints figures and ratios; never fails on them.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert, select, text
from sqlalchemy.orm import sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.app import create_app  # noqa: E402
from assistant.config import TestConfig  # noqa: E402
from assistant.core.timeutil import PARIS, today_paris  # noqa: E402
from assistant.models import Centre, Employee, Member, StaffUser  # noqa: E402
from assistant.models.pdp import PdpCase, PdpReview, PdpStage  # noqa: E402
from assistant.services.membership.staff import create_staff  # noqa: E402
from assistant.services.pdp import access, cases  # noqa: E402
from assistant.staff.pdp import person  # noqa: E402
from bench.stores import fresh_postgres, fresh_sqlite  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "30"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20"))
OPEN_CASES = int(os.environ.get("BENCH_CASES", "5000"))
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "2000"))
CLOSED_CASES = OPEN_CASES // 10
DOCTORS = 20
PASSWORD = "bench-password-1234"
TRIGGERS = ["none", "on_request", "mid_career", "liaison", "accident_or_disease", "reprise"]
REVIEWS = (("month_3", 91), ("month_6", 182), ("year_1", 365))


class Statements:
    """Counts the statements an engine executes."""

    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._one)

    def _one(self, *_args):
        self.count += 1


def build(session, today: date) -> dict:
    rng = random.Random(16)
    now = datetime.now(PARIS)
    centres = [Centre(name=f"Centre {i}", kind="fixed", city="Paris") for i in range(DOCTORS)]
    session.add_all(centres)
    session.flush()
    doctors = [
        create_staff(
            session, "bench", f"doctor{i}@bench.fr", f"Dr {i}", "doctor", PASSWORD, centres[i].id
        )
        for i in range(DOCTORS)
    ]
    cell = [
        create_staff(session, "bench", f"pdp{i}@bench.fr", f"Cellule {i}", "pdp", PASSWORD)
        for i in range(3)
    ]
    create_staff(session, "bench", "admin@bench.fr", "Admin", "admin", PASSWORD)
    independents = MEMBERS // 10
    members = [
        dict(
            kind="independent" if i < independents else "employer",
            status="active",
            siret=f"{i + 10_000_000_000_000:014d}",
            siren=f"{i + 100_000_000:09d}",
            legal_name=f"Adhérent {i}",
            contact_name=f"Indépendant {i}" if i < independents else None,
            main_risks=[],
            locale="fr",
            headcount=0 if i < independents else 3,
            doctor_id=doctors[i % DOCTORS].id,
            centre_id=centres[i % DOCTORS].id,
            created_at=now,
        )
        for i in range(MEMBERS)
    ]
    session.execute(insert(Member), members)
    member_ids = list(session.scalars(select(Member.id).order_by(Member.id)))
    employees = [
        dict(
            member_id=member_id,
            last_name=f"Nom{member_id}-{n}",
            first_name="Alex",
            last_name_folded=f"nom{member_id}-{n}",
            first_name_folded="alex",
            birth_date=date(1980, 1, 1),
            job="Boulanger",
            hire_date=date(2015, 1, 5),
            contract_type="cdi",
            exposures=[],
        )
        for member_id in member_ids[independents:]
        for n in range(3)
    ]
    for start in range(0, len(employees), 2000):
        session.execute(insert(Employee), employees[start : start + 2000])
    employee_rows = session.execute(select(Employee.id, Employee.member_id)).all()
    rows = []
    for i in range(OPEN_CASES + CLOSED_CASES):
        if i % 10 == 0:
            member_id, employee_id = rng.choice(member_ids[:independents]), None
        else:
            employee_id, member_id = rng.choice(employee_rows)
        trigger = rng.choice(TRIGGERS)
        suspended = rng.random() < 0.2
        leave_from = today - timedelta(days=rng.randrange(10, 300)) if suspended else None
        created = now - timedelta(days=rng.randrange(0, 500), minutes=rng.randrange(1440))
        closed = i >= OPEN_CASES
        stage = "closed" if closed else rng.choices(["alert", "analysis", "plan"], [4, 3, 3])[0]
        adopted = today - timedelta(days=rng.randrange(30, 420)) if stage == "plan" else None
        rows.append(
            dict(
                member_id=member_id,
                employee_id=employee_id,
                raised_by="worker",
                channel=rng.choice(["sms", "web", "chat"]),
                raised_actor="phone:+33600000000",
                identity_proven=True,
                trigger=trigger,
                contract_suspended=suspended,
                leave_from=leave_from,
                description="Une situation de travail difficile à tenir.",
                contact=None,
                stage=stage,
                assigned_to_id=rng.choice(cell).id if rng.random() < 0.5 else None,
                plan_adopted_on=adopted,
                outcome="kept" if closed else None,
                closed_at=created + timedelta(days=60) if closed else None,
                created_at=created,
            )
        )
    for start in range(0, len(rows), 2000):
        session.execute(insert(PdpCase), rows[start : start + 2000])
    planned = session.execute(
        select(PdpCase.id, PdpCase.plan_adopted_on).where(PdpCase.stage == PdpStage.PLAN)
    ).all()
    reviews = []
    for case_id, adopted in planned:
        for kind, days in REVIEWS:
            due_on = adopted + timedelta(days=days)
            done = due_on <= today and rng.random() < 0.5
            reviews.append(
                dict(
                    case_id=case_id,
                    kind=kind,
                    due_on=due_on,
                    done_at=now if done else None,
                    done_by="staff:1" if done else None,
                )
            )
    session.execute(insert(PdpReview), reviews)
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE"))
        session.commit()
    doctor = doctors[0]
    return dict(
        doctor=doctor.id,
        doctor_email=doctor.email,
        cell_email=cell[0].email,
        reviews=len(reviews),
        due=len([r for r in reviews if r["done_at"] is None and r["due_on"] <= today]),
    )


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


class Figures:
    def __init__(self, label: str, counter: Statements):
        self.label, self.counter = label, counter
        self.baseline = None

    def measure(self, what: str, call, runs: int, baseline: bool = False):
        call()  # warm-up, not counted
        walls, cpus, statements = [], [], []
        for _i in range(runs):
            before = self.counter.count
            cpu, wall = time.process_time(), time.perf_counter()
            call()
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            statements.append(self.counter.count - before)
        median = statistics.median(walls)
        if baseline:
            self.baseline = median
        ratio = f"x{median / self.baseline:7.1f}" if self.baseline else ""
        count = statistics.median_low(statements)
        print(
            f"{self.label:8} {what:44} p50 {p(walls, 50):8.2f} ms  p99 {p(walls, 99):8.2f} ms  "
            f"CPU {statistics.mean(cpus):8.2f} ms  {count:5d} statements  {ratio}",
            flush=True,
        )


def bench(label: str, engine, url: str, engine_options: dict) -> None:
    today = today_paris()
    session = sessionmaker(bind=engine, expire_on_commit=False)()
    started = time.perf_counter()
    world = build(session, today)
    print(
        f"{label:8} {MEMBERS} members, {DOCTORS} doctors/centres, {OPEN_CASES} open and "
        f"{CLOSED_CASES} closed cases, {world['reviews']} reviews ({world['due']} due), "
        f"built in {time.perf_counter() - started:.1f} s"
    )
    counter = Statements(engine)
    figures = Figures(label, counter)
    doctor = session.get(StaffUser, world["doctor"])
    session.expunge(doctor)

    def bare_ids():
        session.expunge_all()
        session.scalars(select(PdpCase.id).where(PdpCase.stage != PdpStage.CLOSED)).all()
        session.rollback()

    def queue_alone():
        session.expunge_all()
        cases.queue(session, today)
        session.rollback()

    def queue_shown():
        session.expunge_all()
        for row in cases.queue(session, today):
            person(row.case), row.case.member.legal_name, row.case.assigned_to
        session.rollback()

    def readable():
        session.expunge_all()
        access.readable_ids(session, session.merge(doctor, load=False))
        session.rollback()

    figures.measure("baseline: the open cases' ids", bare_ids, RUNS, baseline=True)
    figures.measure("cases.queue(session, today)", queue_alone, RUNS)
    figures.measure("queue + each row's person/member/assignee", queue_shown, max(RUNS // 3, 3))
    figures.measure("access.readable_ids(doctor of 100 members)", readable, max(RUNS // 3, 3))
    session.close()

    with tempfile.TemporaryDirectory() as instance:
        config = TestConfig(Path(instance), url, ENGINE_OPTIONS=engine_options)
        app = create_app(config)
        app_engine = app.extensions["database"]["engine"]
        # no app context held around the requests: each has its own (and its own `g`)
        pages = Figures(label, Statements(app_engine))

        def signed_in(email):
            client = app.test_client()
            response = client.post("/staff/login", data={"email": email, "password": PASSWORD})
            assert response.headers.get("Location", "").endswith("/staff/"), email
            return client

        def get(client, path):
            def call():
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)

            return call

        admin = signed_in("admin@bench.fr")
        cell = signed_in(world["cell_email"])
        doctor_client = signed_in(world["doctor_email"])
        pages.measure(
            "page baseline: /staff/ (admin, no PDP)", get(admin, "/staff/"), REQUESTS, True
        )
        pages.measure("page /staff/ (the cell)", get(cell, "/staff/"), REQUESTS)
        pages.measure("page /staff/ (a doctor)", get(doctor_client, "/staff/"), REQUESTS)
        pages.measure("page /staff/pdp (the cell)", get(cell, "/staff/pdp"), REQUESTS)
        pages.measure("page /staff/pdp (a doctor)", get(doctor_client, "/staff/pdp"), REQUESTS)
        app_engine.dispose()


def main() -> int:
    with tempfile.TemporaryDirectory() as directory:
        with fresh_sqlite(Path(directory)) as engine:
            bench("sqlite", engine, engine.url.render_as_string(hide_password=False), {})
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        with fresh_postgres(url) as engine:
            bench("postgres", engine, url, {"connect_args": engine_connect_args(engine)})
    else:
        print("BENCH_DATABASE_URL unset: PostgreSQL run skipped")
    return 0


def engine_connect_args(engine) -> dict:
    """The `-csearch_path` of the fresh schema, for the app's own engine."""
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    return {"options": f"-csearch_path={schema}"}


if __name__ == "__main__":
    raise SystemExit(main())
