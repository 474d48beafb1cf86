"""The e-mail simulator (/dev/mail, development only) in Chromium."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.browser.conftest import LiveApp, _QuietRequestHandler
from tests.conftest import make_app

pytestmark = pytest.mark.browser


@pytest.fixture
def live_app(tmp_path, database, load_demo) -> Iterator[LiveApp]:
    """The demo app as `make run` serves it: development mode, so /dev/* is there."""
    app = make_app(tmp_path, database, WTF_CSRF_ENABLED=True, DEVELOPMENT=True)
    with app.extensions["database"]["sessionmaker"]() as session:
        load_demo(session)
        session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-dev-app", daemon=True)
    thread.start()
    try:
        yield LiveApp(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        app.extensions["database"]["engine"].dispose()


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
