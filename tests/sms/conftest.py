"""SMS fixtures: an app with a Twilio token, and a client that signs like Twilio does."""

from __future__ import annotations

import itertools

import pytest
from twilio.request_validator import RequestValidator

from tests.conftest import make_app
from tests.factories import make_planning

TOKEN = "test-auth-token-0123456789abcdef"
BASE = "https://sante.example"
SERVICE_NUMBER = "+33700000000"


@pytest.fixture
def sms_app(tmp_path, database):
    app = make_app(tmp_path, database, TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL=BASE)
    yield app
    app.extensions["database"]["engine"].dispose()


class Phone:
    """A mobile phone texting the service through Twilio's signed webhook."""

    _sids = itertools.count(1)

    def __init__(self, client, number: str):
        self.client, self.number = client, number

    def post(self, body: str, sid: str | None = None, sign: bool = True, token: str = TOKEN):
        sid = sid or f"SM{next(self._sids):032x}"
        form = {
            "MessageSid": sid,
            "From": self.number,
            "To": SERVICE_NUMBER,
            "Body": body,
            "AccountSid": "AC" + "0" * 32,
            "NumSegments": "1",
        }
        headers = {}
        if sign:
            headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(
                f"{BASE}/sms/inbound", form
            )
        return self.client.post("/sms/inbound", data=form, headers=headers)

    def send(self, body: str, **kwargs) -> str:
        """Send a message and return the reply's text (asserting a 200 with TwiML)."""
        response = self.post(body, **kwargs)
        assert response.status_code == 200, response.data
        assert response.mimetype == "text/xml"
        from xml.etree import ElementTree

        root = ElementTree.fromstring(response.data)
        messages = [m.text or "" for m in root.iter("Message")]
        return "\n".join(messages)


@pytest.fixture
def phone(sms_app):
    return Phone(sms_app.test_client(), "+33781234567")


@pytest.fixture
def sms_db(sms_app):
    session = sms_app.extensions["database"]["sessionmaker"]()
    yield session
    session.close()


@pytest.fixture
def sms_slots(sms_db):
    """The `slots` fixture's planning, in the SMS app: the doctor alone, every morning, three
    weeks of slots from today; committed."""
    plan = make_planning(sms_db, days=21)
    sms_db.commit()
    return plan


@pytest.fixture
def sms_demo(sms_db, load_demo):
    load_demo(sms_db)
    sms_db.commit()
