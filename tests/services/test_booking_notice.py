"""Automatic placement leaves the worker time: a minimum notice (2 working days by default), so
that the convocation comes ahead and the reminder two days before can fire; only a deadline
sooner than that (a reprise within its 8 days) is booked inside it, and then the staff are told
(a line in the staff queue: "Prévenir le salarié")."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from assistant.config import Config
from assistant.core import settings as service_settings
from assistant.core.timeutil import PARIS
from assistant.services.visits import visit_requests
from tests.factories import make_employee

EARLY_MONDAY = datetime(2027, 3, 8, 4, 50, tzinfo=PARIS)  # the plan's first day, before dawn
WEDNESDAY = date(2027, 3, 10)


@pytest.fixture(autouse=True)
def _the_default_notice(db):
    """The product's default (the suite's configuration books the first free slot)."""
    db.info[service_settings.KEY] = replace(service_settings.of(db), booking_notice_days=2)


def ask(db, member, employee, now, **values):
    request = visit_requests.Request(requested_by="employer", **values)
    return visit_requests.request_visit(
        db, "test", member=member, employee=employee, request=request, now=now
    )


def day_of(visit) -> date:
    return visit.slot.starts_at.astimezone(PARIS).date()


def test_automatic_placement_at_dawn_does_not_book_the_same_morning(db, plan, employer, employee):
    visit = ask(db, employer, employee, EARLY_MONDAY, visit_type="vip_periodique")
    assert visit.status == "booked"
    assert day_of(visit) == WEDNESDAY  # two working days after Monday, not Monday 9:00
    assert visit_requests.short_notice(db, EARLY_MONDAY) == []


def test_the_default_notice_is_two_working_days():
    assert service_settings.Settings().booking_notice_days == 2
    assert Config(Path("/tmp/x"), {"SECRET_KEY": "s" * 32}).BOOKING_NOTICE_DAYS == 2


def test_the_minimum_notice_is_a_setting(db, plan, employer, employee):
    db.info[service_settings.KEY] = replace(service_settings.of(db), booking_notice_days=0)
    visit = ask(db, employer, employee, EARLY_MONDAY, visit_type="vip_periodique")
    assert day_of(visit) == date(2027, 3, 8)


def test_a_reprise_due_sooner_than_the_notice_is_booked_in_time_and_staff_are_told(
    db, plan, employer, employee
):
    other = make_employee(db, employer, last_name="Martin", first_name="Léa")
    visit = ask(
        db,
        employer,
        employee,
        EARLY_MONDAY,
        visit_type="reprise",
        event_date=date(2027, 3, 1),  # back at work a week ago: due by Tuesday 9 March
        absence_cause="maternity",
    )
    assert visit.due_by == date(2027, 3, 9)
    assert visit.status == "booked" and day_of(visit) <= visit.due_by
    later = ask(db, employer, other, EARLY_MONDAY, visit_type="vip_periodique")
    assert visit_requests.short_notice(db, EARLY_MONDAY) == [visit]
    assert later not in visit_requests.short_notice(db, EARLY_MONDAY)
    assert any(event.get("short_notice") for event in visit.history)
