"""The request to the PDP cell (dialogs/pdp.py), played by the engine alone as the text player
would: who asks read from the proven phone (the worker's own mobile, a contact number, an
unknown one), the questions each answer leads to, and the ending through the one service."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from assistant.core.parsing import Reprompt
from assistant.core.timeutil import PARIS
from assistant.models import OutboxMessage
from assistant.models.pdp import PdpCase
from dialogs.engine import Ask, Context, Outcome
from dialogs.pdp import PDP_REQUEST
from tests.factories import CONTACT_MOBILE, MOBILE, OTHER_SIRET, make_employee, make_member

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)
TODAY = date(2026, 11, 23)


def context(db, phone=None, **extra) -> Context:
    return Context(
        session=db, today=TODAY, now=NOW, actor=f"phone:{phone}", phone=phone, extra=extra
    )


def play(db, answers, *typed, phone=None):
    """Answer the questions in turn with these texts; returns the ending or the next Ask."""
    ctx = context(db, phone, via="sms")
    step = PDP_REQUEST.advance(answers, ctx)
    for raw in typed:
        assert isinstance(step, Ask), step
        answers = PDP_REQUEST.accept(step.answers, step.question, raw, ctx)
        step = PDP_REQUEST.advance(answers, ctx)
    return step


def asked(db, answers, *typed, phone=None) -> str:
    step = play(db, answers, *typed, phone=phone)
    assert isinstance(step, Ask), step
    return step.question.key


def the_case(db) -> PdpCase:
    return db.scalar(select(PdpCase))


def emails(db):
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.channel == "email")))


def test_the_worker_s_proven_mobile_asks_as_the_worker_and_the_employer_is_told(db, employer):
    employee = make_employee(db, employer, phone=MOBILE, proven=True)
    outcome = play(db, {}, "2", "non", "Mal au dos, je ne tiens plus.", "passer", phone=MOBILE)
    assert isinstance(outcome, Outcome) and outcome.say == "pdp_received"
    case = the_case(db)
    assert (case.employee_id, case.raised_by, case.channel) == (employee.id, "worker", "sms")
    assert case.identity_proven and case.trigger == "pre_reprise"
    assert case.contact == MOBILE  # no answer: the number it came from
    assert outcome.values["informed"] and not outcome.values["quiet"]
    assert outcome.values["answer_by"] == "2026-11-30"  # 5 working days
    assert len(emails(db)) == 1


def test_a_suspended_contract_asks_since_when_and_the_employer_is_not_told(db, employer):
    make_employee(db, employer, phone=MOBILE, proven=True)
    assert asked(db, {}, "1", "oui", phone=MOBILE) == "leave_from"
    assert asked(db, {}, "1", "oui", "01/11/2026", phone=MOBILE) == "leave_until"
    outcome = play(db, {}, "1", "oui", "01/11/2026", "passer", "Chute.", "après 17h", phone=MOBILE)
    case = the_case(db)
    assert case.contract_suspended and case.leave_from == date(2026, 11, 1)
    assert case.leave_until is None and case.contact == "après 17h"
    assert outcome.values["suspended"] and not outcome.values["informed"]
    assert emails(db) == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("1", "oui", "01/12/2026"), "dans le futur"),
        (("1", "oui", "10/11/2026", "01/11/2026"), "précède son début"),
    ],
)
def test_the_leave_dates_are_checked_as_they_come(db, employer, typed, message):
    make_employee(db, employer, phone=MOBILE, proven=True)
    *before, last = typed
    step = play(db, {}, *before, phone=MOBILE)
    with pytest.raises(Reprompt, match=message):
        PDP_REQUEST.accept(step.answers, step.question, last, context(db, MOBILE))


def test_a_contact_number_the_employer_typed_is_accepted_not_proven_and_told_nothing_more(
    db, employer
):
    make_employee(db, employer, phone=CONTACT_MOBILE)
    outcome = play(
        db, {}, "7", "non", "Je voudrais parler à la cellule.", "0", phone=CONTACT_MOBILE
    )
    assert outcome.values["quiet"]
    assert not the_case(db).identity_proven


def test_an_unknown_number_is_told_who_can_ask(db):
    assert play(db, {}, phone="+33600000009") == Outcome("pdp_unknown")


def test_a_worker_of_two_employers_says_which_job(db, employer):
    make_employee(db, employer, phone=MOBILE, proven=True)
    garage = make_member(db, OTHER_SIRET, status="active", legal_name="Garage Leroy")
    second = make_employee(db, garage, phone=MOBILE, proven=True, first_name="Alex")
    step = play(db, {}, phone=MOBILE)
    assert step.question.key == "about"
    names = [str(c.label) for c in step.question.options(step.answers, context(db))]
    assert sorted(names) == ["Boulangerie Dupont", "Garage Leroy"]
    play(db, {}, "Garage", "7", "non", "Besoin d'aide.", "passer", phone=MOBILE)
    assert the_case(db).employee_id == second.id


def test_an_independent_asks_for_itself_and_has_no_employer_to_tell(db):
    member = make_member(
        db, "55210055400013", "independent", status="active", legal_name="Nina Roux", phone=MOBILE
    )
    outcome = play(db, {}, "6", "non", "Je ne peux plus porter.", "passer", phone=MOBILE)
    case = the_case(db)
    assert (case.member_id, case.employee_id) == (member.id, None)
    assert outcome.values["asker"] == "independent" and not outcome.values["informed"]
    assert emails(db) == []


def test_an_employer_chooses_one_of_its_employees_and_the_employee_is_never_told_by_mail(
    db, employer, employee
):
    answers = {
        "_asker": "employer",
        "_member": employer.id,
        "_employees": [[employee.id, employee.full_name]],
    }
    ctx = context(db, via="web")
    step = PDP_REQUEST.advance(answers, ctx)
    assert step.question.key == "employee"
    for raw in (str(employee.id), "1", "non", "Des absences répétées.", "le matin"):
        answers = PDP_REQUEST.accept(step.answers, step.question, raw, ctx)
        step = PDP_REQUEST.advance(answers, ctx)
    assert step.say == "pdp_received" and step.values["asker"] == "employer"
    case = the_case(db)
    assert (case.raised_by, case.channel, case.employee_id) == ("employer", "web", employee.id)
    assert case.employer_informed_at is None and emails(db) == []


def test_an_employer_cannot_name_another_member_s_employee(db, employer, other):
    stranger = make_employee(db, other)
    answers = {"_asker": "employer", "_member": employer.id, "_employees": []}
    ctx = context(db)
    step = PDP_REQUEST.advance(answers, ctx)
    with pytest.raises(Reprompt):
        PDP_REQUEST.accept(step.answers, step.question, str(stranger.id), ctx)
