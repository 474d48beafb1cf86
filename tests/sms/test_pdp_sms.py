"""Asking the PDP cell for help by SMS and in the chat (SPEC 4.7): `PDP` from the worker's own
proven mobile, from a contact number the employer typed, from an unknown number; the chat's
visitor proving a mobile first; the employer-information rule seen from the outbox; every reply
within three segments."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from assistant.core.segments import fits
from assistant.models import DialogueState, Employee, Member, OutboxMessage
from assistant.models.pdp import PdpCase
from tests.factories import CONTACT_MOBILE, make_employee, make_member
from tests.sms.conftest import Phone
from tests.sms.helpers import (
    NUMBER,
    employee_login,
    say,
    sent_code,
    texting_employee,
    texting_independent,
)
from tests.web.helpers import member_login

SECRET = "Mal au dos depuis la chute du pétrin"
REACH = "le soir après 18h au fixe"
MAIL = "rh@boulangerie.fr"


def employee_with_mail(session) -> Employee:
    """Alex Durand texting from the proven mobile, employed by an employer with an e-mail."""
    employer = make_member(session, status="active", legal_name="Boulangerie Dupont", email=MAIL)
    employee = make_employee(session, employer, phone=NUMBER, proven=True)
    session.commit()
    return employee


def converse(send, *texts) -> list[str]:
    replies = [send(text) for text in texts]
    for reply in replies:
        assert reply and fits(reply), reply
    return replies


def the_case(session) -> PdpCase:
    session.rollback()
    return session.scalar(select(PdpCase))


def to_employer(session, employer) -> list[OutboxMessage]:
    session.rollback()
    recipients = {employer.email, employer.phone} - {None}
    return list(
        session.scalars(select(OutboxMessage).where(OutboxMessage.recipient.in_(recipients)))
    )


def test_offre_socle_an_employee_asks_by_sms_and_the_employer_learns_only_that_a_request_exists(
    phone, sms_db
):
    employee = employee_with_mail(sms_db)
    employer = sms_db.get(Member, employee.member_id)
    first, *_, last = converse(phone.send, "PDP", "7", "non", SECRET, REACH)
    assert "1. Accident grave" in first
    assert "sous 5 jours ouvrés" in last and "lundi 30 novembre" in last
    assert "votre employeur est informé qu'une demande existe" in last
    case = the_case(sms_db)
    assert (case.channel, case.identity_proven, case.contact) == ("sms", True, REACH)
    assert case.employer_informed_at is not None
    (mail,) = to_employer(sms_db, employer)
    assert mail.channel == "email" and employee.last_name in mail.body
    for message in to_employer(sms_db, employer):
        for word in (*SECRET.split(), *REACH.split()):
            if len(word) > 3:
                assert word not in message.body and word not in (message.subject or ""), word


def test_offre_socle_suspended_the_employer_is_told_nothing(phone, sms_db):
    employee = employee_with_mail(sms_db)
    *_, last = converse(phone.send, "PDP", "1", "oui", "02/11/2026", "PASSER", SECRET, "0")
    assert "votre employeur n'en est pas informé" in last
    case = the_case(sms_db)
    assert case.contract_suspended and case.employer_informed_at is None
    assert to_employer(sms_db, sms_db.get(Member, employee.member_id)) == []


def test_a_contact_number_is_heard_and_told_only_that_it_is_received(sms_app, sms_db):
    texting_employee(sms_db, phone=CONTACT_MOBILE, proven=False)
    contact = Phone(sms_app.test_client(), CONTACT_MOBILE)
    *_, last = converse(contact.send, "PDP", "7", "non", SECRET, "0")
    assert last == "Votre demande à la cellule PDP est bien reçue."
    assert the_case(sms_db).identity_proven is False


def test_an_unknown_number_is_told_who_can_ask_and_how(phone):
    reply = phone.send("PDP")
    assert "seul le salarié ou l'indépendant dont le mobile est connu du service" in reply
    assert "le chat ou votre espace" in reply and fits(reply)


def test_a_sentence_asks_for_the_cell(phone, sms_db):
    texting_independent(sms_db)
    assert "Cellule PDP : ce qui vous amène ?" in phone.send("je voudrais garder mon emploi")


def test_the_chat_visitor_proves_the_mobile_then_asks(app, client, db):
    texting_independent(db)
    assert "confirmons d'abord votre mobile" in say(client, "PDP")
    assert "un code à 6 chiffres" in say(client, NUMBER)
    assert "ce qui vous amène" in say(client, sent_code(db, NUMBER))
    for text in ("6", "non", SECRET):
        say(client, text)
    assert "sous 5 jours ouvrés" in say(client, "passer")
    case = the_case(db)
    assert (case.channel, case.identity_proven, case.contact) == ("chat", True, NUMBER)


def test_the_chat_of_an_unknown_number_sends_no_code_and_says_how_to_ask(app, client, db):
    say(client, "PDP")
    say(client, "+33600000009")
    db.rollback()
    assert db.scalar(select(OutboxMessage)) is None
    assert "code" in say(client, "123456")  # a wrong code, as for anyone


def test_the_signed_in_worker_asks_in_the_chat(sms_app, sms_db):
    texting_employee(sms_db)
    client = sms_app.test_client()
    employee_login(client, sms_db, NUMBER)
    for text in ("PDP", "3", "non", SECRET):
        say(client, text)
    assert "votre employeur est informé" in say(client, "passer")
    assert the_case(sms_db).channel == "chat"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_whole_journey_fits_in_three_segments_in_both_languages(phone, sms_db, language):
    texting_employee(sms_db)
    if language == "en":
        phone.send("ENGLISH")
    converse(phone.send, "PDP", "x", "1", "peut-être", "oui", "demain", "01/11/2026")
    converse(phone.send, "x" * 300, "", SECRET, "x" * 300, "0")


@pytest.mark.parametrize("channel", ["sms", "chat", "web"])
def test_the_pdp_request_is_one_journey_on_every_channel(sms_app, sms_db, channel):
    """The same answers by SMS, in the chat of the signed-in worker and on the employee space's
    pages store the same case; only the channel differs."""
    employee = texting_employee(sms_db)
    client = sms_app.test_client()
    if channel == "sms":
        converse(Phone(client, NUMBER).send, "PDP", "2", "oui", "02/11/2026", "30/11/2026")
        converse(Phone(client, NUMBER).send, SECRET, REACH)
    elif channel == "chat":
        employee_login(client, sms_db, NUMBER)
        for text in ("PDP", "2", "oui", "02/11/2026", "30/11/2026", SECRET, REACH):
            say(client, text)
    else:
        employee_login(client, sms_db, NUMBER)
        first = client.get("/salarie/pdp/demande")
        assert first.headers["Location"].endswith("/salarie/pdp/demande/situation")
        situation = {"trigger": "pre_reprise", "suspended": "oui"}
        situation |= {"leave_from": "02/11/2026", "leave_until": "30/11/2026"}
        client.post("/salarie/pdp/demande/situation", data=situation)
        done = client.post(
            "/salarie/pdp/demande/demande", data={"description": SECRET, "contact": REACH}
        )
        assert done.headers["Location"].endswith("/salarie/pdp")
    case = the_case(sms_db)
    stored = (case.employee_id, case.trigger, case.contract_suspended, case.leave_from)
    assert stored == (employee.id, "pre_reprise", True, date(2026, 11, 2))
    assert (case.leave_until, case.description, case.contact) == (date(2026, 11, 30), SECRET, REACH)
    assert case.identity_proven and case.raised_by == "worker"
    assert case.channel == channel
    assert sms_db.scalar(select(DialogueState)) is None  # the journey ended itself


def test_in_the_chat_an_employer_is_pointed_to_its_space(app, client, db, employer):
    db.commit()
    member_login(client)
    assert "depuis votre espace" in say(client, "PDP")
    db.rollback()
    assert db.scalar(select(DialogueState)) is None


def test_in_the_chat_a_signed_in_independent_asks_for_itself(app, client, db):
    member = texting_independent(db, account="nina@test.fr")
    member_login(client, "nina@test.fr")
    for text in ("PDP", "5", "non", SECRET):
        say(client, text)
    assert "sous 5 jours ouvrés" in say(client, "passer")
    case = the_case(db)
    assert (case.member_id, case.channel, case.identity_proven) == (member.id, "chat", True)
