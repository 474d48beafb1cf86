"""The SMS-code logins answer the same for a number with an account and one without: the same
messages for a wrong code, the same caps on codes, per number, per address and in all."""

import re

import pytest
from sqlalchemy import func, select

from assistant.models import OutboxMessage
from tests.conftest import make_app
from tests.factories import MOBILE, OTHER_SIRET, make_employee, make_member

MEMBER_KNOWN = "06 98 76 54 32"  # the demo independent worker
EMPLOYEE_KNOWN = "07 81 23 45 67"
UNKNOWN = "06 00 00 00 01"
LOGINS = {  # space: (page asking a code, page taking it)
    "espace": ("/espace/connexion/sms", "/espace/connexion/code"),
    "salarie": ("/salarie/connexion", "/salarie/connexion/code"),
}


@pytest.fixture
def people(db, load_demo):
    load_demo(db)
    employer = make_member(
        db, OTHER_SIRET, status="active", legal_name="Garage Martin", account="rh@garage.fr"
    )
    make_employee(db, employer, phone=MOBILE, proven=True)
    db.commit()


def _known(space):
    return MEMBER_KNOWN if space == "espace" else EMPLOYEE_KNOWN


def _text(response) -> str:
    html = response.get_data(as_text=True)
    html = re.sub(r'name="csrf_token"[^>]*', "", html)
    return re.sub(r"(\+33|0)[\d\s]{9,13}", "<phone>", html)  # the page repeats the number


def _answers(client, space, phone):
    ask, take = LOGINS[space]
    first = client.post(ask, data={"phone": phone}, follow_redirects=True)
    tries = [client.post(take, data={"code": "000000"}) for _ in range(6)]
    return [(r.status_code, _text(r)) for r in [first, *tries]]


@pytest.mark.parametrize("space", LOGINS)
def test_wrong_codes_read_the_same_for_known_and_unknown_numbers(app, people, space):
    known = _answers(app.test_client(), space, _known(space))
    unknown = _answers(app.test_client(), space, UNKNOWN)
    assert known == unknown
    assert "pas valable" in known[1][1]
    assert "Trop d&#39;essais" in known[-1][1]


@pytest.mark.parametrize("space", LOGINS)
def test_unknown_numbers_meet_the_cap_on_codes_too(client, db, people, space):
    ask, _take = LOGINS[space]
    for _ in range(3):
        client.post(ask, data={"phone": UNKNOWN})
    refused = client.post(ask, data={"phone": UNKNOWN}, follow_redirects=True)
    assert "Trop de codes demandés" in refused.get_data(as_text=True)
    sent = select(func.count()).where(OutboxMessage.recipient == "+33600000001")
    assert db.scalar(sent) == 0  # codes for an unknown number are never sent


@pytest.mark.parametrize("space", LOGINS)
def test_one_address_cannot_ask_codes_for_many_numbers(client, people, space):
    ask, _take = LOGINS[space]
    for number in range(10):
        client.post(ask, data={"phone": f"06 00 00 00 {number + 10}"})
    refused = client.post(ask, data={"phone": _known(space)}, follow_redirects=True)
    assert "Trop de codes demandés" in refused.get_data(as_text=True)


def test_the_caps_come_from_the_configuration(tmp_path, database):
    app = make_app(tmp_path, database, OTP_MAX_PER_IP=2, OTP_MAX_OVERALL=1000)
    client = app.test_client()
    for number in range(2):
        client.post("/espace/connexion/sms", data={"phone": f"06 00 00 00 {number + 10}"})
    refused = client.post(
        "/espace/connexion/sms", data={"phone": "06 00 00 00 20"}, follow_redirects=True
    )
    assert "Trop de codes demandés" in refused.get_data(as_text=True)
    with app.app_context():
        from assistant.extensions import db

        db.engine.dispose()
