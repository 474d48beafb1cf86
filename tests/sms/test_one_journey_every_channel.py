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
