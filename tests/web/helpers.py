"""Helpers shared by the web tests: code logins, visits asked, the adhesion wizard. (Rows are
made by tests/factories.py.)"""

from __future__ import annotations

import html
import io
import re

from sqlalchemy import select

from assistant.database import utcnow
from assistant.models import Employee, Member, OutboxMessage, Visit
from assistant.services.visits import visit_requests
from tests.factories import EMPLOYER_EMAIL, MOBILE, PASSWORD

TYPED = "07 81 23 45 67"  # MOBILE, as a person types it


def member_login(client, email: str = EMPLOYER_EMAIL, password: str = PASSWORD):
    """Sign `client` in to the member space (as the `employer` fixture, by default)."""
    response = client.post("/espace/connexion", data={"email": email, "password": password})
    assert response.status_code == 302, response.status_code
    return client


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
    visit = visit_requests.request_visit(
        db,
        f"employee:{employee.phone}",
        member=db.get(Member, employee.member_id),
        employee=employee,
        request=visit_requests.Request(visit_type, requested_by, **extra),
        now=now,
    )
    db.commit()
    assert visit.status == "booked"
    return visit


def ask(db, member, employee, *, code="vip_periodique", queued=True, **values) -> Visit:
    """A request left unplaced (auto=False), in the staff queue when `queued`; committed."""
    now = utcnow()
    visit = visit_requests.request_visit(
        db,
        "test",
        member=member,
        employee=employee,
        request=visit_requests.Request(visit_type=code, requested_by="employer", **values),
        now=now,
        auto=False,
    )
    if queued:
        visit.queued_at = now
    db.commit()
    return visit


def fresh(db) -> None:
    """Read what the app committed: end the test session's snapshot and forget loaded rows
    (objects are not expired on commit, and a rollback outside a transaction expires nothing)."""
    db.rollback()
    db.expire_all()


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


# --- issue 14: an employee declared by the form or by a CSV file ----------------------------

FORM = {
    "last_name": "Martin",
    "first_name": "Léo",
    "birth_date": "12/03/1985",
    "job": "Opérateur",
    "hire_date": "01/12/2026",
    "contract_type": "cdi",
    "contract_end": "",
}
CSV_COLUMNS = {
    "nom": "Martin",
    "prenom": "Léo",
    "date_naissance": "12/03/1985",
    "poste": "Opérateur",
    "date_embauche": "01/12/2026",
    "contrat": "CDI",
    "fin_contrat": "",
    "expositions": "",
    "travail_de_nuit": "non",
    "travaux_reglementes": "non",
    "rayonnements": "",
    "sir_employeur": "non",
    "sir_justification": "",
    "charges_55kg": "non",
    "fin_exposition": "",
    "jours_travailles": "",
}


def csv_file(*lines: dict) -> bytes:
    rows = [";".join(CSV_COLUMNS)]
    rows += [";".join({**CSV_COLUMNS, **line}[c] for c in CSV_COLUMNS) for line in lines]
    return ("\n".join(rows) + "\n").encode()


def upload(client, data: bytes) -> dict:
    response = client.post(
        "/espace/effectifs/import",
        data={"file": (io.BytesIO(data), "effectifs.csv")},
        content_type="multipart/form-data",
    )
    location = response.headers["Location"]
    status = _wait(client, location)
    return status | {"page": read(client.get(location))}
