"""The worker's consent that the PDP cell tell the employer (SPEC 4.7) on the web: given and
withdrawn by the worker in their space (proven mobile only), asked and recorded by the staff who
read the case (others: 403), every change audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assistant.core.segments import fits
from assistant.models import AuditEntry, OutboxMessage, StaffUser
from assistant.models.pdp import PdpCase, PdpConsent
from assistant.services.pdp import consent
from tests.conftest import csrf_token
from tests.factories import MOBILE, make_employee
from tests.pdp_consent_helpers import asked, worker_asks
from tests.web.helpers import fresh, login, read


@pytest.fixture
def proven_employee(db, employer):
    row = make_employee(db, employer, phone=MOBILE, proven=True)
    db.commit()
    return row


def consents(db) -> list[PdpConsent]:
    fresh(db)
    return list(db.scalars(select(PdpConsent).order_by(PdpConsent.id)))


# --- the worker, in their space -------------------------------------------------------------


def test_consent_given_then_revoked_by_the_worker_in_their_space(client, db, proven_employee):
    case = asked(db, worker_asks(db, proven_employee))
    db.commit()
    login(client, db)
    assert "Mon accord pour informer mon employeur" in read(client.get("/salarie/"))
    page = read(client.get("/salarie/pdp/accord"))
    # informed: what would be told, to whom (the employer's legal name), revocable at any time
    assert "La cellule PDP vous demande votre accord pour dire à Boulangerie Dupont" in page
    assert "les aménagements de votre poste que la cellule recommande" in page
    assert "retirer votre accord à tout moment" in page and "PDP NON" in page
    assert page.count("Donner mon accord") == 3 and "Retirer mon accord" not in page
    data = {"case": case.id, "scope": "adjustments", "agree": "oui"}
    assert client.post("/salarie/pdp/accord", data=data).status_code == 302
    (given,) = consents(db)
    assert (given.scope, given.channel, given.given_by) == (
        "adjustments",
        "web",
        f"employee:{MOBILE}",
    )
    assert given.recipient_member_id == proven_employee.member_id
    page = read(client.get("/salarie/pdp/accord"))
    assert "Retirer mon accord" in page and "Accord donné le" in page and "dans son espace" in page
    client.post("/salarie/pdp/accord", data={**data, "agree": "non"})
    (revoked,) = consents(db)
    assert (revoked.revoked_channel, revoked.revoked_by) == ("web", f"employee:{MOBILE}")
    assert "retiré le" in read(client.get("/salarie/pdp/accord"))
    assert (
        client.post("/salarie/pdp/accord", data={**data, "agree": "peut-être"}).status_code == 400
    )
    assert client.post("/salarie/pdp/accord", data={**data, "scope": "tout"}).status_code == 400
    actions = db.scalars(
        select(AuditEntry.action).where(
            AuditEntry.record_type == "pdp_case", AuditEntry.record_id == str(case.id)
        )
    ).all()
    assert actions[-2:] == ["consent_give", "consent_revoke"]


def test_a_contact_number_cannot_consent_for_the_worker(client, db, employer):
    employee = make_employee(db, employer, phone=MOBILE)  # typed by the employer, never proven
    case = asked(db, worker_asks(db, employee))
    db.commit()
    login(client, db)
    assert client.get("/salarie/pdp/accord").status_code == 403
    data = {"case": case.id, "scope": "adjustments", "agree": "oui"}
    assert client.post("/salarie/pdp/accord", data=data).status_code == 403
    assert consents(db) == []


def test_a_worker_never_reaches_another_workers_case(client, db, employer, proven_employee):
    someone = make_employee(db, employer, phone="+33698765432", proven=True, first_name="Léa")
    theirs = worker_asks(db, someone)
    db.commit()
    login(client, db)
    data = {"case": theirs.id, "scope": "stage", "agree": "oui"}
    assert client.post("/salarie/pdp/accord", data=data).status_code == 404
    assert client.post("/salarie/pdp/accord", data={**data, "case": "x"}).status_code == 404
    assert consents(db) == []


# --- the staff who read the case ------------------------------------------------------------


def staff_of(db, email) -> StaffUser:
    return db.scalar(select(StaffUser).where(StaffUser.email == email))


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("pdp", True),
        ("doctor_in_charge", True),
        ("doctor", False),  # not the member's médecin du travail
        ("admin", False),
        ("secretary", False),
        ("nurse", False),
        ("iprp", False),
    ],
)
def test_only_who_reads_the_case_asks_records_revokes_and_sends(
    client, db, staff_login, employer, proven_employee, role, allowed
):
    case = worker_asks(db, proven_employee)
    db.commit()
    email = staff_login("doctor" if role == "doctor_in_charge" else role)
    if role == "doctor_in_charge":
        employer.doctor_id = staff_of(db, email).id
        db.commit()
    base = f"/staff/pdp/{case.id}"
    responses = [
        client.get(f"{base}/accord"),
        client.post(f"{base}/accord/demander", data={"scope": "stage"}),
        client.post(f"{base}/accord/enregistrer", data={"scope": "stage"}),
        client.post(f"{base}/accord/retirer", data={"scope": "stage"}),
        client.post(f"{base}/courrier"),
    ]
    codes = [r.status_code for r in responses]
    if allowed:
        assert codes == [200, 302, 302, 302, 302]
    else:
        assert codes == [403] * 5
        assert consents(db) == []
        assert db.get(PdpCase, case.id).consent_asked_scope is None


def test_staff_added_to_the_case_reach_it(client, db, staff_login, proven_employee):
    from assistant.services.pdp import plan

    case = worker_asks(db, proven_employee)
    db.commit()
    nurse = staff_of(db, staff_login("nurse"))
    plan.add_staff(db, case, "staff:1", nurse, case.created_at)
    db.commit()
    assert client.get(f"/staff/pdp/{case.id}/accord").status_code == 200


def test_the_cell_asks_by_sms_to_the_proven_mobile(client, db, staff_login, proven_employee):
    case = worker_asks(db, proven_employee)
    db.commit()
    staff_login("pdp")
    response = client.post(
        f"/staff/pdp/{case.id}/accord/demander",
        data={"scope": "adjustments", "next": f"/staff/pdp/{case.id}"},
    )
    assert response.headers["Location"].endswith(f"/staff/pdp/{case.id}")  # back to the case
    fresh(db)
    assert db.get(PdpCase, case.id).consent_asked_scope == "adjustments"
    (sms,) = db.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).all()
    assert sms.recipient == MOBILE and fits(sms.body)
    for said in ("Boulangerie Dupont", "aménagements de poste", "retirer", "PDP OUI", "PDP NON"):
        assert said in sms.body
    page = read(client.get(f"/staff/pdp/{case.id}/accord"))
    assert "Accord demandé le" in page and "sans réponse" in page


def test_no_sms_without_a_proven_mobile_and_the_staff_are_told(client, db, staff_login, employee):
    case = worker_asks(db, employee)  # the `employee` fixture: a contact number only
    db.commit()
    staff_login("pdp")
    response = client.post(
        f"/staff/pdp/{case.id}/accord/demander", data={"scope": "stage"}, follow_redirects=True
    )
    assert "aucun SMS envoyé" in read(response)
    fresh(db)
    assert db.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).all() == []
    assert db.get(PdpCase, case.id).consent_asked_scope == "stage"


def test_the_cell_records_the_workers_word_and_revokes_it_with_the_history(
    client, db, staff_login, proven_employee
):
    case = worker_asks(db, proven_employee)
    db.commit()
    staff_login("pdp")
    client.post(f"/staff/pdp/{case.id}/accord/enregistrer", data={"scope": "plan"})
    (given,) = consents(db)
    assert (given.scope, given.channel) == ("plan", "staff") and given.given_by.startswith("staff:")
    page = read(client.get(f"/staff/pdp/{case.id}/accord"))
    assert "de vive voix, enregistré par la cellule" in page and "Retirer l'accord" in page
    client.post(f"/staff/pdp/{case.id}/accord/retirer", data={"scope": "plan"})
    assert consents(db)[0].revoked_channel == "staff"
    page = read(client.get(f"/staff/pdp/{case.id}/accord"))
    assert "retiré le" in page
    assert client.post(f"/staff/pdp/{case.id}/accord/enregistrer", data={}).status_code == 400


def test_an_independents_case_has_no_employer_to_tell(client, db, staff_login):
    from assistant.database import utcnow
    from assistant.services.pdp import cases
    from tests.factories import OTHER_SIRET, make_member

    member = make_member(db, OTHER_SIRET, "independent", status="active")
    case = cases.raise_request(
        db,
        "staff:1",
        raised_by="worker",
        channel="web",
        trigger="none",
        description="Indépendant.",
        member=member,
        now=utcnow(),
    )
    db.commit()
    staff_login("pdp")
    assert "pas d'employeur à informer" in read(client.get(f"/staff/pdp/{case.id}/accord"))
    response = client.post(
        f"/staff/pdp/{case.id}/accord/enregistrer", data={"scope": "stage"}, follow_redirects=True
    )
    assert "pas d'employeur à informer" in read(response)
    assert consents(db) == []


def test_the_staff_consent_buttons_need_their_csrf_token(tmp_path, database, db, proven_employee):
    from tests.conftest import make_app
    from tests.factories import PASSWORD, make_staff_user

    app = make_app(tmp_path / "csrf", database, create_schema=False, WTF_CSRF_ENABLED=True)
    cell = make_staff_user(db, "pdp")
    case = worker_asks(db, proven_employee)
    db.commit()
    client = app.test_client()
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    client.post(
        "/staff/login", data={"email": cell.email, "password": PASSWORD, "csrf_token": token}
    )
    url = f"/staff/pdp/{case.id}/accord/enregistrer"
    assert client.post(url, data={"scope": "stage"}).status_code == 400
    page = client.get(f"/staff/pdp/{case.id}/accord").get_data(as_text=True)
    response = client.post(url, data={"scope": "stage", "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert consent.in_force(db, db.get(PdpCase, case.id), "stage") is not None
