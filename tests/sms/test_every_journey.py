"""Issue 12, "done when": each journey, defined once in `dialogs/`, is played on each of its
channels — SMS, the web chat, the web wizard — from the same answers, and reaches the same stored
result. One table of answers per journey gives what a person types (SMS, chat), what a web form
posts, and what the engine keeps; the players are driven by the journey's own questions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from assistant.models import DialogueState, Member, MemberUser, OutboxMessage, ScoreRecord
from assistant.services.prevention import declarations, score
from dialogs.adhesion import INDEPENDENT, RATING
from dialogs.checkup import SCORE
from dialogs.declaration import DECLARATION
from tests.sms.conftest import Phone
from tests.sms.helpers import say

INDEPENDENT_PHONE = "+33698765432"  # Léa, the demo independent (her own number)
NEW_PHONE = "+33781234567"


@dataclass(frozen=True)
class Answer:
    text: str  # what a person types by SMS or in the chat
    web: object  # what the web form posts
    value: object  # what the engine keeps


YES, NO = Answer("oui", "oui", True), Answer("non", "non", False)

SCORE_ANSWERS = {
    "has_staff": YES,
    "q1_duerp": YES,
    "q2_duerp_with_staff": NO,
    "q3_action_plan": YES,
    "q4_plan_reviewed": YES,
    "q5_representatives": NO,
    "q6_welcome": YES,
}
DECLARATION_ANSWERS = {
    "in_group": NO,
    "sites": Answer("2", "2", 2),
    "trades": Answer("menuiserie", "menuiserie", "menuiserie"),
    "has_duerp": YES,
    "has_action_plan": NO,
    "has_training": YES,
    "has_ppe": YES,
    # described in words by text (then read back), ticked on the web
    "risks": Answer("bruit", ["noise"], {"text": "bruit", "codes": ["noise"]}),
    "risks_confirm": YES,
}
INDEPENDENT_ANSWERS = {
    "legal_name": Answer("Nina Roux", "Nina Roux", "Nina Roux"),
    "siret": Answer("552 100 554 00013", "552 100 554 00013", "55210055400013"),
    "birth_date": Answer("12 mars 1980", "12/03/1980", "1980-03-12"),
    "activity": Answer("coiffeuse", "coiffeuse", "coiffeuse"),
    "naf_code": Answer("1", "96.02A", "96.02A"),
    "postcode": Answer("93200", "93200", "93200"),
    "phone": Answer("07 81 23 45 67", "07 81 23 45 67", NEW_PHONE),
    "email": Answer("0", "", None),
    "main_risks": Answer("bruit, produits chimiques", ["noise", "chemical"], ["noise", "chemical"]),
    "q1_duerp": YES,
    "q3_action_plan": YES,
    "q4_plan_reviewed": NO,
    "payment_method": Answer("2", "transfer", "transfer"),
    "accept_contract": YES,
    "rating": Answer("4", "4", "4"),
}


# --- the players, driven by the journey ------------------------------------------------------


def play_text(send, journey, table, answers: dict) -> str:
    """Answer each question the journey asks next, as typed; the last reply."""
    reply = ""
    while (question := journey.next_question(answers)) is not None:
        answer = table[question.key]
        answers[question.key] = answer.value
        reply = send(answer.text)
    return reply


def play_web(client, journey, table, start: str, answers: dict):
    """Post each step of the web wizard the journey's questions make; the last response."""
    response = client.get(start)
    while response.status_code == 302:
        location = response.headers["Location"]
        step = location.rstrip("/").rsplit("/", 1)[1]
        if step not in journey.steps():
            return response
        data = {}
        for question in journey.step_questions(step):
            if question.key in table and question.applies({**answers, **_values(data, table)}):
                data[question.key] = table[question.key].web
        answers.update(_values(data, table))
        response = client.post(location, data=data)
        assert response.status_code in (200, 302), response.status_code
        assert not re.findall(r'class="error"[^>]*>([^<]+)<', response.text)
    return response


def _values(data: dict, table) -> dict:
    return {key: table[key].value for key in data}


def code_sent_to(db, phone: str) -> str:
    db.rollback()
    messages = db.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == phone).order_by(OutboxMessage.id)
    ).all()
    return re.search(r"\b(\d{6})\b", messages[-1].body).group(1)


def sign_in_by_sms(client, db, phone: str) -> None:
    client.post("/espace/connexion/sms", data={"phone": phone})
    response = client.post("/espace/connexion/code", data={"code": code_sent_to(db, phone)})
    assert response.status_code == 302


# --- the prevention score --------------------------------------------------------------------


def stored_score(db) -> tuple:
    db.rollback()
    record = db.scalar(select(ScoreRecord).order_by(ScoreRecord.id.desc()).limit(1))
    return record.score, record.has_employees, record.answers


@pytest.mark.parametrize("channel", ["sms", "chat", "web"])
def test_the_score(sms_app, sms_db, channel):
    client = sms_app.test_client()
    if channel == "web":
        response = play_web(client, SCORE, SCORE_ANSWERS, "/score", {})
        reply = response.text
    else:
        send = Phone(client, NEW_PHONE).send if channel == "sms" else (lambda t: say(client, t))
        send("SCORE")
        reply = play_text(send, SCORE, SCORE_ANSWERS, {})
    values = {key: answer.value for key, answer in SCORE_ANSWERS.items()}
    expected = score.compute(values, True)
    assert stored_score(sms_db) == (expected.score, True, expected.answers)
    assert Decimal(re.search(r"(\d(?:,5)?)/5", reply).group(1).replace(",", ".")) == expected.score
    assert str(expected.levers[0].lever) in reply  # the same lever first
    assert sms_db.scalar(select(DialogueState)) is None  # the journey ended itself


# --- the four-drawer risk declaration --------------------------------------------------------


@pytest.mark.parametrize("channel", ["sms", "chat", "web"])
def test_the_risk_declaration(sms_app, sms_db, sms_demo, channel):
    client = sms_app.test_client()
    member = sms_db.scalar(select(Member).where(Member.phone == INDEPENDENT_PHONE))
    answers = {"_member": member.id, "_kind": member.kind}
    sms_db.rollback()
    if channel == "web":
        sign_in_by_sms(client, sms_db, INDEPENDENT_PHONE)
        confirm = play_web(client, DECLARATION, DECLARATION_ANSWERS, "/espace/risques", answers)
        assert confirm.headers["Location"].endswith("/espace/risques/confirmation")
        client.post("/espace/risques/confirmation")
    else:
        if channel == "sms":
            send = Phone(client, INDEPENDENT_PHONE).send
        else:
            sign_in_by_sms(client, sms_db, INDEPENDENT_PHONE)
            send = lambda text: say(client, text)  # noqa: E731
        assert "4 parties" in send("RISQUES")
        assert "version 1" in play_text(send, DECLARATION, DECLARATION_ANSWERS, answers)
    sms_db.rollback()
    latest = declarations.latest(sms_db, member.id)
    assert latest.version == 1
    assert latest.data == {
        "organisation": {"in_group": False, "sites": 2},
        "activites": {"trades": "menuiserie"},
        "prevention": {
            "has_duerp": True,
            "has_action_plan": False,
            "has_training": True,
            "has_ppe": True,
        },
        "risques": {"risks": ["noise"]},
    }


# --- the independent worker's adhesion, its code, its rating ---------------------------------


def stored_member(db) -> dict:
    db.rollback()
    member = db.scalar(select(Member).where(Member.phone == NEW_PHONE))
    user = db.scalar(select(MemberUser).where(MemberUser.member_id == member.id))
    return {
        "kind": member.kind,
        "name": member.legal_name,
        "siret": member.siret,
        "naf": member.naf_code,
        "birth_date": member.birth_date,
        "postcode": member.postcode,
        "risks": member.main_risks,
        "payment": member.payment_method,
        "rating": member.adhesion_rating,
        "login": user.phone,
    }


EXPECTED_MEMBER = {
    "kind": "independent",
    "name": "Nina Roux",
    "siret": "55210055400013",
    "naf": "96.02A",
    "birth_date": date(1980, 3, 12),
    "postcode": "93200",
    "risks": ["noise", "chemical"],
    "payment": "transfer",
    "rating": 4,
    "login": NEW_PHONE,
}


@pytest.mark.parametrize("channel", ["sms", "chat", "web"])
def test_the_independent_adhesion_with_its_code_and_rating(sms_app, sms_db, sms_demo, channel):
    client = sms_app.test_client()
    table = INDEPENDENT_ANSWERS
    if channel == "web":
        confirm = play_web(client, INDEPENDENT, table, "/adhesion/independant", {})
        assert confirm.headers["Location"].endswith("/adhesion/independant/confirmation")
        client.post("/adhesion/independant/confirmation", data={"action": "send_code"})
        code = code_sent_to(sms_db, NEW_PHONE)
        thanks = client.post("/adhesion/independant/confirmation", data={"code": code})
        assert thanks.headers["Location"].endswith("/adhesion/merci")
        done = client.post("/adhesion/merci", data={"rating": table["rating"].web})
        assert done.status_code == 302
    elif channel == "sms":
        send = Phone(client, NEW_PHONE).send
        send("ADHERER")
        assert "Bienvenue" in play_text(send, INDEPENDENT, table, {"phone": NEW_PHONE})
        assert "Merci" in play_text(send, RATING, table, {})
    else:
        send = lambda text: say(client, text)  # noqa: E731
        send("ADHERER")
        asked = play_text(send, INDEPENDENT, table, {})
        assert "code" in asked  # the chat proves the number by a code (the PHONE_CODE journey)
        assert "Bienvenue" in send(code_sent_to(sms_db, NEW_PHONE))
        assert "Merci" in play_text(send, RATING, table, {})
    assert stored_member(sms_db) == EXPECTED_MEMBER
    assert stored_score(sms_db)[:2] == (Decimal("3.5"), False)


# --- the employer's adhesion: by SMS and chat it ends on the password page it links to ----------

COMPANY_MESSAGES = [
    "ADHERER ENTREPRISE",
    "552 100 554 00013",
    "Menuiserie Petit",
    "menuisier",
    "1",  # the first activity found: 43.32A
    "3 rue des Lilas",
    "75011",
    "Paris",
    "4",
    "Jean Petit",
    "jean@menuiserie-petit.fr",
    "06 11 22 33 44",  # asked in the chat only: by SMS, the number writing is the mobile
    "bois, bruit",
    "oui",
    "non",
    "oui",
    "oui",
    "non",
    "oui",
    "1",
    "FR14 2004 1010 0505 0001 3M02 606",
    "oui",
]
COMPANY = {
    "kind": "employer",
    "siret": "55210055400013",
    "legal_name": "Menuiserie Petit",
    "naf_code": "43.32A",
    "address": "3 rue des Lilas",
    "postcode": "75011",
    "city": "Paris",
    "headcount": 4,
    "contact_name": "Jean Petit",
    "email": "jean@menuiserie-petit.fr",
    "phone": "+33611223344",
    "main_risks": ["wood_dust", "noise"],
    "payment_method": "sepa",
    "iban": "FR1420041010050500013M02606",
}
PASSWORD = {"password": "un-long-secret", "confirm": "un-long-secret"}


def company_by_text(send, phone_known: bool) -> str:
    """Play the employer's adhesion to its end; the last reply holds the password page's link."""
    reply = ""
    for message in COMPANY_MESSAGES:
        if phone_known and message == "06 11 22 33 44":
            continue
        assert "/adhesion/reprendre/" not in reply, (message, reply)
        reply = send(message)
    return reply


@pytest.mark.parametrize("channel", ["sms", "chat", "web"])
def test_the_employer_adhesion_is_one_journey_on_every_channel(sms_app, sms_db, sms_demo, channel):
    from assistant.models import Member, MemberUser
    from tests.web.helpers import EMPLOYER_STEPS, _walk

    client = sms_app.test_client()
    if channel == "web":
        _walk(client, "entreprise", EMPLOYER_STEPS)
        done = client.post("/adhesion/entreprise/confirmation", data=PASSWORD)
    else:
        if channel == "sms":
            reply = company_by_text(Phone(client, "+33611223344").send, phone_known=True)
        else:
            reply = company_by_text(lambda text: say(client, text), phone_known=False)
        link = re.search(r"https://sante\.example(/adhesion/reprendre/\S+)", reply)
        assert link, reply
        if channel == "chat":  # a link the person can follow
            assert f'<a href="{link.group(0)}">' in client.get("/chat").text
        page = client.get(link.group(1))  # the same answers, resumed on the web
        assert page.status_code == 200
        assert "Menuiserie Petit" in page.text and "FR14 •••• •••• 2606" in page.text
        assert "3,5/5" in page.text and "440,00\u00a0€" in page.text
        done = client.post(link.group(1), data=PASSWORD)
        assert client.get(link.group(1)).status_code == 404  # used once
    assert done.status_code == 302 and done.headers["Location"].endswith("/adhesion/merci")
    sms_db.rollback()
    member = sms_db.scalar(select(Member).where(Member.siret == COMPANY["siret"]))
    assert {key: getattr(member, key) for key in COMPANY} == COMPANY
    user = sms_db.scalar(select(MemberUser).where(MemberUser.member_id == member.id))
    assert user.email == COMPANY["email"] and user.check_password(PASSWORD["password"])
    (record,) = sms_db.scalars(select(ScoreRecord).where(ScoreRecord.member_id == member.id))
    assert record.score == Decimal("3.5")
    assert sms_db.scalar(select(DialogueState)) is None  # no wizard row nor handover left


# --- every journey is in this list, with the channels that play it and the test that shows it --

PLAYED = {
    # a member's number proven in the chat before RISQUES, then the declaration
    "member_proof": (
        {"chat"},
        "tests/sms/test_no_dead_end.py::test_chat_risques_without_a_number_offers_to_prove_one",
    ),
    "score": ({"sms", "chat", "web"}, "test_the_score"),
    "declaration": ({"sms", "chat", "web"}, "test_the_risk_declaration"),
    "adhesion_independent": (
        {"sms", "chat", "web"},
        "test_the_independent_adhesion_with_its_code_and_rating",
    ),
    "phone_code": ({"chat", "web"}, "test_the_independent_adhesion_with_its_code_and_rating"),
    "adhesion_rating": (
        {"sms", "chat", "web"},
        "test_the_independent_adhesion_with_its_code_and_rating",
    ),
    "adhesion_employer": (
        {"sms", "chat", "web"},
        "test_the_employer_adhesion_is_one_journey_on_every_channel",
    ),
    # the request: the web pages (employer, independent, employee); by text, inside BOOK
    "visit_request": (
        {"web", "text"},
        "tests/web/test_member_visits.py::test_one_request_definition_stores_the_same_visit_on_every_channel",
    ),
    "visit_book": (
        {"sms", "chat", "web"},
        "tests/sms/test_visit_journey_every_channel.py::"
        "test_request_pick_move_and_cancel_store_the_same_visit_on_every_channel",
    ),
    "visit_move": ({"sms", "chat", "web"}, "the same"),
    "visit_cancel": ({"sms", "chat", "web"}, "the same"),
    "tele_consent": (
        {"sms", "chat", "web"},
        "tests/sms/test_tele_consent_sms.py::test_R4624_41_1_the_consent_is_one_journey_on_every_channel",
    ),
    "pdp_request": (
        {"sms", "chat", "web"},
        "tests/sms/test_pdp_sms.py::test_the_pdp_request_is_one_journey_on_every_channel",
    ),
    # a mobile proven in the chat before PDP, then the request
    "pdp_proof": (
        {"chat"},
        "tests/sms/test_pdp_sms.py::test_the_chat_visitor_proves_the_mobile_then_asks",
    ),
    # by text only: the employee space's page gives and revokes per scope through the same
    # service (tests/web/test_pdp_consent_web.py)
    "pdp_consent": (
        {"sms", "chat"},
        "tests/sms/test_pdp_consent_sms.py::test_the_signed_in_workers_chat_gives_by_the_chat",
    ),
}


def test_every_journey_defined_is_played_on_its_channels_by_a_test():
    """A journey added to dialogs/ must say here which channels play it, and which test shows
    the same stored result on each (a journey nobody plays is a journey nobody tested)."""
    import importlib
    import pkgutil

    import dialogs
    from dialogs.engine import Journey

    defined = set()
    for module in pkgutil.iter_modules(dialogs.__path__):
        found = importlib.import_module(f"dialogs.{module.name}")
        defined |= {value.name for value in vars(found).values() if isinstance(value, Journey)}
    assert defined == set(PLAYED)
