"""What the service tells people about their visits: convocations, moves, cancellations and
reminders, written to the outbox in the caller's transaction (sent after the commit).

Who receives what:

* the worker (the employee's mobile, or the independent member's): an SMS, in the language of
  that phone (its profile) or else of the member;
* the employer (the member's e-mail, in the member's language): an e-mail with an `.ics`
  calendar event whose UID stays the same for the whole life of the visit, so that a move
  updates the event (a higher SEQUENCE) and a cancellation removes it (METHOD:CANCEL);
* a confidential visit (asked by the employee without telling the employer) never reaches the
  employer: only the worker's phone.

The texts are the Jinja templates `templates/sms/visit_notice_*.txt` and
`templates/mail/visit_*.txt`, rendered here without Flask (services may run in a worker) with the
same catalogs as the web pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import icalendar
from babel.dates import format_date
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from assistant.core import settings as service_settings
from assistant.core.messages import language as _language
from assistant.core.messages import render
from assistant.core.segments import MAX_SEGMENTS, segments
from assistant.core.text import date_format
from assistant.core.timeutil import PARIS
from assistant.database import utcnow
from assistant.models import Centre, CentreKind, Member, PhoneProfile, Slot, Visit, VisitStatus
from assistant.services.messaging import outbox
from assistant.services.visits import visit_type_table, wall_clock
from assistant.services.workforce import phone_reach

# ------------------------------------------------------------------ what a notice says


@dataclass(frozen=True)
class Facts:
    """A visit as the notices tell it, in one language."""

    locale: str
    kind: str  # the visit type's label
    day: str  # short, for SMS: "mar. 9 mars"
    time: str  # "09:30"
    long_day: str  # "mardi 9 mars 2027"
    minutes: int
    professional: str
    tele: bool
    link: str  # the teleconsultation link ("" on site)
    place: str  # name and address (or the link for a teleconsultation)
    place_short: str  # name and city
    worker: str  # the employee's name ("" for an independent)
    objectives: str
    conduct: str


def facts(visit: Visit, locale: str, *, with_link: bool = True, for_member: bool = False) -> Facts:
    """`with_link` False: for the employer of a visit the worker asked for (the room is theirs).
    The words fit the addressee: the worker, or with `for_member` the member (an employer reads
    of its employee's visit); an independent's visit is named for what it is (not a hiring)."""
    locale = _language(locale)
    named = visit_type_table.audience_of(visit)
    audience = "employer" if for_member and named == "worker" else named
    slot: Slot = visit.slot
    kind = visit_type_table.get(visit.visit_type)
    local = slot.starts_at.astimezone(PARIS)
    centre: Centre = slot.centre
    tele = slot.modality == "tele" or centre.kind == CentreKind.TELE
    link = service_settings.of(visit).teleconsultation_link(visit) if tele and with_link else ""
    town = " ".join(part for part in (centre.postcode, centre.city) if part)
    place = ", ".join(part for part in (centre.name, centre.address, town) if part)
    short = ", ".join(part for part in (centre.name, centre.city) if part)
    return Facts(
        locale=locale,
        kind=kind.label(locale, named),
        day=format_date(local, "EEE d MMM", locale=locale),
        # "9h30" in French, "9:30" in English: as in the SMS offers of assistant/sms/visits.py
        time=f"{local.hour}{'h' if locale == 'fr' else ':'}{local.minute:02d}",
        long_day=format_date(local, date_format("full", locale), locale=locale),
        minutes=slot.minutes,
        professional=slot.staff.full_name if slot.staff is not None else "",
        tele=tele,
        link=link,
        place=(link or short) if tele else place,
        place_short=(link or short) if tele else short,
        worker=visit.employee.full_name if visit.employee is not None else "",
        objectives=kind.objectives(locale, audience),
        conduct=kind.conduct(locale, audience),
    )


def worker_phone(visit: Visit) -> str | None:
    """The worker's proven mobile; the employer's contact number only for what it knows anyway."""
    return phone_reach.worker_phone(visit)


def _phone_locale(session: Session, phone: str, member: Member) -> str:
    chosen = session.scalar(select(PhoneProfile.locale).where(PhoneProfile.phone == phone))
    if chosen:
        return chosen
    # an employee's phone has no language of its own until it writes to us: the member's
    return member.locale or "fr"


def sms_text(template: str, visit: Visit, locale: str, **values) -> str:
    """The SMS in at most three segments: with the visit type and the full address when they
    fit, else the place's name and town, else without the type ("Visite médicale")."""
    told = facts(visit, locale)
    attempts = (
        (told.place, False),
        (told.place_short, False),
        (told.place_short, True),
        (told.link or told.place_short[:40], True),
    )
    service = service_settings.of(visit).service_name
    text = ""
    for place, short in attempts:
        text = render(
            f"sms/{template}.txt",
            told.locale,
            service=service,
            kind=told.kind,
            day=told.day,
            time=told.time,
            place=place,
            tele=told.tele,
            short=short,
            **values,
        )
        if segments(text) <= MAX_SEGMENTS:
            return text
    return text


# ------------------------------------------------------------------ calendar


def sequence(visit: Visit) -> int:
    """The .ics SEQUENCE: 0 for the first booking, one more for each later change."""
    changes = [e for e in visit.history or [] if e.get("what") in ("booked", "moved", "cancelled")]
    return max(len(changes) - 1, 0)


def uid(visit: Visit) -> str:
    return f"visit-{visit.id}@{service_settings.of(visit).domain}"


def calendar(
    visit: Visit,
    locale: str,
    *,
    cancelled: bool = False,
    attendee: str | None = None,
    with_link: bool = True,
):
    """The visit as an iCalendar object (METHOD:REQUEST, or METHOD:CANCEL when cancelled)."""
    told = facts(visit, locale, with_link=with_link, for_member=True)  # the member's calendar
    settings = service_settings.of(visit)
    slot = visit.slot
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Assistant SPSTI//visites//FR")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = icalendar.Event()
    event.add("uid", uid(visit))
    event.add("sequence", sequence(visit))
    stamp = (visit.cancelled_at if cancelled else visit.booked_at) or utcnow()
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", slot.starts_at.astimezone(UTC))
    event.add("dtend", slot.ends_at.astimezone(UTC))
    event.add("summary", f"{told.kind} ({settings.service_name})")
    event.add("location", told.place)
    description = render(
        "mail/visit_ics.txt", told.locale, facts=told, settings=settings, cancelled=cancelled
    )
    event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = icalendar.vCalAddress(f"mailto:{settings.service_email or settings.mail_from}")
    organizer.params["cn"] = icalendar.vText(settings.service_name)
    event.add("organizer", organizer)
    if attendee:
        guest = icalendar.vCalAddress(f"mailto:{attendee}")
        guest.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        event.add("attendee", guest)
    if told.link:
        event.add("url", told.link)
    cal.add_component(event)
    return cal


def _ics_attachment(cal) -> dict:
    method = str(cal["method"])
    return {
        "filename": "visite.ics",
        "content_type": f"text/calendar; method={method}",
        "text": cal.to_ical().decode("utf-8"),
    }


def _queue_email(session: Session, to: str, subject: str, body: str, attachments: list) -> None:
    message = outbox.queue_email(session, to, subject, body)
    message.attachments = attachments


# ------------------------------------------------------------------ the notices


def convocation(
    session: Session, visit: Visit, *, moved: bool = False, answered: str | None = None
) -> None:
    """Queue the convocation of a booked (or moved) visit: SMS to the worker, e-mail with the
    .ics to the member unless the visit is confidential. `answered`: the phone that booked by
    SMS and reads the confirmation in the reply: one SMS per event, not a second one."""
    member = visit.member or session.get(Member, visit.member_id)
    phone = worker_phone(visit)
    if phone and phone != answered:
        locale = _phone_locale(session, phone, member)
        outbox.queue_sms(
            session, phone, sms_text("visit_notice_convocation", visit, locale, moved=moved)
        )
    if member.email and not visit.confidential:
        locale = _language(member.locale)
        # the worker's own request: the employer learns the time, never the room; cannot move it
        theirs = visit.employee_id is not None and phone_reach.private(visit)
        told = facts(visit, locale, with_link=not theirs, for_member=True)
        notice = "moved" if moved else "new"
        subject = render("mail/visit_subject.txt", locale, notice=notice, facts=told)
        body = render(
            "mail/visit_convocation.txt",
            locale,
            facts=told,
            settings=service_settings.of(session),
            moved=moved,
            for_employer=visit.employee_id is not None,
            by_sms=bool(phone),
            workers_own=theirs,
        )
        cal = calendar(visit, locale, attendee=member.email, with_link=not theirs)
        _queue_email(session, member.email, subject, body, [_ics_attachment(cal)])
    visit.convocation_sent_at = visit.booked_at or utcnow()


def employee_request(session: Session, visit: Visit, now) -> None:
    """An employee asked for a visit (not a confidential one): the employer is told that a
    request exists, never its reason (SPEC 4.6), and the visit records when."""
    member = visit.member or session.get(Member, visit.member_id)
    if visit.confidential or visit.employee is None:
        return
    if member.email:
        locale = _language(member.locale)
        kind = visit_type_table.get(visit.visit_type).label(locale)  # an employee's visit
        subject = render("mail/visit_employee_request_subject.txt", locale, kind=kind)
        body = render(
            "mail/visit_employee_request.txt",
            locale,
            name=visit.employee.full_name,
            kind=kind,
            service=service_settings.of(session).service_name,
        )
        outbox.queue_email(session, member.email, subject, body)
    visit.employer_informed_at = now


def cancellation(session: Session, visit: Visit) -> None:
    """Queue the notice of a cancelled visit: SMS to the worker, e-mail with METHOD:CANCEL."""
    member = visit.member or session.get(Member, visit.member_id)
    if visit.slot is None:
        return
    phone = worker_phone(visit)
    if phone:
        locale = _phone_locale(session, phone, member)
        outbox.queue_sms(session, phone, sms_text("visit_notice_cancelled", visit, locale))
    if member.email and not visit.confidential:
        locale = _language(member.locale)
        theirs = visit.employee_id is not None and phone_reach.private(visit)
        told = facts(visit, locale, with_link=not theirs, for_member=True)
        subject = render("mail/visit_subject.txt", locale, notice="cancelled", facts=told)
        body = render(
            "mail/visit_cancellation.txt",
            locale,
            facts=told,
            settings=service_settings.of(session),
            for_employer=visit.employee_id is not None,
        )
        cal = calendar(visit, locale, cancelled=True, attendee=member.email, with_link=not theirs)
        _queue_email(session, member.email, subject, body, [_ics_attachment(cal)])


def reminder_cutoff(now: datetime, days_before: int) -> datetime:
    """The latest start whose reminder time (`wall_clock.reminder_at`) has come, to the minute
    (exact across the changes of hour in Europe/Paris)."""
    local = now.astimezone(PARIS).replace(tzinfo=None, second=0, microsecond=0)
    cutoff = (local + timedelta(days=days_before)).replace(tzinfo=PARIS).astimezone(UTC)
    minute = timedelta(minutes=1)
    for _ in range(120):
        if wall_clock.reminder_at(cutoff, days_before) <= now:
            break
        cutoff -= minute
    for _ in range(120):
        if wall_clock.reminder_at(cutoff + minute, days_before) > now:
            break
        cutoff += minute
    return cutoff


def send_reminders(session: Session, now: datetime, days_before: int = 2, limit: int = 500) -> int:
    """Queue the reminder SMS of the booked visits whose reminder time has come; returns how
    many were queued. Safe with several workers at once: a visit is claimed by setting its
    `reminder_queued_at` in a conditional UPDATE (only where it is still empty and the visit
    still booked), and only the claims this transaction made get an SMS, written in the same
    transaction. The claim is the transaction's first statement, a write: on SQLite a
    transaction that read first could not write after another worker's commit.

    A visit booked after its reminder time gets none (its convocation has just told it all).
    The SMS are not essential: STOP stops them (the convocation itself is essential)."""
    cutoff = reminder_cutoff(now, days_before)
    due = (
        select(Visit.id)
        .join(Slot, Slot.id == Visit.slot_id)
        .where(
            Visit.status == VisitStatus.BOOKED,
            Visit.reminder_queued_at.is_(None),
            Slot.starts_at > now,
            Slot.starts_at <= cutoff,
        )
        .order_by(Slot.starts_at, Visit.id)
        .limit(limit)
    )
    claimed = session.scalars(
        update(Visit)
        .where(
            Visit.id.in_(due),
            Visit.reminder_queued_at.is_(None),
            Visit.status == VisitStatus.BOOKED,
        )
        .values(reminder_queued_at=now)
        .returning(Visit.id)
        .execution_options(synchronize_session=False)
    )
    ids = sorted(claimed)
    queued = 0
    for visit_id in ids:
        visit = session.get(Visit, visit_id)
        session.refresh(visit, ["reminder_queued_at"])
        starts_at = visit.slot.starts_at
        if visit.booked_at is not None and visit.booked_at >= wall_clock.reminder_at(
            starts_at, days_before
        ):
            continue
        phone = worker_phone(visit)
        if not phone:
            continue
        locale = _phone_locale(session, phone, visit.member)
        outbox.queue_sms(
            session, phone, sms_text("visit_notice_reminder", visit, locale), essential=False
        )
        queued += 1
    session.flush()
    return queued
