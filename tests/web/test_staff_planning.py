"""Back-office planning: places, weekly sessions, absences and closures, slot generation, agenda."""

from __future__ import annotations

import html
import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from assistant.core.timeutil import PARIS, today_paris
from assistant.database import utcnow
from assistant.models import (
    Absence,
    AuditEntry,
    Centre,
    Role,
    Slot,
    Visit,
    WorkPattern,
)
from assistant.services.visits import booking, public_holidays
from tests.conftest import csrf_token, make_app
from tests.factories import (
    PASSWORD,
    Planning,
    make_centre,
    make_staff_user,
    paris_time,
    slot_at,
)
from tests.web.helpers import ask, fresh

PLANNERS = {Role.ADMIN, Role.SECRETARY}


# ---------------------------------------------------------------- helpers


def login(client, email):
    response = client.post("/staff/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302


def count_slots(db, **where) -> int:
    fresh(db)
    query = select(func.count()).select_from(Slot)
    for key, value in where.items():
        query = query.where(getattr(Slot, key) == value)
    return db.scalar(query)


# ---------------------------------------------------------------- who may do what


def _urls(today_plan: Planning) -> list[str]:
    return [
        "/staff/planning",
        "/staff/planning/lieux/nouveau",
        f"/staff/planning/lieux/{today_plan.centre.id}",
        f"/staff/planning/professionnels/{today_plan.doctor.id}/seances/nouvelle",
        f"/staff/planning/seances/{today_plan.pattern.id}",
        "/staff/planning/absences/nouvelle",
    ]


@pytest.mark.parametrize("role", list(Role))
def test_planning_pages_by_role(client, staff_login, today_plan, role):
    staff_login(role.value)
    for url in _urls(today_plan):
        expected = 200 if role in PLANNERS else 403
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("role", [r for r in Role if r not in PLANNERS])
def test_only_planners_change_the_planning(client, db, staff_login, today_plan, role):
    staff_login(role.value)
    posts = {
        "/staff/planning/generer": {"weeks": "4"},
        "/staff/planning/lieux/nouveau": {"name": "X", "kind": "tele", "active": "y"},
        f"/staff/planning/lieux/{today_plan.centre.id}": {"name": "X", "kind": "tele"},
        f"/staff/planning/professionnels/{today_plan.doctor.id}/seances/nouvelle": {},
        f"/staff/planning/seances/{today_plan.pattern.id}": {},
        f"/staff/planning/seances/{today_plan.pattern.id}/terminer": {"ends_on": "2030-01-01"},
        "/staff/planning/absences/nouvelle": {"whom": "centre", "centre_id": today_plan.centre.id},
    }
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 403, url
    fresh(db)
    assert (
        db.scalar(select(Centre.name).where(Centre.id == today_plan.centre.id))
        == "Centre de Paris 11"
    )
    assert db.scalar(select(func.count()).select_from(Absence)) == 0


@pytest.mark.parametrize("role", list(Role))
def test_agenda_by_role(client, staff_login, today_plan, role):
    staff_login(role.value)
    expected = 200 if role in PLANNERS | {Role.DOCTOR, Role.NURSE} else 403
    assert client.get("/staff/planning/agenda").status_code == expected
    # a doctor or a nurse reads their own agenda only
    other = client.get(f"/staff/planning/agenda?staff={today_plan.doctor.id}").status_code
    assert other == (200 if role in PLANNERS else 403)


def test_a_doctor_reads_their_own_agenda(client, today_plan):
    login(client, today_plan.doctor.email)
    page = client.get(f"/staff/planning/agenda?staff={today_plan.doctor.id}")
    assert page.status_code == 200
    assert "Dr Claire Plan" in page.get_data(as_text=True)
    assert "Mon agenda" in page.get_data(as_text=True)
    assert client.get(f"/staff/planning/agenda?staff={today_plan.nurse.id}").status_code == 403


def test_forms_need_a_csrf_token(tmp_path, database):
    app = make_app(tmp_path, database, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    from assistant.extensions import db

    with app.app_context():
        make_staff_user(db.session, "secretary", "sec@test.fr")
        db.session.commit()
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    client.post(
        "/staff/login", data={"email": "sec@test.fr", "password": PASSWORD, "csrf_token": token}
    )
    refused = client.post("/staff/planning/lieux/nouveau", data={"name": "X", "kind": "tele"})
    assert refused.status_code == 400
    for url in ("/staff/planning", "/staff/planning/lieux/nouveau"):
        assert 'name="csrf_token"' in client.get(url).get_data(as_text=True)
    page = client.get("/staff/planning/lieux/nouveau").get_data(as_text=True)
    accepted = client.post(
        "/staff/planning/lieux/nouveau",
        data={"name": "Visio", "kind": "tele", "active": "y", "csrf_token": csrf_token(page)},
    )
    assert accepted.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Centre.name)) == "Visio"
        db.engine.dispose()


# ---------------------------------------------------------------- places


def test_a_secretary_creates_and_closes_a_place(client, db, staff_login):
    staff_login("secretary")
    refused = client.post("/staff/planning/lieux/nouveau", data={"name": "", "kind": "fixed"})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "Indiquez le nom du lieu." in text
    assert "Indiquez l'adresse d'un centre fixe." in text

    response = client.post(
        "/staff/planning/lieux/nouveau",
        data={
            "name": "Centre de Lyon",
            "kind": "fixed",
            "address": "3 place Bellecour",
            "postcode": "69002",
            "city": "Lyon",
            "active": "y",
        },
        follow_redirects=True,
    )
    assert "Lieu « Centre de Lyon » créé." in response.get_data(as_text=True)
    fresh(db)
    centre = db.scalar(select(Centre))
    assert (centre.kind, centre.city, centre.active) == ("fixed", "Lyon", True)

    # unticking "active" closes it
    client.post(
        f"/staff/planning/lieux/{centre.id}",
        data={"name": "Centre de Lyon", "kind": "fixed", "address": "3 place Bellecour"},
    )
    fresh(db)
    assert db.get(Centre, centre.id).active is False
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.record_type == "centre").order_by(AuditEntry.id)
    ).all()
    assert actions == ["create", "update"]


def test_closing_a_place_withdraws_its_future_slots(
    client, db, staff_login, today_plan, employer, employee
):
    visit = ask(db, employer, employee, queued=False)
    day = today_paris() + timedelta(days=3)
    booking.book(db, "test", visit, slot_at(db, today_plan.doctor, day), utcnow())
    db.commit()
    assert count_slots(db, centre_id=today_plan.centre.id) == 14 * 6

    staff_login("admin")
    response = client.post(
        f"/staff/planning/lieux/{today_plan.centre.id}",
        data={"name": today_plan.centre.name, "kind": "fixed", "address": "1 rue Oberkampf"},
        follow_redirects=True,
    )
    assert "1 rendez-vous à venir dans ce lieu sont à déplacer" in response.get_data(as_text=True)
    # free slots gone, the booked one kept but blocked: it is listed to be moved
    assert count_slots(db, centre_id=today_plan.centre.id) == 1
    assert db.get(Slot, visit.slot_id).blocked is True
    queue = client.get("/staff/file-attente").get_data(as_text=True)
    assert "Alex Durand" in queue and "à déplacer" in queue
    # a closed place gives no more slots
    client.post("/staff/planning/generer", data={"weeks": "2"})
    assert count_slots(db, centre_id=today_plan.centre.id) == 1


# ---------------------------------------------------------------- weekly sessions


def _session(today_plan: Planning, **values) -> dict:
    data = {
        "centre_id": str(today_plan.centre.id),
        "weekday": "2",
        "starts": "14:00",
        "ends": "17:00",
        "slot_minutes": "30",
        "valid_from": today_paris().isoformat(),
        "valid_until": "",
    }
    data.update(values)
    return data


def test_session_form_errors_are_french_and_nothing_is_saved(client, db, staff_login, today_plan):
    staff_login("secretary")
    url = f"/staff/planning/professionnels/{today_plan.doctor.id}/seances/nouvelle"
    cases = {
        "L'heure de fin doit être après l'heure de début.": {"ends": "13:00"},
        "La durée d'un créneau doit être comprise entre 10 et 240 minutes.": {"slot_minutes": "5"},
        "Indiquez la durée d'un créneau en minutes.": {"slot_minutes": ""},
        "Indiquez l'heure de début, par exemple 09:00.": {"starts": ""},
        "La séance est plus courte qu'un créneau.": {"ends": "14:20"},
        "La fin de validité doit être le même jour que le début ou après.": {
            "valid_until": (today_paris() - timedelta(days=1)).isoformat()
        },
        # the doctor already works on Wednesdays 09:00–12:00
        "Ce professionnel a déjà une séance ce jour-là de 09:00 à 12:00": {
            "starts": "11:00",
            "ends": "13:00",
        },
    }
    for message, values in cases.items():
        response = client.post(url, data=_session(today_plan, **values))
        assert response.status_code == 400, message
        text = html.unescape(response.get_data(as_text=True))
        assert message in text, message
        assert 'aria-invalid="true"' in text

    today_plan.tele.active = False
    db.commit()
    response = client.post(url, data=_session(today_plan, centre_id=str(today_plan.tele.id)))
    assert "Ce lieu est inactif" in response.get_data(as_text=True)
    fresh(db)
    assert db.scalar(select(func.count()).select_from(WorkPattern)) == 14


def test_an_ended_session_does_not_overlap_a_new_one(client, db, staff_login, today_plan):
    staff_login("secretary")
    today = today_paris()
    today_plan.pattern.valid_until = today + timedelta(days=7)  # Mondays 09:00–12:00, ending
    db.commit()
    url = f"/staff/planning/professionnels/{today_plan.doctor.id}/seances/nouvelle"
    later = _session(today_plan, weekday="0", starts="10:00", ends="12:00")
    later["valid_from"] = (today + timedelta(days=8)).isoformat()
    assert client.post(url, data=later).status_code == 302


def test_a_session_then_generation_gives_its_slots(client, db, staff_login):
    today = today_paris()
    centre = make_centre(db, "Centre de Lyon", address="3 place Bellecour")
    doctor = make_staff_user(db, "doctor", "dr.lyon@test.fr", "Dr Lyon")
    db.commit()
    staff_login("secretary")
    response = client.post(
        f"/staff/planning/professionnels/{doctor.id}/seances/nouvelle",
        data={
            "centre_id": str(centre.id),
            "weekday": "3",
            "starts": "09:00",
            "ends": "11:00",
            "slot_minutes": "20",
            "valid_from": today.isoformat(),
        },
        follow_redirects=True,
    )
    assert "Séance enregistrée." in response.get_data(as_text=True)
    fresh(db)
    pattern = db.scalar(select(WorkPattern))
    assert (pattern.weekday, pattern.slot_minutes, pattern.valid_until) == (3, 20, None)

    response = client.post("/staff/planning/generer", data={"weeks": "4"}, follow_redirects=True)
    thursdays = [
        today + timedelta(days=n)
        for n in range(28)
        if (today + timedelta(days=n)).weekday() == 3
        and not public_holidays.is_public_holiday(today + timedelta(days=n))
    ]
    expected = 6 * len(thursdays)
    assert f"{expected} créneaux créés jusqu" in response.get_data(as_text=True)
    assert count_slots(db, staff_id=doctor.id) == expected
    assert (
        db.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "generate")
        )
        == 1
    )

    again = client.post("/staff/planning/generer", data={"weeks": "4"}, follow_redirects=True)
    assert "0 créneaux créés" in again.get_data(as_text=True)
    assert count_slots(db, staff_id=doctor.id) == expected

    bad = client.post("/staff/planning/generer", data={"weeks": "60"})
    assert bad.status_code == 400
    assert "Indiquez un nombre de semaines entre 1 et 26." in bad.get_data(as_text=True)


def _next_holiday_week(today: date) -> tuple[date, list[date]]:
    """The Monday of the next week (starting after today) with a public holiday on a weekday."""
    monday = today + timedelta(days=7 - today.weekday())
    while True:
        days = [monday + timedelta(days=n) for n in range(5)]
        found = [day for day in days if public_holidays.is_public_holiday(day)]
        if found:
            return monday, found
        monday += timedelta(days=7)


def test_a_week_with_a_public_holiday_and_an_absence_gives_fewer_slots(client, db, staff_login):
    assert public_holidays.is_public_holiday(date(2026, 12, 25))
    assert public_holidays.is_public_holiday(date(2027, 5, 1))
    today = today_paris()
    monday, holidays_ = _next_holiday_week(today)
    weeks = (monday - today).days // 7 + 3
    assert weeks <= 26, "a public holiday on a weekday comes within half a year"
    centre = make_centre(db, "Centre", address="1 rue")
    doctor = make_staff_user(db, "doctor", "dr.h@test.fr", "Dr H")
    for weekday in range(5):  # Monday to Friday 09:00–10:00: 2 slots a day, that week only
        db.add(
            WorkPattern(
                staff_id=doctor.id,
                centre_id=centre.id,
                weekday=weekday,
                starts=time(9),
                ends=time(10),
                slot_minutes=30,
                valid_from=monday,
                valid_until=monday + timedelta(days=13),
            )
        )
    db.commit()
    working = [
        monday + timedelta(days=n)
        for n in range(14)
        if n % 7 < 5 and not public_holidays.is_public_holiday(monday + timedelta(days=n))
    ]
    # an absence on a working day of the second week
    absent = next(day for day in working if day >= monday + timedelta(days=7))
    staff_login("secretary")
    client.post(
        "/staff/planning/absences/nouvelle",
        data={
            "whom": "staff",
            "staff_id": str(doctor.id),
            "starts_on": absent.isoformat(),
            "ends_on": absent.isoformat(),
            "reason": "Formation",
        },
    )
    response = client.post(
        "/staff/planning/generer", data={"weeks": str(weeks)}, follow_redirects=True
    )
    expected = 2 * (len(working) - 1)
    assert expected < 2 * 10  # fewer than two full weeks
    assert f"{expected} créneaux créés" in response.get_data(as_text=True)
    fresh(db)
    days = {s.astimezone(PARIS).date() for s in db.scalars(select(Slot.starts_at)).all()}
    assert not days & set(holidays_)
    assert absent not in days
    again = client.post(
        "/staff/planning/generer", data={"weeks": str(weeks)}, follow_redirects=True
    )
    assert "0 créneaux créés" in again.get_data(as_text=True)


def test_editing_a_session_keeps_the_slots_that_still_fit(
    client, db, staff_login, today_plan, employer, employee
):
    visit = ask(db, employer, employee, queued=False)
    monday = next(
        today_paris() + timedelta(days=n)
        for n in range(1, 8)
        if (today_paris() + timedelta(days=n)).weekday() == 0
    )
    kept = slot_at(db, today_plan.doctor, monday, 9)
    booked = slot_at(db, today_plan.doctor, monday, 11)
    if kept is None or booked is None:
        pytest.skip("that Monday is a public holiday")
    booking.book(db, "test", visit, booked, utcnow())
    db.commit()

    staff_login("secretary")
    page = client.get(f"/staff/planning/seances/{today_plan.pattern.id}").get_data(as_text=True)
    assert 'value="09:00"' in page and "Terminer la séance" in page
    response = client.post(
        f"/staff/planning/seances/{today_plan.pattern.id}",
        data=_session(today_plan, weekday="0", starts="09:00", ends="11:00"),
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "1 rendez-vous ne tiennent plus dans cette séance" in text
    fresh(db)
    assert db.get(Slot, kept.id) is not None  # untouched: same slot, same id
    assert db.get(Slot, booked.id).blocked is True  # held: blocked, to be moved
    later_mondays = [
        slot
        for slot in db.scalars(select(Slot).where(Slot.staff_id == today_plan.doctor.id))
        if slot.starts_at.astimezone(PARIS).weekday() == 0
        and slot.starts_at.astimezone(PARIS).date() > today_paris()
    ]
    # the free 11:00 and 11:30 slots of the Mondays are gone; the booked one stays, blocked
    late = [s for s in later_mondays if s.starts_at.astimezone(PARIS).hour >= 11]
    assert [s.id for s in late] == [booked.id]
    assert len(later_mondays) == 4 * len({s.starts_at.date() for s in later_mondays}) + 1
    assert client.get("/staff/file-attente").get_data(as_text=True).count("à déplacer") >= 1


def test_ending_a_session_withdraws_its_later_slots(client, db, staff_login, today_plan):
    staff_login("admin")
    today = today_paris()
    bad = client.post(
        f"/staff/planning/seances/{today_plan.pattern.id}/terminer",
        data={"ends_on": (today - timedelta(days=30)).isoformat()},
    )
    assert bad.status_code == 400
    assert "Le dernier jour ne peut pas précéder le début de validité" in bad.get_data(as_text=True)
    response = client.post(
        f"/staff/planning/seances/{today_plan.pattern.id}/terminer",
        data={"ends_on": today.isoformat()},
        follow_redirects=True,
    )
    assert "Séance terminée le" in response.get_data(as_text=True)
    fresh(db)
    mondays = [
        s
        for s in db.scalars(
            select(Slot.starts_at).where(Slot.staff_id == today_plan.doctor.id)
        ).all()
        if s.astimezone(PARIS).weekday() == 0 and s.astimezone(PARIS).date() > today
    ]
    assert mondays == []
    assert db.get(WorkPattern, today_plan.pattern.id).valid_until == today
    assert (
        db.scalar(select(AuditEntry.action).where(AuditEntry.record_type == "work_pattern"))
        == "end"
    )


# ---------------------------------------------------------------- absences and closures


def test_an_absence_blocks_free_slots_and_lists_the_booked_visits(
    client, db, staff_login, today_plan, employer, employee
):
    visit = ask(db, employer, employee, queued=False)
    day = today_paris() + timedelta(days=4)
    slot = slot_at(db, today_plan.doctor, day, 10)
    if slot is None:
        day += timedelta(days=1)
        slot = slot_at(db, today_plan.doctor, day, 10)
    booking.book(db, "test", visit, slot, utcnow())
    db.commit()

    staff_login("secretary")
    form = client.get(f"/staff/planning/absences/nouvelle?staff={today_plan.doctor.id}")
    assert f'<option selected value="{today_plan.doctor.id}">' in form.get_data(as_text=True)
    wrong = client.post(
        "/staff/planning/absences/nouvelle",
        data={"whom": "staff", "starts_on": day.isoformat(), "ends_on": "2000-01-01"},
    )
    assert wrong.status_code == 400
    text = wrong.get_data(as_text=True)
    assert "Choisissez le professionnel absent." in text
    assert "Le dernier jour doit être le même que le premier ou après." in text

    response = client.post(
        "/staff/planning/absences/nouvelle",
        data={
            "whom": "staff",
            "staff_id": str(today_plan.doctor.id),
            "starts_on": day.isoformat(),
            "ends_on": day.isoformat(),
            "reason": "Congrès",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Absence de Dr Claire Plan" in page
    assert "Alex Durand" in page
    assert f'href="/staff/file-attente/{visit.id}"' in page

    fresh(db)
    that_day = db.scalars(
        select(Slot).where(
            Slot.staff_id == today_plan.doctor.id,
            Slot.starts_at >= paris_time(day, 0),
            Slot.starts_at < paris_time(day + timedelta(days=1), 0),
        )
    ).all()
    assert len(that_day) == 6 and all(s.blocked for s in that_day)
    assert db.get(Visit, visit.id).status == "booked"  # staff decide where it goes
    assert db.scalar(select(Absence.reason)) == "Congrès"
    assert db.scalar(
        select(AuditEntry.actor).where(AuditEntry.record_type == "absence")
    ).startswith("staff:")
    # the nurse keeps her slots; the overview lists the absence
    assert not any(
        s.blocked for s in db.scalars(select(Slot).where(Slot.staff_id == today_plan.nurse.id))
    )
    assert "Congrès" in client.get("/staff/planning").get_data(as_text=True)


def test_a_closure_blocks_every_slot_of_the_place(client, db, staff_login, today_plan):
    staff_login("admin")
    day = today_paris() + timedelta(days=2)
    response = client.post(
        "/staff/planning/absences/nouvelle",
        data={
            "whom": "centre",
            "centre_id": str(today_plan.tele.id),
            "starts_on": day.isoformat(),
            "ends_on": (day + timedelta(days=1)).isoformat(),
        },
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "Fermeture : Téléconsultation" in text
    assert "Aucun rendez-vous pris pendant cette période." in text
    fresh(db)
    blocked = db.scalars(select(Slot).where(Slot.blocked.is_(True))).all()
    assert blocked and {s.centre_id for s in blocked} == {today_plan.tele.id}
    assert {s.starts_at.astimezone(PARIS).date() for s in blocked} <= {
        day,
        day + timedelta(days=1),
    }


# ---------------------------------------------------------------- overview and agenda


def test_the_overview_shows_places_sessions_and_public_holidays(client, staff_login, today_plan):
    staff_login("secretary")
    page = client.get("/staff/planning").get_data(as_text=True)
    assert "Centre de Paris 11" in page and "Dr Claire Plan" in page and "Hugo Plan" in page
    assert "09:00–12:00" in page
    assert "Prochains jours fériés" in page
    next_holiday = next(
        today_paris() + timedelta(days=n)
        for n in range(400)
        if public_holidays.is_public_holiday(today_paris() + timedelta(days=n))
    )
    assert str(next_holiday.year) in page
    assert 'name="weeks"' in page and 'value="4"' in page


def test_the_agenda_shows_free_booked_and_blocked_slots(
    client, db, staff_login, today_plan, employer, employee
):
    visit = ask(db, employer, employee, queued=False)
    day = today_paris() + timedelta(days=7)
    slots = [slot_at(db, today_plan.doctor, day, hour) for hour in (9, 10)]
    if None in slots:
        pytest.skip("a public holiday that day")
    booking.book(db, "test", visit, slots[0], utcnow())
    slots[1].blocked = True
    db.commit()
    week = f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}"

    staff_login("secretary")
    page = client.get(f"/staff/planning/agenda?staff={today_plan.doctor.id}&week={week}")
    text = html.unescape(page.get_data(as_text=True))
    assert "Visite d'information et de prévention périodique — Alex Durand" in text
    assert "Bloqué (absence ou fermeture)" in text
    assert "Libre" in text
    assert re.search(r"09:00–09:30", text)
    assert f'value="{week}"' in text
    fresh(db)
    assert db.scalar(select(AuditEntry.detail).where(AuditEntry.record_type == "agenda")) == week

    # a nonsense week falls back to the current one
    assert (
        client.get(f"/staff/planning/agenda?staff={today_plan.doctor.id}&week=2026-W99").status_code
        == 200
    )
    assert client.get("/staff/planning/agenda?staff=999999").status_code == 404


def test_planning_pages_in_english(client, staff_login, today_plan):
    staff_login("secretary")
    page = client.get("/staff/planning?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Generate the slots" in page
    assert "Consultation locations" in page
    assert "Générer les créneaux" not in page
    agenda = client.get(f"/staff/planning/agenda?staff={today_plan.doctor.id}").get_data(
        as_text=True
    )
    assert "Free" in agenda
    form = client.post(
        f"/staff/planning/professionnels/{today_plan.doctor.id}/seances/nouvelle",
        data=_session(today_plan, ends="13:00"),
    ).get_data(as_text=True)
    assert "The end time must be after the start time." in form
