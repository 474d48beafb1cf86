"""Journeys end themselves (issue 12): `Journey.finish` calls the services and returns an
`Outcome` — what to say and what comes next — that every player renders the same way."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from assistant.models import RiskDeclaration, ScoreRecord
from assistant.services.messaging import dialogue_states
from dialogs.adhesion import EMPLOYER, INDEPENDENT
from dialogs.checkup import SCORE
from dialogs.declaration import DECLARATION
from dialogs.engine import Context, Outcome
from tests.factories import SIRET, make_member

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


def test_a_declaration_becomes_a_new_version(db):
    member = make_member(db)
    answers = {"_member": member.id, "in_group": False, "risks": ["noise"]}
    outcome = DECLARATION.finish(answers, context(db))
    assert outcome == Outcome(
        "declaration_done", {"version": 1, "unchanged": False, "risks": ["noise"]}
    )
    assert db.scalar(select(RiskDeclaration)).member_id == member.id
    again = DECLARATION.finish(answers, context(db))
    assert again.values["unchanged"] and again.values["version"] == 1


def test_risks_described_before_any_declaration_keep_those_given_at_adhesion(db):
    member = make_member(db, SIRET, kind="independent", risks=["noise"])
    described = {"_member": member.id, "risks": {"text": "écran", "codes": ["screen"]}}
    outcome = DECLARATION.finish(described, context(db))
    assert outcome.values["risks"] == ["noise", "screen"]


def test_risks_described_in_words_are_added_to_those_declared(db):
    member = make_member(db)
    DECLARATION.finish({"_member": member.id, "risks": ["noise"]}, context(db))
    described = {"_member": member.id, "risks": {"text": "écran", "codes": ["screen"]}}
    outcome = DECLARATION.finish(described, context(db))
    assert outcome.values["risks"] == ["noise", "screen"]  # nothing declared is lost


def test_an_independent_in_the_chat_proves_the_number_first(db):
    answers = {"phone": "+33612345678", "siret": "73282932000074"}
    outcome = INDEPENDENT.finish(answers, context(db, phone=None))
    assert outcome.say == "" and outcome.then == (
        "phone_code",
        {"_phone": "+33612345678", "_adhesion": answers},
    )


def test_the_employer_is_handed_over_to_the_password_page(db):
    answers = {"siret": "73282932000074", "email": "jean@dupont.fr", "accept_contract": True}
    outcome = EMPLOYER.finish(answers, context(db))
    assert outcome.say == "employer_password" and outcome.then is None
    token = outcome.values["token"]
    row = dialogue_states.handed_over(db, token, EMPLOYER.name, NOW, days=30)
    assert row.answers == answers
    assert token not in row.key  # only its digest is stored
    assert dialogue_states.handed_over(db, token, "adhesion_independent", NOW, 30) is None
    assert (
        dialogue_states.handed_over(
            db, token[:-1] + ("y" if token.endswith("x") else "x"), EMPLOYER.name, NOW, 30
        )
        is None
    )
    later = NOW + timedelta(days=31)
    assert dialogue_states.handed_over(db, token, EMPLOYER.name, later, 30) is None
