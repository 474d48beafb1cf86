"""Command-line commands: `flask --app assistant.app <group> <command>`."""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from assistant.extensions import db

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")
staff_cli = AppGroup("staff", help="Staff accounts of the back-office.")
demo_cli = AppGroup("demo", help="Demonstration data.")
outbox_cli = AppGroup("outbox", help="Outgoing SMS and e-mail.")
visits_cli = AppGroup("visits", help="Visits: reminders.")
risks_cli = AppGroup("risks", help="The risk catalogue.")
dialogues_cli = AppGroup("dialogues", help="Unfinished dialogues (wizards, SMS, chat).")
jobs_cli = AppGroup("jobs", help="Background jobs: the workforce CSV imports.")


@dialogues_cli.command("purge")
def dialogues_purge():
    """Delete the unfinished dialogues untouched for DIALOGUE_STATE_DAYS days."""
    from assistant.database import utcnow
    from assistant.services.messaging import dialogue_states

    days = current_app.config["DIALOGUE_STATE_DAYS"]
    count = dialogue_states.purge_expired(db.session, utcnow(), days)
    db.session.commit()
    click.echo(f"{count} unfinished dialogue(s) older than {days} days deleted")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Bring the database to REVISION (default: the latest), whatever its current version."""
    from assistant import migrate

    migrate.upgrade(db.engine, revision)
    click.echo(f"database at {migrate.current(db.engine)}")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision):
    from assistant import migrate

    migrate.downgrade(db.engine, revision)
    click.echo(f"database at {migrate.current(db.engine)}")


@db_cli.command("current")
def db_current():
    from assistant import migrate

    click.echo(migrate.current(db.engine) or "empty")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message):
    """Write a new migration from the difference between the models and the database."""
    from assistant import migrate

    migrate.revision(db.engine, message)


@staff_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", required=True, help="admin, secretary, doctor, nurse, iprp or pdp")
@click.password_option(help="At least 10 characters; asked for when not given.")
def staff_create(email, full_name, role, password):
    """Create a back-office account."""
    from assistant.services.membership.staff import StaffError, create_staff

    try:
        user = create_staff(db.session, "cli", email, full_name, role, password)
    except StaffError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"created {user.email} ({user.role})")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has data.")
def demo_load(if_empty):
    """Load centres, professionals, opening hours, a tariff grid and two members."""
    from assistant.services import demo

    if if_empty and not demo.is_empty(db.session):
        click.echo("database not empty: demo data not loaded")
        return
    accounts = demo.load(db.session)
    db.session.commit()
    click.echo(f"demo data loaded; back-office accounts (password: {demo.DEMO_PASSWORD}):")
    for email, role in accounts:
        click.echo(f"  {role:10} {email}")


@outbox_cli.command("work")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
def outbox_work(once, interval):
    """Deliver queued SMS and e-mails, retrying with backoff (safe to run several at once)."""
    from assistant.services.messaging.outbox import deliver_due, transports_from_config

    config = current_app.config
    transports = transports_from_config(config)
    factory = current_app.extensions["database"]["sessionmaker"]
    click.echo(
        f"outbox worker: sms via {transports['sms'].name}, e-mail via {transports['email'].name}"
    )
    # Stop after the current batch; the previous handlers come back when the command returns.
    with _stop_on_signal() as stopping:
        while not stopping.is_set():
            report = deliver_due(factory, transports, config["OUTBOX_MAX_ATTEMPTS"])
            if report.handled:
                click.echo(f"sent {report.sent}, retry {report.retried}, failed {report.failed}")
            if once and report.handled == 0:
                break
            if report.handled == 0:
                stopping.wait(interval)


@risks_cli.command("load")
def risks_load():
    """Add the packaged catalogue entries missing from the database (edited ones are kept)."""
    from assistant.services.prevention import risk_entries

    added = risk_entries.seed(db.session, "cli")
    db.session.commit()
    current_app.extensions["risks"].refresh(db.session)
    click.echo(
        f"risk catalogue: {len(added)} entries added" + (f" ({', '.join(added)})" if added else "")
    )


@visits_cli.command("remind")
@click.option("--once", is_flag=True, help="Queue the reminders due now, then stop.")
@click.option("--interval", default=60.0, show_default=True, help="Seconds between rounds.")
def visits_remind(once, interval):
    """Queue the reminder SMS of the visits due soon (safe to run several at once)."""
    from assistant.database import utcnow
    from assistant.services.visits.notices import send_reminders

    days_before = current_app.config["REMINDER_DAYS_BEFORE"]
    factory = current_app.extensions["database"]["sessionmaker"]
    click.echo(f"reminder worker: {days_before} days before each visit")
    with _stop_on_signal() as stopping:
        while not stopping.is_set():
            # one transaction per batch, the claim first (see send_reminders)
            with factory() as session:
                queued = send_reminders(session, utcnow(), days_before, limit=200)
                session.commit()
            if queued:
                click.echo(f"queued {queued} reminder(s)")
            if once and queued == 0:
                break
            if queued == 0:
                stopping.wait(interval)


@contextmanager
def _stop_on_signal():
    """An event set by SIGTERM or SIGINT: the loop stops after its current round, and a pause
    between rounds (`stopping.wait(seconds)`) ends at once (a `time.sleep` would go on to its
    end); the previous handlers come back when the command returns."""
    stopping = threading.Event()

    def _stop(*_):
        stopping.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stopping
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_one_import() -> int | None:
    """Claim one queued (or abandoned) workforce import and run it; its id, or None."""
    from flask_babel import force_locale

    from assistant.core.timeutil import today_paris
    from assistant.services.workforce import import_jobs

    config = current_app.config
    return import_jobs.work_once(
        current_app.extensions["database"]["writer_sessionmaker"],  # the import reads, then writes
        today=today_paris,
        timeout=timedelta(seconds=config["IMPORT_JOB_TIMEOUT"]),
        max_attempts=config["IMPORT_JOB_MAX_ATTEMPTS"],
        max_lines=config["IMPORT_MAX_LINES"],
        in_locale=force_locale,
    )


@jobs_cli.command("work")
@click.option("--once", is_flag=True, help="Run the jobs queued now, then stop.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
def jobs_work(once, interval):
    """Run the workforce CSV imports the web queued (safe to run several at once)."""
    click.echo("job worker: workforce imports")
    with _stop_on_signal() as stopping:
        while not stopping.is_set():
            job_id = run_one_import()
            if job_id is not None:
                click.echo(f"import {job_id} handled")
            elif once:
                break
            else:
                stopping.wait(interval)


@click.command("worker")
@click.option("--once", is_flag=True, help="Do what is due now, then stop.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
@with_appcontext
def worker(once, interval):
    """The outbox, the visit reminders and the workforce imports in one process (the three
    commands `outbox work`, `visits remind` and `jobs work` together)."""
    from assistant.database import utcnow
    from assistant.services.messaging.outbox import deliver_due, transports_from_config
    from assistant.services.visits.notices import send_reminders

    config = current_app.config
    transports = transports_from_config(config)
    factory = current_app.extensions["database"]["sessionmaker"]
    next_reminders = 0.0  # reminders at most once a minute when there are none to queue
    click.echo(
        f"worker: sms via {transports['sms'].name}, e-mail via {transports['email'].name}, "
        f"reminders {config['REMINDER_DAYS_BEFORE']} days before each visit, workforce imports"
    )
    with _stop_on_signal() as stopping:
        while not stopping.is_set():
            report = deliver_due(factory, transports, config["OUTBOX_MAX_ATTEMPTS"])
            handled = report.handled
            if report.handled:
                click.echo(f"sent {report.sent}, retry {report.retried}, failed {report.failed}")
            if once or time.monotonic() >= next_reminders:
                with factory() as session:
                    queued = send_reminders(session, utcnow(), config["REMINDER_DAYS_BEFORE"], 200)
                    session.commit()
                if queued:
                    click.echo(f"queued {queued} reminder(s)")
                else:
                    next_reminders = time.monotonic() + 60
                handled += queued
            job_id = run_one_import()
            if job_id is not None:
                click.echo(f"import {job_id} handled")
                handled += 1
            if handled == 0:
                if once:
                    break
                stopping.wait(interval)


def init_app(app) -> None:
    for group in (
        db_cli,
        staff_cli,
        demo_cli,
        outbox_cli,
        risks_cli,
        visits_cli,
        dialogues_cli,
        jobs_cli,
        worker,
    ):
        app.cli.add_command(group)
