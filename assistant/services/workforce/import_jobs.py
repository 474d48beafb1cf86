"""Workforce CSV imports as jobs: queued by the upload, claimed and run by a worker process.

A web process only queues the job, in its request's transaction; a worker (`flask --app
assistant.app jobs work`, or `worker` with the outbox and the reminders) claims it with one
statement and runs it. Each chunk of lines is committed with the progress and a heartbeat. A worker
that dies (killed, recycled, its machine gone) leaves the job `running` with a heartbeat that
stops: once the heartbeat is older than the timeout, another worker claims the job and imports the
file again from its first line. The import is idempotent by its natural key (member, names, birth
date): the lines the dead worker committed are found "unchanged", none is added twice. A job
claimed that many times without finishing is failed, and its member is told.

Each claim bumps `attempts`: a worker writes (progress, result) only while the job still carries
its own attempt, so a worker that was thought dead but comes back stops at its next chunk
instead of racing its successor.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from assistant.database import utcnow
from assistant.models import ImportJob
from assistant.services import audit
from assistant.services.workforce import csv_import

log = logging.getLogger(__name__)

# an upload no worker finished within this time no longer blocks its member's next one
ABANDONED_AFTER = timedelta(hours=1)
UNFINISHED = ("pending", "running")


@dataclass(frozen=True)
class Claim:
    """A job a worker holds, and which of its claims this is."""

    job_id: int
    attempt: int


class LeaseLost(Exception):
    """Another worker claimed the job (ours was thought dead): stop without writing."""


REPORT_LANGUAGES = ("fr", "en")  # the app's LANGUAGES


def queue(
    session: Session, member_id: int, data: bytes, locale: str, actor: str, ip: str | None
) -> ImportJob:
    """Add the job to the caller's transaction; the member's unfinished import, if any, makes
    the flush fail (a partial unique index)."""
    job = ImportJob(member_id=member_id, data=data, locale=locale, actor=actor, ip=ip)
    session.add(job)
    session.flush()
    return job


def fail_abandoned(session: Session, member_id: int, now: datetime) -> None:
    """An import with no sign of life for an hour (no worker running?) must not block the
    member: it is failed, and says so."""
    last_sign = func.coalesce(ImportJob.heartbeat_at, ImportJob.created_at)
    session.execute(
        update(ImportJob)
        .where(
            ImportJob.member_id == member_id,
            ImportJob.status.in_(UNFINISHED),
            last_sign < now - ABANDONED_AFTER,
        )
        .values(status="failed", error="abandoned", data=None, finished_at=now)
        .execution_options(synchronize_session=False)
    )


def claim(session: Session, now: datetime, timeout: timedelta, max_attempts: int) -> Claim | None:
    """Take the oldest queued job, or one whose worker stopped beating, and commit.

    A stale job already claimed `max_attempts` times is failed first. The claim itself is one
    statement, UPDATE … WHERE id = (SELECT … SKIP LOCKED) RETURNING id: two workers never get the
    same job (PostgreSQL skips the row another claim holds; SQLite serialises writers, and a
    transaction that starts with its write waits for the lock instead of failing).
    """
    stale = (ImportJob.status == "running") & (
        func.coalesce(ImportJob.heartbeat_at, ImportJob.created_at) < now - timeout
    )
    session.execute(
        update(ImportJob)
        .where(stale, ImportJob.attempts >= max_attempts)
        .values(status="failed", error="interrupted", data=None, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    oldest = (
        select(ImportJob.id)
        .where(or_(ImportJob.status == "pending", stale & (ImportJob.attempts < max_attempts)))
        .order_by(ImportJob.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = session.execute(
        update(ImportJob)
        .where(ImportJob.id == oldest)
        .values(status="running", attempts=ImportJob.attempts + 1, heartbeat_at=now)
        .returning(ImportJob.id, ImportJob.attempts)
        .execution_options(synchronize_session=False)
    ).first()
    session.commit()
    return Claim(*claimed) if claimed else None


def run(
    session_factory: Callable[[], Session],
    claimed: Claim,
    *,
    today: date,
    max_lines: int | None = None,
    now: Callable[[], datetime] = utcnow,
    in_locale: Callable[[str], AbstractContextManager] = lambda _locale: nullcontext(),
) -> str:
    """Import a claimed job's file, committing each chunk with the progress; return the job's
    status at the end ("done", "failed", or "lost" when another worker took it over).

    `session_factory` should begin transactions with the write lock on SQLite (the app's
    `writer_sessionmaker`): the import reads, then writes. `in_locale(job.locale)` renders the
    report's messages in the uploader's language (Flask-Babel's `force_locale` in the worker).
    """
    job_id, attempt = claimed.job_id, claimed.attempt
    with session_factory() as session:
        job = session.get(ImportJob, job_id)
        if job is None:  # its member was deleted meanwhile
            return "lost"
        ours = (
            (ImportJob.id == job_id)
            & (ImportJob.status == "running")
            & (ImportJob.attempts == attempt)
        )

        def mark(**values) -> None:
            """Write on the job only while it is still ours; otherwise undo the chunk."""
            kept = session.execute(
                update(ImportJob)
                .where(ours)
                .values(**values)
                .execution_options(synchronize_session=False)
            ).rowcount
            if not kept:
                raise LeaseLost

        def progress(done: int, total: int) -> None:
            mark(done=done, total=total, heartbeat_at=now())
            session.commit()

        previous_ip = audit.request_ip()
        audit.set_request_ip(job.ip)  # the audit rows carry the upload's address
        try:
            if job.data is None:
                raise ValueError(f"import job {job_id} has no file")
            with in_locale(job.locale):
                report = csv_import.import_csv(
                    session,
                    job.actor,
                    job.member_id,
                    job.data,
                    progress,
                    today=today,
                    max_lines=max_lines,
                )
                summary = {
                    "total": report.total,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "messages": report.messages(),
                    "ignored_columns": report.ignored_columns,
                }
            # the report is read later, maybe in the other language: kept in both
            by_locale = {}
            for language in REPORT_LANGUAGES:
                with in_locale(language):
                    by_locale[language] = report.messages()
            summary["messages_by_locale"] = by_locale
            mark(
                status="done",
                done=report.total,
                total=report.total,
                report=summary,
                data=None,
                heartbeat_at=now(),
                finished_at=now(),
            )
            session.commit()
            return "done"
        except LeaseLost:
            session.rollback()
            log.warning("workforce import %s: taken over by another worker", job_id)
            return "lost"
        except Exception:
            log.exception("workforce import %s failed", job_id)
            session.rollback()
            try:
                mark(status="failed", error="error", data=None, finished_at=now())
            except LeaseLost:
                session.rollback()
                return "lost"
            session.commit()
            return "failed"
        finally:
            audit.set_request_ip(previous_ip)


def work_once(
    session_factory: Callable[[], Session],
    *,
    today: Callable[[], date],
    timeout: timedelta,
    max_attempts: int,
    max_lines: int | None = None,
    now: Callable[[], datetime] = utcnow,
    in_locale: Callable[[str], AbstractContextManager] = lambda _locale: nullcontext(),
) -> int | None:
    """Claim one job and run it; the job's id, or None when there was nothing to do."""
    with session_factory() as session:
        claimed = claim(session, now(), timeout, max_attempts)
    if claimed is None:
        return None
    run(
        session_factory,
        claimed,
        today=today(),
        max_lines=max_lines,
        now=now,
        in_locale=in_locale,
    )
    return claimed.job_id
