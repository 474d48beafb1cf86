"""The team records a pré-reprise asked by the treating doctor, the médecin-conseil or the médecin
du travail (R4624-29): as soon as the stoppage is known to last more than 30 days, confidential
like the worker's own request (never shown nor told to the employer)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from assistant.core.timeutil import today_paris
from assistant.models import OutboxMessage, Visit
from assistant.services.visits import visit_lookup
from tests.conftest import csrf_token
from tests.factories import make_employee

URL = "/staff/salaries/{}/pre-reprise"


@pytest.fixture
def worker(db, employer):
    employee = make_employee(db, employer, last_name="Berthier")
    db.commit()
    return employee


def post(client, employee_id, **data):
    page = client.get(URL.format(employee_id))
    assert page.status_code == 200
    return client.post(URL.format(employee_id), data={"csrf_token": csrf_token(page.text), **data})


def day(offset: int) -> str:
    return (today_paris() + timedelta(days=offset)).isoformat()


@pytest.mark.parametrize("role", ["secretary", "doctor"])
def test_R4624_29_the_team_records_the_treating_doctors_request_confidentially(
    client, db, staff_login, employer, worker, role
):
    staff_login(role)
    member_page = client.get(f"/staff/adherents/{employer.id}")
    assert URL.format(worker.id) in member_page.text
    # 10 days of stoppage so far, known to last 60 days: it may be asked at once
    response = post(
        client, worker.id, asked_by="treating_doctor", stoppage_start=day(-10),
        stoppage_end=day(49), reason="Préparer un aménagement de poste",
    )  # fmt: skip
    assert response.status_code == 302
    db.expire_all()
    visit = db.scalar(select(Visit).where(Visit.employee_id == worker.id))
    assert (visit.visit_type, visit.requested_by, visit.status) == (
        "pre_reprise",
        "staff",
        "requested",
    )
    assert visit.confidential and visit.queued_at is not None and visit.absence_days == 60
    assert visit.history[0]["asked_by"] == "treating_doctor"
    # the employer never sees it, nor is told
    assert visit_lookup.employer_visit(db, employer.id, visit.id) is None
    assert visit.id not in [v.id for v in visit_lookup.employer_visits(db, employer.id)]
    mails = db.scalars(select(OutboxMessage).where(OutboxMessage.recipient == employer.email))
    assert not any("pré-reprise" in (m.body or "").lower() for m in mails)


def test_R4624_29_a_short_stoppage_without_an_expected_end_is_refused_at_its_field(
    client, db, staff_login, worker
):
    staff_login("nurse")
    response = post(client, worker.id, asked_by="medecin_conseil", stoppage_start=day(-10))
    assert response.status_code == 400
    assert "plus de 30 jours" in response.text
    response = post(
        client, worker.id, asked_by="medecin_conseil", stoppage_start=day(-10),
        stoppage_end=day(-12),
    )  # fmt: skip
    assert response.status_code == 400 and "ne peut pas précéder" in response.text
    response = post(client, worker.id, asked_by="medecin_conseil", stoppage_start=day(2))
    assert response.status_code == 400 and "dans le futur" in response.text
    response = post(client, worker.id, asked_by="nobody", stoppage_start=day(-40))
    assert response.status_code == 400
    db.expire_all()
    assert db.scalar(select(Visit).where(Visit.employee_id == worker.id)) is None


@pytest.mark.parametrize("role", ["iprp", "pdp", "admin"])
def test_R4624_29_only_the_health_team_and_the_secretary_record_it(
    client, staff_login, worker, role
):
    staff_login(role)
    assert client.get(URL.format(worker.id)).status_code == 403


def test_R4624_29_an_unknown_worker_is_not_found(client, staff_login):
    staff_login("doctor")
    assert client.get(URL.format(999999)).status_code == 404


def test_R4624_20_the_team_organises_the_visit_with_the_medecin_du_travail(
    client, db, staff_login, employer, worker
):
    from assistant.services.workforce import health

    health.set_flags(
        db, "staff:1", worker, pregnant=False, invalidity_pension=True, disabled=False,
        today=today_paris() - timedelta(days=10),
    )  # fmt: skip
    db.commit()
    staff_login("secretary")
    page = client.get("/staff/a-organiser")
    assert page.status_code == 200
    assert "Visite avec le médecin du travail" in page.text and "Berthier" in page.text
    assert "en retard" in page.text  # offered 10 days ago: 8 days at most
    assert "invalidit" not in page.text.lower()  # the dates, never the situation


def test_R4624_29_an_independents_own_pre_reprise_asked_by_the_medecin_conseil(
    client, db, staff_login, employer
):
    from tests.factories import make_member

    own = make_member(db, "44306184100047", "independent", status="active")
    db.commit()
    staff_login("doctor")
    assert f"/staff/adherents/{own.id}/pre-reprise" in client.get(f"/staff/adherents/{own.id}").text
    url = f"/staff/adherents/{own.id}/pre-reprise"
    page = client.get(url)
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(page.text), "asked_by": "medecin_conseil",
            "stoppage_start": day(-40),
        },
    )  # fmt: skip
    assert response.status_code == 302
    db.expire_all()
    visit = db.scalar(select(Visit).where(Visit.member_id == own.id))
    assert visit.employee_id is None and visit.visit_type == "pre_reprise"
    assert visit.history[0]["asked_by"] == "medecin_conseil"
    # an employer is no independent
    assert client.get(f"/staff/adherents/{employer.id}/pre-reprise").status_code == 404
