"""Helpers shared by the web tests: employers and employees, code logins, the adhesion wizard."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from assistant.database import utcnow
from assistant.models import (
    Employee,
    Member,
    MemberUser,
    OutboxMessage,
)
from assistant.services.visits import booking
from tests.conftest import PASSWORD, prove_mobile

MOBILE = "+33781234567"
TYPED = "07 81 23 45 67"
EMPLOYER_EMAIL = "rh@boulangerie.fr"


def make_employer(db, siret: str, name: str, email: str | None = None) -> Member:
    employer = Member(
        kind="employer", status="active", siret=siret, siren=siret[:9], legal_name=name
    )
    db.add(employer)
    db.flush()
    if email:
        user = MemberUser(member_id=employer.id, email=email)
        user.set_password(PASSWORD)
        db.add(user)
    return employer


def make_employee(
    db, employer: Member, phone: str, last="Martin", first="Léo", proven=True
) -> Employee:
    from datetime import date

    employee = Employee(
        member_id=employer.id,
        last_name=last,
        first_name=first,
        last_name_folded=last.lower(),
        first_name_folded=first.lower().replace("é", "e"),
        birth_date=date(1990, 3, 12),
        job="Boulanger",
        hire_date=date(2020, 9, 1),
        contract_type="cdi",
        phone=phone,
    )
    db.add(employee)
    db.flush()
    if proven:
        prove_mobile(db, employee)
    return employee


def last_code(db, phone: str = MOBILE) -> str:
    db.rollback()
    message = db.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == phone)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def login(client, db, typed: str = TYPED, phone: str = MOBILE):
    response = client.post("/salarie/connexion", data={"phone": typed})
    assert response.headers["Location"].endswith("/salarie/connexion/code")
    response = client.post("/salarie/connexion/code", data={"code": last_code(db, phone)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/salarie/")
    return client


def book_for(db, employee: Employee, visit_type="demande", requested_by="employee", **extra):
    """A visit booked from another session (the first compatible slot)."""
    now = utcnow()
    visit = booking.request_visit(
        db,
        f"employee:{employee.phone}",
        member=db.get(Member, employee.member_id),
        employee=employee,
        request=booking.Request(visit_type, requested_by, **extra),
        now=now,
    )
    db.commit()
    assert visit.status == "booked"
    return visit


def read(response) -> str:
    """A page's text as a person reads it (entities such as &#39; decoded)."""
    return html.unescape(response.get_data(as_text=True))


EMPLOYER_STEPS = [
    ("entreprise", {"siret": "552 100 554 00013", "legal_name": "Menuiserie Petit"}),
    ("activite", {"activity": "menuisier"}),
    ("activite-choix", {"naf_code": "43.32A"}),
    (
        "coordonnees",
        {
            "address": "3 rue des Lilas",
            "postcode": "75011",
            "city": "Paris",
            "headcount": "4",
            "contact_name": "Jean Petit",
            "email": "jean@menuiserie-petit.fr",
            "phone": "06 11 22 33 44",
        },
    ),
    ("risques", {"main_risks": ["wood_dust", "noise"]}),
    (
        "prevention",
        {
            "q1_duerp": "oui",
            "q2_duerp_with_staff": "non",
            "q3_action_plan": "oui",
            "q4_plan_reviewed": "oui",
            "q5_representatives": "non",
            "q6_welcome": "oui",
        },
    ),
    ("paiement", {"payment_method": "sepa", "iban": "FR14 2004 1010 0505 0001 3M02 606"}),
    ("contrat", {"accept_contract": "oui"}),
]


def _walk(client, slug, steps):
    for step, data in steps:
        response = client.post(f"/adhesion/{slug}/{step}", data=data)
        assert response.status_code == 302, (step, _errors(response))
    return response


def _errors(response):
    return re.findall(r'class="error"[^>]*>([^<]+)<', response.get_data(as_text=True))


EMAIL = "jean@menuiserie-petit.fr"


def confirmation_link(db, email=EMAIL) -> str:
    """The path of the last confirmation link e-mailed to this address."""
    db.rollback()
    mails = db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == email)
        .order_by(OutboxMessage.id.desc())
    ).all()
    for mail in mails:
        if match := re.search(r"https?://[^/\s]+(/espace/confirmer/\S+)", mail.body):
            return match.group(1)
    raise AssertionError("no confirmation link was e-mailed")


def _wait(client, location: str) -> dict:
    """Run the queued imports as the worker does, then read the status the page polls."""
    from assistant.cli import run_one_import

    with client.application.app_context():
        while run_one_import() is not None:
            pass
    return client.get(location, headers={"Accept": "application/json"}).get_json()
