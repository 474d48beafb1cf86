"""The e-mail simulator (/dev/mail, development only) in Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveApp, serve_demo

pytestmark = pytest.mark.browser


@pytest.fixture
def live_app(tmp_path, database, load_demo) -> Iterator[LiveApp]:
    """The demo app as `make run` serves it: development mode, so /dev/* is there."""
    yield from serve_demo(tmp_path, database, load_demo, DEVELOPMENT=True)


def test_dev_mail_shows_the_ics_of_a_convocation_the_readme_promises(page):
    page.goto("/dev/mail")
    page.get_by_role("link", name="contact@boulangerie-dupont.fr").click()
    convocation = page.locator("li.bubble", has_text="Convocation").first
    link = convocation.get_by_role("link", name="visite.ics")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    ics = download.value.path().read_text(encoding="utf-8")
    assert ics.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in ics
