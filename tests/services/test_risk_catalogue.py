"""The risk catalogue in the database: seeding, editing, each app's copy kept current."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, select, text
from sqlalchemy.orm import Session

from assistant.database import make_engine
from assistant.models import AuditEntry
from assistant.models.risk import RiskEntry
from assistant.services.followup import followup_table
from assistant.services.prevention import risk_catalogue, risk_entries
from tests.conftest import make_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def risks(db):
    """The copy of the catalogue kept by the test's app (the one its sessions reach)."""
    return risk_catalogue.of(db)


def _wood_dust(**changes):
    values = {
        "family": "chemical",
        "label_fr": "Poussières de bois",
        "label_en": "Wood dust",
        "synonyms": "poussiere de bois\nbois\nmenuiserie\nwood dust",
        "active": True,
    }
    return {**values, **changes}


def test_an_empty_table_means_the_packaged_catalogue(risks, db):
    assert risks.refresh(db) is True
    assert len(risks.catalogue()) == 23
    assert risks.catalogue()["wood_dust"].label_fr == "Poussières de bois"
    assert risks.match("je respire de la sciure")[0].code == "wood_dust"
    # nothing changed: no reload
    assert risks.refresh(db) is False


def test_seed_loads_the_csv_then_the_table_is_the_catalogue(risks, db):
    added = risk_entries.seed(db)
    assert len(added) == 23 and added[0] == "noise"
    db.commit()
    rows = db.scalars(select(RiskEntry).order_by(RiskEntry.position)).all()
    assert [r.code for r in rows][:2] == ["noise", "vibrations"]
    assert rows[0].synonyms.split(";")[0] == "bruit"
    # an edit made straight in the table shows once refreshed
    rows[0].label_fr = "Bruit au travail"
    db.commit()
    before = risks.version()
    assert risks.refresh(db) is True
    assert risks.catalogue()["noise"].label_fr == "Bruit au travail"
    assert list(risks.catalogue())[:2] == ["noise", "vibrations"]
    assert risks.version() > before
    assert risk_entries.seed(db) == []


def test_an_edited_synonym_changes_matching(risks, db):
    risk_entries.seed(db)
    db.commit()
    assert risks.match("je balaie des copeaux") == []
    risk_entries.update_entry(
        db, "admin@test.fr", "wood_dust", **_wood_dust(synonyms="copeaux;bois")
    )
    db.commit()
    risks.refresh(db)
    assert [r.code for r in risks.match("je balaie des copeaux")] == ["wood_dust"]
    assert "wood_dust" not in [r.code for r in risks.match("je respire de la sciure")]
    stored = db.get(RiskEntry, "wood_dust")
    assert stored.synonyms == "copeaux;bois" and stored.updated_by == "admin@test.fr"


def test_editing_a_packaged_entry_stores_it_even_before_seeding(risks, db):
    risk_entries.update_entry(db, "admin@test.fr", "wood_dust", **_wood_dust(synonyms="copeaux"))
    db.commit()
    assert db.scalars(select(RiskEntry.code)).all() == ["wood_dust"]
    risks.refresh(db)
    # the other entries still come from the package
    assert len(risks.catalogue()) == 23
    assert risks.match("je balaie des copeaux")[0].code == "wood_dust"
    assert risks.match("trop de bruit")[0].code == "noise"


def test_an_inactive_entry_is_neither_matched_nor_offered_but_keeps_its_label(risks, db):
    risk_entries.seed(db)
    risk_entries.update_entry(
        db,
        "admin@test.fr",
        "screen",
        family="physical",
        label_fr="Travail sur écran",
        label_en="Screen work",
        synonyms="ecran;ordinateur",
        active=False,
    )
    db.commit()
    risks.refresh(db)
    assert "screen" not in [r.code for r in risks.match("je travaille sur ordinateur")]
    assert "screen" not in [r.code for r in risks.offered()]
    assert "screen" not in [r.code for r in risks.catalogue().values()]
    # a code stored on an employee or a declaration stays known, with its label
    assert "screen" in risks.catalogue()
    assert risks.catalogue()["screen"].label("fr") == "Travail sur écran"
    assert risks.catalogue().get("screen").active is False


def test_an_entry_with_a_follow_up_rule_cannot_be_deactivated(db):
    risk_entries.seed(db)
    db.commit()
    with pytest.raises(risk_entries.RiskCatalogueError) as refused:
        risk_entries.update_entry(db, "admin@test.fr", "asbestos", **_asbestos(active=False))
    assert refused.value.field == "active"
    assert "Amiante" in str(refused.value.message)
    db.rollback()
    assert db.get(RiskEntry, "asbestos").active is True


def _asbestos(**changes):
    values = {
        "family": "chemical",
        "label_fr": "Amiante",
        "label_en": "Asbestos",
        "synonyms": "amiante;asbestos",
        "active": True,
    }
    return {**values, **changes}


def test_seed_never_overwrites_an_edit_and_restores_a_missing_entry(db):
    risk_entries.seed(db)
    risk_entries.update_entry(
        db, "admin@test.fr", "asbestos", **_asbestos(label_fr="Amiante (SS3/SS4)")
    )
    db.execute(delete(RiskEntry).where(RiskEntry.code == "lead"))
    db.commit()
    assert risk_entries.seed(db, "cli") == ["lead"]
    db.commit()
    assert db.get(RiskEntry, "asbestos").label_fr == "Amiante (SS3/SS4)"
    assert db.get(RiskEntry, "lead").label_fr == "Plomb"
    loaded = db.scalars(select(AuditEntry).where(AuditEntry.actor == "cli")).all()
    assert [(a.action, a.detail) for a in loaded] == [("create", "loaded: lead")]


def test_every_change_is_audited_field_by_field(db):
    risk_entries.seed(db)
    db.commit()
    risk_entries.update_entry(
        db, "staff:1", "asbestos", **_asbestos(synonyms="amiante\ndesamiantage")
    )
    # saving again with nothing changed writes nothing
    risk_entries.update_entry(
        db, "staff:1", "asbestos", **_asbestos(synonyms="amiante;desamiantage")
    )
    db.commit()
    entries = db.scalars(select(AuditEntry).where(AuditEntry.record_type == "risk_entry")).all()
    updates = [e for e in entries if e.action == "update"]
    assert len(updates) == 1
    assert updates[0].actor == "staff:1" and updates[0].record_id == "asbestos"
    assert "synonyms" in updates[0].detail and "desamiantage" in updates[0].detail
    assert "label_fr" not in updates[0].detail


@pytest.mark.parametrize(
    "code", ["", "Travail_isole", "travail isolé", "travail-isole", "x" * 41, "noise"]
)
def test_a_new_code_must_be_lowercase_ascii_and_unique(db, code):
    with pytest.raises(risk_entries.RiskCatalogueError) as refused:
        risk_entries.create_entry(
            db, "admin@test.fr", code, "organisational", "Travail isolé", "Lone work"
        )
    assert refused.value.field == "code"
    assert db.scalars(select(RiskEntry)).all() == []


def test_a_new_entry_is_matched_and_implies_the_general_follow_up(risks, db):
    risk_entries.seed(db)
    created = risk_entries.create_entry(
        db,
        "admin@test.fr",
        "lone_work",
        "organisational",
        "Travail isolé",
        "Lone work",
        "travail isole\nseul sur le chantier; lone work",
    )
    db.commit()
    assert (
        created.position == 23
        and created.synonyms == "travail isole;seul sur le chantier;lone work"
    )
    risks.refresh(db)
    assert list(risks.catalogue())[-1] == "lone_work"
    assert risks.match("je suis seul sur le chantier")[0].code == "lone_work"
    assert followup_table.implications("lone_work") == []
    audit = db.scalars(select(AuditEntry).where(AuditEntry.record_id == "lone_work")).one()
    assert audit.action == "create" and "Travail isolé" in audit.detail


def test_labels_and_family_are_required(db):
    with pytest.raises(risk_entries.RiskCatalogueError) as refused:
        risk_entries.update_entry(db, "a", "asbestos", **_asbestos(label_fr="  "))
    assert refused.value.field == "label_fr"
    with pytest.raises(risk_entries.RiskCatalogueError) as refused:
        risk_entries.update_entry(db, "a", "asbestos", **_asbestos(family="cosmic"))
    assert refused.value.field == "family"
    with pytest.raises(LookupError):
        risk_entries.update_entry(db, "a", "no_such_code", **_asbestos())


def test_implications_come_from_the_follow_up_rules():
    wood = followup_table.implications("wood_dust")
    assert [(r.key, r.category, r.max_months) for r in wood] == [("cmr", "SIR", 48)]
    assert [r.key for r in followup_table.implications("night_work")] == ["night_worker"]
    assert followup_table.implications("noise") == []


@pytest.mark.real_clock  # the other process stamps its change on the machine's clock
def test_refresh_sees_a_change_made_by_another_process(risks, tmp_path, database, db):
    risk_entries.seed(db)
    db.commit()
    risks.refresh(db)
    assert risks.match("je balaie des copeaux") == []
    url, options = database
    script = (
        "import json, sys\n"
        "from sqlalchemy.orm import Session\n"
        "from assistant.database import make_engine\n"
        "from assistant.services.prevention import risk_entries\n"
        "url, options = json.loads(sys.argv[1])\n"
        "engine = make_engine(url, **options)\n"
        "with Session(engine) as session:\n"
        "    risk_entries.update_entry(session, 'other', 'wood_dust', 'chemical',\n"
        "                              'Poussières de bois', 'Wood dust', 'copeaux', True)\n"
        "    session.commit()\n"
        "engine.dispose()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps([url, options])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    # within max_age, the table is not asked again
    assert risks.refresh(db, max_age=3600) is False
    assert risks.match("je balaie des copeaux") == []
    db.rollback()  # SQLite WAL: a fresh read transaction sees the other process's commit
    assert risks.refresh(db) is True
    assert risks.match("je balaie des copeaux")[0].code == "wood_dust"


@pytest.fixture
def second_database(tmp_path):
    """Another empty database, as `database` gives one."""
    pg_url = os.environ.get("TEST_DATABASE_URL")
    if not pg_url:
        yield f"sqlite:///{tmp_path / 'second.db'}", {}
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield pg_url, {"connect_args": {"options": f"-csearch_path={schema}"}}
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_two_apps_in_one_process_each_keep_their_own_catalogue(app, db, tmp_path, second_database):
    other = make_app(tmp_path / "second", second_database)
    other_session = other.extensions["database"]["sessionmaker"]()
    ours, theirs = app.extensions["risks"], other.extensions["risks"]
    try:
        # each app's sessions reach that app's own copy
        assert ours is not theirs
        assert risk_catalogue.of(db) is ours and risk_catalogue.of(other_session) is theirs
        # an edit in the first app's database, read by the next request to that app…
        risk_entries.seed(db)
        risk_entries.update_entry(db, "a", "asbestos", **_asbestos(label_fr="Amiante (édité)"))
        db.commit()
        assert app.test_client().get("/").status_code == 200
        assert ours.catalogue()["asbestos"].label_fr == "Amiante (édité)"
        # …is not seen by the other app, which reads its own (empty) table
        assert theirs.catalogue()["asbestos"].label_fr == "Amiante"
        assert other.test_client().get("/").status_code == 200
        assert theirs.catalogue()["asbestos"].label_fr == "Amiante"
        # and an edit there stays there
        risk_entries.update_entry(
            other_session, "a", "asbestos", **_asbestos(label_fr="Amiante (autre)")
        )
        other_session.commit()
        assert theirs.refresh(other_session) is True
        assert theirs.catalogue()["asbestos"].label_fr == "Amiante (autre)"
        assert ours.refresh(db) is False
        assert ours.catalogue()["asbestos"].label_fr == "Amiante (édité)"
    finally:
        other_session.close()
        other.extensions["database"]["engine"].dispose()


def test_a_copy_given_another_database_reads_it_whole(db, tmp_path, second_database):
    risk_entries.seed(db)
    risk_entries.update_entry(db, "a", "asbestos", **_asbestos(label_fr="Amiante (édité)"))
    db.commit()
    risks = risk_catalogue.of(db)
    assert risks.refresh(db) is True
    other = make_app(tmp_path / "second", second_database)
    other_session = other.extensions["database"]["sessionmaker"]()
    try:
        # another database is read, however recently the first was checked…
        assert risks.refresh(other_session, max_age=3600) is True
        assert risks.catalogue()["asbestos"].label_fr == "Amiante"
        # …and reading the first again, even with an unchanged table, gives its catalogue
        assert risks.refresh(db, max_age=3600) is True
        assert risks.catalogue()["asbestos"].label_fr == "Amiante (édité)"
    finally:
        other_session.close()
        other.extensions["database"]["engine"].dispose()


def test_a_session_made_elsewhere_has_a_catalogue_of_its_own(database, db):
    risk_entries.seed(db)
    risk_entries.update_entry(db, "a", "wood_dust", **_wood_dust(synonyms="copeaux"))
    db.commit()
    url, options = database
    engine = make_engine(url, **options)
    try:
        with Session(engine) as session:  # a script's: no app gave it a catalogue
            risks = risk_catalogue.of(session)
            assert risks is risk_catalogue.of(session) and risks is not risk_catalogue.of(db)
            assert risks.match("je balaie des copeaux") == []  # the packaged one…
            assert risks.refresh(session) is True  # …until read through that session
            assert risks.match("je balaie des copeaux")[0].code == "wood_dust"
    finally:
        engine.dispose()
    assert risk_catalogue.of(None).catalogue() is risk_catalogue.packaged()


def test_the_load_command_adds_what_is_missing_and_keeps_edits(risks, app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["risks", "load"])
    assert result.exit_code == 0, result.output
    assert "23 entries added" in result.output
    db.rollback()
    risk_entries.update_entry(db, "a", "asbestos", **_asbestos(label_fr="Amiante (édité)"))
    db.commit()
    again = runner.invoke(args=["risks", "load"])
    assert again.exit_code == 0 and "0 entries added" in again.output
    db.rollback()
    assert db.get(RiskEntry, "asbestos").label_fr == "Amiante (édité)"
    assert risks.catalogue()["asbestos"].label_fr == "Amiante (édité)"
