"""Back-office pages of the risk catalogue: administrators only, edits audited and applied."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assistant.models import AuditEntry, Role, StaffUser
from assistant.models.risk import RiskEntry
from assistant.services.prevention import risk_entries
from tests.conftest import csrf_token, make_app
from tests.factories import PASSWORD


@pytest.fixture
def risks(app):
    """The copy of the catalogue kept by the test's app."""
    return app.extensions["risks"]


def _form(**changes):
    values = {
        "family": "chemical",
        "label_fr": "Poussières de bois",
        "label_en": "Wood dust",
        "synonyms": "poussiere de bois\nbois\nmenuiserie",
        "active": "y",
    }
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


URLS = ["/staff/risques", "/staff/risques/noise", "/staff/risques/nouveau"]


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("url", URLS)
def test_only_administrators_reach_the_catalogue(client, staff_login, role, url):
    staff_login(role)
    expected = 200 if role == Role.ADMIN else 403
    assert client.get(url).status_code == expected


@pytest.mark.parametrize("role", [r.value for r in Role if r != Role.ADMIN])
def test_other_roles_cannot_post_either(client, db, staff_login, role):
    staff_login(role)
    assert client.post("/staff/risques/noise", data=_form(active=None)).status_code == 403
    assert client.post("/staff/risques/nouveau", data=_form(code="x")).status_code == 403
    assert db.scalars(select(RiskEntry)).all() == []


def test_the_list_shows_families_synonyms_and_what_each_entry_implies(client, staff_login):
    staff_login("admin")
    page = client.get("/staff/risques").get_data(as_text=True)
    for family in ("Risques physiques", "Risques chimiques", "Risques psychosociaux"):
        assert family in page
    assert "Poussières de bois" in page and "Wood dust" in page
    assert '<span class="tag">sciure</span>' in page
    wood = page[page.index('id="risk-wood_dust"') :]
    wood = wood[: wood.index("</tr>")]
    assert "Suivi individuel renforcé (SIR)" in wood and "48 mois" in wood
    noise = page[page.index('id="risk-noise"') :]
    noise = noise[: noise.index("</tr>")]
    assert "suivi individuel général" in noise
    assert 'href="/staff/risques/wood_dust"' in page and 'href="/staff/risques/nouveau"' in page


def test_R4451_57_the_radiation_entry_implies_sir_only_for_classified_workers(client, staff_login):
    staff_login("admin")
    page = client.get("/staff/risques").get_data(as_text=True)
    row = page[page.index('id="risk-radiation"') :]
    row = row[: row.index("</tr>")]
    assert "seulement pour un travailleur classé en catégorie A" in row
    assert "seulement pour un travailleur classé en catégorie B" in row
    assert "au plus tous les 12 mois" in row and "au plus tous les 48 mois" in row


def test_an_edit_changes_matching_at_once_and_is_audited(risks, client, db, staff_login):
    email = staff_login("admin")
    page = client.get("/staff/risques/wood_dust").get_data(as_text=True)
    assert "Suivi individuel renforcé (SIR)" in page
    assert "\npoussiere de bois\nbois\nsciure\nmenuiserie\nwood dust</textarea>" in page
    assert risks.match("je balaie des copeaux") == []
    response = client.post("/staff/risques/wood_dust", data=_form(synonyms="copeaux; sciure\nbois"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/risques#risk-wood_dust")
    assert risks.match("je balaie des copeaux")[0].code == "wood_dust"
    db.rollback()
    assert db.get(RiskEntry, "wood_dust").synonyms == "copeaux;sciure;bois"
    staff = db.scalar(select(StaffUser).where(StaffUser.email == email))
    entry = db.scalars(select(AuditEntry).where(AuditEntry.record_type == "risk_entry")).one()
    assert (entry.actor, entry.action, entry.record_id) == (staff.get_id(), "update", "wood_dust")
    assert "copeaux" in entry.detail and entry.ip == "127.0.0.1"
    assert "Le risque « Poussières de bois » est enregistré." in client.get(
        "/staff/risques"
    ).get_data(as_text=True)


def test_a_deactivated_entry_is_no_longer_offered_to_employers(
    risks, client, staff_login, demo_employer
):
    assert 'value="screen"' in demo_employer.get("/espace/effectifs/nouveau").get_data(as_text=True)
    staff_login("admin")
    response = client.post(
        "/staff/risques/screen",
        data=_form(family="physical", label_fr="Travail sur écran", label_en="Screen work"),
    )
    assert response.status_code == 302
    response = client.post(
        "/staff/risques/screen",
        data=_form(
            family="physical", label_fr="Travail sur écran", label_en="Screen work", active=None
        ),
    )
    assert response.status_code == 302
    form = demo_employer.get("/espace/effectifs/nouveau").get_data(as_text=True)
    assert 'value="screen"' not in form and 'value="noise"' in form
    assert "screen" not in [r.code for r in risks.match("je travaille sur ordinateur")]
    listing = client.get("/staff/risques").get_data(as_text=True)
    screen = listing[listing.index('id="risk-screen"') :]
    assert '<span class="tag">inactif</span>' in screen[: screen.index("</tr>")]


def test_an_entry_with_a_rule_cannot_be_deactivated(client, db, staff_login):
    staff_login("admin")
    response = client.post(
        "/staff/risques/asbestos",
        data=_form(label_fr="Amiante", label_en="Asbestos", synonyms="amiante", active=None),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="active-error"' in page and "ne peut pas être désactivé" in page
    assert db.scalars(select(RiskEntry)).all() == []


def test_labels_are_required(client, db, staff_login):
    staff_login("admin")
    response = client.post("/staff/risques/wood_dust", data=_form(label_fr=""))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="label_fr-error"' in page and "Indiquez le libellé en français." in page
    assert db.scalars(select(RiskEntry)).all() == []


def test_an_unknown_code_is_not_found(client, staff_login):
    staff_login("admin")
    assert client.get("/staff/risques/no_such_risk").status_code == 404


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("Travail isolé", "lettres minuscules sans accent"),
        ("noise", "Ce code existe déjà dans le catalogue."),
        ("nouveau", "Ce code est réservé"),
        ("", "Indiquez un code."),
    ],
)
def test_a_bad_code_gets_a_field_error_in_french(client, db, staff_login, code, message):
    staff_login("admin")
    response = client.post(
        "/staff/risques/nouveau",
        data=_form(code=code, family="organisational", label_fr="Travail isolé", label_en="Lone"),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = page[page.index('id="code-error"') :]
    assert message in error[: error.index("</p>")]
    assert 'value="Travail isolé"' in page  # what was typed is kept
    assert db.scalars(select(RiskEntry)).all() == []


def test_a_new_entry_joins_the_catalogue(risks, client, db, staff_login):
    staff_login("admin")
    response = client.post(
        "/staff/risques/nouveau",
        data=_form(
            code="lone_work",
            family="organisational",
            label_fr="Travail isolé",
            label_en="Lone work",
            synonyms="seul sur le chantier\ntravail isole",
        ),
    )
    assert response.status_code == 302
    assert risks.match("je suis seul sur le chantier")[0].code == "lone_work"
    page = client.get("/staff/risques").get_data(as_text=True)
    assert "Le risque « Travail isolé » est ajouté au catalogue." in page
    row = page[page.index('id="risk-lone_work"') :]
    assert "suivi individuel général" in row[: row.index("</tr>")]
    db.rollback()
    assert db.get(RiskEntry, "lone_work").family == "organisational"
    audit = db.scalars(select(AuditEntry).where(AuditEntry.record_id == "lone_work")).one()
    assert audit.action == "create"


def test_another_process_change_is_seen_by_the_next_request(tmp_path, database):
    app = make_app(tmp_path, database, RISK_CATALOGUE_TTL=0)
    risks = app.extensions["risks"]
    other = app.extensions["database"]["sessionmaker"]()  # as another process would write
    try:
        client = app.test_client()
        assert client.get("/").status_code == 200
        assert risks.match("je balaie des copeaux") == []
        risk_entries.seed(other)
        other.get(RiskEntry, "wood_dust").synonyms = "copeaux"
        other.commit()
        assert client.get("/").status_code == 200
        assert risks.match("je balaie des copeaux")[0].code == "wood_dust"
    finally:
        other.close()
        app.extensions["database"]["engine"].dispose()


def test_within_the_delay_a_request_does_not_read_the_table_again(tmp_path, database):
    app = make_app(tmp_path, database, RISK_CATALOGUE_TTL=30)
    risks = app.extensions["risks"]
    other = app.extensions["database"]["sessionmaker"]()
    try:
        client = app.test_client()
        assert client.get("/").status_code == 200
        risk_entries.seed(other)
        other.get(RiskEntry, "wood_dust").synonyms = "copeaux"
        other.commit()
        assert client.get("/").status_code == 200
        assert risks.match("je balaie des copeaux") == []  # read again in 30 s at the latest
    finally:
        other.close()
        app.extensions["database"]["engine"].dispose()


def test_edits_need_a_csrf_token(tmp_path, database, make_staff):
    app = make_app(tmp_path, database, WTF_CSRF_ENABLED=True)
    risks = app.extensions["risks"]
    try:
        client = app.test_client()
        from assistant.extensions import db
        from tests.factories import make_staff_user

        with app.app_context():
            make_staff_user(db.session, "admin", "admin-csrf@test.fr")
            db.session.commit()
        token = csrf_token(client.get("/staff/login").get_data(as_text=True))
        client.post(
            "/staff/login",
            data={"email": "admin-csrf@test.fr", "password": PASSWORD, "csrf_token": token},
        )
        refused = client.post("/staff/risques/wood_dust", data=_form(synonyms="copeaux"))
        assert refused.status_code == 400
        assert "Formulaire expiré" in refused.get_data(as_text=True)
        refused = client.post("/staff/risques/nouveau", data=_form(code="lone_work"))
        assert refused.status_code == 400
        assert risks.match("je balaie des copeaux") == []
        token = csrf_token(client.get("/staff/risques/wood_dust").get_data(as_text=True))
        accepted = client.post(
            "/staff/risques/wood_dust", data=_form(synonyms="copeaux", csrf_token=token)
        )
        assert accepted.status_code == 302
        assert risks.match("je balaie des copeaux")[0].code == "wood_dust"
    finally:
        with app.app_context():
            db.engine.dispose()
