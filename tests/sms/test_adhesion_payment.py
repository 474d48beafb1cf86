"""Issue 15, "No dead end", by SMS and in the chat: the contract question gives the price and
the contract's address before OUI, and a member paying by transfer gets the service's bank
details and a payment reference."""

from __future__ import annotations

from sqlalchemy import select

from assistant.core.segments import fits
from assistant.models import Member, OutboxMessage
from tests.sms.conftest import BASE
from tests.sms.helpers import say, sent_code

DEMO_IBAN = "FR76 3000 6000 0112 3456 7890 189"
INDEPENDENT = [
    "ADHERER",
    "Nina Roux",
    "552 100 554 00013",
    "12 mars 1980",
    "coiffeuse",
    "1",
    "93200",
]
ANSWERS = ["0", "bruit", "oui", "oui", "non", "2"]  # … paid by transfer ("2")


def test_sms_contract_question_gives_price_and_contract_link(phone, sms_db, sms_demo):
    for message in [*INDEPENDENT, *ANSWERS[:-1]]:
        phone.send(message)
    reply = phone.send(ANSWERS[-1])
    assert "contrat" in reply and "120,00 €" in reply, reply
    assert f"{BASE}/contrat" in reply and fits(reply), reply


def test_sms_employer_contract_question_gives_the_price_for_its_headcount(phone, sms_db, sms_demo):
    messages = [
        "ADHERER ENTREPRISE",
        "552 100 554 00013",
        "Menuiserie Petit",
        "menuisier",
        "1",
        "3 rue des Lilas",
        "75011",
        "Paris",
        "4",
        "Jean Petit",
        "jean@menuiserie-petit.fr",
        "06 11 22 33 44",
        "bruit",
        "oui",
        "non",
        "oui",
        "oui",
        "non",
        "oui",
    ]
    for message in messages:
        phone.send(message)
    reply = phone.send("2")  # transfer
    assert "440,00 €" in reply and "110,00 €" in reply and "x 4" in reply, reply
    assert f"{BASE}/contrat" in reply and fits(reply), reply


def test_sms_transfer_gives_bank_details_and_reference(phone, sms_db, sms_demo):
    from assistant.services.membership import payment

    for message in [*INDEPENDENT, *ANSWERS]:
        phone.send(message)
    done = phone.send("OUI")
    assert "Bienvenue" in done and fits(done)
    member = sms_db.scalar(select(Member).where(Member.phone == phone.number))
    sent = sms_db.scalars(
        select(OutboxMessage.body).where(OutboxMessage.recipient == phone.number)
    ).all()
    transfer = [body for body in sent if DEMO_IBAN in body]
    assert len(transfer) == 1, sent
    text = transfer[0]
    for expected in ("SPSTI Santé Travail", "AGRIFRPP", "120,00 €", payment.reference(member)):
        assert expected in text, (expected, text)
    assert fits(text), text


def test_chat_contract_question_and_transfer_details(sms_app, sms_db, sms_demo):
    from assistant.services.membership import payment

    chat = sms_app.test_client()
    number = "+33745678901"
    for message in [*INDEPENDENT, "07 45 67 89 01", *ANSWERS[:-1]]:
        say(chat, message)
    reply = say(chat, ANSWERS[-1])
    assert "120,00 €" in reply and f"{BASE}/contrat" in reply, reply
    say(chat, "OUI")
    assert "Bienvenue" in say(chat, sent_code(sms_db, number))
    sms_db.rollback()
    member = sms_db.scalar(select(Member).where(Member.phone == number))
    sent = sms_db.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient == number))
    text = next(body for body in sent if DEMO_IBAN in body)
    assert payment.reference(member) in text and "AGRIFRPP" in text and "120,00 €" in text


def test_the_longest_contract_question_fits(sms_app, sms_db, sms_demo):
    """100 000 employees at the 2027 rate, in French and in English: three segments."""
    from datetime import date

    from flask_babel import force_locale

    from assistant.sms.prompts import prompt
    from dialogs.adhesion import EMPLOYER as EMPLOYER_JOURNEY
    from dialogs.adhesion import INDEPENDENT as INDEPENDENT_JOURNEY
    from dialogs.engine import Context

    with sms_app.test_request_context():
        for language in ("fr", "en"):
            context = Context(session=sms_db, today=date(2027, 6, 1), locale=language)
            with force_locale(language):
                for journey, answers in (
                    (EMPLOYER_JOURNEY, {"headcount": 100_000}),
                    (INDEPENDENT_JOURNEY, {}),
                ):
                    text = prompt(journey.question("accept_contract"), answers, context)
                    assert "115" in text or "120" in text, text  # the rate in force on that day
                    assert fits(text), text
