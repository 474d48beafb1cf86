"""The employer's visits pages: what to plan, requests placed or queued, slots, moves, cancels,
and the walls: another member's visits and the employee's confidential ones are never reached."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from assistant.core.timeutil import PARIS, today_paris
from assistant.database import utcnow
from assistant.models import (
    AuditEntry,
    Centre,
    Slot,
    StaffUser,
    Visit,
    VisitOutcome,
)
from assistant.services.visits import booking, public_holidays, slot_offers
from assistant.services.visits.visit_deadlines import add_months
from assistant.services.workforce import employees as workforce
from assistant.services.workforce import health
from dialogs.engine import Context
from dialogs.visit_request import REQUEST
from tests.conftest import csrf_token, make_app
from tests.factories import (
    EMPLOYER_EMAIL,
    PASSWORD,
    WEEK,
    consent_to_video,
    make_centre,
    make_employee,
    make_member,
    make_planning,
    make_slot,
    paris_time,
)
from tests.web.helpers import member_login


def service(db):
    """The doctor every morning and the nurse every afternoon, both at the centre (no
    teleconsultation), with two weeks of slots from tomorrow."""
    tomorrow = today_paris() + timedelta(days=1)
    return make_planning(db, nurse_days=WEEK, nurse_tele=False, slots_from=tomorrow)


@pytest.fixture
def world(db, employer, other):
    plan = service(db)
    today = today_paris()
    late = make_employee(db, employer, last_name="Retard", hire_date=today - timedelta(days=400))
    recent = make_employee(db, employer, last_name="Recent", hire_date=today - timedelta(days=10))
    theirs = make_employee(db, other, last_name="Autre", hire_date=today - timedelta(days=10))
    db.commit()
    return {
        "member": employer.id,
        "other": other.id,
        "late": late.id,
        "recent": recent.id,
        "theirs": theirs.id,
        "doctor": plan.doctor.id,
        "nurse": plan.nurse.id,
    }


@pytest.fixture
def space(client, world):
    """The test client, signed in to the member space as the `employer`."""
    return member_login(client)


def earliest_slot(db) -> Slot:
    return db.scalar(select(Slot).order_by(Slot.starts_at, Slot.id).limit(1))


def request_data(employee_id, visit_type="vip_initiale", **extra):
    return {
        "employee": str(employee_id),
        "visit_type": visit_type,
        "reason": "",
        "return_date": "",
        "absence_cause": "",
        "absence_days": "",
        "stoppage_start": "",
        "modality": "",
        "placement": "auto",
        **extra,
    }


def make_visit(db, world, *, member="member", employee="recent", **extra) -> int:
    """A visit row as another channel would leave it (requested, or booked in the first slot)."""
    row = Visit(
        member_id=world[member],
        employee_id=world[employee],
        visit_type=extra.pop("visit_type", "vip_initiale"),
        status=extra.pop("status", "requested"),
        requested_by=extra.pop("requested_by", "employer"),
        actor="test",
        **extra,
    )
    db.add(row)
    db.flush()
    return row.id


def book_first(db, visit_id) -> Slot:
    row = db.get(Visit, visit_id)
    slot = slot_offers.compatible_slots(db, row, now=utcnow(), limit=1)[0]
    booking.book(db, "test", row, slot, utcnow())
    db.commit()
    return slot


def page_of(response) -> str:
    return response.get_data(as_text=True)


def fr_medium(day: date) -> str:
    return format_date(day, "medium", locale="fr")


# --- the page -------------------------------------------------------------------------------


def test_visits_to_plan_most_urgent_first_overdue_in_red_with_the_rule(space, world, db):
    response = space.get("/espace/visites")
    assert response.status_code == 200
    page = page_of(response)
    assert "<h2" in page and "Visites à planifier" in page
    rows = re.findall(r'<tr class="to-plan( overdue)?">(.*?)</tr>', page, re.S)
    assert [("Retard" in row, bool(overdue)) for overdue, row in rows] == [
        (True, True),
        (False, False),
    ]
    late_row = rows[0][1]
    assert 'class="error"' in late_row and "En retard" in late_row
    assert "dans les 3 mois suivant la prise effective du poste" in late_row
    hired = today_paris() - timedelta(days=400)
    assert fr_medium(add_months(hired, 3)) in late_row
    assert f"/espace/visites/demande?salarie={world['late']}&amp;type=vip_initiale" in late_row
    assert "Planifier" in late_row
    db.rollback()
    entry = db.scalar(select(AuditEntry).where(AuditEntry.detail == "visites"))
    assert entry.action == "read" and entry.record_id == str(world["member"])


def to_plan_rows(page: str) -> list[str]:
    return [
        row
        for _overdue, row in re.findall(r'<tr class="to-plan( overdue)?">(.*?)</tr>', page, re.S)
    ]


def test_the_home_page_links_to_the_visits(space):
    assert 'href="/espace/visites"' in page_of(space.get("/espace/"))


@pytest.fixture
def independent(client, db, world):
    """Léa, an independent worker signed in, born in 1982, a member for two years."""
    from datetime import datetime

    worker = make_member(
        db,
        "44306184100047",
        "independent",
        status="active",
        contact_name="Léa Moreau",
        birth_date=date(1982, 4, 9),
        activated_at=datetime.now(PARIS) - timedelta(days=730),
        account="lea@test.fr",
    )
    db.commit()
    member_login(client, "lea@test.fr")
    return worker


def test_an_independent_plans_books_and_cancels_their_own_visit(client, db, independent, world):
    home = page_of(client.get("/espace/"))
    assert 'href="/espace/visites"' in home and "Mes visites" in home
    page = page_of(client.get("/espace/visites"))
    assert "Mes visites" in page and "Léa Moreau" in page
    assert "Visite d&#39;information et de prévention initiale" in page  # never seen yet
    form = page_of(client.get("/espace/visites/demande?type=vip_initiale"))
    assert 'name="employee"' not in form
    response = client.post(
        "/espace/visites/demande",
        data={"visit_type": "vip_initiale", "placement": "auto"},
    )
    assert response.status_code == 302
    db.rollback()
    visit = db.scalar(select(Visit).where(Visit.member_id == independent.id))
    assert visit.employee_id is None and visit.status == "booked"
    assert visit.requested_by == "independent" and visit.due_by is not None
    detail = page_of(client.get(f"/espace/visites/{visit.id}"))
    assert "Léa Moreau" in detail
    assert client.get(f"/espace/visites/{visit.id}/annuler").status_code == 200
    client.post(f"/espace/visites/{visit.id}/annuler", data={})
    db.rollback()
    db.expire_all()
    assert db.get(Visit, visit.id).status == "cancelled"


def test_an_independent_may_ask_a_pre_reprise_and_an_employer_may_not(client, db, independent):
    form = page_of(client.get("/espace/visites/demande"))
    assert 'value="pre_reprise"' in form and 'name="employee"' not in form
    started = (today_paris() - timedelta(days=45)).strftime("%d/%m/%Y")
    response = client.post(
        "/espace/visites/demande",
        data={
            "visit_type": "pre_reprise",
            "stoppage_start": started,
            "placement": "choose",
        },
    )
    assert response.status_code == 302 and "/creneaux" in response.headers["Location"]


def test_CIAMT_an_independent_asks_for_a_reprise_themself(client, db, independent):
    form = page_of(client.get("/espace/visites/demande"))
    assert 'value="reprise"' in form  # the CIAMT annex: "reprise à la demande de l'indépendant"
    back = today_paris() + timedelta(days=3)
    response = client.post(
        "/espace/visites/demande",
        data={
            "visit_type": "reprise",
            "return_date": back.strftime("%d/%m/%Y"),
            "absence_cause": "illness",
            "absence_days": "12",  # shorter than an employee's required reprise: still offered
            "placement": "choose",
        },
    )
    assert response.status_code == 302
    db.rollback()
    visit = db.scalar(select(Visit).where(Visit.member_id == independent.id))
    assert (visit.visit_type, visit.requested_by, visit.due_from) == (
        "reprise",
        "independent",
        back,
    )


def test_R4624_29_a_pre_reprise_as_soon_as_the_stoppage_is_known_to_last(client, db, independent):
    started = (today_paris() - timedelta(days=5)).strftime("%d/%m/%Y")
    data = {"visit_type": "pre_reprise", "stoppage_start": started, "placement": "choose"}
    refused = client.post("/espace/visites/demande", data=data)
    assert refused.status_code == 400 and "plus de 30 jours" in page_of(refused)
    ends = (today_paris() + timedelta(days=40)).strftime("%d/%m/%Y")
    response = client.post("/espace/visites/demande", data={**data, "stoppage_end": ends})
    assert response.status_code == 302 and "/creneaux" in response.headers["Location"]
    db.rollback()
    visit = db.scalar(select(Visit).where(Visit.member_id == independent.id))
    assert visit.visit_type == "pre_reprise" and visit.absence_days == 46


def test_an_independent_never_reaches_an_employers_visit(client, db, independent, world):
    theirs = make_visit(db, world, employee="late", status="requested")
    db.commit()
    for url in (f"/espace/visites/{theirs}", f"/espace/visites/{theirs}/creneaux"):
        assert client.get(url).status_code == 404


def test_a_health_flag_changes_nothing_the_employer_sees(space, world, db):
    """Issue 11: "60 mois" becoming "36 mois" told the employer of a disability or a pension."""
    doctor_slot = db.scalar(select(Slot).where(Slot.staff_id == world["doctor"]).limit(1))
    make_visit(db, world, employee="late", status="done", slot_id=doctor_slot.id)
    employee = workforce.get_employee(db, world["member"], world["late"])
    db.commit()
    done_on = doctor_slot.starts_at.astimezone(PARIS).date()
    normal = space.get("/espace/visites")
    assert fr_medium(add_months(done_on, 60)) in page_of(normal)
    health.set_flags(
        db, "staff:1", employee, pregnant=False, invalidity_pension=True, disabled=True
    )
    db.commit()
    page = page_of(space.get("/espace/visites"))
    assert fr_medium(add_months(done_on, 36)) not in page
    assert fr_medium(add_months(done_on, 60)) in page
    assert page_of(space.get("/espace/effectifs")) == page_of(space.get("/espace/effectifs"))
    lowered = page.lower()
    for word in ("handicap", "invalidité", "pension", "enceinte", "rqth", "situation de santé"):
        assert word not in lowered, word


def test_past_visits_show_the_outcome_kind(space, world, db):
    slot = earliest_slot(db)
    visit_id = make_visit(db, world, status="done", slot_id=slot.id)
    db.add(VisitOutcome(visit_id=visit_id, kind="attestation", recorded_by_id=world["doctor"]))
    db.commit()
    page = page_of(space.get("/espace/visites"))
    past = page.split("Visites passées et résultats", 1)[1]
    assert "Alex Recent" in past and "Effectuée" in past and "Attestation de suivi" in past


# --- requests --------------------------------------------------------------------------------


def test_planifier_prefills_the_form_with_the_window(space, world):
    page = page_of(space.get(f"/espace/visites/demande?salarie={world['late']}&type=vip_initiale"))
    assert re.search(rf'<option selected value="{world["late"]}">', page)
    assert re.search(r'<option selected value="vip_initiale">', page)
    assert "En retard" in page
    # only the member's current employees, only the types an employer may ask for
    assert "Autre" not in page
    assert 'value="pre_reprise"' not in page and 'value="reprise"' in page


def test_an_answer_to_correct_keeps_the_window_and_the_other_answers(space, world, db):
    data = request_data(world["late"], placement="", reason="Après l'embauche")
    response = space.post("/espace/visites/demande", data=data)
    assert response.status_code == 400
    page = page_of(response)
    assert 'id="placement-error"' in page and "Choisissez comment réserver le rendez-vous." in page
    assert re.search(rf'<option selected value="{world["late"]}">', page)
    assert re.search(r'<option selected value="vip_initiale">', page)
    assert "Après l&#39;embauche" in page and "En retard" in page
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Visit)) == 0


def test_auto_request_books_the_first_compatible_slot(space, world, db):
    response = space.post("/espace/visites/demande", data=request_data(world["recent"]))
    assert response.status_code == 302
    db.rollback()
    visit = db.scalar(select(Visit))
    assert response.headers["Location"].endswith(f"/espace/visites/{visit.id}?nouvelle=1")
    assert visit.status == "booked" and visit.requested_by == "employer"
    assert visit.slot_id == earliest_slot(db).id
    page = page_of(space.get(response.headers["Location"]))
    assert "Rendez-vous réservé" in page
    assert "Centre de Paris 11" in page and "1 rue Oberkampf" in page
    assert "Dr Claire Plan (Médecin du travail)" in page
    day = visit.slot.starts_at.astimezone(PARIS).date()
    assert format_date(day, "full", locale="fr") in page
    # no longer to plan, now in the booked list with its buttons
    listing = page_of(space.get("/espace/visites"))
    assert not re.search(r'<tr class="to-plan[^"]*">\s*<td>Recent', listing)
    assert "Déplacer" in listing and "Annuler" in listing


def test_asking_twice_gives_the_open_request_back(space, world, db):
    """Issue 12: one visit-request service; a worker has one open request of a type, which the
    database holds (a partial unique index), not only the form."""
    data = {**request_data(world["recent"]), "placement": "choose"}
    first = space.post("/espace/visites/demande", data=data)
    assert first.status_code == 302
    again = space.post("/espace/visites/demande", data=data)
    db.rollback()
    (visit,) = db.scalars(select(Visit)).all()
    assert again.headers["Location"].endswith(f"/espace/visites/{visit.id}")
    assert "déjà en cours" in page_of(space.get(again.headers["Location"]))
    db.rollback()  # a fresh transaction: the page's request wrote meanwhile (SQLite)
    twin = Visit(
        member_id=visit.member_id,
        employee_id=visit.employee_id,
        visit_type=visit.visit_type,
        status="requested",
        requested_by="staff",
        actor="test",
    )
    db.add(twin)
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_asking_twice_with_automatic_placement_books_nothing_more(space, world, db):
    """The open request comes back whatever the second request asks: not booked behind the
    first one's back, not a second row."""
    first = space.post(
        "/espace/visites/demande", data=request_data(world["recent"], placement="choose")
    )
    again = space.post(
        "/espace/visites/demande",
        data=request_data(world["recent"], placement="auto", reason="Encore", modality="mobile"),
    )
    db.rollback()
    (visit,) = db.scalars(select(Visit)).all()
    assert first.headers["Location"].endswith(f"/espace/visites/{visit.id}/creneaux")
    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/espace/visites/{visit.id}")
    assert (visit.status, visit.slot_id, visit.reason, visit.modality) == (
        "requested",
        None,
        None,
        None,
    )
    page = page_of(space.get(again.headers["Location"]))
    assert "Une demande de ce type est déjà en cours pour ce salarié." in page


def test_another_type_or_another_worker_is_another_request(space, world, db):
    for employee, kind in (("recent", "vip_initiale"), ("recent", "demande"), ("late", "demande")):
        data = request_data(world[employee], visit_type=kind, placement="choose")
        assert "/creneaux" in space.post("/espace/visites/demande", data=data).location
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Visit)) == 3


def test_an_independent_asking_twice_gets_the_open_request_back(client, db, independent):
    data = {"visit_type": "demande", "placement": "choose"}
    first = client.post("/espace/visites/demande", data=data)
    again = client.post("/espace/visites/demande", data=data)
    db.rollback()
    (visit,) = db.scalars(select(Visit)).all()
    assert first.headers["Location"].endswith(f"/espace/visites/{visit.id}/creneaux")
    assert again.headers["Location"].endswith(f"/espace/visites/{visit.id}")
    assert visit.employee_id is None and visit.member_id == independent.id
    assert "Une demande de ce type est déjà en cours." in page_of(client.get(again.location))


@pytest.mark.parametrize("worker", ["employee", "independent"])
def test_the_database_refuses_a_second_open_request(db, world, worker):
    """The partial unique indexes of migration 0007 hold without the service: a plain INSERT,
    as any other code or a script would write it, is refused; once the first request is booked
    or cancelled, another may be asked."""
    from sqlalchemy import insert

    employee_id = world["recent"] if worker == "employee" else None
    row = {
        "member_id": world["member"],
        "employee_id": employee_id,
        "visit_type": "demande",
        "status": "requested",
        "requested_by": "staff",
        "actor": "test",
        "confidential": False,
        "history": [],
        "created_at": utcnow(),
    }
    first = db.execute(insert(Visit).values(**row).returning(Visit.id)).scalar_one()
    db.commit()
    with pytest.raises(IntegrityError):
        db.execute(insert(Visit).values(**row))
    db.rollback()
    db.execute(Visit.__table__.update().where(Visit.id == first).values(status="cancelled"))
    db.execute(insert(Visit).values(**row))  # the first one is no longer open
    db.commit()
    assert db.scalar(select(func.count()).select_from(Visit)) == 2


@pytest.mark.parametrize("channel", ["text", "web"])
def test_one_request_definition_stores_the_same_visit_on_every_channel(space, world, db, channel):
    """The journey typed one answer at a time (as the text player plays it) and the web page
    posted at once end in the same row."""
    back = today_paris() + timedelta(days=3)
    if channel == "web":
        data = request_data(
            world["recent"],
            visit_type="reprise",
            return_date=back.strftime("%d/%m/%Y"),
            absence_cause="work_accident",
            absence_days="45",
            reason="Retour d'accident",
            placement="choose",
        )
        assert space.post("/espace/visites/demande", data=data).status_code == 302
    else:
        answers = {"_requester": "employer", "_member": world["member"]}
        context = Context(session=db, today=today_paris(), now=utcnow(), actor="test")
        typed = [str(world["recent"]), "reprise", back.strftime("%d/%m/%Y")]
        typed += ["accident du travail", "45", "Retour d'accident", "", "choisir moi-même"]
        for raw in typed:
            answers = REQUEST.accept(answers, REQUEST.next_question(answers), raw, context)
        assert REQUEST.finish(answers, context).say == "visit_choose"
        db.commit()
    db.rollback()
    visit = db.scalar(select(Visit))
    assert (
        visit.employee_id,
        visit.visit_type,
        visit.status,
        visit.event_date,
        visit.absence_cause,
        visit.absence_days,
        visit.reason,
        visit.due_from,
        visit.due_by,
        visit.requested_by,
    ) == (
        world["recent"],
        "reprise",
        "requested",
        back,
        "work_accident",
        45,
        "Retour d'accident",
        back,
        back + timedelta(days=8),
        "employer",
    )


def test_the_window_of_the_visit_to_plan_goes_with_the_request(space, world, db):
    space.post("/espace/visites/demande", data=request_data(world["recent"]))
    db.rollback()
    visit = db.scalar(select(Visit))
    assert visit.due_by == add_months(today_paris() - timedelta(days=10), 3)


def test_a_request_goes_to_the_staff_queue_when_no_slot_fits(space, world, db):
    response = space.post(
        "/espace/visites/demande", data=request_data(world["recent"], modality="mobile")
    )
    assert response.status_code == 302
    db.rollback()
    visit = db.scalar(select(Visit))
    assert visit.status == "requested" and visit.queued_at is not None and visit.slot_id is None
    page = page_of(space.get(response.headers["Location"]))
    assert "Votre demande est transmise à l'équipe, qui vous proposera un créneau." in page
    listing = page_of(space.get("/espace/visites"))
    assert "Transmise à l'équipe" in listing


def test_a_refused_request_keeps_every_field(space, world, db):
    data = request_data(
        world["recent"],
        visit_type="reprise",
        reason="Retour après une grippe",
        return_date="02/03/2026",
        absence_cause="illness",
        absence_days="10",
        placement="choose",
    )
    response = space.post("/espace/visites/demande", data=data)
    assert response.status_code == 400
    page = page_of(response)
    assert "Une visite de reprise n&#39;est obligatoire qu&#39;après" in page
    assert 'value="02/03/2026"' in page and 'value="10"' in page
    assert "Retour après une grippe" in page
    assert '<option selected value="illness">' in page
    assert re.search(r'checked[^>]*value="choose"|value="choose"[^>]*checked', page)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Visit)) == 0


def test_a_reprise_needs_its_dates(space, world):
    response = space.post(
        "/espace/visites/demande", data=request_data(world["recent"], visit_type="reprise")
    )
    assert response.status_code == 400
    page = page_of(response)
    assert 'id="return_date-error"' in page and 'id="absence_cause-error"' in page
    assert 'id="absence_days-error"' in page


def test_a_required_reprise_is_placed_with_the_doctor_from_the_return_date(space, world, db):
    back = today_paris() + timedelta(days=3)
    data = request_data(
        world["recent"],
        visit_type="reprise",
        return_date=back.strftime("%d/%m/%Y"),
        absence_cause="work_accident",
        absence_days="45",
    )
    assert space.post("/espace/visites/demande", data=data).status_code == 302
    db.rollback()
    visit = db.scalar(select(Visit))
    assert visit.status == "booked" and visit.slot.staff_id == world["doctor"]
    assert visit.slot.starts_at.astimezone(PARIS).date() == back
    assert (visit.event_date, visit.absence_cause, visit.absence_days) == (
        back,
        "work_accident",
        45,
    )


# --- choosing, moving, cancelling ------------------------------------------------------------


def slot_ids(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'name="slot" value="(\d+)"', page)]


def test_choose_then_pick_a_slot_page_by_page(space, world, db):
    response = space.post(
        "/espace/visites/demande", data=request_data(world["recent"], placement="choose")
    )
    db.rollback()
    visit = db.scalar(select(Visit))
    assert response.headers["Location"].endswith(f"/espace/visites/{visit.id}/creneaux")
    assert visit.status == "requested" and visit.queued_at is None
    page = page_of(space.get(response.headers["Location"]))
    first_page = slot_ids(page)
    ordered = db.scalars(select(Slot.id).order_by(Slot.starts_at, Slot.id)).all()
    assert first_page == list(ordered[:10])
    assert "Dr Claire Plan" in page and "Sur place (centre fixe)" in page
    tomorrow = today_paris() + timedelta(days=1)
    assert format_date(tomorrow, "full", locale="fr") in page or public_holidays.is_public_holiday(
        tomorrow
    )
    more = re.search(r'href="([^"]*depuis=[^"]*)"', page).group(1).replace("&amp;", "&")
    second_page = slot_ids(page_of(space.get(more)))
    assert second_page[0] == ordered[10] and not set(first_page) & set(second_page)
    # a day picked in the calendar
    later = today_paris() + timedelta(days=5)
    picked = slot_ids(page_of(space.get(f"{response.headers['Location']}?depuis={later}")))
    starts = db.get(Slot, picked[0]).starts_at.astimezone(PARIS).date()
    assert starts >= later

    chosen = second_page[3]
    booked = space.post(response.headers["Location"], data={"slot": chosen})
    assert booked.status_code == 302
    assert booked.headers["Location"].endswith(f"/espace/visites/{visit.id}")
    db.rollback()
    assert db.get(Visit, visit.id).slot_id == chosen
    assert "Rendez-vous réservé." in page_of(space.get(booked.headers["Location"]))


def test_a_slot_just_taken_says_so_and_offers_the_next_ones(space, world, db):
    mine = make_visit(db, world)
    rival = make_visit(db, world, employee="late")
    db.commit()
    offered = slot_ids(page_of(space.get(f"/espace/visites/{mine}/creneaux")))
    taken = db.get(Slot, offered[0])
    booking.book(db, "test", db.get(Visit, rival), taken, utcnow())  # someone else was quicker
    db.commit()
    response = space.post(f"/espace/visites/{mine}/creneaux", data={"slot": offered[0]})
    assert response.status_code == 409
    page = page_of(response)
    assert "Ce créneau vient d&#39;être pris. Choisissez-en un autre." in page
    refreshed = slot_ids(page)
    assert offered[0] not in refreshed and refreshed[0] == offered[1]
    db.rollback()
    assert db.get(Visit, mine).status == "requested"
    # the next one is free: booked at once
    assert (
        space.post(f"/espace/visites/{mine}/creneaux", data={"slot": refreshed[0]}).status_code
        == 302
    )


def test_move_to_another_slot_keeps_the_same_visit(space, world, db):
    visit_id = make_visit(db, world)
    db.commit()
    first = book_first(db, visit_id)
    page = page_of(space.get(f"/espace/visites/{visit_id}/deplacer"))
    assert "Déplacer le rendez-vous" in page and "Rendez-vous actuel" in page
    offered = slot_ids(page)
    assert first.id not in offered and offered
    response = space.post(f"/espace/visites/{visit_id}/deplacer", data={"slot": offered[2]})
    assert response.status_code == 302
    assert "Rendez-vous déplacé." in page_of(space.get(response.headers["Location"]))
    db.rollback()
    visit = db.get(Visit, visit_id)
    assert (visit.status, visit.slot_id) == ("booked", offered[2])
    assert [event["what"] for event in visit.history][-1] == "moved"
    assert db.scalar(select(func.count()).select_from(Visit)) == 1
    # the old slot is free again
    assert first.id in slot_ids(page_of(space.get(f"/espace/visites/{visit_id}/deplacer")))


def place_options(page: str) -> list[str]:
    """The names in the move page's place list (after "Tous les lieux")."""
    select_ = re.search(r'<select id="lieu".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="\d+"[^>]*>([^<]*)<', select_)


def places_elsewhere(db, world):
    """Three more places: a teleconsultation room of the nurse, a centre where only the nurse
    works, a centre with no session at all."""
    nurse = db.get(StaffUser, world["nurse"])
    tele = make_centre(db, "Téléconsultation", "tele")
    north = make_centre(db, "Centre Nord", address="2 rue du Nord", city="Lille")
    make_centre(db, "Centre Fermé", address="3 rue Close", city="Lyon")
    day = today_paris() + timedelta(days=2)
    for hour in (17, 18):  # after her afternoons at the centre
        make_slot(db, nurse, tele, paris_time(day, hour))
        make_slot(db, nurse, north, paris_time(day + timedelta(days=1), hour))
    db.commit()


def test_moving_offers_only_the_places_the_visit_can_use(space, world, db):
    """Issue 15: the move page listed every place, so a place the visit cannot use gave
    "Aucun créneau compatible" for ever. A doctor's examination is offered the doctor's places;
    a visit a nurse may hold, the nurse's too, but a teleconsultation only with the worker's
    consent in force (R4624-41-1)."""
    places_elsewhere(db, world)
    exam = make_visit(db, world, visit_type="sir_embauche")
    vip = make_visit(db, world, employee="late")
    db.commit()
    book_first(db, exam)
    book_first(db, vip)
    assert place_options(page_of(space.get(f"/espace/visites/{exam}/deplacer"))) == [
        "Centre de Paris 11"
    ]
    vip_places = place_options(page_of(space.get(f"/espace/visites/{vip}/deplacer")))
    assert sorted(vip_places) == ["Centre Nord", "Centre de Paris 11"]
    consent_to_video(db, employee=db.get(Visit, vip).employee)
    db.commit()
    page = page_of(space.get(f"/espace/visites/{vip}/deplacer"))
    assert sorted(place_options(page)) == ["Centre Nord", "Centre de Paris 11", "Téléconsultation"]
    # every place offered has slots for the visit
    for centre_id in re.findall(r'<option value="(\d+)"', page):
        chosen = page_of(space.get(f"/espace/visites/{vip}/deplacer?lieu={centre_id}"))
        assert slot_ids(chosen), centre_id


def test_a_place_the_visit_cannot_use_is_not_searched(space, world, db):
    """A place typed in the address (an old link) that the visit cannot use: every place the
    visit can use is searched instead of none."""
    places_elsewhere(db, world)
    exam = make_visit(db, world, visit_type="sir_embauche")
    db.commit()
    book_first(db, exam)
    closed = db.scalar(select(Centre).where(Centre.name == "Centre Fermé"))
    page = page_of(space.get(f"/espace/visites/{exam}/deplacer?lieu={closed.id}"))
    assert slot_ids(page) and "Aucun créneau compatible" not in page


def test_cancel_asks_for_confirmation_then_frees_the_slot(space, world, db):
    visit_id = make_visit(db, world)
    db.commit()
    slot = book_first(db, visit_id)
    page = page_of(space.get(f"/espace/visites/{visit_id}/annuler"))
    assert "Confirmer l'annulation" in page and "Centre de Paris 11" in page
    db.rollback()
    assert db.get(Visit, visit_id).status == "booked"  # a GET changes nothing
    response = space.post(f"/espace/visites/{visit_id}/annuler", data={"reason": "Congés"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/espace/visites")
    db.rollback()
    visit = db.get(Visit, visit_id)
    assert visit.status == "cancelled" and visit.cancelled_by.startswith("member")
    listing = page_of(space.get("/espace/visites"))
    assert "Visite annulée." in listing and "Aucune visite demandée ou réservée." in listing
    assert "Annulée" in listing.split("Visites passées et résultats", 1)[1]
    # cancelled: neither movable nor cancellable again, and its slot may be booked by others
    again = space.post(f"/espace/visites/{visit_id}/annuler", data={})
    assert again.status_code == 302
    assert space.get(f"/espace/visites/{visit_id}/deplacer").status_code == 302
    db.rollback()
    next_one = make_visit(db, world, employee="late")
    db.commit()
    assert slot.id in slot_ids(page_of(space.get(f"/espace/visites/{next_one}/creneaux")))


def listed_on(page: str) -> list[str]:
    """The slot ids the page sends back with the pick (the journey's offer), in order."""
    return re.search(r'name="listed" value="([\d ]*)"', page).group(1).split()


def test_the_pick_is_one_of_the_slots_the_page_listed(space, world, db):
    visit_id = make_visit(db, world)
    db.commit()
    url = f"/espace/visites/{visit_id}/creneaux"
    page = page_of(space.get(url))
    listed = listed_on(page)
    assert [int(slot_id) for slot_id in listed] == slot_ids(page)
    later = slot_offers.compatible_slots(db, db.get(Visit, visit_id), now=utcnow(), limit=15)[-1]
    assert str(later.id) not in listed  # free and compatible, but on another page
    response = space.post(url, data={"slot": later.id, "listed": " ".join(listed)})
    assert response.status_code == 400
    assert "Choisissez un créneau dans la liste." in page_of(response)
    db.rollback()
    assert db.get(Visit, visit_id).status == "requested"
    response = space.post(url, data={"slot": listed[1], "listed": " ".join(listed)})
    assert response.status_code == 302
    db.rollback()
    assert db.get(Visit, visit_id).slot_id == int(listed[1])


def test_the_cancel_reason_is_a_question_of_the_cancel_journey(space, world, db):
    visit_id = make_visit(db, world)
    db.commit()
    book_first(db, visit_id)
    url = f"/espace/visites/{visit_id}/annuler"
    assert 'name="reason"' in page_of(space.get(url))
    response = space.post(url, data={"reason": "x" * 501})
    assert response.status_code == 400 and "500 caractères au plus." in page_of(response)
    db.rollback()
    assert db.get(Visit, visit_id).status == "booked"
    assert space.post(url, data={"reason": "  Congés  "}).status_code == 302
    db.rollback()
    visit = db.get(Visit, visit_id)
    assert visit.status == "cancelled" and visit.history[-1]["note"] == "Congés"


# --- the walls -------------------------------------------------------------------------------

ROUTES = [
    ("get", "/espace/visites/{id}"),
    ("get", "/espace/visites/{id}/creneaux"),
    ("post", "/espace/visites/{id}/creneaux"),
    ("get", "/espace/visites/{id}/deplacer"),
    ("post", "/espace/visites/{id}/deplacer"),
    ("get", "/espace/visites/{id}/annuler"),
    ("post", "/espace/visites/{id}/annuler"),
]


@pytest.mark.parametrize(("method", "route"), ROUTES)
@pytest.mark.parametrize("whose", ["another member's", "a confidential"])
def test_another_members_or_a_confidential_visit_is_not_found(
    space, world, db, method, route, whose
):
    if whose == "a confidential":
        visit_id = make_visit(
            db, world, visit_type="pre_reprise", requested_by="employee", confidential=True
        )
    else:
        visit_id = make_visit(db, world, member="other", employee="theirs")
    db.commit()
    slot = book_first(db, visit_id)
    free = db.scalar(select(Slot).where(Slot.id != slot.id).order_by(Slot.starts_at).limit(1))
    url = route.format(id=visit_id)
    response = getattr(space, method)(url, data={"slot": free.id, "reason": "x"})
    assert response.status_code == 404
    assert "Page introuvable" in page_of(response)
    db.rollback()
    visit = db.get(Visit, visit_id)
    assert (visit.status, visit.slot_id) == ("booked", slot.id)


def test_another_members_employee_is_not_found(space, world, db):
    assert space.get(f"/espace/visites/demande?salarie={world['theirs']}").status_code == 404
    response = space.post("/espace/visites/demande", data=request_data(world["theirs"]))
    assert response.status_code == 404
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Visit)) == 0


def test_confidential_visits_are_invisible_in_lists_and_counts(space, world, db):
    worker = workforce.get_employee(db, world["member"], world["recent"])
    worker.birth_date = date(today_paris().year - 45, 2, 3)  # mid-career visit due this year
    db.commit()
    before = to_plan_rows(page_of(space.get("/espace/visites")))
    assert sum("Visite de mi-carrière" in row for row in before) == 1
    secret = make_visit(
        db, world, visit_type="pre_reprise", requested_by="employee", confidential=True
    )
    hidden_booking = make_visit(
        db, world, visit_type="mi_carriere", requested_by="employee", confidential=True
    )
    db.commit()
    book_first(db, hidden_booking)
    page = page_of(space.get("/espace/visites"))
    assert "pré-reprise" not in page
    assert "Aucune visite demandée ou réservée." in page
    assert to_plan_rows(page) == before  # still to plan, as if nothing happened
    assert (
        f"/espace/visites/{secret}" not in page and f"/espace/visites/{hidden_booking}" not in page
    )


# --- CSRF and languages ----------------------------------------------------------------------


def test_every_visit_form_needs_a_csrf_token(tmp_path, database):
    app = make_app(tmp_path, database, WTF_CSRF_ENABLED=True)
    session = app.extensions["database"]["sessionmaker"]()
    try:
        client = app.test_client()
        world = {}
        member = make_member(session, account=EMPLOYER_EMAIL)
        service(session)
        employee = make_employee(session, member, last_name="Recent", hire_date=today_paris())
        session.commit()
        world.update(member=member.id, recent=employee.id)
        token = csrf_token(page_of(client.get("/espace/connexion")))
        client.post(
            "/espace/connexion",
            data={"email": EMPLOYER_EMAIL, "password": PASSWORD, "csrf_token": token},
        )
        data = request_data(employee.id, placement="choose")
        refused = client.post("/espace/visites/demande", data=data)
        assert refused.status_code == 400 and "Formulaire expiré" in page_of(refused)
        assert session.scalar(select(func.count()).select_from(Visit)) == 0
        token = csrf_token(page_of(client.get("/espace/visites/demande")))
        created = client.post("/espace/visites/demande", data={**data, "csrf_token": token})
        assert created.status_code == 302
        session.rollback()
        visit = session.scalar(select(Visit))
        slots_url = f"/espace/visites/{visit.id}/creneaux"
        page = page_of(client.get(slots_url))
        slot = slot_ids(page)[0]
        assert client.post(slots_url, data={"slot": slot}).status_code == 400
        token = csrf_token(page)
        assert client.post(slots_url, data={"slot": slot, "csrf_token": token}).status_code == 302
        cancel_url = f"/espace/visites/{visit.id}/annuler"
        assert client.post(cancel_url, data={}).status_code == 400
        session.rollback()
        assert session.get(Visit, visit.id).status == "booked"
        token = csrf_token(page_of(client.get(cancel_url)))
        assert client.post(cancel_url, data={"csrf_token": token}).status_code == 302
        session.rollback()
        assert session.get(Visit, visit.id).status == "cancelled"
    finally:
        session.close()
        with app.app_context():
            app.extensions["database"]["engine"].dispose()


def test_french_by_default_and_english_on_request(space, world):
    french = page_of(space.get("/espace/visites"))
    assert '<html lang="fr">' in french
    assert (
        "Visites à planifier" in french
        and "Visite d&#39;information et de prévention initiale" in french
    )
    english = page_of(space.get("/espace/visites?lang=en"))
    assert '<html lang="en">' in english
    assert "Initial information and prevention visit" in english
    assert "within 3 months of actually taking up the job" in english
    assert "Visits to plan" in english and "Overdue" in english
    for french_text in ("Visites à planifier", "En retard", "Planifier"):
        assert french_text not in english, french_text
    form = page_of(space.get("/espace/visites/demande"))
    assert "Return-to-work visit" in form and "Book the first free slot automatically" in form


def test_a_cancelled_visit_is_listed_apart_with_when_and_by_whom(space, world, db):
    """Issue 15: a cancelled visit was listed under "Visites passées et résultats"."""
    cancelled_at = utcnow() - timedelta(days=2)
    make_visit(
        db, world, status="cancelled", cancelled_at=cancelled_at, cancelled_by="employee:+33612"
    )
    make_visit(db, world, employee="late", status="cancelled", cancelled_by="staff:1")
    db.commit()
    page = page_of(space.get("/espace/visites"))
    past, cancelled = page.split("Visites passées et résultats", 1)[1].split("Visites annulées", 1)
    assert "Alex Recent" not in past and "Annulée" not in past
    day = fr_medium(cancelled_at.astimezone(PARIS).date())
    assert "Alex Recent" in cancelled
    assert f"Annulée le {day} par le salarié" in cancelled
    # cancelled before the date was kept: who, without a date
    assert "Annulée par le service de santé au travail" in cancelled
