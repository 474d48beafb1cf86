"""Helpers shared by the SMS and chat tests: the person behind a phone, a chat turn, codes."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from assistant.models import OutboxMessage
from tests.factories import MOBILE, SIRET, make_employee, make_member

NUMBER = MOBILE  # the `phone` fixture's number


def texting_employee(session, phone=NUMBER, *, siret=SIRET, name="Boulangerie Dupont", proven=True):
    """The person behind `phone`: Alex Durand, employed by a new active employer (`name`), who
    proved the mobile unless `proven` is False; committed, for the app to see."""
    employer = make_member(session, siret, status="active", legal_name=name)
    employee = make_employee(session, employer, phone=phone, proven=proven)
    session.commit()
    return employee


def texting_independent(session, phone=NUMBER, siret="55210055400013", **values):
    """The person behind `phone`: Nina Roux, an active independent member; committed."""
    member = make_member(
        session,
        siret,
        "independent",
        status="active",
        legal_name="Nina Roux",
        phone=phone,
        **values,
    )
    session.commit()
    return member


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


def sent_code(session, phone: str) -> str:
    session.rollback()
    message = session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == phone)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def employee_login(client, session, phone: str) -> None:
    client.post("/salarie/connexion", data={"phone": phone})
    response = client.post("/salarie/connexion/code", data={"code": sent_code(session, phone)})
    assert response.headers["Location"].endswith("/salarie/")
