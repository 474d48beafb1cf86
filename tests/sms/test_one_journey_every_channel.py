"""Issue 12: one definition of a journey, played by SMS, the web chat and the web wizard, reaches
the same stored result. The score first: the same answers give the same record everywhere."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from assistant.models import DialogueState, ScoreRecord
from assistant.services import score
from dialogs.checkup import SCORE
from tests.sms.conftest import Phone
from tests.sms.test_chat import say

# an employer without the yearly review: a DUERP, shared, a plan (the rest "no")
ANSWERS = {"has_staff": True, "q1_duerp": True, "q2_duerp_shared": True, "q3_action_plan": True}


def yes_no(key: str) -> str:
    return "oui" if ANSWERS.get(key) else "non"


def by_text(send) -> str:
    reply = send("SCORE")
    answers: dict = {}
    while "/5" not in reply:
        question = SCORE.next_question(answers)
        answers[question.key] = ANSWERS.get(question.key, False)
        reply = send(yes_no(question.key))
    return reply


def by_web(client) -> str:
    response = client.get("/score")
    answers: dict = {}
    while response.status_code == 302:
        step = response.headers["Location"].rsplit("/", 1)[1]
        page = client.get(f"/score/{step}").text
        keys = [q.key for q in SCORE.step_questions(step) if f'name="{q.key}"' in page]
        answers.update({key: ANSWERS.get(key, False) for key in keys})
        response = client.post(f"/score/{step}", data={key: yes_no(key) for key in keys})
    assert response.status_code == 200, response.text
    return response.text


@pytest.mark.parametrize("channel", ["sms", "chat", "web"])
def test_the_score_is_one_journey_on_every_channel(sms_app, sms_db, channel):
    client = sms_app.test_client()
    if channel == "sms":
        reply = by_text(Phone(client, "+33781234567").send)
    elif channel == "chat":
        reply = by_text(lambda text: say(client, text))
    else:
        reply = by_web(client)
    expected = score.compute({q.key: ANSWERS.get(q.key, False) for q in score.QUESTIONS}, True)
    sms_db.rollback()
    (record,) = sms_db.scalars(select(ScoreRecord)).all()
    assert record.score == expected.score and record.has_employees
    assert record.answers == expected.answers
    assert record.phone == ("+33781234567" if channel == "sms" else None)
    shown = re.search(r"(\d(?:,5)?)/5", reply).group(1)
    assert Decimal(shown.replace(",", ".")) == expected.score
    assert str(expected.levers[0].lever) in reply  # the same lever first
    assert sms_db.scalar(select(DialogueState)) is None  # the journey ended itself


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
    from tests.web.test_adhesion import EMPLOYER_STEPS, _walk

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
