"""Effects (issue 12): steps a journey does itself between answers, run by `Journey.advance`,
which gives the next question or the ending; and the give-up hook. Then the visit journeys
played by the engine alone, with no channel."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from assistant.core.parsing import Choice, Reprompt
from assistant.core.timeutil import PARIS, today_paris
from assistant.database import utcnow
from assistant.models import Slot, Visit
from dialogs import visit_picks, visits
from dialogs.engine import AGAIN, Ask, Context, Journey, Outcome, Question, effect
from tests.factories import OTHER_SIRET, make_planning
from tests.sms.helpers import texting_employee, texting_independent

NUMBER = "+33781234567"


def toy(log: list, limit: int = 10, on_give_up=None) -> Journey:
    """Ask a colour, look up how many are left (an effect), ask how many, then end."""

    def stock(answers, context):
        log.append(("stock", answers["colour"]))
        if answers["colour"] == "black":
            return Outcome("sold_out", {"colour": "black"})
        return {**answers, "_left": limit}

    def check_count(value, answers, context):
        if value > answers["_left"]:
            raise Reprompt("too many")
        return value

    def done(answers, context):
        log.append(("finish", answers["count"]))
        return Outcome("ordered", {"count": answers["count"]})

    colours = [Choice("red", "Red"), Choice("black", "Black"), Choice(AGAIN, "Start again")]
    return Journey(
        "toy",
        "Toy",
        (
            Question("colour", "choice", "Colour?", choices=lambda answers, context: colours),
            effect("_stock", stock, when=lambda a: a.get("colour") != "none"),
            Question("count", "number", "How many?", parse=int, check=check_count),
            Question(
                "sure", "yesno", "Sure?", again_to="colour", say="confirm", values=lambda a: a
            ),
        ),
        done,
        on_give_up=on_give_up,
    )


CONTEXT = Context()


def test_advance_asks_the_first_question_when_no_effect_comes_first():
    log = []
    step = toy(log).advance({}, CONTEXT)
    assert isinstance(step, Ask) and step.question.key == "colour" and step.answers == {}
    assert log == []


def test_an_effect_runs_between_answers_and_keeps_what_it_found():
    log = []
    journey = toy(log)
    answers = journey.accept({}, journey.question("colour"), "1", CONTEXT)
    step = journey.advance(answers, CONTEXT)
    assert isinstance(step, Ask) and step.question.key == "count"
    assert step.answers == {"colour": "red", "_left": 10, "_stock": True}
    assert log == [("stock", "red")]
    # what the effect found serves the next check; the effect does not run again
    with pytest.raises(Reprompt):
        journey.accept(step.answers, step.question, "11", CONTEXT)
    answers = journey.accept(step.answers, step.question, "3", CONTEXT)
    assert answers["_left"] == 10 and answers["_stock"] is True
    step = journey.advance(answers, CONTEXT)
    assert step.question.key == "sure"
    assert log == [("stock", "red")]


def test_an_effect_may_end_the_journey_early():
    log = []
    journey = toy(log)
    answers = journey.accept({}, journey.question("colour"), "black", CONTEXT)
    assert journey.advance(answers, CONTEXT) == Outcome("sold_out", {"colour": "black"})
    assert log == [("stock", "black")]  # nothing asked after it, no finish


def test_advance_ends_with_finish_when_all_is_answered():
    log = []
    journey = toy(log)
    answers = {"colour": "red", "_stock": True, "_left": 10, "count": 2, "sure": True}
    assert journey.advance(answers, CONTEXT) == Outcome("ordered", {"count": 2})
    assert log == [("finish", 2)]


def test_an_effect_that_does_not_apply_is_skipped():
    log = []
    journey = toy(log)
    step = journey.advance({"colour": "none"}, CONTEXT)
    assert step.question.key == "count" and "_stock" not in step.answers
    assert log == []


def test_going_back_runs_the_effect_again():
    log = []
    journey = toy(log)
    answers = {"colour": "red", "_stock": True, "_left": 10, "count": 2}
    back = journey.accept(answers, journey.question("sure"), "non", CONTEXT)
    # the colour and everything after it, the effect's mark included (what it found stays
    # until it runs again)
    assert "colour" not in back and "_stock" not in back and "count" not in back
    answers = journey.accept(back, journey.question("colour"), "red", CONTEXT)
    journey.advance(answers, CONTEXT)
    assert log == [("stock", "red")]


def test_a_question_may_name_its_own_message():
    journey = toy([])
    assert journey.question("sure").message({"count": 2}) == ("confirm", {"count": 2})
    assert journey.question("count").message({}) == ("", {})


def test_give_up_calls_the_journey_hook():
    seen = []
    toy([], on_give_up=lambda answers, context: seen.append(answers)).give_up({"a": 1}, CONTEXT)
    assert seen == [{"a": 1}]
    toy([]).give_up({"a": 1}, CONTEXT)  # no hook: nothing to do


# --- the visit journeys, played by the engine alone ------------------------------------------


def context(db, phone=NUMBER) -> Context:
    now = utcnow()
    return Context(session=db, today=today_paris(now), now=now, phone=phone)


def test_booking_without_a_proven_phone_is_sent_elsewhere(db):
    assert visits.BOOK.advance({}, context(db, phone=None)) == Outcome("visit_chat")
    assert visits.CANCEL.advance({}, context(db, phone=None)) == Outcome("visit_chat")


def test_an_unknown_number_is_told_how(db):
    assert visits.BOOK.advance({}, context(db)) == Outcome("visit_unknown")
    assert db.scalar(select(Visit)) is None


def test_book_requests_offers_then_books_the_slot_picked(db, slots):
    member = texting_independent(db)
    step = visits.BOOK.advance({}, context(db))
    assert isinstance(step, Ask) and step.question is visits.PICK
    offered = step.answers["_slots"]
    assert len(offered) == visits.OFFERED
    visit = db.get(Visit, step.answers["_visit"])
    assert visit.member_id == member.id and visit.status == "requested"
    assert step.question.message(step.answers) == (
        "visit_offer",
        {
            "slots": offered,
            "kind": visit.visit_type,
            "current": None,
            "taken": False,
            "missed": False,
            "named": "independent",
        },
    )
    answers = visits.BOOK.accept(step.answers, visits.PICK, "le 2", context(db))
    outcome = visits.BOOK.advance(answers, context(db))
    assert outcome == Outcome(
        "visit_confirmed", {"slot": offered[1], "visit": visit.id, "moved": False}
    )
    assert visit.status == "booked" and visit.slot_id == offered[1]


def test_a_slot_taken_meanwhile_starts_the_offer_again(db, slots):
    texting_independent(db)
    step = visits.BOOK.advance({}, context(db))
    taken = db.get(Slot, step.answers["_slots"][0])
    taken.blocked = True  # no longer bookable when the answer comes
    answers = visits.BOOK.accept(step.answers, visits.PICK, "1", context(db))
    outcome = visits.BOOK.advance(answers, context(db))
    name, again = outcome.then
    assert name == "visit_book" and again["_taken"] is True and "_slots" not in again
    step = visits.BOOK.advance(again, context(db))
    assert step.question is visits.PICK and taken.id not in step.answers["_slots"]
    assert step.question.message(step.answers)[1]["taken"] is True


def test_giving_up_a_booking_queues_the_request(db, slots):
    texting_independent(db)
    step = visits.BOOK.advance({}, context(db))
    visits.BOOK.give_up(step.answers, context(db))
    assert db.get(Visit, step.answers["_visit"]).queued_at is not None


def test_several_employments_are_asked_first(db, slots):
    texting_employee(db)
    texting_employee(db, siret=OTHER_SIRET, name="Garage Leroy")
    step = visits.BOOK.advance({}, context(db))
    assert step.question is visits.WHO and "_visit" not in step.answers
    assert [c.label for c in visits.WHO.options(step.answers, context(db))] == [
        "Boulangerie Dupont",
        "Garage Leroy",
    ]


def test_cancel_names_the_visit_then_keeps_it_on_no(db, slots):
    texting_independent(db)
    step = visits.BOOK.advance({}, context(db))
    answers = visits.BOOK.accept(step.answers, visits.PICK, "1", context(db))
    visits.BOOK.advance(answers, context(db))
    step = visits.CANCEL.advance({}, context(db))
    assert step.question is visits.CONFIRM
    assert step.question.message(step.answers) == (
        "visit_cancel_ask",
        {"slot": step.answers["_current"]},
    )
    answers = visits.CANCEL.accept(step.answers, visits.CONFIRM, "non", context(db))
    assert visits.CANCEL.advance(answers, context(db)) == Outcome("visit_cancel_kept")


# --- saying when instead of a number (issue 15: "plutôt la semaine prochaine") ------------------


def moving(db):
    """An independent booked in the first slot offered, then DEPLACER: the move's offer."""
    texting_independent(db)
    step = visits.BOOK.advance({}, context(db))
    answers = visits.BOOK.accept(step.answers, visits.PICK, "1", context(db))
    visits.BOOK.advance(answers, context(db))
    step = visits.MOVE.advance({}, context(db))
    assert step.question is visits.PICK
    return step


def said(db, step, text: str):
    """The person answers `text`: the journey starts its offer again from what they said."""
    answers = visits.MOVE.accept(step.answers, visits.PICK, text, context(db))
    outcome = visits.MOVE.advance(answers, context(db))
    name, again = outcome.then
    assert name == "visit_move" and "_slots" not in again and "pick" not in again
    step = visits.MOVE.advance(again, context(db))
    assert step.question is visits.PICK
    return step, [db.get(Slot, i).starts_at.astimezone(PARIS) for i in step.answers["_slots"]]


def test_three_offers_by_text_are_on_three_days(db, slots):
    step = moving(db)
    days = {db.get(Slot, i).starts_at.astimezone(PARIS).date() for i in step.answers["_slots"]}
    assert len(days) == 3


@pytest.mark.parametrize("text", ["plutôt la semaine prochaine", "Next week", "semaine prochaine?"])
def test_next_week_offers_slots_of_next_week(db, slots, text):
    step, starts = said(db, moving(db), text)
    assert len(starts) == 3 and len({s.date() for s in starts}) == 3
    assert all(date(2026, 11, 30) <= s.date() <= date(2026, 12, 6) for s in starts)
    assert step.question.message(step.answers)[1]["missed"] is False
    assert step.question.message(step.answers)[1]["current"] == step.answers["_current"]


def test_a_weekday_and_a_date_offer_that_day(db, slots):
    step = moving(db)
    _step, starts = said(db, step, "mercredi matin")
    assert all(s.weekday() == 2 and s.hour < 12 for s in starts) and len(starts) == 3
    _step, starts = said(db, step, "le 3 décembre")
    assert {s.date() for s in starts} == {date(2026, 12, 3)}
    _step, starts = said(db, step, "December 3")
    assert {s.date() for s in starts} == {date(2026, 12, 3)}


def test_later_is_after_the_slots_just_offered(db, slots):
    step = moving(db)
    shown = max(db.get(Slot, i).starts_at for i in step.answers["_slots"])
    _step, starts = said(db, step, "plus tard")
    assert min(starts) > shown and len(starts) == 3


def test_nothing_then_says_so_and_offers_the_nearest(db, slots):
    """The doctor sees in the mornings only: "mardi après-midi" finds nothing, the offer says
    so and gives the nearest slots from that Tuesday."""
    step, starts = said(db, moving(db), "mardi aprem")
    assert step.question.message(step.answers)[1]["missed"] is True
    assert min(starts).date() == date(2026, 11, 24) and len(starts) == 3
    # said again, the next offer is no longer "missed"
    step, _starts = said(db, step, "2/12")
    assert step.question.message(step.answers)[1]["missed"] is False


def test_the_pick_parser_is_lenient():
    assert visit_picks.parse_pick("le deuxième") == 2 and visit_picks.parse_pick("n°3") == 3
    assert visit_picks.parse_pick("1 ou 2") == 0


def test_since_cannot_be_in_the_future():
    ahead = Context(today=date(2026, 8, 7))
    with pytest.raises(Reprompt):
        visits.BOOK.accept({"_type": "pre_reprise"}, visits.SINCE, "01/01/2030", ahead)


# --- the same journeys on a page: no phone, the page's own listing ----------------------------


def web_context(db, actor="member:7", **extra) -> Context:
    now = utcnow()
    return Context(session=db, today=today_paris(now), now=now, actor=actor, extra=extra)


def requested(db):
    from assistant.services.visits import visit_requests

    make_planning(db, days=21)
    member = texting_independent(db)
    visit = visit_requests.request_visit(
        db,
        "test",
        member=member,
        employee=None,
        request=visit_requests.Request("demande", "independent"),
        now=utcnow(),
        auto=False,
    )
    db.flush()
    return visit


def test_a_page_lists_more_slots_and_the_signed_in_account_books_one(db):
    visit = requested(db)
    page = web_context(db, offered=5)
    listed = [slot.id for slot in visits.slots_to_offer(visit, page, moving=False)]
    assert len(listed) == 5 > visits.OFFERED
    answers = {"_visit": visit.id, "_slots": listed}
    answers = visits.BOOK.accept(answers, visits.PICK, "5", page)
    outcome = visits.BOOK.finish(answers, page)
    assert outcome == Outcome(
        "visit_confirmed", {"slot": listed[4], "visit": visit.id, "moved": False}
    )
    assert visit.slot_id == listed[4] and visit.history[-1]["by"] == "member:7"


def test_a_slot_gone_meanwhile_is_offered_again_with_why(db):
    visit = requested(db)
    answers = {"_visit": visit.id, "_slots": [2_000_000_000]}  # deleted since it was listed
    answers = visits.BOOK.accept(answers, visits.PICK, "1", web_context(db))
    outcome = visits.BOOK.finish(answers, web_context(db))
    assert outcome.then[0] == "visit_book" and outcome.then[1]["_taken"] is True
    assert str(outcome.values["reason"]) == "Ce créneau n'est plus disponible."
    assert outcome.values["taken"] is False and visit.status == "requested"


def test_a_member_cancels_a_request_and_says_why(db):
    visit = requested(db)
    answers = {"_visit": visit.id, "_requester": "employer"}
    page = web_context(db)
    assert visits.REASON.applies(answers)
    assert not visits.REASON.applies({"_visit": visit.id})  # by text: never asked
    with pytest.raises(Reprompt, match="500 caractères au plus"):
        visits.CANCEL.accept(answers, visits.REASON, "x" * 501, page)
    answers = visits.CANCEL.accept(answers, visits.REASON, " Congés ", page)
    answers = visits.CANCEL.accept(answers, visits.CONFIRM, "oui", page)
    assert visits.CANCEL.finish(answers, page) == Outcome("visit_cancel_done")
    assert (visit.status, visit.cancelled_by) == ("cancelled", "member:7")
    assert visit.history[-1]["note"] == "Congés"


def test_the_stoppage_is_asked_and_checked_as_on_the_request_pages():
    from dialogs.visit_request import REQUEST

    page = REQUEST.question("stoppage_start")
    assert visits.SINCE.key == page.key and visits.SINCE.parse is page.parse
    assert visits.SINCE.text({}, CONTEXT, short=True).startswith(
        "Depuis quelle date êtes-vous en arrêt"
    )
    ahead = Context(today=date(2026, 8, 7))
    for journey, question, answers in (
        (visits.BOOK, visits.SINCE, {"_type": "pre_reprise"}),
        (REQUEST, page, {"visit_type": "pre_reprise", "_requester": "employee"}),
    ):
        with pytest.raises(Reprompt, match="ne peut pas être dans le futur"):
            journey.accept(answers, question, "01/01/2030", ahead)
