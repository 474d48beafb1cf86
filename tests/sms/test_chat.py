"""The web chat without JavaScript: plain form posts, the same journeys as by SMS."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from assistant.core.segments import fits
from assistant.core.timeutil import today_paris
from assistant.models import DialogueState, Member, OutboxMessage, Visit
from tests.factories import PASSWORD, add_account
from tests.sms.helpers import (
    bubbles,
    employee_login,
    say,
    sent_code,
    texting_employee,
    texting_independent,
)

PHONE = "+33745678901"
VISITOR = "+33781234567"


@pytest.fixture
def chat(sms_app):
    return sms_app.test_client()


def test_the_chat_opens_with_the_menu(chat):
    page = chat.get("/chat")
    assert page.status_code == 200
    assert "ADHERER" in page.text and "SCORE" in page.text
    assert "ADHERER ENTREPRISE pour une entreprise" in page.text
    assert bubbles(chat)[0].startswith("SPSTI Santé Travail")


def test_score_through_the_chat(chat, sms_db):
    reply = say(chat, "SCORE")
    assert "salariés" in reply
    for _ in range(8):
        reply = say(chat, "oui")
        if "/5" in reply:
            break
    assert re.search(r"\d(,5)?/5", reply), reply
    assert fits(reply)


def test_independent_joins_through_the_chat_with_a_code(chat, sms_db, sms_demo):
    steps = [
        ("ADHERER", "prénom et nom"),
        ("Nina Roux", "SIRET"),
        ("552 100 554 00013", "naissance"),
        ("12 mars 1980", "métier"),
        ("coiffeuse", "1."),
        ("1", "Code postal"),
        ("93200", "téléphone"),  # the chat does not know the phone: it is asked
        ("07 45 67 89 01", "e-mail"),
        ("0", "risques"),
        ("bruit", "DUERP"),
        ("oui", "plan d'actions"),
        ("oui", "mis à jour"),
        ("non", "paiement"),
        ("2", "contrat"),
    ]
    for message, expected in steps:
        reply = say(chat, message)
        assert expected in reply, (message, reply)
    reply = say(chat, "OUI")
    assert "code à 6 chiffres" in reply and PHONE in reply, reply
    assert sms_db.scalar(select(Member).where(Member.phone == PHONE)) is None

    sent = sms_db.scalars(select(OutboxMessage).where(OutboxMessage.recipient == PHONE)).all()
    assert [m.channel for m in sent] == ["sms"]
    code = re.search(r"\b(\d{6})\b", sent[0].body).group(1)
    wrong = "000000" if code != "000000" else "111111"

    assert "pas valable" in say(chat, wrong)
    assert sms_db.scalar(select(Member).where(Member.phone == PHONE)) is None
    done = say(chat, code)
    assert "Bienvenue" in done, done
    sms_db.rollback()
    member = sms_db.scalar(select(Member).where(Member.phone == PHONE))
    assert member.kind == "independent" and member.legal_name == "Nina Roux"
    # no e-mail: the welcome also goes to the phone, which never saw this conversation
    sent = sms_db.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient == PHONE))
    # (then, paying by transfer, the bank details: tests/sms/test_adhesion_payment.py)
    assert [body for body in sent.all() if body.startswith("Bienvenue")]
    assert "Merci" in say(chat, "5")


def test_english_switches_the_chat(chat):
    assert "ADHERER to join" in say(chat, "ENGLISH")
    assert "Do you employ staff?" in say(chat, "score")
    assert "Reply YES or NO." in say(chat, "maybe")
    assert "Discuter" not in chat.get("/chat").text
    assert "adhérer" in say(chat, "FRANCAIS")


def test_the_json_variant(chat):
    response = chat.post("/chat", data={"message": "SCORE"}, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert "salariés" in response.get_json()["reply"]
    empty = chat.post("/chat", data={"message": "  "}, headers={"Accept": "application/json"})
    assert empty.get_json() == {"reply": None}


def test_two_browsers_never_see_each_other(sms_app):
    first, second = sms_app.test_client(), sms_app.test_client()
    say(first, "SCORE")
    assert "DUERP" in say(first, "oui")
    assert "SCORE" not in bubbles(second)
    assert len(bubbles(second)) == 1  # the greeting only
    assert "pas compris" in say(second, "oui")  # no journey in progress in this browser
    assert "pas compris" not in say(first, "oui")  # the first one's score goes on
    assert "pas compris" not in "".join(bubbles(first))


# --- visits in the chat of a person whose phone is proven -----------------------------------


def member_login_by_sms(client, session, phone: str) -> None:
    client.post("/espace/connexion/sms", data={"phone": phone})
    response = client.post("/espace/connexion/code", data={"code": sent_code(session, phone)})
    assert response.headers["Location"].endswith("/espace/")


def latest_visit(session):
    session.rollback()
    return session.scalar(select(Visit).order_by(Visit.id.desc()).limit(1))


def test_a_signed_in_employee_books_a_slot_in_the_chat(chat, sms_db, sms_slots):
    employee = texting_employee(sms_db, phone=VISITOR)
    employee_login(chat, sms_db, VISITOR)
    offer = say(chat, "RDV")
    assert "\n1 " in offer and "\n3 " in offer and "Répondez 1, 2 ou 3." in offer, offer
    sms_db.rollback()
    offered = sms_db.scalar(select(DialogueState)).answers["_slots"]
    reply = say(chat, "le 2")
    assert "réservé" in reply and fits(reply), reply
    visit = latest_visit(sms_db)
    assert visit.status == "booked" and visit.slot_id == offered[1]
    assert visit.employee_id == employee.id and visit.requested_by == "employee"
    assert visit.actor == f"employee:{VISITOR}"
    # the same appointment is then moved and cancelled from the chat, as by SMS
    assert "déjà rendez-vous" in say(chat, "rdv")
    assert "Répondez OUI" in say(chat, "ANNULER")
    assert "annulé" in say(chat, "oui")
    assert latest_visit(sms_db).status == "cancelled"


def test_a_contact_number_signed_in_is_heard_and_told_nothing_in_the_chat(chat, sms_db, sms_slots):
    """The employer typed the number and the worker never proved it: the employee space lets it
    in (what the employer knows anyway), and the chat follows the same rule as SMS."""
    texting_employee(sms_db, phone=VISITOR, proven=False)
    employee_login(chat, sms_db, VISITOR)
    assert "arrêt" in say(chat, "RDV PRE-REPRISE")
    reply = say(chat, (today_paris() - timedelta(days=45)).strftime("%d/%m/%Y"))
    assert "transmise à l'équipe" in reply and "réservé" not in reply
    request = latest_visit(sms_db)
    assert request.visit_type == "pre_reprise" and request.confidential
    assert request.status == "requested" and request.queued_at is not None


def test_an_independent_signed_in_by_sms_code_books_in_the_chat(chat, sms_db, sms_slots):
    member = texting_independent(sms_db, phone=VISITOR)
    add_account(sms_db, member, None, phone=VISITOR)
    sms_db.commit()
    member_login_by_sms(chat, sms_db, VISITOR)
    assert "Répondez 1, 2 ou 3." in say(chat, "RDV")
    assert "réservé" in say(chat, "1")
    visit = latest_visit(sms_db)
    assert visit.member_id == member.id and visit.status == "booked"
    assert visit.actor == f"phone:{VISITOR}"


def test_a_member_signed_in_by_password_proves_no_phone(chat, sms_db, sms_slots):
    """Only the SMS code proves the mobile: an e-mail login leaves the chat anonymous."""
    member = texting_independent(sms_db, phone=VISITOR)
    add_account(sms_db, member, "nina@example.fr", phone=VISITOR)
    sms_db.commit()
    response = chat.post(
        "/espace/connexion", data={"email": "nina@example.fr", "password": PASSWORD}
    )
    assert response.headers["Location"].endswith("/espace/")
    assert "SMS" in say(chat, "RDV")
    assert latest_visit(sms_db) is None


def test_the_chat_after_signing_out_proves_no_phone(chat, sms_db, sms_slots):
    texting_employee(sms_db, phone=VISITOR)
    employee_login(chat, sms_db, VISITOR)
    chat.post("/salarie/deconnexion")
    assert "SMS" in say(chat, "RDV")
    assert latest_visit(sms_db) is None


def test_only_the_links_to_this_site_are_clickable(sms_app):
    from assistant.views import own_links

    with sms_app.test_request_context():
        text = own_links(
            "Ici : https://sante.example/adhesion/reprendre/AbC-1_x, pas "
            'https://evil.example/x ni <b>https://sante.example/"><script></b>'
        )
    assert (
        '<a href="https://sante.example/adhesion/reprendre/AbC-1_x">'
        "https://sante.example/adhesion/reprendre/AbC-1_x</a>," in text
    )
    assert text.count("<a ") == 2 and "<script>" not in text and "<b>" not in text
    assert '<a href="https://sante.example/">https://sante.example/</a>&#34;' in text


@pytest.mark.parametrize(
    ("text", "journey"),
    [
        ("ADHERER", "adhesion_independent"),
        ("adhésion", "adhesion_independent"),
        ("ADHERER ENTREPRISE", "adhesion_employer"),
        ("adhérer entrprise", "adhesion_employer"),
        ("Adhesion société", "adhesion_employer"),
        ("join company", "adhesion_employer"),
        ("adherer demain", None),
        ("entreprise", None),
        ("score entreprise", None),
    ],
)
def test_which_adhesion_a_message_asks_for(text, journey):
    from assistant.sms.conversation import join_journey, keyword

    found = join_journey(text, keyword(text))
    assert (found.name if found else None) == journey


def test_the_chat_offers_numbered_choices_as_buttons_without_javascript(chat, sms_db, sms_demo):
    for message in ["ADHERER", "Nina Roux", "552 100 554 00013", "12 mars 1980", "coiffeuse"]:
        say(chat, message)
    page = chat.get("/chat").text
    buttons = re.findall(
        r'<button type="submit" class="button secondary" name="message" value="(\d+)">', page
    )
    assert buttons[:2] == ["1", "2"]
    assert "Code postal" in say(chat, buttons[0])
    assert 'name="message" value="1"' not in chat.get("/chat").text


def test_naf_choices_in_english_are_the_nace_titles(chat, sms_db, sms_demo):
    """Issue 15: the chat's NAF choices stayed French in English."""
    say(chat, "ENGLISH")
    for message in ["ADHERER", "Nina Roux", "552 100 554 00013", "12 March 1980"]:
        say(chat, message)
    reply = say(chat, "hairdresser")
    assert "1. Hairdressing and other beauty treatment" in reply, reply
    assert "Coiffure" not in reply


def test_the_chat_moves_a_visit_to_the_day_asked(chat, sms_db, sms_slots):
    """Issue 15: "plutôt la semaine prochaine" got "Répondez 1, 2 ou 3"; the chat plays the
    same journey as SMS and offers slots of next week."""
    texting_employee(sms_db, phone=VISITOR)
    employee_login(chat, sms_db, VISITOR)
    say(chat, "RDV")
    assert "réservé" in say(chat, "1")
    assert "RDV actuel" in say(chat, "DEPLACER")
    offer = say(chat, "plutôt la semaine prochaine")
    assert "\n1 " in offer and "\n3 " in offer and "Répondez 1, 2 ou 3." in offer, offer
    assert "RDV actuel" in offer
    sms_db.rollback()
    from assistant.models import Slot

    slots = [sms_db.get(Slot, i) for i in sms_db.scalar(select(DialogueState)).answers["_slots"]]
    monday = today_paris() + timedelta(days=7 - today_paris().weekday())
    assert all(monday <= s.starts_at.date() <= monday + timedelta(days=6) for s in slots)
