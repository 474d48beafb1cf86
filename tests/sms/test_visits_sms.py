"""Booking by SMS: RDV, ANNULER, DEPLACER for independents and employees, through the signed
webhook, with typos, races, several employers, English, and every reply within 3 segments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select

from assistant.core.parsing import Reprompt, fold
from assistant.core.segments import MAX_SEGMENTS, fits, segments
from assistant.core.text import _l
from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.models import (
    DialogueState,
    Member,
    PhoneProfile,
    Slot,
    StaffTask,
    Visit,
)
from assistant.services.visits import (
    booking,
    slot_offers,
    visit_lookup,
    visit_requests,
    visit_type_table,
)
from assistant.sms import visits
from assistant.sms.prompts import prompt
from dialogs import visit_picks
from dialogs import visits as journeys
from dialogs.engine import Context
from tests.factories import OTHER_SIRET, make_member, make_planning
from tests.sms.conftest import Phone
from tests.sms.helpers import NUMBER, texting_employee, texting_independent

TEMPLATES = Path(__file__).resolve().parents[2] / "assistant" / "templates" / "sms"
LONG_PLACE = (
    "Centre de santé au travail interentreprises de Saint-Rémy-lès-Chevreuse – Bâtiment Côté Forêt"
)


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def independent(sms_db):
    return texting_independent(sms_db)


def offered(session) -> list[int]:
    session.rollback()
    state = session.scalar(select(DialogueState))
    return list(state.answers["_slots"])


def the_visit(session, member_id: int | None = None) -> Visit:
    """The latest visit (of this member)."""
    session.rollback()
    session.expire_all()
    query = select(Visit).order_by(Visit.id.desc())
    if member_id is not None:
        query = query.where(Visit.member_id == member_id)
    return session.scalar(query.limit(1))


def assert_offer(reply: str, count: int = 3):
    assert fits(reply), reply
    for number in range(1, count + 1):
        assert f"\n{number} " in reply, reply
    assert f"\n{count + 1} " not in reply, reply


# --- booking ----------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["RDV", "rdv", "Rdv ", "RDV!", "rendez-vous"])
def test_rdv_offers_the_next_three_slots(phone, sms_db, sms_slots, independent, word):
    reply = phone.send(word)
    assert_offer(reply)
    assert "Répondez 1, 2 ou 3." in reply
    assert "Centre de Paris 11" in reply and "\u202f" not in reply
    visit = the_visit(sms_db)
    assert visit.status == "requested" and visit.requested_by == "independent"
    assert visit.visit_type == "demande" and visit.queued_at is None
    first = sms_db.get(Slot, offered(sms_db)[0])
    assert visits.short_when(first.starts_at) in reply


@pytest.mark.parametrize("answer", ["2", "le 2", "deux", " 2 ", "2.", "n°2", "Le deuxième"])
def test_the_answer_books_the_listed_slot(phone, sms_db, sms_slots, independent, answer):
    phone.send("RDV")
    ids = offered(sms_db)
    reply = phone.send(answer)
    assert "réservé" in reply and fits(reply), reply
    visit = the_visit(sms_db)
    assert visit.status == "booked" and visit.slot_id == ids[1]
    assert "DEPLACER" in reply and "ANNULER" in reply
    assert sms_db.scalar(select(DialogueState)) is None


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ("4", ""),
        ("0", ""),
        ("12", ""),
        # text neither a number nor a day: that a day is understood too (issue 15)
        ("zzz", " Ou dites quand : mardi, 3/12, après-midi, plus tard."),
        ("peut-être", " Ou dites quand : mardi, 3/12, après-midi, plus tard."),
        ("", " Ou dites quand : mardi, 3/12, après-midi, plus tard."),
    ],
)
def test_a_bad_answer_gets_a_short_reprompt(phone, sms_db, sms_slots, independent, answer, hint):
    phone.send("RDV")
    ids = offered(sms_db)
    assert phone.send(answer) == "Répondez 1, 2 ou 3." + hint
    assert the_visit(sms_db).status == "requested"
    assert "réservé" in phone.send("3")
    assert the_visit(sms_db).slot_id == ids[2]


def test_three_bad_answers_offer_a_call_back_and_queue_the_request(
    phone, sms_db, sms_slots, independent
):
    phone.send("RDV")
    phone.send("bof")
    phone.send("4")
    reply = phone.send("le cinq")
    assert "rappeler" in reply and fits(reply)
    sms_db.rollback()
    task = sms_db.scalar(select(StaffTask))
    assert task.kind == "callback" and task.phone == NUMBER
    visit = the_visit(sms_db)
    assert visit.queued_at is not None and visit.status == "requested"
    # the person may still answer: the slot is booked and the queue left
    assert "réservé" in phone.send("1")
    visit = the_visit(sms_db)
    assert visit.status == "booked" and visit.queued_at is None


def test_a_slot_taken_between_offer_and_answer(phone, sms_db, sms_slots, independent):
    phone.send("RDV")
    first = offered(sms_db)
    # someone else takes the first slot meanwhile, from another session
    rival = texting_independent(sms_db, phone="+33600000002", siret="73282932000074")
    now = utcnow()
    other = visit_requests.request_visit(
        sms_db,
        "test",
        member=rival,
        employee=None,
        request=visit_requests.Request("demande", "independent"),
        now=now,
        auto=False,
    )
    booking.book(sms_db, "test", other, sms_db.get(Slot, first[0]), now)
    sms_db.commit()

    reply = phone.send("1")
    assert reply.startswith("Ce créneau vient d'être pris"), reply
    assert_offer(reply)
    again = offered(sms_db)
    # the next free slot of that morning, and the same other days
    assert first[0] not in again and again[1:] == first[1:]
    assert (
        sms_db.get(Slot, again[0]).starts_at.date() == sms_db.get(Slot, first[0]).starts_at.date()
    )
    assert "réservé" in phone.send("1")
    assert the_visit(sms_db, independent.id).slot_id == again[0]
    sms_db.rollback()
    assert sms_db.get(Visit, other.id).slot_id == first[0]  # the winner keeps it


def test_rdv_with_a_booked_visit_tells_its_date(phone, sms_db, sms_slots, independent):
    phone.send("RDV")
    phone.send("1")
    reply = phone.send("RDV")
    assert "déjà rendez-vous" in reply and "DEPLACER" in reply and "ANNULER" in reply
    assert fits(reply)
    sms_db.rollback()
    assert len(sms_db.scalars(select(Visit)).all()) == 1


def test_rdv_again_reuses_the_waiting_request(phone, sms_db, sms_slots, independent):
    phone.send("RDV")
    phone.send("MENU")
    phone.send("RDV")
    sms_db.rollback()
    assert len(sms_db.scalars(select(Visit)).all()) == 1


def test_no_slot_at_all_goes_to_the_staff_queue(phone, sms_db, independent):
    reply = phone.send("RDV")
    assert "équipe" in reply and "rappellera" in reply and fits(reply)
    visit = the_visit(sms_db)
    assert visit.status == "requested" and visit.queued_at is not None
    assert visit in visit_requests.queue(sms_db)
    assert sms_db.scalar(select(DialogueState)) is None


def test_an_independent_gets_their_most_urgent_due_visit(phone, sms_db, sms_slots):
    from assistant.services.visits import due

    member = texting_independent(
        sms_db, birth_date=date(1980, 3, 12), activated_at=utcnow() - timedelta(days=2)
    )
    expected = due.worker_due(sms_db, member, today_paris())
    assert expected, "an independent just joined has a first visit to plan"
    assert_offer(phone.send("RDV"))
    visit = the_visit(sms_db)
    assert visit.visit_type == expected[0].visit_type != "demande"
    assert visit.due_by == expected[0].window.due_by


# --- cancel and move --------------------------------------------------------------------------


def book_one(phone, sms_db) -> Visit:
    phone.send("RDV")
    assert "réservé" in phone.send("1")
    return the_visit(sms_db)


@pytest.mark.parametrize("yes", ["OUI", "oui", "ouii", "Oui!", "yes"])
def test_cancel_asks_then_cancels(phone, sms_db, sms_slots, independent, yes):
    visit = book_one(phone, sms_db)
    ask = phone.send("ANNULER")
    assert "Répondez OUI pour l'annuler" in ask and fits(ask)
    assert visits.short_when(visit.slot.starts_at) in ask
    done = phone.send(yes)
    assert "annulé" in done
    visit = the_visit(sms_db)
    assert visit.status == "cancelled" and visit.cancelled_by == f"phone:{NUMBER}"


@pytest.mark.parametrize("no", ["NON", "non", "nn", "no"])
def test_cancel_no_keeps_the_appointment(phone, sms_db, sms_slots, independent, no):
    book_one(phone, sms_db)
    phone.send("annuler")
    assert "maintenu" in phone.send(no)
    assert the_visit(sms_db).status == "booked"


def test_cancel_reprompts_on_nonsense(phone, sms_db, sms_slots, independent):
    book_one(phone, sms_db)
    phone.send("Annuler")
    assert phone.send("bof") == "Répondez OUI ou NON."
    assert the_visit(sms_db).status == "booked"


def test_move_offers_other_slots_and_moves_the_same_visit(phone, sms_db, sms_slots, independent):
    visit = book_one(phone, sms_db)
    current = visit.slot_id
    reply = phone.send("deplacer")
    assert_offer(reply)
    assert visits.short_when(visit.slot.starts_at) in reply.split("\n")[0]  # the current one
    ids = offered(sms_db)
    assert current not in ids
    moved = phone.send("3")
    assert "déplacé" in moved and fits(moved)
    after = the_visit(sms_db)
    assert after.id == visit.id and after.slot_id == ids[2] and after.status == "booked"
    assert [e["what"] for e in after.history][-1] == "moved"


def next_monday():
    return today_paris() + timedelta(days=7 - today_paris().weekday())


@pytest.mark.parametrize("text", ["plutôt la semaine prochaine", "SEMAINE PROCHAINE", "next week"])
def test_move_understands_next_week(phone, sms_db, sms_slots, independent, text):
    """Issue 15: "plutôt la semaine prochaine" got "Répondez 1, 2 ou 3"."""
    book_one(phone, sms_db)
    phone.send("DEPLACER")
    reply = phone.send(text)
    assert_offer(reply)
    assert reply.startswith("RDV actuel"), reply
    starts = [sms_db.get(Slot, i).starts_at.date() for i in offered(sms_db)]
    assert all(next_monday() <= day < next_monday() + timedelta(days=7) for day in starts)
    assert len(set(starts)) == 3  # three days, not one morning
    assert "déplacé" in phone.send("2")


def test_move_offers_three_days_not_one_morning(phone, sms_db, sms_slots, independent):
    book_one(phone, sms_db)
    assert_offer(phone.send("DEPLACER"))
    assert len({sms_db.get(Slot, i).starts_at.date() for i in offered(sms_db)}) == 3


@pytest.mark.parametrize("text", ["mardi après-midi", "Tuesday afternoon", "mardi aprem"])
def test_nothing_then_says_so_and_offers_the_nearest(phone, sms_db, sms_slots, independent, text):
    """The doctor sees in the mornings only: no afternoon; said briefly, and the nearest."""
    book_one(phone, sms_db)
    phone.send("DEPLACER")
    reply = phone.send(text)
    assert reply.startswith("Rien de libre à ce moment-là. Les plus proches :"), reply
    assert_offer(reply)


def test_later_offers_slots_after_those_offered(phone, sms_db, sms_slots, independent):
    book_one(phone, sms_db)
    phone.send("DEPLACER")
    shown = max(sms_db.get(Slot, i).starts_at for i in offered(sms_db))
    assert_offer(phone.send("plus tard"))
    assert all(sms_db.get(Slot, i).starts_at > shown for i in offered(sms_db))
    assert_offer(phone.send("le matin plus tard"))


def test_an_independents_visit_is_named_for_what_it_is(phone, sms_db, sms_slots, independent):
    """Issue 15: a self-employed worker's exam was named "à l'embauche" (no hiring)."""
    sms_db.add(
        Visit(
            member_id=independent.id,
            visit_type="sir_embauche",
            status="requested",
            requested_by="independent",
            actor="test",
        )
    )
    sms_db.commit()
    reply = phone.send("RDV")
    assert_offer(reply)
    assert reply.startswith("Examen médical d'aptitude (début d'activité, suivi renforcé)"), reply
    assert "embauche" not in reply
    phone.send("ENGLISH")
    reply = phone.send("RDV")
    assert "start of activity" in reply and "hiring" not in reply.lower(), reply


def test_move_with_no_other_slot(phone, sms_db, independent):
    plan = make_planning(sms_db, days=3)
    sms_db.commit()
    bookable = sms_db.scalars(
        select(Slot)
        .where(Slot.centre_id == plan.centre.id, Slot.starts_at > utcnow() + slot_offers.LEAD_TIME)
        .order_by(Slot.starts_at)
    ).all()
    for slot in bookable[1:]:  # one free slot only
        slot.blocked = True
    sms_db.commit()
    book_one(phone, sms_db)
    reply = phone.send("DEPLACER")
    assert "Aucun autre créneau" in reply and "maintenu" in reply and fits(reply)


@pytest.mark.parametrize("word", ["ANNULER", "DEPLACER", "annuler", "déplacer"])
def test_cancel_or_move_without_appointment(phone, sms_slots, independent, word):
    assert "aucun rendez-vous à venir" in phone.send(word)


def test_a_keyword_restarts_a_booking_flow(phone, sms_db, sms_slots, independent):
    phone.send("RDV")
    assert "ADHERER" in phone.send("MENU")
    assert sms_db.scalar(select(DialogueState)) is None
    assert phone.send("2") != "Répondez 1, 2 ou 3."  # no longer in the flow


# --- who is writing ---------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["RDV", "ANNULER", "DEPLACER"])
def test_unknown_number_is_told_how(phone, sms_db, sms_slots, word):
    reply = phone.send(word)
    assert "ADHERER" in reply and "employeur" in reply and fits(reply)
    sms_db.rollback()
    assert sms_db.scalar(select(Visit)) is None


def test_an_employer_number_is_sent_to_the_web_space(phone, sms_db, sms_slots):
    make_member(sms_db, status="active", legal_name="Boulangerie", phone=NUMBER)
    sms_db.commit()
    assert "espace" in phone.send("RDV")


def test_an_employee_books_a_visit_on_request(phone, sms_db, sms_slots):
    employee = texting_employee(sms_db)
    assert_offer(phone.send("RDV"))
    assert "réservé" in phone.send("1")
    visit = the_visit(sms_db)
    assert visit.employee_id == employee.id and visit.member_id == employee.member_id
    assert visit.visit_type == "demande" and visit.requested_by == "employee"
    assert visit.actor == f"employee:{NUMBER}"


def test_an_employee_who_left_is_unknown(phone, sms_db, sms_slots):
    employee = texting_employee(sms_db)
    employee.left_on = today_paris() - timedelta(days=1)
    sms_db.commit()
    assert "ADHERER" in phone.send("RDV")


def test_an_employee_of_two_employers_chooses(phone, sms_db, sms_slots):
    texting_employee(sms_db)
    second = texting_employee(sms_db, siret=OTHER_SIRET, name="Garage Leroy")
    question = phone.send("RDV")
    assert "Boulangerie Dupont" in question and "Garage Leroy" in question and fits(question)
    assert phone.send("7").startswith("Répondez 1 ou 2.")
    assert_offer(phone.send("garage"))
    assert "réservé" in phone.send("2")
    visit = the_visit(sms_db)
    assert visit.employee_id == second.id and visit.member_id == second.member_id
    # the next appointment, whichever the employer
    assert "Répondez OUI" in phone.send("ANNULER")


def test_an_employee_pre_reprise_is_confidential(phone, sms_db, sms_slots):
    employee = texting_employee(sms_db)
    question = phone.send("RDV PRE-REPRISE")
    assert "arrêt" in question
    assert "Date non reconnue" in phone.send("hier soir")
    started = today_paris() - timedelta(days=45)
    assert_offer(phone.send(started.strftime("%d/%m/%Y")))
    reply = phone.send("1")
    assert "réservé" in reply and "employeur n'en est pas informé" in reply and fits(reply)
    visit = the_visit(sms_db)
    assert visit.visit_type == "pre_reprise" and visit.confidential is True
    assert visit.event_date == started
    assert visit not in visit_lookup.employer_visits(sms_db, employee.member_id)
    assert visit_lookup.employer_visit(sms_db, employee.member_id, visit.id) is None


def test_an_unproven_number_is_heard_and_told_nothing(phone, sms_db, sms_slots):
    """Issue 11: the number an employer typed may be the employer's own. A request from it is
    accepted and handled by the team; the answers never tell the worker's visits."""
    employee = texting_employee(sms_db, proven=False)
    booked = visit_requests.request_visit(
        sms_db,
        "employee:x",
        member=sms_db.get(Member, employee.member_id),
        employee=employee,
        request=visit_requests.Request(visit_type="mi_carriere", requested_by="employee"),
        now=utcnow(),
    )
    sms_db.commit()
    assert booked.status == "booked"
    assert "aucun rendez-vous" in phone.send("ANNULER").lower()
    phone.send("RDV PRE-REPRISE")
    reply = phone.send((today_paris() - timedelta(days=45)).strftime("%d/%m/%Y"))
    assert "transmise à l'équipe" in reply and fits(reply)
    for word in ("pré-reprise", "mi-carrière", "réservé"):
        assert word not in reply.lower()
    sms_db.rollback()
    request = sms_db.scalar(select(Visit).where(Visit.visit_type == "pre_reprise"))
    assert request.status == "requested" and request.queued_at is not None
    assert request.confidential


@pytest.mark.parametrize(
    "text", ["rdv pré-reprise", "RDV PREREPRISE", "Rdv pre reprise", "rdv prereprse"]
)
def test_pre_reprise_variants(text):
    assert visits.command(text) == ("book", "pre_reprise")


@pytest.mark.parametrize("text", ["rdv", "rdv demain", "pre-reprise", "annuler pre-reprise", ""])
def test_not_pre_reprise(text):
    assert visits.command(text) is None


def test_a_short_stoppage_cannot_have_a_pre_reprise(phone, sms_db, sms_slots):
    texting_employee(sms_db)
    phone.send("rdv pré-reprise")
    reply = phone.send((today_paris() - timedelta(days=10)).strftime("%d/%m/%Y"))
    assert "PASSER" in reply and fits(reply)  # its expected end, if known (R4624-29)
    reply = phone.send("passer")
    assert "30 jours" in reply and fits(reply)
    assert sms_db.scalar(select(DialogueState)) is None


def test_R4624_29_a_stoppage_known_to_last_over_30_days_allows_the_pre_reprise_at_once(
    phone, sms_db, sms_slots
):
    texting_employee(sms_db)
    phone.send("rdv pré-reprise")
    phone.send((today_paris() - timedelta(days=10)).strftime("%d/%m/%Y"))
    reply = phone.send((today_paris() + timedelta(days=50)).strftime("%d/%m/%Y"))
    assert "Répondez 1" in reply
    visit = sms_db.scalar(select(Visit).where(Visit.visit_type == "pre_reprise"))
    assert visit.absence_days == 61 and visit.confidential


def test_a_plain_rdv_does_not_hide_a_booked_pre_reprise(phone, sms_db, sms_slots):
    texting_employee(sms_db)
    phone.send("RDV PREREPRISE")
    phone.send((today_paris() - timedelta(days=40)).strftime("%d/%m/%Y"))
    phone.send("1")
    # a pré-reprise booked: asking another one says so
    assert "déjà rendez-vous" in phone.send("RDV PREREPRISE")


# --- channels and languages -------------------------------------------------------------------


def test_english_phone(phone, sms_db, sms_slots, independent):
    phone.send("ENGLISH")
    reply = phone.send("RDV")
    assert "Reply 1, 2 or 3." in reply, reply
    assert any(day in reply for day in ("Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun "))
    assert "lun." not in reply and fits(reply)
    sms_db.rollback()
    assert sms_db.scalar(select(PhoneProfile)).locale == "en"


@pytest.mark.parametrize("word", ["RDV", "ANNULER", "DEPLACER", "rdv pre-reprise"])
def test_the_chat_sends_booking_to_sms_or_the_web_space(sms_app, sms_db, sms_slots, word):
    chat = sms_app.test_client()
    response = chat.post("/chat", data={"message": word}, headers={"Accept": "application/json"})
    reply = response.get_json()["reply"]
    assert "SMS" in reply and "espace" in reply
    sms_db.rollback()
    assert sms_db.scalar(select(Visit)) is None


def test_two_phones_do_not_share_a_flow(sms_app, sms_db, sms_slots, independent):
    first = Phone(sms_app.test_client(), NUMBER)
    texting_independent(sms_db, phone="+33600000003", siret="73282932000074")
    second = Phone(sms_app.test_client(), "+33600000003")
    first.send("RDV")
    second.send("RDV")
    assert "réservé" in first.send("1")
    reply = second.send("1")  # the same slot was listed first to both
    assert reply.startswith("Ce créneau vient d'être pris")


# --- parsers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        (" 2 ", 2),
        ("2.", 2),
        ("3)", 3),
        ("le 2", 2),
        ("Le 3", 3),
        ("n°1", 1),
        ("numéro 2", 2),
        ("deux", 2),
        ("Trois", 3),
        ("un", 1),
        ("premier", 1),
        ("le deuxieme", 2),
        ("troisième", 3),
        ("second", 2),
        ("dexu", 2),
        ("4", 4),
        ("", 0),
        ("zzz", 0),
        ("1 ou 2", 0),
        ("12345", 0),
    ],
)
def test_parse_pick(raw, expected):
    assert visit_picks.parse_pick(raw) == expected


# --- every reply fits in three segments -------------------------------------------------------


def aug(hour: int = 8) -> datetime:
    return datetime(2026, 8, 7, hour, 30, tzinfo=UTC)  # "ven. 7 août 10h30": û forces UCS-2


def fake_slots(name: str, count: int = 3):
    return [
        SimpleNamespace(starts_at=aug(8 + n), centre=SimpleNamespace(name=name))
        for n in range(count)
    ]


PLACES = ("Centre de Paris 11", "Téléconsultation", LONG_PLACE, "Ç" * 80)


def longest_labels(language: str) -> list[str]:
    labels = sorted(
        (kind.label(language) for kind in visit_type_table.visit_types().values()), key=len
    )
    return [labels[0], labels[-1]]


def visit_template_cases(language: str) -> dict[str, list[dict]]:
    """Each reply template of the booking flows with the values that make it longest."""
    cases: dict[str, list[dict]] = {
        "visit_unknown": [{}],
        "visit_employer_only": [{}],
        "visit_no_appointment": [{}],
        "visit_cancel_done": [{}],
        "visit_cancel_kept": [{}],
        "visit_chat": [{}],
        "visit_queued": [{"taken": False}, {"taken": True}],
        "visit_team": [{}],
        # what the rules refuse by text: a stoppage too short, a visit nobody may ask so
        "visit_refused": [
            {
                "reason": _l(
                    "Cette visite est possible pendant un arrêt de travail de plus de 30 jours."
                )
            },
            {"reason": _l("Cette visite ne peut pas être demandée ainsi.")},
        ],
    }
    for place in PLACES:
        slot = fake_slots(place, 1)[0]
        for name in ("visit_already", "visit_cancel_ask"):
            cases.setdefault(name, []).append({"slot": slot})
        cases.setdefault("visit_no_other_slot", []).extend(
            {"slot": slot, "taken": taken} for taken in (False, True)
        )
        cases.setdefault("visit_confirmed", []).extend(
            {"slot": slot, "visit": SimpleNamespace(confidential=c), "moved": m}
            for c in (False, True)
            for m in (False, True)
        )
        for count in (1, 2, 3):
            for label in longest_labels(language):
                for current, taken, missed in (
                    (None, False, False),
                    ("ven. 7 août 10h30", False, False),
                    (None, True, False),
                    ("ven. 7 août 10h30", False, True),  # nothing when asked: the nearest
                ):
                    cases.setdefault("visit_offer", []).append(
                        {
                            "slots": fake_slots(place, count),
                            "kind": label,
                            "current": current,
                            "taken": taken,
                            "missed": missed,
                        }
                    )
    return cases


def test_every_booking_template_has_cases(request_context):
    mine = {
        path.stem
        for path in TEMPLATES.glob("visit_*.txt")
        if not path.stem.startswith("visit_notice_")
    }
    assert mine == set(visit_template_cases("fr"))


@pytest.fixture
def request_context(sms_app):
    with sms_app.app_context(), sms_app.test_request_context():
        yield


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_booking_reply_fits_in_three_segments(request_context, language):
    with force_locale(language):
        for name, cases in visit_template_cases(language).items():
            for values in cases:
                text = visits.say_fitting(name, **values)
                assert text.strip() and "{{" not in text and "%(" not in text, (name, text)
                assert segments(text) <= MAX_SEGMENTS, (name, language, segments(text), text)
                assert "\u202f" not in text and "\xa0" not in text


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_offer_keeps_every_slot_and_its_number(request_context, language):
    with force_locale(language):
        text = visits.say_fitting(
            "visit_offer",
            slots=fake_slots(LONG_PLACE),
            kind=longest_labels(language)[-1],
            current=None,
            taken=True,
            missed=False,
        )
        lines = text.split("\n")
        assert [line[:2] for line in lines[1:4]] == ["1 ", "2 ", "3 "], text
        assert all(visits.short_when(aug(8 + n)) in lines[1 + n] for n in range(3))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_questions_and_reprompts_fit(request_context, language):
    long_names = [["employee:1", "Société " + "Très Longue Dénomination Sociale " * 4]] * 4
    answers = {"_choices": [*long_names, ["independent:2", "En tant qu'indépendant"]]}
    context = Context(today=date(2026, 8, 7))
    with force_locale(language):
        assert fits(prompt(journeys.WHO, answers, context))
        assert fits(prompt(journeys.SINCE, {"_type": "pre_reprise"}, context))
        for journey, question, raw, given in (
            (journeys.BOOK, journeys.WHO, "zzz", answers),
            (journeys.BOOK, journeys.SINCE, "demain", {"_type": "pre_reprise"}),
            (journeys.BOOK, journeys.SINCE, "01/01/2030", {"_type": "pre_reprise"}),
            (journeys.BOOK, journeys.PICK, "9", {"_slots": [1, 2, 3]}),
            (journeys.MOVE, journeys.PICK, "9", {"_slots": [1, 2]}),
            (journeys.MOVE, journeys.PICK, "9", {"_slots": [1]}),
            (journeys.CANCEL, journeys.CONFIRM, "bof", {}),
        ):
            with pytest.raises(Reprompt) as raised:
                journey.accept(given, question, raw, context)
            assert fits(str(raised.value.message)), raised.value.message


def test_babel_french_dates_stay_gsm(request_context):
    with force_locale("fr"):
        text = visits.short_when(datetime(2026, 12, 7, 8, 30, tzinfo=UTC))
    assert text == "lun. 7 déc. 9h30"
    assert segments(text * 11) == 2  # GSM-7, 153 a segment (é is in the table): 176 → 2
    assert fold(text) == "lun. 7 dec. 9h30"


def test_templates_render_in_english(request_context):
    with force_locale("en"):
        english = render_template("sms/visit_offer.txt", lines=["x"], count=3, kind="k")
    assert "Reply 1, 2 or 3." in english


# --- a reprise by text (R4624-31; an independent's own: the CIAMT offer) ------------------------


@pytest.mark.parametrize("text", ["RDV REPRISE", "rdv reprise", "Rdv Reprise!"])
def test_R4624_31_rdv_reprise_is_a_reprise_not_a_pre_reprise(text):
    assert visits.command(text) == ("book", "reprise")


def test_CIAMT_an_independent_asks_for_a_reprise_by_text(phone, sms_db, sms_slots, independent):
    assert "reprise" in fold(phone.send("RDV REPRISE"))  # the return date is asked
    back = today_paris() + timedelta(days=2)
    phone.send(back.strftime("%d/%m/%Y"))
    phone.send("4")  # illness or non-work accident, the 4th cause listed
    reply = phone.send("12")  # shorter than an employee's required reprise: still theirs to ask
    assert_offer(reply)
    visit = the_visit(sms_db, independent.id)
    assert (visit.visit_type, visit.requested_by, visit.due_from) == (
        "reprise",
        "independent",
        back,
    )
    assert (visit.absence_cause, visit.absence_days, visit.confidential) == ("illness", 12, False)


def test_R4624_31_an_employee_by_text_asks_only_for_a_required_reprise(phone, sms_db, sms_slots):
    texting_employee(sms_db)
    phone.send("RDV REPRISE")
    phone.send((today_paris() + timedelta(days=2)).strftime("%d/%m/%Y"))
    phone.send("4")
    reply = phone.send("20")
    assert "60 jours" in reply and fits(reply)
    assert_offer(phone.send("75"))
    assert the_visit(sms_db).visit_type == "reprise"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_reprise_questions_fit(request_context, language):
    context = Context(today=date(2026, 8, 7))
    with force_locale(language):
        for question in (journeys.RETURN, journeys.CAUSE, journeys.DAYS, journeys.UNTIL):
            given = {"_type": "reprise" if question is not journeys.UNTIL else "pre_reprise"}
            assert fits(prompt(question, given, context)), question.key


def test_booking_by_sms_tells_it_once_the_reply_not_again_by_the_outbox(
    phone, sms_db, sms_slots, independent
):
    from assistant.models import OutboxMessage

    phone.send("RDV")
    reply = phone.send("1")
    assert "réservé" in reply
    sms_db.rollback()
    again = sms_db.scalars(
        select(OutboxMessage).where(
            OutboxMessage.channel == "sms", OutboxMessage.recipient == NUMBER
        )
    ).all()
    assert again == []  # the reply is the confirmation: one SMS per event
    phone.send("DEPLACER")  # a move by SMS: the reply says it, once too
    phone.send("1")
    assert the_visit(sms_db).history[-1]["what"] == "moved"
    assert (
        sms_db.scalars(
            select(OutboxMessage).where(
                OutboxMessage.channel == "sms", OutboxMessage.recipient == NUMBER
            )
        ).all()
        == []
    )
