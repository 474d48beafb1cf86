"""The worker's consent to teleconsultation by text (R4624-41-1, R4624-41-2): `VIDEO` asks, `VIDEO
OUI` / `VIDEO NON` answer at once, only from the worker's own proven mobile; every reply fits."""

from __future__ import annotations

import pytest
from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select

from assistant.core.segments import fits
from assistant.models import AuditEntry, DialogueState, TeleConsent
from assistant.services.visits import tele_consent
from assistant.sms.keywords import tele_command
from tests.sms.conftest import Phone
from tests.sms.helpers import NUMBER, employee_login, say, texting_employee, texting_independent


def consent_of(session, employee=None, member=None):
    session.rollback()
    session.expire_all()
    return tele_consent.in_force(session, employee=employee, member=member)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("VIDEO", ("video", None)),
        ("vidéo", ("video", None)),
        ("Visio", ("video", None)),
        ("téléconsultation", ("video", None)),
        ("VIDEO OUI", ("video", True)),
        ("video ok", ("video", True)),
        ("Vidéo non", ("video", False)),
        ("VIDEO NON MERCI", ("video", False)),
        ("visio retirer", ("video", False)),
        ("RDV", None),
        ("video de chat drole ici", None),
    ],
)
def test_the_keyword_is_read_leniently(text, read):
    assert tele_command(text) == read


def test_R4624_41_1_an_employee_gives_consent_by_sms_then_withdraws_it(phone, sms_db):
    employee = texting_employee(sms_db)
    ask = phone.send("VIDEO")
    assert "Acceptez-vous la téléconsultation" in ask and fits(ask)
    given = phone.send("oui")
    assert "pourront se faire en téléconsultation" in given
    consent = consent_of(sms_db, employee=employee)
    assert (consent.channel, consent.recorded_by) == ("sms", f"phone:{phone.number}")
    # asked again, the question says the consent is in force
    assert "Répondez NON pour retirer votre accord" in phone.send("video")
    assert "aucune visite ne se fera en téléconsultation" in phone.send("non")
    assert consent_of(sms_db, employee=employee) is None
    actions = sms_db.scalars(
        select(AuditEntry.action).where(AuditEntry.record_type == "tele_consent")
    ).all()
    assert actions == ["give", "withdraw"]


def test_R4624_41_2_the_answer_may_come_with_the_keyword(phone, sms_db):
    member = texting_independent(sms_db)
    assert "pourront se faire" in phone.send("Vidéo oui")
    assert consent_of(sms_db, member=member).member_id == member.id
    assert "Envoyez VIDEO OUI" in phone.send("VIDEO NON")
    assert consent_of(sms_db, member=member) is None


def test_R4624_41_1_a_contact_number_the_employer_typed_cannot_consent(phone, sms_db):
    texting_employee(sms_db, proven=False)
    reply = phone.send("VIDEO OUI")
    assert "Seul le salarié donne son accord" in reply
    sms_db.rollback()
    assert sms_db.scalar(select(TeleConsent)) is None


def test_an_unknown_number_is_told_how_to_become_known(phone, sms_db):
    assert "ne correspond à aucun dossier" in phone.send("VIDEO")


def test_the_anonymous_chat_points_to_the_space_or_sms(app, client):
    assert "envoyez VIDEO par SMS" in say(client, "video")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_consent_reply_fits_in_three_segments(app, language):
    names = ["given", "withdrawn", "unproven", "chat"]
    with app.test_request_context(), force_locale(language):
        texts = [render_template("sms/tele_consent_ask.txt", in_force=f) for f in (True, False)]
        texts += [render_template(f"sms/tele_consent_{name}.txt") for name in names]
    for text in texts:
        assert fits(text.strip()), text


@pytest.mark.parametrize("channel", ["sms", "chat", "web"])
def test_R4624_41_1_the_consent_is_one_journey_on_every_channel(sms_app, sms_db, channel):
    """The same answers by SMS, in the chat of the signed-in worker and on the employee space's
    page store the same consent, then withdraw it."""
    employee = texting_employee(sms_db)
    client = sms_app.test_client()
    if channel == "sms":
        phone = Phone(client, NUMBER)
        give, take_back = (lambda: phone.send("VIDEO OUI")), (lambda: phone.send("video non"))
    elif channel == "chat":
        employee_login(client, sms_db, NUMBER)
        give, take_back = (lambda: say(client, "VIDEO OUI")), (lambda: say(client, "video non"))
    else:
        employee_login(client, sms_db, NUMBER)

        def give():
            return client.post("/salarie/teleconsultation", data={"agree": "oui"})

        def take_back():
            return client.post("/salarie/teleconsultation", data={"agree": "non"})

    give()
    consent = consent_of(sms_db, employee=employee)
    assert consent.worker_id == employee.worker_id
    expected = {"sms": ("sms", f"phone:{NUMBER}"), "chat": ("web", f"phone:{NUMBER}")}
    expected["web"] = ("web", f"employee:{NUMBER}")
    assert (consent.channel, consent.recorded_by) == expected[channel]
    take_back()
    assert consent_of(sms_db, employee=employee) is None
    sms_db.rollback()
    assert sms_db.scalar(select(DialogueState)) is None  # the journey ended itself
