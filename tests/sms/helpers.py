"""Helpers shared by the SMS and chat tests: planning, members, employees, a chat turn."""

from __future__ import annotations

import html
import re
from datetime import date

from sqlalchemy import select

from assistant.models import (
    Employee,
    Member,
    OutboxMessage,
)
from tests.conftest import prove_mobile

NUMBER = "+33781234567"  # the `phone` fixture's number


def make_independent(session, phone=NUMBER, siret="55210055400013", **extra):
    member = Member(
        kind="independent",
        status="active",
        siret=siret,
        siren=siret[:9],
        legal_name="Nina Roux",
        phone=phone,
        main_risks=[],
        **extra,
    )
    session.add(member)
    session.commit()
    return member


def make_employee(
    session, phone=NUMBER, siret="73282932000074", name="Boulangerie Dupont", proven=True
):
    employer = Member(
        kind="employer", status="active", siret=siret, siren=siret[:9], legal_name=name
    )
    session.add(employer)
    session.flush()
    employee = Employee(
        member_id=employer.id,
        last_name="Martin",
        first_name="Léo",
        last_name_folded="martin",
        first_name_folded="leo",
        birth_date=date(1990, 3, 12),
        job="Boulanger",
        hire_date=date(2020, 9, 1),
        contract_type="cdi",
        phone=phone,
    )
    session.add(employee)
    session.flush()
    if proven:
        prove_mobile(session, employee)
    session.commit()
    return employee


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
