"""Command-line commands: migrations, staff accounts, demo data."""

from sqlalchemy import func, select

from assistant.models import Centre, Employee, Member, OpeningHours, StaffUser, TariffRate
from tests.conftest import make_app


def test_db_upgrade_then_demo_load_once(tmp_path, database):
    app = make_app(tmp_path, database, create_schema=False)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "admin@demo.spsti.fr" in result.output
    again = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "not loaded" in again.output
    from assistant.extensions import db

    with app.app_context():
        session = db.session
        kinds = set(session.scalars(select(Centre.kind)))
        assert kinds == {"fixed", "mobile", "tele"}
        roles = set(session.scalars(select(StaffUser.role)))
        assert roles == {"admin", "secretary", "doctor", "nurse", "iprp", "pdp"}
        assert session.scalar(select(func.count()).select_from(OpeningHours)) > 10
        assert session.scalar(select(func.count()).select_from(TariffRate)) == 3
        assert session.scalar(select(func.count()).select_from(Member)) == 2
        db.engine.dispose()


def test_staff_create(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "staff",
            "create",
            "--email",
            "Dr.X@Service.fr",
            "--name",
            "Dr X",
            "--role",
            "doctor",
            "--password",
            "long-enough-pw",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "dr.x@service.fr (doctor)" in result.output


def test_staff_create_refuses_bad_input_clearly(app):
    runner = app.test_cli_runner()
    bad_role = runner.invoke(
        args=[
            "staff",
            "create",
            "--email",
            "a@b.fr",
            "--name",
            "A",
            "--role",
            "chef",
            "--password",
            "long-enough-pw",
        ]
    )
    assert bad_role.exit_code != 0 and "rôle inconnu" in bad_role.output
    short = runner.invoke(
        args=[
            "staff",
            "create",
            "--email",
            "a@b.fr",
            "--name",
            "A",
            "--role",
            "admin",
            "--password",
            "court",
        ]
    )
    assert short.exit_code != 0 and "au moins 10 caractères" in short.output
    runner.invoke(
        args=[
            "staff",
            "create",
            "--email",
            "a@b.fr",
            "--name",
            "A",
            "--role",
            "admin",
            "--password",
            "long-enough-pw",
        ]
    )
    dup = runner.invoke(
        args=[
            "staff",
            "create",
            "--email",
            "A@b.fr",
            "--name",
            "A",
            "--role",
            "admin",
            "--password",
            "long-enough-pw",
        ]
    )
    assert dup.exit_code != 0 and "existe déjà" in dup.output


def test_one_worker_runs_the_outbox_the_reminders_and_the_imports(app, db):
    import signal

    from assistant.models import ImportJob, OutboxMessage
    from assistant.services.messaging.outbox import queue_sms
    from assistant.services.workforce import import_jobs
    from tests.factories import make_member

    member = make_member(db)
    csv = (
        "nom;prenom;date_naissance;poste;date_embauche;contrat\n"
        "Martin;Léo;12/03/1990;Vendeur;01/09/2024;CDI\n"
    )
    job = import_jobs.queue(db, member.id, csv.encode(), "fr", "member:1", None)
    message = queue_sms(db, "+33612345678", "Bonjour")
    db.commit()
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)

    result = app.test_cli_runner().invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    assert "sent 1, retry 0, failed 0" in result.output
    assert f"import {job.id} handled" in result.output
    db.rollback()
    db.expire_all()
    assert db.get(OutboxMessage, message.id).status == "sent"
    assert db.get(ImportJob, job.id).status == "done"
    assert db.scalar(select(func.count()).select_from(Employee)) == 1
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers
    # the jobs alone: nothing left to do, the command says so and stops
    alone = app.test_cli_runner().invoke(args=["jobs", "work", "--once"])
    assert alone.exit_code == 0 and "job worker: workforce imports" in alone.output
