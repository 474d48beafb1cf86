"""What the employer's visit pages share: the labels their templates show, the visit looked up
for the signed-in member, whether it may still change, the context the journeys' endings get.

Every visit id in a URL is checked against the signed-in member (`visit_lookup.employer_visit`):
another member's, or a visit the employee asked for confidentially, is simply not found."""

from __future__ import annotations

from datetime import datetime

from flask import abort
from flask_babel import format_time, get_locale
from flask_login import current_user

from assistant import labels
from assistant.core.text import time_format
from assistant.core.timeutil import PARIS, today_paris
from assistant.extensions import db
from assistant.member.blueprint import bp
from assistant.models import Visit, VisitStatus
from assistant.services.visits import outcome_rules, visit_lookup, visit_type_table
from assistant.services.workforce import phone_reach
from dialogs.engine import Context


def _worker_name(visit: Visit) -> str:
    if visit.employee is not None:
        return visit.employee.full_name
    return visit.member.contact_name or visit.member.legal_name


def visit_of(member, visit_id: int) -> Visit:
    visit = visit_lookup.employer_visit(db.session, member.id, visit_id)
    if visit is None:
        abort(404)
    return visit


def locale_code() -> str:
    return str(get_locale() or "fr")


def journey_context(now: datetime, **extra) -> Context:
    """What the journeys' endings need from this request: the member's account acts."""
    return Context(
        session=db.session,
        today=today_paris(now),
        now=now,
        actor=current_user,
        locale=locale_code(),
        extra=extra,
    )


def _named() -> str:
    """Whose words name the visits here: an independent's own (not a hiring), else the
    employee's."""
    member = getattr(current_user, "member", None)
    return "independent" if getattr(member, "kind", None) == "independent" else "worker"


def _type_label(code: str) -> str:
    return visit_type_table.get(code).label(locale_code(), _named())


def _is_past(visit: Visit, now: datetime) -> bool:
    return visit.slot is not None and visit.slot.starts_at <= now


def may_change(visit: Visit, now: datetime) -> bool:
    """May the employer still move or cancel it (requested, or booked and still ahead)? Never a
    visit the employee asked for: it is the worker's to move or cancel."""
    if visit.employee_id is not None and phone_reach.private(visit):
        return False
    if visit.status == VisitStatus.REQUESTED:
        return True
    return visit.status == VisitStatus.BOOKED and not _is_past(visit, now)


@bp.context_processor
def _visit_helpers():
    return {
        "visit_type_label": _type_label,
        # the name of a visit for the signed-in member, the words of its texts (the employer
        # reads of its employee's visit)
        "named": _named(),
        "reader": "independent" if _named() == "independent" else "employer",
        "visit_status_label": lambda status: labels.VISIT_STATUS.get(status, status),
        "modality_label": lambda code: labels.MODALITY.get(code, code),
        "outcome_label": lambda kind: labels.OUTCOME_KIND.get(kind, kind),
        # a document the law gives the worker alone: neither its kind nor its link here
        "outcome_shown": outcome_rules.employer_may_read,
        "absence_cause_label": lambda cause: labels.ABSENCE_CAUSE.get(cause, cause),
        "time_of": lambda moment: format_time(moment, time_format("short", str(get_locale()))),
        "paris_day": lambda moment: moment.astimezone(PARIS).date(),
        "worker_name": _worker_name,
    }
