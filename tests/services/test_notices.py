"""Convocations, moves, cancellations and reminders: what goes to the outbox, to whom, and an
.ics that calendar clients read back; reminders never sent twice, even by concurrent workers."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import icalendar
import pytest
from sqlalchemy import func, select

from assistant.core import settings as service_settings
from assistant.core.segments import MAX_SEGMENTS, segments
from assistant.core.timeutil import PARIS
from assistant.models import OutboxMessage, PhoneProfile, Slot, Visit
from assistant.services.messaging.outbox import SmtpTransport
from assistant.services.visits import (
    booking,
    notices,
    slot_offers,
    visit_requests,
    visit_type_table,
    wall_clock,
)
from tests.conftest import make_app
from tests.factories import (
    CONTACT_MOBILE,
    EMPLOYER_EMAIL,
    NOW,
    OTHER_SIRET,
    consent_to_video,
    make_centre,
    make_employee,
    make_member,
    prove_mobile,
)
from tests.fakes import FakeSmtp


def ask(db, member, employee, code="vip_periodique", by="employer", now=NOW, **values):
    request = visit_requests.Request(visit_type=code, requested_by=by, **values)
    return visit_requests.request_visit(
        db, "test", member=member, employee=employee, request=request, now=now
    )


def outbox(db, channel=None, to=None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if channel:
        query = query.where(OutboxMessage.channel == channel)
    if to:
        query = query.where(OutboxMessage.recipient == to)
    return list(db.scalars(query))


def event_of(message: OutboxMessage):
    (attachment,) = message.attachments
    assert attachment["filename"].endswith(".ics")
    assert attachment["content_type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(attachment["text"])
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def free_slot(db, plan, visit, staff=None, modality="on_site") -> Slot:
    slots = slot_offers.compatible_slots(db, visit, now=NOW, limit=20, exclude_slot=visit.slot_id)
    for slot in slots:
        if slot.modality == modality and (staff is None or slot.staff_id == staff.id):
            return slot
    raise AssertionError("no such slot")


# ------------------------------------------------------------------ convocation


def test_booking_sends_an_sms_to_the_worker_and_an_email_with_ics_to_the_employer(
    db, plan, employer, employee
):
    visit = ask(db, employer, employee)
    assert visit.status == "booked"
    (sms,) = outbox(db, "sms")
    (mail,) = outbox(db, "email")
    assert sms.recipient == CONTACT_MOBILE and sms.essential
    assert segments(sms.body) <= MAX_SEGMENTS
    local = visit.slot.starts_at.astimezone(PARIS)
    assert f"{local.hour}h{local.minute:02d}" in sms.body and "DEPLACER ou ANNULER" in sms.body
    assert "Centre de Paris 11" in sms.body

    assert mail.recipient == EMPLOYER_EMAIL
    kind = visit_type_table.get("vip_periodique")
    assert kind.label("fr") in mail.subject
    assert (
        kind.objectives("fr", "employer") in mail.body
        and kind.conduct("fr", "employer") in mail.body
    )
    assert "Alex Durand" in mail.body and "Centre de Paris 11" in mail.body
    assert "/espace/visites" in mail.body and "DEPLACER" in mail.body

    calendar, event = event_of(mail)
    assert str(calendar["method"]) == "REQUEST"
    assert event.decoded("dtstart") == visit.slot.starts_at
    assert event.decoded("dtstart").utcoffset() == timedelta(0)
    assert event.decoded("dtend") == visit.slot.ends_at
    assert event["sequence"] == 0
    assert str(event["uid"]) == notices.uid(visit)
    assert "Centre de Paris 11" in str(event["location"])
    assert kind.label("fr") in str(event["summary"])
    assert visit.convocation_sent_at == visit.booked_at == NOW


def test_a_move_updates_the_same_event_and_a_cancellation_removes_it(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    _calendar, first = event_of(outbox(db, "email")[-1])
    booking.book(db, "test", visit, free_slot(db, plan, visit), NOW + timedelta(hours=1))

    moved_mail = outbox(db, "email")[-1]
    calendar, moved = event_of(moved_mail)
    assert str(calendar["method"]) == "REQUEST"
    assert str(moved["uid"]) == str(first["uid"])
    assert moved["sequence"] > first["sequence"]
    assert moved.decoded("dtstart") == visit.slot.starts_at != first.decoded("dtstart")
    assert "déplacée" in moved_mail.subject.lower()
    assert "nouvelle date" in outbox(db, "sms")[-1].body

    booking.cancel(db, "test", visit, NOW + timedelta(hours=2))
    cancel_mail = outbox(db, "email")[-1]
    calendar, cancelled = event_of(cancel_mail)
    assert str(calendar["method"]) == "CANCEL"
    assert str(cancelled["status"]) == "CANCELLED"
    assert str(cancelled["uid"]) == str(first["uid"])
    assert cancelled["sequence"] > moved["sequence"]
    assert "annulation" in outbox(db, "sms")[-1].body
    assert len(outbox(db, "sms")) == 3 and len(outbox(db, "email")) == 3


def test_a_confidential_visit_never_reaches_the_employer(db, plan, employer, employee):
    prove_mobile(db, employee)
    stoppage = (NOW - timedelta(days=45)).date()
    visit = ask(db, employer, employee, code="pre_reprise", by="employee", event_date=stoppage)
    assert visit.confidential and visit.status == "booked"
    assert outbox(db, "email") == []
    (sms,) = outbox(db, "sms")
    assert sms.recipient == CONTACT_MOBILE
    booking.cancel(db, "test", visit, NOW + timedelta(hours=1))
    assert outbox(db, "email") == []
    assert len(outbox(db, "sms")) == 2


def test_confidential_messages_go_to_a_proven_mobile_only(db, plan, employer, employee):
    """The employer typed the number: a pré-reprise's convocation never goes there, an
    employer-requested visit's may (the employer knows it anyway)."""
    stoppage = (NOW - timedelta(days=45)).date()
    visit = ask(db, employer, employee, code="pre_reprise", by="employee", event_date=stoppage)
    assert visit.status == "booked" and outbox(db, "sms") == []
    booking.cancel(db, "test", visit, NOW + timedelta(hours=1))
    assert outbox(db, "sms") == []
    ask(db, employer, employee)
    (sms,) = outbox(db, "sms")
    assert sms.recipient == CONTACT_MOBILE
    # proven: a number of the worker's own, whatever the employer types afterwards
    prove_mobile(db, employee, "+33700000001")
    employee.phone = "+33611111111"
    visit = ask(db, employer, employee, code="pre_reprise", by="employee", event_date=stoppage)
    assert [m.recipient for m in outbox(db, "sms")][-1] == "+33700000001"


def test_the_employer_never_gets_the_room_of_a_visit_the_employee_asked_for(
    db, plan, employer, employee
):
    prove_mobile(db, employee)
    consent_to_video(db, employee)  # R4624-41-1: by video only with the worker's consent
    plan.nurse.advanced_practice = True  # L4624-2-2: the mid-career visit, with an IPA nurse
    visit = ask(db, employer, employee, code="mi_carriere", by="employee", modality="tele")
    assert visit.status == "booked" and not visit.confidential
    (mail,) = [m for m in outbox(db, "email") if m.attachments]
    assert visit.room_token not in mail.body and "/teleconsultation/" not in mail.body
    assert visit.room_token not in mail.attachments[0]["text"]
    (sms,) = outbox(db, "sms")
    assert visit.room_token in sms.body  # the worker has it


def test_an_independent_gets_the_sms_and_the_email(db, plan):
    member = make_member(db, OTHER_SIRET, kind="independent")
    member.phone, member.email = "+33698765432", "moi@independant.example"
    visit = ask(db, member, None, by="independent")
    (sms,) = outbox(db, "sms")
    (mail,) = outbox(db, "email")
    assert sms.recipient == "+33698765432" and mail.recipient == "moi@independant.example"
    assert "Salarié" not in mail.body and "votre convocation" in mail.body
    assert visit.convocation_sent_at is not None


def test_teleconsultation_gives_the_link_instead_of_a_place(db, plan, employer, employee):
    # by video: the professional's initiative, with the worker's consent (R4624-41-1)
    consent_to_video(db, employee)
    visit = ask(db, employer, employee, by="staff", modality="tele")
    assert visit.slot.modality == "tele"
    link = f"{service_settings.of(db).public_base_url}/teleconsultation/{visit.room_token}"
    assert len(visit.room_token) >= 16 and str(visit.id) != visit.room_token
    (sms,) = outbox(db, "sms")
    (mail,) = outbox(db, "email")
    assert link in sms.body and link in mail.body
    _calendar, event = event_of(mail)
    assert str(event["location"]) == link


def test_teleconsultation_url_from_the_configuration(db, plan, employer, employee):
    db.info[service_settings.KEY] = service_settings.Settings.from_config(
        {"PUBLIC_BASE_URL": "https://sante.example", "TELECONSULTATION_URL": ""}
    )
    assert service_settings.of(db).visits_url == "https://sante.example/espace/visites"
    db.info[service_settings.KEY] = service_settings.Settings.from_config(
        {"TELECONSULTATION_URL": "https://visio.example/salle/"}
    )
    consent_to_video(db, employee)
    visit = ask(db, employer, employee, by="staff", modality="tele")
    assert f"https://visio.example/salle/{visit.room_token}" in outbox(db, "sms")[0].body


def test_each_app_gives_its_own_settings_to_its_sessions(tmp_path, database):
    """No module keeps the settings: two apps of one process do not share them."""
    first = make_app(tmp_path / "a", database, create_schema=False, SERVICE_NAME="Service A")
    second = make_app(tmp_path / "b", database, create_schema=False, SERVICE_NAME="Service B")
    for app, name in ((first, "Service A"), (second, "Service B")):
        with app.app_context():
            session = app.extensions["database"]["sessionmaker"]()
            assert service_settings.of(session).service_name == name
            session.close()


def test_languages_follow_the_phone_and_the_member(db, plan, employer, employee):
    employer.locale = "en"
    db.add(PhoneProfile(phone=CONTACT_MOBILE, locale="en"))
    db.flush()
    visit = ask(db, employer, employee)
    english = visit_type_table.get("vip_periodique").label("en")
    (sms,) = outbox(db, "sms")
    (mail,) = outbox(db, "email")
    assert english in sms.body and english in mail.subject
    day = visit.slot.starts_at.astimezone(PARIS)
    assert day.strftime("%a") in sms.body  # "Mon", English day names
    assert visit_type_table.get("vip_periodique").objectives("en", "employer") in mail.body


def test_without_a_phone_or_email_nothing_is_queued(db, plan):
    member = make_member(db, OTHER_SIRET)
    worker = make_employee(db, member)
    visit = ask(db, member, worker)
    assert visit.status == "booked" and outbox(db) == []


# ------------------------------------------------------------------ SMS length


LONG_CENTRE = dict(
    name="Centre de santé au travail interentreprises de la Vallée de la Marne – antenne Est",
    address="Zone d'activités économiques du Moulin de la Rochefoucauld, bâtiment C",
    postcode="77100",
    city="Saint-Rémy-lès-Chevreuse-sur-Marne",
)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_every_visit_notice_fits_in_three_segments(db, plan, employer, employee, locale):
    centre = make_centre(db, **LONG_CENTRE)
    visit = ask(db, employer, employee)
    visit.slot.centre = centre
    local = visit.slot.starts_at.astimezone(PARIS)
    hour = f"{local.hour}{'h' if locale == 'fr' else ':'}{local.minute:02d}"  # 9h00 / 9:00
    for code in visit_type_table.visit_types():
        visit.visit_type = code
        for modality in ("on_site", "tele"):
            visit.slot.modality = modality
            for template, values in (
                ("visit_notice_convocation", {"moved": False}),
                ("visit_notice_convocation", {"moved": True}),
                ("visit_notice_cancelled", {}),
                ("visit_notice_reminder", {}),
            ):
                text = notices.sms_text(template, visit, locale, **values)
                assert segments(text) <= MAX_SEGMENTS, (code, template, len(text), text)
                assert "{{" not in text and "%(" not in text
                assert hour in text and ("RDV" in text or "DEPLACER" in text)
                if modality == "tele" and template != "visit_notice_cancelled":
                    assert f"/teleconsultation/{visit.room_token}" in text
    db.rollback()


def test_the_full_address_is_kept_when_it_fits(db, plan, employer, employee):
    plan.centre.address, plan.centre.postcode = "12 rue de la Roquette", "75011"
    ask(db, employer, employee)
    assert "12 rue de la Roquette, 75011 Paris" in outbox(db, "sms")[0].body


# ------------------------------------------------------------------ SMTP


def test_smtp_sends_the_ics_as_a_calendar_attachment(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    (mail,) = outbox(db, "email")
    with FakeSmtp() as smtp:
        SmtpTransport("127.0.0.1", smtp.port, "convocations@spsti.example").send(mail)
    (received,) = smtp.messages
    assert received["Subject"] == mail.subject
    assert (
        visit_type_table.get("vip_periodique").objectives("fr", "employer")
        in received.get_body().get_content()
    )
    (attachment,) = list(received.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "visite.ics"
    (event,) = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert event.decoded("dtstart") == visit.slot.starts_at


# ------------------------------------------------------------------ reminders


def starts(visit) -> datetime:
    return visit.slot.starts_at


def test_one_reminder_when_its_time_comes(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    due = wall_clock.reminder_at(starts(visit), 2)
    assert notices.send_reminders(db, due - timedelta(minutes=1)) == 0
    assert notices.send_reminders(db, due) == 1
    assert notices.send_reminders(db, due + timedelta(hours=1)) == 0
    reminder = outbox(db, "sms")[-1]
    assert reminder.recipient == CONTACT_MOBILE and not reminder.essential
    assert reminder.body.startswith("Rappel") and segments(reminder.body) <= MAX_SEGMENTS
    db.refresh(visit)
    assert visit.reminder_queued_at == due


def test_days_before_is_a_parameter(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    due = wall_clock.reminder_at(starts(visit), 1)
    assert notices.send_reminders(db, due - timedelta(minutes=1), days_before=1) == 0
    assert notices.send_reminders(db, due, days_before=1) == 1


def test_no_reminder_for_a_visit_gone_or_cancelled(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    booking.cancel(db, "test", visit, NOW)
    assert notices.send_reminders(db, starts(visit) - timedelta(hours=1)) == 0
    assert notices.send_reminders(db, starts(visit) + timedelta(hours=1)) == 0


def test_no_reminder_when_booked_after_its_time(db, plan, employer, employee):
    visit = ask(db, employer, employee, now=datetime(2027, 3, 7, 10, tzinfo=PARIS))
    assert notices.send_reminders(db, datetime(2027, 3, 7, 11, tzinfo=PARIS)) == 0
    db.refresh(visit)
    assert visit.reminder_queued_at is not None  # claimed, so never considered again


def test_a_moved_visit_gets_a_new_reminder(db, plan, employer, employee):
    visit = ask(db, employer, employee)
    first = wall_clock.reminder_at(starts(visit), 2)
    assert notices.send_reminders(db, first) == 1
    later = next(
        s
        for s in slot_offers.compatible_slots(db, visit, now=NOW, limit=60)
        if s.starts_at >= starts(visit) + timedelta(days=7)
    )
    booking.book(db, "test", visit, later, first + timedelta(minutes=5))
    assert visit.reminder_queued_at is None
    second = wall_clock.reminder_at(later.starts_at, 2)
    assert notices.send_reminders(db, second - timedelta(minutes=1)) == 0
    assert notices.send_reminders(db, second) == 1
    reminders = [m for m in outbox(db, "sms") if not m.essential]
    assert len(reminders) == 2


def test_reminder_cutoff_is_exact_across_the_change_of_hour():
    # 28 March 2027 the clocks go forward in Paris: 2 days before Tuesday 30 at 9:00 is
    # Sunday 28 at 9:00 summer time, 7:00 UTC
    now = datetime(2027, 3, 28, 9, 0, tzinfo=PARIS)
    cutoff = notices.reminder_cutoff(now, 2)
    assert cutoff == datetime(2027, 3, 30, 9, 0, tzinfo=PARIS)
    assert wall_clock.reminder_at(cutoff, 2) <= now
    assert wall_clock.reminder_at(cutoff + timedelta(minutes=1), 2) > now


BOOKED_EARLY = datetime(2027, 2, 20, 10, tzinfo=PARIS)


def make_thirty_visits(db, plan) -> list[int]:
    """Thirty visits from Monday 8 to Thursday 11 March 2027, booked weeks before."""
    member = make_member(db, OTHER_SIRET)
    ids = []
    for number in range(30):
        worker = make_employee(
            db,
            member,
            last_name=f"Durand{number}",
            phone=f"+336112233{number:02d}",
        )
        consent_to_video(db, worker)  # the nurse's teleconsultations take some of them
        visit = ask(db, member, worker, now=BOOKED_EARLY)
        assert visit.status == "booked"
        ids.append(visit.id)
    db.commit()
    return ids


def test_two_workers_at_once_send_each_reminder_exactly_once(app, db, plan):
    ids = make_thirty_visits(db, plan)
    factory = app.extensions["database"]["sessionmaker"]
    now = datetime(2027, 3, 6, 16, tzinfo=PARIS)  # 5 days before: all thirty are due
    barrier = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def worker():
        total = 0
        try:
            for _round in range(10):
                barrier.wait(timeout=30)  # both claim at the same moment, every round
                with factory() as session:
                    total += notices.send_reminders(session, now, days_before=5, limit=4)
                    session.commit()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        counts.append(total)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(counts) == 30
    db.rollback()
    reminders = list(db.scalars(select(OutboxMessage).where(OutboxMessage.essential.is_(False))))
    assert len(reminders) == 30
    assert len({m.recipient for m in reminders}) == 30
    unclaimed = db.scalar(
        select(func.count())
        .select_from(Visit)
        .where(Visit.id.in_(ids), Visit.reminder_queued_at.is_(None))
    )
    assert unclaimed == 0
