"""Whole journeys by SMS through the signed webhook: typos, English, restarts."""

from datetime import date

from sqlalchemy import select

from assistant.core.segments import fits
from assistant.models import Member, OutboxMessage, ScoreRecord


def test_menu_in_french_by_default(phone):
    reply = phone.send("menu")
    assert "ADHERER" in reply and "SCORE" in reply and fits(reply)


def test_free_score_from_an_unknown_number_with_typos(phone, sms_db):
    assert "salariés" in phone.send("SCORE")
    assert "DUERP" in phone.send("ouii")  # has staff
    phone.send("o")  # Q1 yes
    phone.send("nn")  # Q2 no
    phone.send("Oui")  # Q3
    phone.send("yes")  # Q4
    phone.send("non")  # Q5
    result = phone.send("1")  # Q6 yes
    assert "3,5/5" in result and fits(result)
    record = sms_db.scalar(select(ScoreRecord))
    assert record.phone == "+33781234567" and record.member_id is None


def test_a_reprompt_is_short_and_specific(phone):
    phone.send("SCORE")
    assert phone.send("peut-être").startswith("Répondez OUI ou NON.")


def test_three_failures_offer_a_call_back_and_create_a_task(phone, sms_db):
    from assistant.models import StaffTask

    phone.send("SCORE")
    phone.send("bof")
    phone.send("bof")
    reply = phone.send("bof")
    assert "rappeler" in reply
    task = sms_db.scalar(select(StaffTask))
    assert task.kind == "callback" and task.phone == "+33781234567"


def test_independent_joins_by_sms(phone, sms_db, sms_demo):
    steps = [
        ("ADHERER", "prénom et nom"),
        ("Nina Roux", "SIRET"),
        ("552 100 554 00013", "naissance"),
        ("12 mars 1980", "métier"),
        ("coiffeuse", "1."),
        ("1", "Code postal"),
        ("93200", "e-mail"),
        ("0", "risques"),
        ("bruit, produits chimiques", "DUERP"),
        ("oui", "plan d'actions"),
        ("oui", "mis à jour"),
        ("non", "paiement"),
        ("2", "contrat"),
    ]
    for message, expected in steps:
        reply = phone.send(message)
        assert expected in reply, (message, reply)
        assert fits(reply), reply
    done = phone.send("OUI")
    assert "Bienvenue" in done and "1" in done and fits(done)
    member = sms_db.scalar(select(Member).where(Member.phone == "+33781234567"))
    assert member.kind == "independent" and member.naf_code == "96.02A"
    assert member.birth_date == date(1980, 3, 12) and member.main_risks == ["noise", "chemical"]
    # the reply is the welcome: no second one queued to the same phone
    queued = sms_db.scalars(
        select(OutboxMessage.body).where(OutboxMessage.recipient == phone.number)
    )
    assert not any(body.startswith("Bienvenue") for body in queued)
    assert "Merci" in phone.send("5")
    sms_db.rollback()
    assert sms_db.get(Member, member.id).adhesion_rating == 5


def test_english_conversation(phone):
    assert "ADHERER" in phone.send("ENGLISH")
    reply = phone.send("score")
    assert "Do you employ staff?" in reply, reply
    assert "Reply YES or NO." in phone.send("maybe")
    assert "ADHERER" in phone.send("FRANCAIS")
    assert "Répondez OUI ou NON." in phone.send("score")
