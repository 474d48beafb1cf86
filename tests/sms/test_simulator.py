"""The /dev/sms simulator: a developer types as any phone, through the webhook's own path."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from assistant.app import create_app
from assistant.config import Config
from assistant.extensions import db
from assistant.models import InboundSms
from assistant.services.messaging import outbox

NUMBER = "+33781234567"


@pytest.fixture
def dev_app(tmp_path, app):
    """A development app on the test database (its schema made by the `app` fixture)."""
    config = Config(
        tmp_path,
        {"SECRET_KEY": "s", "APP_ENV": "development", "DATABASE_URL": app.config["DATABASE_URL"]},
    )
    config.ENGINE_OPTIONS = app.config["ENGINE_OPTIONS"]
    config.WTF_CSRF_ENABLED = False
    dev_app = create_app(config)
    yield dev_app
    with dev_app.app_context():
        db.engine.dispose()


def page_text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.text)


def test_typing_as_a_phone_plays_the_same_journey(dev_app):
    client = dev_app.test_client()
    first = client.post("/dev/sms", data={"phone": "07 81 23 45 67", "message": "MENU"})
    assert first.status_code == 302
    assert f"/dev/sms/{NUMBER}" in first.headers["Location"]
    for message in ("SCORE", "oui", "non"):
        response = client.post(f"/dev/sms/{NUMBER}", data={"message": message})
        assert response.status_code == 302

    page = page_text(client.get(f"/dev/sms/{NUMBER}"))
    for typed in ("MENU", "SCORE", "oui", "non"):
        assert f'<span class="pre">{typed}</span>' in page
    assert "ADHERER" in page  # the menu
    assert "Employez-vous des salariés ?" in page  # the score's first question
    assert "DUERP" in page  # the question after "oui"

    with dev_app.app_context():
        rows = db.session.scalars(select(InboundSms).order_by(InboundSms.id)).all()
        assert [row.body for row in rows] == ["MENU", "SCORE", "oui", "non"]
        assert all(row.from_number == NUMBER and row.reply for row in rows)
        assert all(row.message_sid.startswith("DEV") for row in rows)


def test_a_queued_message_shows_for_its_phone(dev_app):
    with dev_app.app_context():
        outbox.queue_sms(db.session, NUMBER, "Rappel : visite demain à 9 h 30.")
        db.session.commit()
    client = dev_app.test_client()
    assert NUMBER in page_text(client.get("/dev/sms"))  # listed among the numbers
    assert "Rappel : visite demain à 9 h 30." in page_text(client.get(f"/dev/sms/{NUMBER}"))
    assert "Rappel" not in page_text(client.get("/dev/sms/+33600000001"))


def test_a_bad_number_is_refused_with_a_message(dev_app):
    client = dev_app.test_client()
    response = client.post("/dev/sms", data={"phone": "12", "message": "MENU"})
    assert response.status_code == 302
    assert "Numéro non reconnu" in page_text(client.get("/dev/sms"))


def test_no_simulator_in_production(client):
    assert client.get("/dev/sms").status_code == 404
    assert client.post("/dev/sms", data={"phone": NUMBER, "message": "MENU"}).status_code == 404
    assert client.get(f"/dev/sms/{NUMBER}").status_code == 404
