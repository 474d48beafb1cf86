"""The web chat in Chromium: replies without reloading with JavaScript, plain posts without."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def send(page, text: str) -> None:
    page.get_by_label("Votre message").fill(text)
    page.get_by_role("button", name="Envoyer").click()


def test_the_chat_answers_without_reloading_the_page(page):
    page.goto("/chat")
    bubbles = page.locator("#chat-log li")
    expect(bubbles).to_have_count(1)  # the menu
    expect(bubbles.first).to_contain_text("ADHERER")
    url = page.url
    page.evaluate("window.notReloaded = true")

    send(page, "SCORE")
    expect(bubbles).to_have_count(3)
    expect(bubbles.last).to_contain_text("Employez-vous des salariés ?")
    send(page, "oui")
    expect(bubbles).to_have_count(5)
    expect(bubbles.last).to_contain_text("DUERP")
    assert page.url == url
    assert page.evaluate("window.notReloaded") is True  # the same document: no page load


def test_the_chat_works_without_javascript(browser, live_app):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR", base_url=live_app.url)
    try:
        page = context.new_page()
        page.goto("/chat")
        bubbles = page.locator("#chat-log li")
        expect(bubbles).to_have_count(1)
        send(page, "SCORE")
        # the page comes back with the conversation stored (the greeting is not a stored line)
        expect(bubbles).to_have_count(2)
        expect(bubbles.last).to_contain_text("Employez-vous des salariés ?")
        assert page.url.endswith("/chat#last")  # a form post, then the page again
        send(page, "oui")
        expect(bubbles).to_have_count(4)
        expect(bubbles.last).to_contain_text("DUERP")
    finally:
        context.close()
