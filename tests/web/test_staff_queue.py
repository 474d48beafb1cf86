"""The staff queue of visits: unplaced requests most urgent first, assignment by hand, the visits
an absence displaced, and no slot ever taken twice."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from assistant.core.timeutil import PARIS, today_paris
from assistant.database import utcnow
from assistant.models import AuditEntry, Role, Slot, Visit
from assistant.services.visits import booking, planning_absences, slot_offers
from tests.factories import PASSWORD, consent_to_video, make_employee, make_staff_user, slot_at
from tests.web.helpers import ask, fresh

QUEUE_ROLES = {Role.SECRETARY, Role.ADMIN, Role.DOCTOR, Role.NURSE}


@pytest.mark.parametrize("role", list(Role))
def test_queue_pages_by_role(client, db, staff_login, today_plan, employer, employee, role):
    visit = ask(db, employer, employee)
    staff_login(role.value)
    expected = 200 if role in QUEUE_ROLES else 403
    assert client.get("/staff/file-attente").status_code == expected
    assert client.get(f"/staff/file-attente/{visit.id}").status_code == expected
    slot_id = slot_offers.compatible_slots(db, visit, now=utcnow())[0].id
    posted = client.post(f"/staff/file-attente/{visit.id}/assigner", data={"slot_id": slot_id})
    assert posted.status_code == (302 if role in QUEUE_ROLES else 403)


def test_the_queue_puts_overdue_requests_first(client, db, staff_login, today_plan, employer):
    today = today_paris()
    first = make_employee(db, employer, last_name="Sansdate")
    second = make_employee(db, employer, last_name="Bientot")
    third = make_employee(db, employer, last_name="Enretard")
    ask(db, employer, first)
    ask(db, employer, second, due_by=today + timedelta(days=20))
    ask(db, employer, third, due_from=today - timedelta(days=60), due_by=today - timedelta(days=3))
    ask(db, employer, first, code="demande", queued=False)  # not in the queue: not shown

    staff_login("secretary")
    page = client.get("/staff/file-attente").get_data(as_text=True)
    positions = [page.index(f"Alex {name}") for name in ("Enretard", "Bientot", "Sansdate")]
    assert positions == sorted(positions)
    assert page.count("en retard") == 1
    assert "sans échéance" in page
    assert page.count("Assigner") == 3
    fresh(db)
    assert db.scalar(select(AuditEntry.action).where(AuditEntry.record_type == "visit_queue"))


def test_the_reason_is_for_the_secretary_and_health_staff(
    client, staff_login, db, today_plan, employer, employee
):
    ask(db, employer, employee, reason="Douleurs au dos depuis le déménagement")
    staff_login("secretary")
    assert "Douleurs au dos" in client.get("/staff/file-attente").get_data(as_text=True)
    admin = client.application.test_client()
    make_staff_user(db, "admin", "adm@test.fr")
    db.commit()
    admin.post("/staff/login", data={"email": "adm@test.fr", "password": PASSWORD})
    page = admin.get("/staff/file-attente").get_data(as_text=True)
    assert "Alex Durand" in page and "Douleurs au dos" not in page


def test_assigning_books_the_slot_and_audits_it(
    client, db, staff_login, today_plan, employer, employee
):
    visit = ask(db, employer, employee)
    staff_login("secretary")
    page = client.get(f"/staff/file-attente/{visit.id}").get_data(as_text=True)
    assert "Créneaux compatibles" in page
    first = slot_offers.compatible_slots(db, visit, now=utcnow(), limit=1)[0]
    assert f'id="slot-{first.id}" value="{first.id}" checked' in page

    response = client.post(
        f"/staff/file-attente/{visit.id}/assigner",
        data={"slot_id": first.id},
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "Visite de Alex Durand placée le" in text
    assert "Aucune demande en attente." in text
    fresh(db)
    booked = db.get(Visit, visit.id)
    assert (booked.status, booked.slot_id, booked.queued_at) == ("booked", first.id, None)
    assert booked.history[-1]["what"] == "booked"
    assert booked.history[-1]["by"].startswith("staff:")
    entry = db.scalar(
        select(AuditEntry).where(AuditEntry.record_type == "visit", AuditEntry.action == "book")
    )
    assert entry.record_id == str(visit.id) and entry.actor.startswith("staff:")


def test_a_slot_taken_meanwhile_is_refused(client, db, staff_login, today_plan, employer, employee):
    """The page shows a free slot; another session books it; posting it is refused."""
    visit = ask(db, employer, employee)
    other_employee = make_employee(db, employer, last_name="Rapide")
    rival = ask(db, employer, other_employee, queued=False)
    staff_login("secretary")
    page = client.get(f"/staff/file-attente/{visit.id}").get_data(as_text=True)
    slot = slot_offers.compatible_slots(db, visit, now=utcnow(), limit=1)[0]
    assert f'id="slot-{slot.id}"' in page

    booking.book(db, "phone:+33612345678", rival, slot, utcnow())  # another session, meanwhile
    db.commit()

    response = client.post(f"/staff/file-attente/{visit.id}/assigner", data={"slot_id": slot.id})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/file-attente/{visit.id}")
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ce créneau est déjà pris : choisissez-en un autre." in again
    assert f'id="slot-{slot.id}"' not in again  # no longer offered
    fresh(db)
    assert db.get(Visit, visit.id).status == "requested"
    assert db.get(Visit, rival.id).slot_id == slot.id
    holders = db.scalars(select(Visit.id).where(Visit.slot_id == slot.id)).all()
    assert holders == [rival.id]


def test_an_incompatible_slot_is_refused_with_its_reason(
    client, db, staff_login, today_plan, employer, employee
):
    visit = ask(
        db, employer, employee, code="reprise", event_date=today_paris(), absence_cause="maternity"
    )
    nurse_slot = db.scalar(select(Slot).where(Slot.staff_id == today_plan.nurse.id))
    staff_login("secretary")
    page = client.get(f"/staff/file-attente/{visit.id}").get_data(as_text=True)
    assert "Hugo Plan" not in page  # a reprise is for the doctor only
    response = client.post(
        f"/staff/file-attente/{visit.id}/assigner",
        data={"slot_id": nurse_slot.id},
        follow_redirects=True,
    )
    assert "Ce professionnel ne peut pas assurer ce type de visite." in response.get_data(
        as_text=True
    )
    missing = client.post(f"/staff/file-attente/{visit.id}/assigner", data={})
    assert missing.status_code == 302
    fresh(db)
    assert db.get(Visit, visit.id).status == "requested"


def test_filters_by_place_modality_and_date(
    client, db, staff_login, today_plan, employer, employee
):
    visit = ask(db, employer, employee)
    staff_login("secretary")
    base = f"/staff/file-attente/{visit.id}"
    # the nurse works by video: none of her slots without the worker's consent (R4624-41-1)
    without = client.get(base).get_data(as_text=True)
    assert "Dr Claire Plan" in without and "Hugo Plan" not in without
    consent_to_video(db, employee)
    db.commit()
    both = client.get(base).get_data(as_text=True)
    assert "Dr Claire Plan" in both and "Hugo Plan" in both  # doctor and nurse both may do it
    tele = client.get(f"{base}?modality=tele").get_data(as_text=True)
    assert "Hugo Plan (" in tele and "Dr Claire Plan (" not in tele
    place = client.get(f"{base}?centre={today_plan.centre.id}").get_data(as_text=True)
    assert "Dr Claire Plan (" in place and "Hugo Plan (" not in place
    later = today_paris() + timedelta(days=9)
    dated = client.get(f"{base}?after={later.isoformat()}").get_data(as_text=True)
    assert f'value="{later.isoformat()}"' in dated
    shown = [
        db.get(Slot, int(slot_id))
        for slot_id in re.findall(r'name="slot_id" id="slot-(\d+)"', dated)
    ]
    assert shown and all(s.starts_at.astimezone(PARIS).date() >= later for s in shown)


def test_displaced_visits_are_listed_and_moved(
    client, db, staff_login, today_plan, employer, employee
):
    visit = ask(db, employer, employee, queued=False)
    day = today_paris() + timedelta(days=5)
    slot = slot_at(db, today_plan.doctor, day, 10) or slot_at(
        db, today_plan.doctor, day + timedelta(days=1), 10
    )
    booking.book(db, "test", visit, slot, utcnow())
    day = slot.starts_at.astimezone(PARIS).date()
    planning_absences.add_absence(
        db, "test", starts_on=day, ends_on=day, staff_id=today_plan.doctor.id
    )
    slot.blocked = True  # as the absence page does for the booked slots
    db.commit()

    staff_login("nurse")
    queue = client.get("/staff/file-attente").get_data(as_text=True)
    assert "Rendez-vous à déplacer" in queue and "Alex Durand" in queue
    assert f'href="/staff/file-attente/{visit.id}"' in queue
    page = client.get(f"/staff/file-attente/{visit.id}").get_data(as_text=True)
    assert "Déplacer un rendez-vous" in page
    assert f'id="slot-{slot.id}"' not in page
    target = slot_offers.compatible_slots(db, visit, now=utcnow(), limit=1, exclude_slot=slot.id)[0]
    response = client.post(
        f"/staff/file-attente/{visit.id}/assigner",
        data={"slot_id": target.id},
        follow_redirects=True,
    )
    assert "Aucun rendez-vous à déplacer." in response.get_data(as_text=True)
    fresh(db)
    moved = db.get(Visit, visit.id)
    assert (moved.status, moved.slot_id) == ("booked", target.id)
    assert moved.history[-1]["what"] == "moved"
    assert db.get(Slot, slot.id).blocked is True  # the absence still closes it
    assert slot_offers.compatible_slots(db, moved, now=utcnow(), limit=500, until=day)
    assert all(
        s.id != slot.id for s in slot_offers.compatible_slots(db, moved, now=utcnow(), limit=500)
    )


def test_a_visit_no_longer_open_cannot_be_assigned(
    client, db, staff_login, today_plan, employer, employee
):
    visit = ask(db, employer, employee)
    booking.cancel(db, "test", visit, utcnow())
    db.commit()
    staff_login("secretary")
    assert "Cette visite n'est plus à placer." in client.get(
        f"/staff/file-attente/{visit.id}"
    ).get_data(as_text=True)
    slot = db.scalar(select(Slot).where(Slot.staff_id == today_plan.doctor.id))
    response = client.post(
        f"/staff/file-attente/{visit.id}/assigner", data={"slot_id": slot.id}, follow_redirects=True
    )
    assert "Cette visite ne peut plus être modifiée." in response.get_data(as_text=True)
    assert client.get("/staff/file-attente/999999").status_code == 404


def test_the_queue_in_english(client, db, staff_login, today_plan, employer, employee):
    visit = ask(db, employer, employee)
    staff_login("secretary")
    page = client.get("/staff/file-attente?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Requests to place" in page
    assert "Periodic information and prevention visit" in page
    assign = client.get(f"/staff/file-attente/{visit.id}").get_data(as_text=True)
    assert "Compatible slots" in assign
