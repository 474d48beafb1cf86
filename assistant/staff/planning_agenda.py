"""A professional's week agenda: their slots, the visits booked in them, their absences."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import and_, select

from assistant.core.timeutil import PARIS, today_paris
from assistant.extensions import db
from assistant.models import Slot, Visit
from assistant.models.visit import HOLDS_SLOT
from assistant.services import audit
from assistant.services.visits import planning_absences, public_holidays
from assistant.services.visits.wall_clock import paris_midnight
from assistant.staff.access import HEALTH, PLANNERS, role_required, shown
from assistant.staff.blueprint import bp
from assistant.staff.planning import professional_or_404, professionals

WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


def parse_week(text: str | None) -> date | None:
    """The Monday of an ISO week written 2026-W05 (as <input type="week"> sends it)."""
    match = WEEK.match((text or "").strip())
    if match is None:
        return None
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def week_text(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


@bp.get("/planning/agenda")
@role_required(*PLANNERS, *HEALTH)
def planning_agenda():
    wanted = request.args.get("staff", type=int)
    people = professionals()
    if current_user.role in HEALTH:
        if wanted is not None and wanted != current_user.id:
            abort(403)  # a professional reads their own agenda only
        staff = current_user
    elif wanted is not None:
        staff = professional_or_404(wanted)
    else:
        staff = people[0] if people else None
    today = today_paris()
    monday = parse_week(request.args.get("week")) or today - timedelta(days=today.weekday())
    days: list[tuple[date, list]] = [(monday + timedelta(days=n), []) for n in range(7)]
    if staff is not None:
        rows = db.session.execute(
            select(Slot, Visit)
            .outerjoin(Visit, and_(Visit.slot_id == Slot.id, Visit.status.in_(HOLDS_SLOT)))
            .where(
                Slot.staff_id == staff.id,
                Slot.starts_at >= paris_midnight(monday),
                Slot.starts_at < paris_midnight(monday + timedelta(days=7)),
            )
            .order_by(Slot.starts_at)
        ).all()
        for slot, visit in rows:
            index = (slot.starts_at.astimezone(PARIS).date() - monday).days
            days[index][1].append((slot, visit))
        audit.record(
            db.session,
            current_user,
            "read",
            "agenda",
            staff.id,
            week_text(monday),
            ip=request.remote_addr,
        )
        db.session.commit()
    return render_template(
        "staff/planning/agenda.html",
        staff=staff,
        people=people,
        days=[(day, slots) for day, slots in days if slots or day.weekday() < 5],
        week=week_text(monday),
        previous_week=week_text(monday - timedelta(days=7)),
        next_week=week_text(monday + timedelta(days=7)),
        monday=monday,
        sunday=monday + timedelta(days=6),
        absences=planning_absences.absences_during(db.session, staff, monday)
        if staff is not None
        else [],
        PARIS=PARIS,
        shown=shown,
        is_holiday=public_holidays.is_public_holiday,
    )
