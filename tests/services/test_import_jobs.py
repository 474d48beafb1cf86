"""Workforce imports on the worker: the claim, a dead worker's job taken over or failed visibly,
and a worker killed mid-import whose job another worker finishes, no employee twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assistant.database import utcnow
from assistant.models import AuditEntry, Employee, ImportJob
from assistant.services.workforce import import_jobs
from tests.factories import make_member

TIMEOUT = timedelta(minutes=5)
TODAY = date(2026, 11, 27)
REPO = Path(__file__).resolve().parents[2]


def _csv(lines: int) -> bytes:
    rows = ["nom;prenom;date_naissance;poste;date_embauche;contrat"]
    rows += [f"Nom{n};Léa;{1 + n % 28:02d}/03/1985;Vendeuse;01/09/2024;CDI" for n in range(lines)]
    return ("\n".join(rows) + "\n").encode()


def _queue(db, siret: str, lines: int = 3) -> int:
    member = make_member(db, siret)
    job = import_jobs.queue(db, member.id, _csv(lines), "fr", f"member:{member.id}", "192.0.2.7")
    db.commit()
    return job.id


def _job(db, job_id: int) -> ImportJob:
    """The job as the database has it now (the session's snapshot and objects dropped)."""
    db.rollback()
    db.expire_all()
    return db.get(ImportJob, job_id)


def _writer(app):
    return app.extensions["database"]["writer_sessionmaker"]


def test_a_queued_job_waits_for_a_worker_which_claims_it_once(app, db):
    first = _queue(db, "73282932000074")
    second = _queue(db, "55210055400013")
    now = utcnow()
    claims = [import_jobs.claim(db, now, TIMEOUT, 3) for _ in range(3)]
    assert [c.job_id if c else None for c in claims] == [first, second, None]  # oldest first
    job = _job(db, first)
    assert (job.status, job.attempts, job.heartbeat_at) == ("running", 1, now)


def test_two_claimers_at_once_never_get_the_same_job(app, db):
    queued = {_queue(db, siret) for siret in ("73282932000074", "55210055400013")}
    barrier = threading.Barrier(6, timeout=30)
    claimed, failures = [], []

    def claimer() -> None:
        try:
            with _writer(app)() as session:
                barrier.wait()
                claimed.append(import_jobs.claim(session, utcnow(), TIMEOUT, 3))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(repr(error))

    threads = [threading.Thread(target=claimer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    ids = [c.job_id for c in claimed if c is not None]
    assert sorted(ids) == sorted(queued) and len(claimed) == 6


def test_a_running_job_whose_worker_stopped_beating_is_claimed_again(app, db):
    job_id = _queue(db, "73282932000074")
    start = utcnow()
    assert import_jobs.claim(db, start, TIMEOUT, 3) == import_jobs.Claim(job_id, 1)
    # its heartbeat is fresh: nobody takes it over
    assert import_jobs.claim(db, start + TIMEOUT - timedelta(seconds=1), TIMEOUT, 3) is None
    later = start + TIMEOUT + timedelta(seconds=1)
    assert import_jobs.claim(db, later, TIMEOUT, 3) == import_jobs.Claim(job_id, 2)


def test_a_job_claimed_max_attempts_times_without_finishing_is_failed_visibly(app, db):
    job_id = _queue(db, "73282932000074")
    now = utcnow()
    for attempt in (1, 2, 3):
        assert import_jobs.claim(db, now, TIMEOUT, 3) == import_jobs.Claim(job_id, attempt)
        now += TIMEOUT + timedelta(seconds=1)  # each worker died
    assert import_jobs.claim(db, now, TIMEOUT, 3) is None
    job = _job(db, job_id)
    assert (job.status, job.error, job.attempts, job.data) == ("failed", "interrupted", 3, None)
    # the member may upload again: the job no longer counts as unfinished
    assert _queue(db, "55210055400013") != job_id


def test_a_worker_whose_job_was_taken_over_writes_nothing(app, db):
    job_id = _queue(db, "73282932000074", lines=600)
    start = utcnow()
    first = import_jobs.claim(db, start, TIMEOUT, 3)
    later = start + TIMEOUT + timedelta(seconds=1)
    second = import_jobs.claim(db, later, TIMEOUT, 3)
    assert (first.attempt, second.attempt) == (1, 2)
    # the first worker comes back: its first chunk finds the job no longer its own
    assert import_jobs.run(_writer(app), first, today=TODAY, now=lambda: start) == "lost"
    assert _job(db, job_id).status == "running"
    assert db.scalar(select(func.count()).select_from(Employee)) == 0
    assert import_jobs.run(_writer(app), second, today=TODAY, now=lambda: later) == "done"
    job = _job(db, job_id)
    assert (job.status, job.done, job.report["created"], job.data) == ("done", 600, 600, None)
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
    assert audit.ip == "192.0.2.7"  # the upload's address, not the worker's


def test_an_import_that_raises_is_failed_at_once(app, db):
    member = make_member(db)
    job = import_jobs.queue(db, member.id, b"", "fr", "member:1", None)
    job.data = None  # a job without its file cannot be imported
    db.commit()
    claimed = import_jobs.claim(db, utcnow(), TIMEOUT, 3)
    assert import_jobs.run(_writer(app), claimed, today=TODAY) == "failed"
    job = _job(db, job.id)
    assert (job.status, job.error, job.data) == ("failed", "error", None)


# --- a worker killed mid-import ----------------------------------------------------------------

WORKER = """
import json, sys
from pathlib import Path
from assistant.app import create_app
from assistant.config import TestConfig
url, options, instance = sys.argv[1], json.loads(sys.argv[2]), Path(sys.argv[3])
app = create_app(TestConfig(instance, url, ENGINE_OPTIONS=options))
result = app.test_cli_runner().invoke(args=["jobs", "work", "--once"])
print(result.output)
"""


@pytest.mark.real_clock  # the worker process writes its heartbeats on the machine's clock
def test_a_worker_killed_mid_import_loses_nothing_and_adds_no_one_twice(
    app, db, database, tmp_path
):
    lines = 20_000
    job_id = _queue(db, "73282932000074", lines=lines)
    url, options = database
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, url, json.dumps(options), str(tmp_path / "worker")],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
    )
    try:
        done = 0
        for _ in range(6000):  # until its first chunks are committed (a guard, not a timing)
            db.rollback()
            done = db.scalar(select(ImportJob.done).where(ImportJob.id == job_id))
            if done >= 1000 or worker.poll() is not None:  # a batch of employees is in
                break
            time.sleep(0.01)
        assert done >= 1000, "the worker committed no batch"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    job = _job(db, job_id)
    assert (job.status, job.attempts) == ("running", 1) and 0 < job.done < lines
    written = db.scalar(select(func.count()).select_from(Employee))
    assert 0 < written < lines  # the chunks the dead worker committed

    # Another worker takes the job over once the dead one's heartbeat is older than the timeout.
    later = utcnow() + TIMEOUT + timedelta(seconds=1)
    taken = import_jobs.work_once(
        _writer(app), today=lambda: TODAY, timeout=TIMEOUT, max_attempts=3, now=lambda: later
    )
    assert taken == job_id
    job = _job(db, job_id)
    assert (job.status, job.attempts, job.done, job.data) == ("done", 2, lines, None)
    assert job.report["created"] + job.report["unchanged"] == lines
    assert job.report["unchanged"] == written
    assert db.scalar(select(func.count()).select_from(Employee)) == lines
    twice = (
        select(Employee.last_name_folded, Employee.first_name_folded, Employee.birth_date)
        .group_by(Employee.last_name_folded, Employee.first_name_folded, Employee.birth_date)
        .having(func.count() > 1)
    )
    assert db.execute(twice).all() == []
