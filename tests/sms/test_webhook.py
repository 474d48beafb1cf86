"""The webhook's contract (SPEC 5): signatures, one handling per MessageSid, state, STOP."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from assistant.core.segments import fits
from assistant.models import DialogueState, InboundSms, OutboxMessage, PhoneProfile
from tests.conftest import make_app
from tests.sms.conftest import BASE, TOKEN, Phone


def test_missing_or_wrong_signature_is_refused_and_changes_nothing(phone, sms_db):
    assert phone.post("SCORE", sign=False).status_code == 403
    assert phone.post("SCORE", token="not-the-token").status_code == 403
    assert sms_db.scalar(select(func.count()).select_from(InboundSms)) == 0
    assert sms_db.scalar(select(func.count()).select_from(DialogueState)) == 0


def test_signature_over_another_url_is_refused(sms_app):
    from twilio.request_validator import RequestValidator

    form = {"MessageSid": "SM1", "From": "+33781234567", "Body": "MENU"}
    signature = RequestValidator(TOKEN).compute_signature("https://evil.example/sms/inbound", form)
    response = sms_app.test_client().post(
        "/sms/inbound", data=form, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403


def test_without_a_token_everything_is_refused_outside_development(app):
    response = app.test_client().post(
        "/sms/inbound", data={"MessageSid": "SM1", "From": "+33781234567"}
    )
    assert response.status_code == 403


def test_a_retried_message_sid_gets_the_same_reply_and_is_handled_once(phone, sms_db):
    first = phone.send("SCORE", sid="SM" + "a" * 32)
    again = phone.send("SCORE", sid="SM" + "a" * 32)
    assert first == again
    assert sms_db.scalar(select(func.count()).select_from(InboundSms)) == 1
    reply = phone.send("oui")  # the journey moved one step only
    assert "DUERP" in reply


def test_every_message_is_stored(phone, sms_db):
    phone.send("bonjour tout le monde")
    row = sms_db.scalar(select(InboundSms))
    assert row.body == "bonjour tout le monde" and row.reply and row.handled_at


def test_conversation_survives_a_restart(tmp_path, database, sms_app, phone):
    phone.send("SCORE")
    phone.send("oui")
    sms_app.extensions["database"]["engine"].dispose()
    again = make_app(
        tmp_path, database, create_schema=False, TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL=BASE
    )
    other_process = Phone(again.test_client(), phone.number)
    assert "plan d'actions" not in other_process.send("oui")  # Q1 → Q2 (DUERP with staff)
    again.extensions["database"]["engine"].dispose()


def test_a_keyword_restarts_a_journey_at_any_point(phone):
    phone.send("SCORE")
    phone.send("oui")
    assert "salariés" in phone.send("score")


def test_an_idle_conversation_expires(phone, sms_db):
    phone.send("SCORE")
    state = sms_db.scalar(select(DialogueState))
    state.updated_at = state.updated_at - timedelta(hours=25)
    sms_db.commit()
    assert "recommençons" in phone.send("oui")
    assert sms_db.scalar(select(func.count()).select_from(DialogueState)) == 0


def test_stop_then_start(phone, sms_db, sms_app):
    from assistant.services.messaging.outbox import deliver_due, queue_sms, transports_from_config

    assert "START" in phone.send("STOP")
    queue_sms(sms_db, phone.number, "Nouvelle session de sensibilisation", essential=False)
    queue_sms(sms_db, phone.number, "Votre code : 123456", essential=True)
    sms_db.commit()
    factory = sms_app.extensions["database"]["sessionmaker"]
    report = deliver_due(factory, transports_from_config({}))
    assert (report.skipped, report.sent) == (1, 1)
    statuses = dict(sms_db.execute(select(OutboxMessage.body, OutboxMessage.status)).all())
    assert statuses["Nouvelle session de sensibilisation"] == "skipped"
    assert "MENU" in phone.send("start")
    sms_db.rollback()
    assert sms_db.scalar(select(PhoneProfile.opted_out_at)) is None


def test_pdp_from_an_unknown_number_gives_the_service_s_phone(phone):
    assert "01 23 45 67 89" in phone.send("PDP")


def test_risks_need_a_membership(phone):
    assert "ADHERER" in phone.send("RISQUES")


def test_member_declares_risks_with_typos(sms_app, sms_db, sms_demo):
    """The four drawers by SMS, in short form: the same journey as the web's, the same store."""
    from assistant.models import Member
    from assistant.services.prevention import declarations

    lea = Phone(sms_app.test_client(), "+33698765432")
    sms_db.rollback()
    member = sms_db.scalar(select(Member).where(Member.phone == "+33698765432"))
    before = declarations.risk_codes(declarations.current_data(sms_db, member))
    sms_db.rollback()
    steps = [
        ("risque", "4 parties"),  # typo in the keyword; an independent: no CSE question
        ("non", "sites"),
        ("1", "métiers"),
        ("menuiserie", "DUERP"),
        ("oui", "plan d'actions"),
        ("non", "formations"),
        ("oui", "protection"),
        ("oui", "risques"),
        ("je respire de la poussiere de bois et du bruitt", "1. Poussières de bois"),
    ]
    for message, expected in steps:
        reply = lea.send(message)
        assert expected in reply, (message, reply)
        assert fits(reply), reply
    assert "2. Bruit" in reply
    assert "Quels risques" in lea.send("non")  # not that: describe again
    assert "1. Poussières de bois" in lea.send("poussière de bois")
    done = lea.send("oui")
    assert "Merci" in done and "version 1" in done and fits(done), done
    sms_db.rollback()
    latest = declarations.latest(sms_db, member.id)
    assert latest.created_by == "phone:+33698765432"
    assert latest.data["organisation"] == {"in_group": False, "sites": 1}
    assert latest.data["activites"] == {"trades": "menuiserie"}
    assert latest.data["risques"]["risks"] == sorted({*before, "wood_dust"})
    assert "wood_dust" in sms_db.get(Member, member.id).main_risks


def test_status_callback_updates_the_outbox(phone, sms_app, sms_db):
    from twilio.request_validator import RequestValidator

    from assistant.services.messaging.outbox import queue_sms

    message = queue_sms(sms_db, phone.number, "bonjour")
    message.status, message.provider_id = "sent", "SM" + "b" * 32
    sms_db.commit()
    form = {"MessageSid": "SM" + "b" * 32, "MessageStatus": "delivered"}
    signature = RequestValidator(TOKEN).compute_signature(f"{BASE}/sms/status", form)
    client = sms_app.test_client()
    assert client.post("/sms/status", data=form).status_code == 403
    assert (
        client.post("/sms/status", data=form, headers={"X-Twilio-Signature": signature}).status_code
        == 204
    )
    sms_db.expire_all()
    assert sms_db.get(OutboxMessage, message.id).status == "delivered"


def test_staff_sees_and_closes_the_call_back(phone, sms_app, sms_db):
    from assistant.models import StaffTask
    from tests.factories import make_staff_user

    phone.send("SCORE")
    for _ in range(3):
        phone.send("hmm")
    make_staff_user(sms_db, "secretary", "sec@test.fr")
    sms_db.commit()
    staff = sms_app.test_client()
    staff.post("/staff/login", data={"email": "sec@test.fr", "password": "correct-horse-battery"})
    page = staff.get("/staff/taches").get_data(as_text=True)
    assert "+33781234567" in page
    task = sms_db.scalar(select(StaffTask))
    staff.post(f"/staff/taches/{task.id}/fait")
    sms_db.rollback()  # end the read transaction (its snapshot) to see the app's commit
    assert sms_db.get(StaffTask, task.id).done_at is not None


def test_a_members_number_is_answered_in_the_members_language(phone, sms_db):
    """The phone's profile is created at its first message, in its member's language."""
    from tests.sms.helpers import texting_independent

    texting_independent(sms_db, locale="en")
    assert "to join" in phone.send("menu")
    sms_db.rollback()
    assert sms_db.scalar(select(PhoneProfile.locale)) == "en"
    assert "pour adhérer" in phone.send("FRANCAIS")
    sms_db.rollback()
    assert sms_db.scalar(select(PhoneProfile.locale)) == "fr"


def test_a_turn_that_fails_apologises_and_keeps_the_message(phone, sms_db):
    """A conversation row the engine cannot read (here, answers that are not an object): the
    person gets the apology, the message and the apology are stored, nothing else is kept."""
    phone.send("SCORE")
    sms_db.rollback()
    state = sms_db.scalar(select(DialogueState))
    state.answers = "not an object"
    sms_db.commit()
    reply = phone.send("oui", sid="SM" + "c" * 32)
    assert "incident" in reply
    sms_db.rollback()
    row = sms_db.scalar(select(InboundSms).where(InboundSms.message_sid == "SM" + "c" * 32))
    assert row.body == "oui" and "incident" in row.reply and row.handled_at is not None
    assert sms_db.scalar(select(DialogueState.answers)) == "not an object"


@pytest.mark.parametrize(
    "reply", ["Répondez OUI ou NON.", "a < b & c > \"d\" 'e'\n2. ligne", "€ [x] ~ ^", "", None]
)
def test_the_twiml_is_what_twilio_writes(reply):
    """The webhook writes its TwiML itself (the XML tree costs more than the rest of a turn's
    text): byte for byte what twilio's MessagingResponse writes."""
    from twilio.twiml.messaging_response import MessagingResponse

    from assistant.sms import _twiml

    expected = MessagingResponse()
    if reply:
        expected.message(reply)
    assert _twiml(reply)[0] == str(expected)
