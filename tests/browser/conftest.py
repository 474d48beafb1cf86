"""Browser fixtures: the real app on a free port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect, sync_playwright
from sqlalchemy.orm import Session
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import make_app

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's own browser download cannot work here: Debian's Chromium, offline and quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",  # the suite may run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000  # generous: the suite may share a busy machine
expect.set_options(timeout=TIMEOUT_MS)


@dataclass(frozen=True)
class LiveApp:
    """The app serving real HTTP on 127.0.0.1, with the demo service loaded."""

    app: Flask
    url: str

    def session(self) -> Session:
        """A database session of the test's own, as another process would have."""
        return self.app.extensions["database"]["sessionmaker"]()


class _QuietRequestHandler(WSGIRequestHandler):
    """No access-log line per request; errors are still logged."""

    def log_request(self, code="-", size="-"):
        pass


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM}: apt-get install chromium")
    # Module scope: one Chromium per test module, never alive while other modules run.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path, database, load_demo) -> Iterator[LiveApp]:
    """The real app with CSRF on and the demo data, in a background thread on a free port."""
    yield from serve_demo(tmp_path, database, load_demo)


def serve_demo(tmp_path, database, load_demo, **config) -> Iterator[LiveApp]:
    """The demo app with CSRF on (and `config`), served until the generator is closed."""
    app = make_app(tmp_path, database, WTF_CSRF_ENABLED=True, **config)
    with app.extensions["database"]["sessionmaker"]() as session:
        load_demo(session)
        session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-app", daemon=True)
    thread.start()
    try:
        yield LiveApp(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        app.extensions["database"]["engine"].dispose()


@pytest.fixture
def new_page(browser, live_app):
    """Open pages in fresh browser contexts (a French visitor by default); closed after the test."""
    contexts = []

    def _new_page(**context_options):
        options = {"locale": "fr-FR", "base_url": live_app.url, **context_options}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
