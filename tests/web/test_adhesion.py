"""The adhesion wizard on the web, end to end through the test client."""

import re
from datetime import date

from sqlalchemy import select

from assistant.models import Member, MemberUser, OutboxMessage, ScoreRecord
from tests.web.helpers import EMPLOYER_STEPS, _walk, read


def test_employer_joins_and_lands_in_the_member_space(client, db, load_demo):
    load_demo(db)
    db.commit()
    last = _walk(client, "entreprise", EMPLOYER_STEPS)
    assert last.headers["Location"].endswith("/adhesion/entreprise/confirmation")
    confirm = client.get("/adhesion/entreprise/confirmation").get_data(as_text=True)
    assert "3,5/5" in confirm  # SPEC 4.5 example: yes, no, yes, yes, no, yes
    assert "440,00\u00a0€" in confirm  # 4 employees × 110 €
    assert "FR14 •••• •••• 2606" in confirm and "3M02" not in confirm
    done = client.post(
        "/adhesion/entreprise/confirmation",
        data={"password": "un-long-secret", "confirm": "un-long-secret"},
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/adhesion/merci")
    from tests.web.helpers import confirmation_link

    client.get(confirmation_link(db))  # the e-mail address proven
    db.rollback()
    member = db.scalar(select(Member).where(Member.siret == "55210055400013"))
    assert member.status == "active" and member.siren == "552100554"
    assert member.phone == "+33611223344" and member.naf_code == "43.32A"
    assert member.main_risks == ["wood_dust", "noise"]
    assert db.scalar(select(ScoreRecord.score).where(ScoreRecord.member_id == member.id)) == 3.5
    welcome = db.scalar(
        select(OutboxMessage).where(
            OutboxMessage.recipient == member.email, OutboxMessage.subject.contains("Bienvenue")
        )
    )
    assert "Dr " in welcome.body and "Centre" in welcome.body
    # the rating is the RATING journey's question, as by SMS: a wrong answer is explained
    refused = client.post("/adhesion/merci", data={"rating": "9"})
    assert refused.status_code == 400 and "Notez de 1" in refused.get_data(as_text=True)
    assert client.post("/adhesion/merci", data={"rating": "5"}).status_code == 302
    db.rollback()
    assert db.get(Member, member.id).adhesion_rating == 5
    space = client.get("/espace/").get_data(as_text=True)
    assert "Menuiserie Petit" in space and "3,5/5" in space and "<svg" in space
    pdf = client.get("/espace/attestation-adhesion.pdf")
    assert pdf.data.startswith(b"%PDF")


def test_bad_answers_get_specific_messages_and_keep_the_rest(client, db):
    response = client.post(
        "/adhesion/entreprise/entreprise", data={"siret": "123", "legal_name": "Chez Paul"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "SIRET non valide" in page and 'value="Chez Paul"' in page


def test_already_member_siret_is_told_so(client, db, load_demo):
    load_demo(db)
    db.commit()
    response = client.post(
        "/adhesion/entreprise/entreprise", data={"siret": "73282932000074", "legal_name": "Dupont"}
    )
    assert "est déjà adhérente" in response.get_data(as_text=True)


def test_journey_is_resumable(client, db):
    _walk(client, "entreprise", EMPLOYER_STEPS[:2])
    resume = client.get("/adhesion/entreprise")
    assert resume.headers["Location"].endswith("/adhesion/entreprise/activite-choix")
    page = client.get("/adhesion/entreprise/entreprise").get_data(as_text=True)
    assert 'value="55210055400013"' in page


def test_none_of_these_activities_goes_back_to_the_description(client, db):
    _walk(client, "entreprise", EMPLOYER_STEPS[:2])
    back = client.post("/adhesion/entreprise/activite-choix", data={"naf_code": "__again__"})
    assert back.headers["Location"].endswith("/adhesion/entreprise/activite")


INDEPENDENT_STEPS = [
    (
        "identite",
        {"legal_name": "Nina Roux", "siret": "55210055400013", "birth_date": "12 mars 1980"},
    ),
    ("activite", {"activity": "coiffeuse"}),
    ("activite-choix", {"naf_code": "96.02A"}),
    ("coordonnees", {"postcode": "93200", "phone": "+33 7 81 23 45 67", "email": ""}),
    ("risques", {}),
    ("prevention", {"q1_duerp": "oui", "q3_action_plan": "oui", "q4_plan_reviewed": "non"}),
    ("paiement", {"payment_method": "transfer"}),
    ("contrat", {"accept_contract": "oui"}),
]


def test_independent_joins_with_a_one_time_code(client, db, load_demo):
    load_demo(db)
    db.commit()
    _walk(client, "independant", INDEPENDENT_STEPS)
    confirm = client.get("/adhesion/independant/confirmation").get_data(as_text=True)
    assert "3,5/5" in confirm and "120,00\u00a0€" in confirm
    client.post("/adhesion/independant/confirmation", data={"action": "send_code"})
    sms = db.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "+33781234567"))
    code = re.search(r"\b(\d{6})\b", sms.body).group(1)
    # the PHONE_CODE journey's own question and check, as in the chat
    page = client.get("/adhesion/independant/confirmation").get_data(as_text=True)
    assert "tapez le code à 6 chiffres envoyé par SMS au +33781234567" in page
    assert 'autocomplete="one-time-code"' in page
    wrong = client.post("/adhesion/independant/confirmation", data={"code": "000000"})
    assert wrong.status_code == 400 and "pas valable" in wrong.get_data(as_text=True)
    done = client.post("/adhesion/independant/confirmation", data={"code": code})
    assert done.headers["Location"].endswith("/adhesion/merci")
    db.rollback()
    user = db.scalar(select(MemberUser).where(MemberUser.phone == "+33781234567"))
    assert user is not None and user.member.birth_date == date(1980, 3, 12)
    # no e-mail given: the welcome goes by SMS (on the web, no reply is that phone's SMS)
    sent = db.scalars(
        select(OutboxMessage.body).where(OutboxMessage.recipient == "+33781234567")
    ).all()
    assert sent[-2].startswith("Bienvenue")
    assert "IBAN" in sent[-1]  # paid by transfer: the bank details follow the welcome
    assert client.get("/adhesion/independant/confirmation").status_code == 302  # row gone


def handed_over(db, **changes) -> str:
    """An employer's adhesion finished in the chat (EMPLOYER.finish): the link's token."""
    from datetime import date

    from assistant.database import utcnow
    from dialogs.adhesion import EMPLOYER
    from dialogs.engine import Context
    from tests.dialogs.helpers import EMPLOYER_ANSWERS

    answers = {**EMPLOYER_ANSWERS, "siret": "55210055400013", **changes}
    context = Context(session=db, today=date(2026, 11, 27), now=utcnow())
    token = EMPLOYER.finish(answers, context).values["token"]
    db.commit()
    return token


def test_a_handover_link_cannot_be_guessed_nor_used_twice(client, db, load_demo):
    load_demo(db)
    token = handed_over(db)
    for wrong in ("x", token[:-2], token + "A", "a" * 300):
        assert client.get(f"/adhesion/reprendre/{wrong}").status_code == 404
        assert client.post(f"/adhesion/reprendre/{wrong}", data={}).status_code == 404
    page = client.get(f"/adhesion/reprendre/{token}")
    assert page.status_code == 200 and "Menuiserie Dupont" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    short = client.post(f"/adhesion/reprendre/{token}", data={"password": "court"})
    assert short.status_code == 400 and "au moins 10 caractères" in short.get_data(as_text=True)
    done = client.post(
        f"/adhesion/reprendre/{token}",
        data={"password": "un-long-secret", "confirm": "un-long-secret"},
    )
    assert done.headers["Location"].endswith("/adhesion/merci")
    assert client.get(f"/adhesion/reprendre/{token}").status_code == 404
    again = client.post(
        f"/adhesion/reprendre/{token}",
        data={"password": "un-long-secret", "confirm": "un-long-secret"},
    )
    assert again.status_code == 404
    db.rollback()
    assert db.scalar(select(Member).where(Member.siret == "55210055400013")) is not None


def test_a_handed_over_adhesion_can_be_changed_in_the_web_wizard(client, db, load_demo):
    load_demo(db)
    # an address already used by an account: told on the page, the answers are kept
    token = handed_over(db, email="contact@boulangerie-dupont.fr")
    taken = client.post(
        f"/adhesion/reprendre/{token}",
        data={"password": "un-long-secret", "confirm": "un-long-secret"},
    )
    assert taken.status_code == 400 and "déjà utilisée" in taken.get_data(as_text=True)
    edit = client.post(f"/adhesion/reprendre/{token}", data={"action": "edit"})
    assert edit.headers["Location"].endswith("/adhesion/entreprise/entreprise")
    assert client.get(f"/adhesion/reprendre/{token}").status_code == 404  # moved, not copied
    page = client.get("/adhesion/entreprise/coordonnees").get_data(as_text=True)
    assert 'value="contact@boulangerie-dupont.fr"' in page
    changed = client.post(
        "/adhesion/entreprise/coordonnees",
        data={**EMPLOYER_STEPS[3][1], "email": "jean@dupont-menuiserie.fr"},
    )
    assert changed.headers["Location"].endswith("/adhesion/entreprise/confirmation")
    done = client.post(
        "/adhesion/entreprise/confirmation",
        data={"password": "un-long-secret", "confirm": "un-long-secret"},
    )
    assert done.headers["Location"].endswith("/adhesion/merci")
    db.rollback()
    member = db.scalar(select(Member).where(Member.siret == "55210055400013"))
    assert member.email == "jean@dupont-menuiserie.fr" and member.legal_name == "Menuiserie Dupont"


def test_the_web_reads_its_own_buttons_and_boxes(client, db):
    # radio buttons and checkboxes are checked against the choices offered, by the web player
    _walk(client, "entreprise", EMPLOYER_STEPS[:4])
    forged = client.post("/adhesion/entreprise/risques", data={"main_risks": ["not-a-risk"]})
    assert forged.status_code == 400
    assert "Choisissez au moins une réponse dans la liste." in forged.get_data(as_text=True)
    none = client.post("/adhesion/entreprise/risques", data={})  # optional: none ticked
    assert none.headers["Location"].endswith("/adhesion/entreprise/prevention")
    silent = client.post("/adhesion/entreprise/prevention", data={"q1_duerp": "peut-être"})
    assert silent.status_code == 400 and "Choisissez oui ou non." in silent.get_data(as_text=True)
    other = client.post("/adhesion/entreprise/activite-choix", data={"naf_code": "99.99Z"})
    assert other.status_code == 400
    assert "Choisissez une réponse dans la liste." in other.get_data(as_text=True)
    # a typed answer in a radio group is not read leniently as by SMS ("1" is not a choice here)
    assert (
        client.post("/adhesion/entreprise/paiement", data={"payment_method": "1"}).status_code
        == 400
    )


def test_the_code_button_meets_the_limits_of_every_code(client, db, load_demo):
    load_demo(db)
    db.commit()
    client.application.config["OTP_MAX_PER_PHONE"] = 1
    _walk(client, "independant", INDEPENDENT_STEPS)
    first = client.post(
        "/adhesion/independant/confirmation", data={"action": "send_code"}, follow_redirects=True
    )
    assert "Un code vous a été envoyé" in first.get_data(as_text=True)
    second = client.post(
        "/adhesion/independant/confirmation", data={"action": "send_code"}, follow_redirects=True
    )
    assert "Trop de codes demandés" in second.get_data(as_text=True)
    db.rollback()
    sent = db.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "+33781234567"))
    assert len(sent.all()) == 1


def test_naf_choices_in_english_are_the_nace_titles(client, db):
    """Issue 15: every NAF label was left in French with ?lang=en."""
    client.get("/?lang=en")
    _walk(client, "entreprise", EMPLOYER_STEPS[:2])
    page = read(client.get("/adhesion/entreprise/activite-choix"))
    assert "Joinery installation (43.32A)" in page
    assert "Travaux de menuiserie" not in page
