"""The chat's ways out of a dead end, in Chromium as a visitor uses them (issue 15): `RISQUES`
from a visitor never identified proves the number with a code, then goes on; a visitor blocked
in a journey is asked how to be reached, and the secretariat sees one call-back for it; the
numbered choices are buttons that answer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.models import OutboxMessage
from assistant.services.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

INDEPENDENT_PHONE = "+33698765432"  # Léa Moreau, the demo's independent member


def say(page, text: str) -> str:
    """Type a message as a person does, wait for the service's reply, return it."""
    bubbles = page.locator("#chat-log li")
    before = bubbles.count()
    page.get_by_label("Votre message").fill(text)
    page.get_by_role("button", name="Envoyer").click()
    expect(bubbles).to_have_count(before + 2)
    return bubbles.last.inner_text()


def sent_code(live_app, phone: str) -> str:
    """The code the SMS carried, as /dev/sms shows it: the last message queued for the number."""
    with live_app.session() as session:
        body = session.scalars(
            select(OutboxMessage.body)
            .where(OutboxMessage.recipient == phone)
            .order_by(OutboxMessage.id.desc())
        ).first()
    assert body, f"no SMS for {phone}"
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_risques_from_an_unknown_visitor_proves_the_number_then_goes_on(page, live_app):
    page.goto("/chat")
    reply = say(page, "RISQUES")
    assert "n'est pas celui d'un adhérent" not in reply, reply
    assert "numéro de mobile" in reply, reply
    reply = say(page, "06 98 76 54 32")
    assert "code à 6 chiffres" in reply, reply
    reply = say(page, sent_code(live_app, INDEPENDENT_PHONE))
    assert "Déclaration de vos risques, en 4 parties" in reply, reply


def test_numbered_choices_are_buttons_that_answer(page):
    page.goto("/chat")
    for message in ["ADHERER", "Nina Roux", "552 100 554 00013", "12 mars 1980"]:
        say(page, message)
    say(page, "coiffeuse")
    choices = page.locator("#chat-choices")
    expect(choices).to_be_visible()
    first = choices.get_by_role("button", name=re.compile(r"^1\. Coiffure"))
    expect(first).to_be_visible()
    bubbles = page.locator("#chat-log li")
    before = bubbles.count()
    first.click()
    expect(bubbles).to_have_count(before + 2)
    expect(bubbles.nth(before)).to_contain_text("1")  # what the button sent, as if typed
    expect(bubbles.last).to_contain_text("Code postal")
    expect(choices).to_be_hidden()  # the postcode is typed: no buttons left


def test_a_blocked_visitor_is_asked_how_to_be_reached_and_gets_one_call_back(
    page, new_page, live_app
):
    page.goto("/chat")
    say(page, "SCORE")
    for _ in range(6):  # not understood, again and again: the call-back is offered twice
        reply = say(page, "bof")
    assert "écrivez votre numéro de téléphone" in reply, reply
    reply = say(page, "06 11 22 33 99")
    assert "rappeler" in reply and "+33611223399" in reply, reply

    staff = new_page()
    staff.goto("/staff/login")
    staff.get_by_label("Adresse e-mail").fill("secretariat@demo.spsti.fr")
    staff.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    staff.get_by_role("button", name="Se connecter").click()
    expect(staff).to_have_url(re.compile(r"/staff/$"))
    staff.goto("/staff/taches")
    calls = staff.locator("tbody tr").filter(has_text="Conversation par chat")
    expect(calls).to_have_count(1)  # one task for the conversation, not one per failed answer
    expect(calls).to_contain_text("06 11 22 33 99")
    expect(calls).to_contain_text("bloquée à la question « Employez-vous")
