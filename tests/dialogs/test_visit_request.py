"""The visit request journey (dialogs/visit_request.py), played by the engine alone as the text
player would (one typed answer at a time): the types each requester is offered, the questions
each type asks, the specific messages, and the ending through the one request service."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from assistant.core.parsing import Reprompt
from assistant.models import Member, Visit
from dialogs.engine import Context
from dialogs.visit_request import REQUEST
from tests.factories import OTHER_SIRET, make_employee, make_member

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 27)


def context(db) -> Context:
    return Context(session=db, today=TODAY, now=NOW, actor="test")


@pytest.fixture
def answers(db, employer, employee):
    """The journey as the employer starts it: the member, and its one employee to choose."""
    db.commit()
    return {
        "_requester": "employer",
        "_member": employer.id,
        "_employees": [[employee.id, "Alex Durand"]],
    }


def play(db, answers, *typed):
    """Answer the next questions in turn with these texts; returns the answers."""
    for raw in typed:
        question = REQUEST.next_question(answers)
        assert question is not None, f"no question left for {raw!r}"
        answers = REQUEST.accept(answers, question, raw, context(db))
    return answers


def offered(requester: str) -> list[str]:
    question = REQUEST.question("visit_type")
    return [choice.value for choice in question.options({"_requester": requester}, Context())]


def test_each_requester_is_offered_the_types_it_may_ask():
    employer, independent, employee = (offered(r) for r in ("employer", "independent", "employee"))
    assert "reprise" in employer and "vip_initiale" in employer and "pre_reprise" not in employer
    # an independent may ask for a reprise themself (the CIAMT offer's annex)
    assert "pre_reprise" in independent and "reprise" in independent
    assert employee[:4] == ["demande", "pre_reprise", "reprise", "liaison"]
    assert "vip_initiale" not in employee


def keys_asked(answers) -> list[str]:
    asked = []
    while (question := REQUEST.next_question(answers)) is not None:
        asked.append(question.key)
        answers = {**answers, question.key: "x"}
    return asked


@pytest.mark.parametrize(
    ("requester", "kind", "expected"),
    [
        ("employer", "reprise", ["return_date", "absence_cause", "absence_days", "reason"]),
        # the expected end of the stoppage, unless it lasted more than 30 days already (R4624-29)
        ("employer", "liaison", ["stoppage_start", "stoppage_end", "reason"]),
        ("employer", "demande", ["reason"]),
        ("employee", "pre_reprise", ["stoppage_start", "stoppage_end", "reason"]),
        ("independent", "demande", ["reason"]),
    ],
)
def test_each_type_asks_its_own_questions(requester, kind, expected):
    answers = {"_requester": requester, "employee": 1, "visit_type": kind}
    chooses = ["modality", "placement"] if requester != "employee" else []
    assert keys_asked(answers) == expected + chooses
    assert REQUEST.next_question({"_requester": requester}).key == (
        "employee" if requester == "employer" else "visit_type"
    )


def test_every_required_answer_left_empty_says_what_is_missing(db, answers, employee):
    with pytest.raises(Reprompt, match="Choisissez le salarié."):
        play(db, answers, "")
    answers = play(db, answers, str(employee.id))
    with pytest.raises(Reprompt, match="Choisissez le type de visite."):
        play(db, answers, "")
    answers = play(db, answers, "reprise")
    for message, before in (
        ("Indiquez la date de reprise du travail.", ()),
        ("Indiquez la cause de l'absence.", ("01/12/2026",)),
        ("Indiquez la durée de l'absence en jours, par exemple 45.", ("01/12/2026", "accident")),
    ):
        with pytest.raises(Reprompt, match=message.replace(".", r"\.")):
            play(db, answers, *before, "")
    answers = play(db, answers, "01/12/2026", "accident du travail", "45", "")
    assert answers["reason"] is None and answers["absence_cause"] == "work_accident"
    with pytest.raises(Reprompt, match="Choisissez comment réserver le rendez-vous."):
        play(db, answers, "", "")  # no modality wished is fine; the placement must be chosen


def test_a_reprise_the_code_du_travail_does_not_require_is_refused_at_its_days(
    db, answers, employee
):
    answers = play(db, answers, str(employee.id), "reprise", "01/12/2026", "maladie ou accident")
    with pytest.raises(Reprompt, match="au moins 60 jours"):
        play(db, answers, "20")
    assert play(db, answers, "61")["absence_days"] == 61


def test_the_stoppage_started_in_the_past_and_long_enough(db, answers, employee):
    answers = play(db, answers, str(employee.id), "liaison")
    tomorrow = (TODAY + timedelta(days=1)).strftime("%d/%m/%Y")
    with pytest.raises(Reprompt, match="ne peut pas être dans le futur"):
        play(db, answers, tomorrow)
    # 10 days so far: its expected end is asked, and must show more than 30 days (R4624-29)
    short = play(db, answers, (TODAY - timedelta(days=10)).strftime("%d/%m/%Y"))
    assert REQUEST.next_question(short).key == "stoppage_end"
    with pytest.raises(Reprompt, match="plus de 30 jours"):
        play(db, short, (TODAY + timedelta(days=19)).strftime("%d/%m/%Y"))  # 30 days
    with pytest.raises(Reprompt, match="ne peut pas précéder"):
        play(db, short, (TODAY - timedelta(days=11)).strftime("%d/%m/%Y"))
    ends = TODAY + timedelta(days=21)  # 32 days in all
    assert play(db, short, ends.strftime("%d/%m/%Y"))["stoppage_end"] == str(ends)
    started = TODAY - timedelta(days=40)
    long = play(db, answers, started.strftime("%d/%m/%Y"))
    assert long["stoppage_start"] == str(started)
    assert REQUEST.next_question(long).key == "reason"  # no end asked


def test_an_employee_writes_a_shorter_reason_than_an_employer(db, answers, employee):
    text = "Fatigue au poste. " * 30  # 540 characters
    chosen = play(db, answers, str(employee.id), "demande")
    assert play(db, chosen, text)["reason"] == text.strip()
    worker = {"_requester": "employee", "_member": answers["_member"], "_employee": employee.id}
    worker = play(db, worker, "demande")
    with pytest.raises(Reprompt, match="500 caractères au plus"):
        play(db, worker, text)
    with pytest.raises(Reprompt, match="2000 caractères au plus"):
        play(db, chosen, "x" * 2001)
    hint = str(REQUEST.question("reason").hint)
    assert "N'écrivez aucune information médicale" in hint


def test_the_employer_chooses_a_current_employee_of_its_own(db, answers, employee):
    gone = make_employee(db, db.get(Member, answers["_member"]), last_name="Parti")
    gone.left_on = TODAY
    stranger = make_employee(db, make_member(db, OTHER_SIRET), last_name="Autre")
    db.commit()
    with pytest.raises(Reprompt, match="Ce salarié a quitté l'entreprise."):
        play(db, answers, str(gone.id))
    for raw in (str(stranger.id), "Durand", "999999"):
        with pytest.raises(Reprompt, match="Choisissez le salarié dans la liste."):
            play(db, answers, raw)


@pytest.fixture
def independent(db):
    member = make_member(db, OTHER_SIRET, kind="independent", status="active")
    db.commit()
    return member


def test_a_modality_the_type_does_not_allow_is_refused(db, independent):
    answers = {"_requester": "independent", "_member": independent.id}
    answers = play(db, answers, "post_exposition", "")
    with pytest.raises(Reprompt, match="ne peut pas se faire de cette façon"):
        play(db, answers, "téléconsultation")


def modalities_offered(requester: str) -> list[str]:
    question = REQUEST.question("modality")
    return [choice.value for choice in question.options({"_requester": requester}, Context())]


def test_R4624_41_1_the_employer_is_never_offered_a_teleconsultation(db, answers, employee):
    assert modalities_offered("employer") == ["on_site", "mobile"]
    assert "tele" in modalities_offered("independent")
    answers = play(db, answers, str(employee.id), "demande", "")
    with pytest.raises(Reprompt, match="initiative du professionnel de santé ou du travailleur"):
        REQUEST.accept_value(answers, REQUEST.question("modality"), "tele", context(db))


def test_R4624_41_1_an_independent_chooses_video_once_their_consent_is_recorded(db, independent):
    from assistant.services.visits import tele_consent

    answers = play(db, {"_requester": "independent", "_member": independent.id}, "demande", "")
    with pytest.raises(Reprompt, match="accord à la téléconsultation"):
        play(db, answers, "téléconsultation")
    tele_consent.give(db, "test", channel="web", now=NOW, member=independent)
    assert play(db, answers, "téléconsultation")["modality"] == "tele"


def test_played_to_its_end_then_asked_again_gives_the_open_request_back(db, answers, employee):
    answers = play(db, answers, str(employee.id), "demande", "Mal au dos", "", "2")
    assert answers["placement"] == "choose" and REQUEST.complete(answers)
    first = REQUEST.finish(answers, context(db))
    assert first.say == "visit_choose" and first.values["next"] == "slots"
    assert first.values["reused"] is False
    visit = db.get(Visit, first.values["visit_id"])
    assert (visit.employee_id, visit.visit_type, visit.reason, visit.requested_by) == (
        employee.id,
        "demande",
        "Mal au dos",
        "employer",
    )
    again = REQUEST.finish({**answers, "placement": "auto"}, context(db))
    assert again.say == "visit_reused" and again.values["visit_id"] == visit.id
    assert again.values["reused"] is True
    assert len(db.scalars(select(Visit)).all()) == 1 and visit.status == "requested"


def test_automatic_placement_without_a_free_slot_goes_to_the_team(db, answers, employee):
    answers = play(db, answers, str(employee.id), "vip_initiale", "", "", "auto")
    outcome = REQUEST.finish(answers, context(db))
    assert outcome.say == "visit_queued" and outcome.values["next"] == "visit"
    visit = db.get(Visit, outcome.values["visit_id"])
    assert visit.queued_at == NOW and visit.due_by is not None  # the visit to plan's window


def test_a_request_the_service_refuses_is_told_not_raised(db, answers, employee):
    answers = {**play(db, answers, str(employee.id), "demande", "", "", "2"), "modality": "x"}
    outcome = REQUEST.finish(answers, context(db))
    assert outcome.say == "visit_refused" and "de cette façon" in str(outcome.values["reason"])
    assert db.scalar(select(Visit)) is None


@pytest.mark.parametrize(("proven", "say"), [(False, "visit_team"), (True, "visit_queued")])
def test_an_employees_request_through_a_contact_number_goes_to_the_team(
    db, answers, employee, proven, say
):
    worker = {
        "_requester": "employee",
        "_member": answers["_member"],
        "_employee": employee.id,
        "_proven": proven,
    }
    started = (TODAY - timedelta(days=45)).strftime("%d/%m/%Y")
    worker = play(db, worker, "pré-reprise", started, "")
    assert REQUEST.complete(worker)
    outcome = REQUEST.finish(worker, context(db))
    assert outcome.say == say and outcome.values["next"] == "home"  # no slot in this service
    visit = db.get(Visit, outcome.values["visit_id"])
    assert visit.confidential and visit.requested_by == "employee" and visit.queued_at == NOW
    again = REQUEST.finish(worker, context(db))
    assert again.values["visit_id"] == visit.id and again.values["reused"] is True
    assert again.say == ("visit_reused" if proven else "visit_team")
