"""A visit booked automatically inside the minimum notice (its deadline was sooner) is marked in
the staff queue: the team warns the worker."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from assistant.core import settings as service_settings
from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.services.visits import visit_requests


def test_a_reprise_booked_inside_the_notice_is_shown_to_staff_in_the_queue(
    client, db, staff_login, today_plan, employer, employee
):
    request = visit_requests.Request(
        visit_type="reprise",
        requested_by="employer",
        event_date=today_paris() - timedelta(days=7),  # due by tomorrow
        absence_cause="maternity",
    )
    db.info[service_settings.KEY] = replace(service_settings.of(db), booking_notice_days=2)
    visit = visit_requests.request_visit(
        db, "test", member=employer, employee=employee, request=request, now=utcnow()
    )
    db.commit()
    assert visit.status == "booked"
    staff_login("secretary")
    page = client.get("/staff/file-attente").get_data(as_text=True)
    section = page.split('id="short-notice-title"')[1]
    assert "Durand Alex" in section or "Alex Durand" in section
