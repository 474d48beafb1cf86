"""The worker's consent that the PDP cell tell the employer, by text (SPEC 4.7): `PDP OUI` gives
what the cell asked, `PDP NON` withdraws every consent in force, only from the worker's own
proven mobile; every reply fits in three segments."""

from __future__ import annotations

import pytest
from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select

from assistant.core.segments import fits
from assistant.models import AuditEntry, OutboxMessage
from assistant.models.pdp import PdpCase, PdpConsent, PdpDisclosure
from assistant.services.pdp import consent
from assistant.sms.keywords import pdp_consent_command
from tests.pdp_consent_helpers import asked, worker_asks
from tests.sms.helpers import NUMBER, employee_login, say, texting_employee, texting_independent


def consents(session) -> list[PdpConsent]:
    session.rollback()
    session.expire_all()
    return list(session.scalars(select(PdpConsent).order_by(PdpConsent.id)))


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("PDP OUI", ("pdp_consent", True)),
        ("pdp oui merci", ("pdp_consent", True)),
        ("Pdp ok", ("pdp_consent", True)),
        ("PDP NON", ("pdp_consent", False)),
        ("pdp non merci", ("pdp_consent", False)),
        ("PDP RETIRER", ("pdp_consent", False)),
        ("PDP ACCORD", ("pdp_consent", None)),
        ("PDP", None),  # the request for help, not this command
        ("pdp je veux", None),
        ("VIDEO OUI", None),
    ],
)
def test_the_command_is_read_leniently(text, read):
    assert pdp_consent_command(text) == read


def test_consent_given_by_sms_pdp_oui_then_revoked_by_pdp_non(phone, sms_db):
    employee = texting_employee(sms_db)
    case = asked(sms_db, worker_asks(sms_db, employee))
    sms_db.commit()
    given = phone.send("PDP OUI")
    assert "Boulangerie Dupont" in given and "PDP NON" in given and fits(given)
    (record,) = consents(sms_db)
    assert (record.scope, record.channel, record.given_by) == (
        "adjustments",
        "sms",
        f"phone:{NUMBER}",
    )
    assert record.recipient_member_id == employee.member_id and record.revoked_at is None
    assert sms_db.get(PdpCase, case.id).consent_asked_scope is None  # the ask is answered
    withdrawn = phone.send("PDP NON")
    assert "votre accord est retiré" in withdrawn and fits(withdrawn)
    (record,) = consents(sms_db)
    assert (record.revoked_channel, record.revoked_by) == ("sms", f"phone:{NUMBER}")
    assert consent.in_force(sms_db, sms_db.get(PdpCase, case.id), "adjustments") is None
    actions = sms_db.scalars(
        select(AuditEntry.action).where(AuditEntry.record_type == "pdp_case")
    ).all()
    assert actions[-2:] == ["consent_give", "consent_revoke"]


def test_pdp_oui_answers_the_latest_case_with_a_pending_ask(phone, sms_db):
    employee = texting_employee(sms_db)
    older = asked(sms_db, worker_asks(sms_db, employee), "stage")
    latest = asked(sms_db, worker_asks(sms_db, employee, "Autre demande."), "adjustments")
    latest.consent_asked_at = older.consent_asked_at.replace(year=2027)
    sms_db.commit()
    phone.send("PDP OUI")
    (record,) = consents(sms_db)
    assert (record.case_id, record.scope) == (latest.id, "adjustments")
    assert sms_db.get(PdpCase, older.id).consent_asked_scope == "stage"  # still to answer


def test_pdp_oui_with_no_pending_ask_says_so_and_records_nothing(phone, sms_db):
    employee = texting_employee(sms_db)
    worker_asks(sms_db, employee)
    sms_db.commit()
    reply = phone.send("PDP OUI")
    assert "aucun accord" in reply and fits(reply)
    assert consents(sms_db) == []


def test_pdp_non_revokes_every_consent_in_force_on_every_case(phone, sms_db):
    employee = texting_employee(sms_db)
    first, second = worker_asks(sms_db, employee), worker_asks(sms_db, employee, "Autre.")
    for case, scope in ((first, "stage"), (first, "adjustments"), (second, "plan")):
        consent.give(sms_db, case, "staff:1", scope, "staff", first.created_at)
    sms_db.commit()
    phone.send("pdp non")
    records = consents(sms_db)
    assert len(records) == 3 and all(r.revoked_channel == "sms" for r in records)


def test_pdp_accord_asks_the_question_with_what_it_means(phone, sms_db):
    employee = texting_employee(sms_db)
    asked(sms_db, worker_asks(sms_db, employee))
    sms_db.commit()
    question = phone.send("PDP ACCORD")
    assert "Boulangerie Dupont" in question and "aménagements de poste" in question
    assert "retirer à tout moment" in question and "PDP OUI" in question and fits(question)
    phone.send("oui")
    assert [r.channel for r in consents(sms_db)] == ["sms"]


def test_a_contact_number_only_is_refused_politely(phone, sms_db):
    employee = texting_employee(sms_db, proven=False)
    asked(sms_db, worker_asks(sms_db, employee))
    sms_db.commit()
    for text in ("PDP OUI", "PDP NON"):
        reply = phone.send(text)
        assert "seul le salarié donne ou retire son accord" in reply and fits(reply)
    assert consents(sms_db) == []


def test_an_unknown_number_and_an_independent(phone, sms_db):
    assert "ne correspond à aucun dossier" in phone.send("PDP OUI")
    texting_independent(sms_db)
    assert "aucun accord" in phone.send("PDP NON")


def test_the_signed_in_workers_chat_gives_by_the_chat(sms_app, sms_db):
    employee = texting_employee(sms_db)
    asked(sms_db, worker_asks(sms_db, employee))
    sms_db.commit()
    client = sms_app.test_client()
    assert "PDP OUI ou PDP NON par SMS" in say(client, "PDP OUI")  # the anonymous chat
    employee_login(client, sms_db, NUMBER)
    say(client, "PDP OUI")
    assert [r.channel for r in consents(sms_db)] == ["chat"]


def test_asked_by_sms_given_used_revoked_by_sms_then_refused_at_the_next_disclosure(
    sms_app, phone, sms_db
):
    from tests.factories import EMPLOYER_EMAIL, PASSWORD, add_account, make_staff_user
    from tests.pdp_consent_helpers import with_adjustment

    employee = texting_employee(sms_db)
    case = worker_asks(sms_db, employee)
    with_adjustment(sms_db, case)
    add_account(sms_db, sms_db.get(PdpCase, case.id).member, EMPLOYER_EMAIL)
    cell = make_staff_user(sms_db, "pdp")
    sms_db.commit()
    staff, employer = sms_app.test_client(), sms_app.test_client()
    staff.post("/staff/login", data={"email": cell.email, "password": PASSWORD})
    employer.post("/espace/connexion", data={"email": EMPLOYER_EMAIL, "password": PASSWORD})
    staff.post(f"/staff/pdp/{case.id}/accord/demander", data={"scope": "adjustments"})
    sms_db.rollback()
    (ask,) = sms_db.scalars(select(OutboxMessage).where(OutboxMessage.recipient == NUMBER))
    assert "PDP OUI" in ask.body and fits(ask.body)
    phone.send("PDP OUI")
    staff.post(f"/staff/pdp/{case.id}/courrier")
    sms_db.rollback()
    letter_id = sms_db.scalar(select(PdpDisclosure.id))
    assert employer.get(f"/espace/pdp/courriers/{letter_id}.pdf").status_code == 200
    phone.send("PDP NON")
    assert employer.get(f"/espace/pdp/courriers/{letter_id}.pdf").status_code == 403
    refused = staff.post(f"/staff/pdp/{case.id}/courrier", follow_redirects=True)
    assert "l'a retiré" in refused.get_data(as_text=True).replace("&#39;", "'")
    sms_db.rollback()
    assert sms_db.scalars(select(PdpDisclosure.what).order_by(PdpDisclosure.id)).all() == [
        "adjustment_letter",
        "adjustment_letter_download",
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_pdp_consent_reply_fits_in_three_segments(sms_app, language):
    employer = "Société Coopérative Ouvrière…"  # cut at 30 characters, as the service does
    with sms_app.test_request_context(), force_locale(language):
        texts = [
            render_template(
                "sms/pdp_consent_ask.txt", employer=employer, scope=scope, in_force=in_force
            )
            for scope in ("stage", "adjustments", "plan")
            for in_force in (True, False)
        ]
        texts += [render_template("sms/pdp_consent_given.txt", employer=employer)]
        texts += [render_template("sms/pdp_consent_withdrawn.txt", count=n) for n in (0, 2)]
        texts += [render_template("sms/pdp_consent_none.txt", in_force=f) for f in (True, False)]
        texts += [render_template(f"sms/pdp_consent_{n}.txt") for n in ("unproven", "chat")]
    for text in texts:
        assert fits(text.strip()), text
