"""Issue 15, "No dead end" by SMS and in the chat: each test replays what a person did and what
went wrong (the reply that left them stuck)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assistant.core.parsing import Reprompt
from assistant.core.segments import fits
from assistant.models import Member
from assistant.sms.keywords import keyword
from tests.sms.helpers import say

NOT_UNDERSTOOD = "Nous n'avons pas compris"


def join_by_sms_up_to_the_risks(phone):
    for message in ("ADHERER", "Nina Roux", "552 100 554 00013", "12/03/1980", "coiffeuse"):
        phone.send(message)
    phone.send("1")
    phone.send("93200")
    return phone.send("0")  # no e-mail: the risks are asked


# --- keywords with a typo --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("menuu", "menu"),
        ("mneu", "menu"),
        ("aidee", "menu"),
        ("hlep", "menu"),
        ("Menu svp", "menu"),
        ("menu stp", "menu"),
        ("stopp", "stop"),
        ("STOP", "stop"),
        ("Stop.", "stop"),
        ("scroe", "score"),
        ("annluer", "cancel"),
    ],
)
def test_a_short_keyword_with_a_typo_is_understood(text, word):
    assert keyword(text) == word


@pytest.mark.parametrize(
    "text", ["stock", "stoop", "shop", "step", "top", "store", "stopper", "spot", "atop", "pots"]
)
def test_a_real_word_close_to_stop_never_stops_the_messages(text):
    assert keyword(text) != "stop"


def test_menuu_by_sms_shows_the_menu(phone):
    assert "ADHERER" in phone.send("menuu")


# --- sentences, not keywords -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("c'est quoi le score ?", "salariés"),
        ("je voudrais connaitre mon score de prevention", "salariés"),
        ("Je voudrais adhérer", "prénom et nom"),
        ("comment faire pour adhérer mon entreprise ?", "SIRET"),
    ],
)
def test_a_sentence_starts_the_journey_it_asks_for(phone, text, expected):
    reply = phone.send(text)
    assert expected in reply and NOT_UNDERSTOOD not in reply, reply


@pytest.mark.parametrize(
    "text", ["je voudrais prendre rendez-vous", "book an appointment", "je veux un rdv svp"]
)
def test_a_sentence_asking_for_an_appointment_starts_the_booking(phone, sms_db, sms_slots, text):
    from tests.sms.helpers import texting_independent

    texting_independent(sms_db, phone=phone.number)
    reply = phone.send(text)
    assert "Répondez 1, 2 ou 3." in reply, reply


def test_a_sentence_that_could_mean_two_things_asks_back_with_both(phone):
    reply = phone.send("je voudrais des infos sur les risques et mon score")
    assert NOT_UNDERSTOOD not in reply
    assert "SCORE" in reply and "RISQUES" in reply and fits(reply), reply


def test_a_sentence_about_nothing_known_is_still_not_understood(phone):
    assert NOT_UNDERSTOOD in phone.send("il fait beau aujourd'hui")


# --- the adhesion by SMS ---------------------------------------------------------------------


def test_adherer_risks_in_words_are_read_from_the_catalogue(phone, sms_db, sms_demo):
    asked = join_by_sms_up_to_the_risks(phone)
    assert "risques" in asked
    reply = phone.send("je conduis toute la journée, souvent la nuit")
    assert "numéro de 1 à" not in reply, reply
    assert "DUERP" in reply, reply
    for answer in ("oui", "oui", "non", "2"):
        phone.send(answer)
    phone.send("oui")
    member = sms_db.scalar(select(Member).where(Member.phone == phone.number))
    assert "night_work" in member.main_risks, member.main_risks


def test_adherer_risks_not_recognised_say_how_to_answer(phone, sms_demo):
    join_by_sms_up_to_the_risks(phone)
    reply = phone.send("je travaille le matin")
    assert "numéro de 1 à" not in reply and "bruit" in reply, reply


def test_two_digit_birth_year_by_sms(phone, sms_demo):
    for message in ("ADHERER", "Nina Roux", "552 100 554 00013"):
        phone.send(message)
    reply = phone.send("le 3 mars 82")
    assert "métier" in reply, reply


def test_a_name_without_letters_is_refused(phone):
    phone.send("ADHERER")
    reply = phone.send("1")
    assert "SIRET" not in reply and "nom" in reply, reply


def test_plumbing_and_hvac_read_differently_in_the_naf_list(phone):
    for message in ("ADHERER ENTREPRISE", "732 829 320 00074", "Dupont SARL"):
        phone.send(message)
    reply = phone.send("plomberie chauffage")
    lines = [line for line in reply.splitlines() if line[:2] in ("1.", "2.", "3.")]
    assert len(lines) >= 2, reply
    assert len({line[3:] for line in lines}) == len(lines)
    assert any("gaz" in line for line in lines) and any("therm" in line for line in lines), reply
    assert fits(reply)


def test_birth_date_two_digit_year_pivot():
    from datetime import date

    from dialogs.adhesion import INDEPENDENT

    parse = INDEPENDENT.question("birth_date").parse
    assert parse("le 3 mars 82") == date(1982, 3, 3)
    assert parse("03/03/05") == date(2005, 3, 3)  # 21 years old: this century
    assert parse("03/03/20") == date(1920, 3, 3)  # a child of 6 cannot join: last century
    with pytest.raises(Reprompt):
        parse("03/03/2020")


# --- the chat --------------------------------------------------------------------------------


@pytest.fixture
def chat(sms_app):
    return sms_app.test_client()


def test_chat_risques_without_a_number_offers_to_prove_one(chat, sms_db):
    from tests.sms.helpers import sent_code, texting_independent

    texting_independent(sms_db, phone="+33745678901")
    reply = say(chat, "RISQUES")
    assert "n'est pas celui d'un adhérent" not in reply, reply
    assert "mobile" in reply, reply
    reply = say(chat, "07 45 67 89 01")
    assert "code" in reply, reply
    reply = say(chat, sent_code(sms_db, "+33745678901"))
    assert "4 parties" in reply or "groupe" in reply, reply


def test_chat_call_back_asks_how_to_be_reached_and_makes_one_task(chat, sms_db):
    from assistant.models import StaffTask

    say(chat, "SCORE")
    for _ in range(6):  # a call-back offered twice
        reply = say(chat, "bof")
    assert "numéro" in reply, reply
    sms_db.rollback()
    tasks = sms_db.scalars(select(StaffTask)).all()
    assert len(tasks) == 1, [t.detail for t in tasks]
    assert "blocked at question" not in tasks[0].detail
    reply = say(chat, "06 12 34 56 78")
    assert "rappeler" in reply and "+33612345678" in reply, reply
    sms_db.rollback()
    tasks = sms_db.scalars(select(StaffTask)).all()
    assert len(tasks) == 1 and tasks[0].phone == "+33612345678"
    assert "bloquée à la question « Employez-vous" in tasks[0].detail, tasks[0].detail
