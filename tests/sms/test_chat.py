"""The web chat without JavaScript: plain form posts, the same journeys as by SMS."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from assistant.models import Member, OutboxMessage
from assistant.sms.segments import fits

PHONE = "+33745678901"


def bubbles(client) -> list[str]:
    page = client.get("/chat")
    assert page.status_code == 200
    return [
        html.unescape(re.sub(r"<a href=[^>]*>|</a>", "", text)).strip()
        for text in re.findall(r'<span class="pre">(.*?)</span>', page.text, re.S)
    ]


def say(client, text: str) -> str:
    """Post the form as a browser without JavaScript does, follow to the page, read the reply."""
    response = client.post("/chat", data={"message": text})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/chat#last")
    lines = bubbles(client)
    assert lines[-2] == text.strip()  # what the person typed, then the service's reply
    return lines[-1]


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
    assert sent.all()[-1].startswith("Bienvenue")
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
