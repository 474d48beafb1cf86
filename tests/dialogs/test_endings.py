"""Journeys end themselves (issue 12): `Journey.finish` calls the services and returns an
`Outcome` — what to say and what comes next — that every player renders the same way."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from assistant.models import RiskDeclaration, ScoreRecord
from dialogs.adhesion import INDEPENDENT
from dialogs.checkup import RISKS, SCORE
from dialogs.engine import Context, Outcome
from tests.conftest import make_member

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def context(db, phone=None, **extra) -> Context:
    return Context(
        session=db, today=date(2026, 11, 27), actor="test", now=NOW, phone=phone, extra=extra
    )


def test_the_score_is_kept_and_told(db):
    answers = {"has_staff": False, "q1_duerp": True}
    outcome = SCORE.finish(answers, context(db, phone="+33612345678"))
    assert isinstance(outcome, Outcome) and outcome.say == "score_result"
    record = db.scalar(select(ScoreRecord))
    assert record.phone == "+33612345678" and record.member_id is None
    assert record.score == outcome.values["result"].score


def test_risks_become_a_new_declaration(db):
    member = make_member(db, "73282932000074")
    answers = {"_member": member.id, "risks_text": {"text": "bruit", "codes": ["noise"]}}
    outcome = RISKS.finish(answers, context(db))
    assert outcome == Outcome("risks_done", {"count": 1})
    assert db.scalar(select(RiskDeclaration)).member_id == member.id


def test_an_independent_in_the_chat_proves_the_number_first(db):
    answers = {"phone": "+33612345678", "siret": "73282932000074"}
    outcome = INDEPENDENT.finish(answers, context(db, phone=None))
    assert outcome.say == "" and outcome.then == (
        "phone_code",
        {"_phone": "+33612345678", "_adhesion": answers},
    )
