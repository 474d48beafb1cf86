"""The employee space's blueprint (/salarie): every page but signing in asks for a number
signed in with a one-time code; no page is kept by the browser's cache. And what its pages share:
what the signed-in number reaches, the context the journeys get.

What a number reaches is `assistant.services.workforce.phone_reach.reach`: through the worker's
proven mobile, everything of their employments; through a number an employer only typed as a
contact, what that employer knows anyway (never a confidential or employee-requested visit, a
health situation or an ordonnance: the holder may be the employer itself). Every visit and employee
id in a URL is checked against what the signed-in number reaches (anything else is a 404, whether
it exists or not).
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from assistant import labels
from assistant.core.timeutil import today_paris
from assistant.extensions import db
from assistant.logins import EmployeeUser, reach_of
from assistant.models import Employee, Visit
from assistant.services.visits import visit_type_table
from assistant.services.workforce import phone_reach
from dialogs.engine import Context

bp = Blueprint("employee", __name__)

PUBLIC_ENDPOINTS = {"employee.login", "employee.login_code"}


@bp.before_request
def _require_employee_login():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not isinstance(current_user, EmployeeUser):
        return redirect(url_for("employee.login", next=request.path))
    return None


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _helpers():
    return {
        "visit_label": lambda code: visit_type_table.get(code).label(locale_code()),
        "outcome_label": lambda kind: labels.OUTCOME_KIND.get(kind, kind),
        "when": _when,
    }


def _when(moment) -> str:
    """`mardi 24 novembre 2026 à 09:30`, in Paris time (the app's Babel timezone)."""
    return _(
        "%(date)s à %(time)s",
        date=format_datetime(moment, "EEEE d MMMM y"),
        time=format_datetime(moment, "HH:mm"),
    )


def locale_code() -> str:
    return str(get_locale() or "fr")


def actor_label() -> str:
    return f"employee:{current_user.phone}"


def journey_context(now, **extra) -> Context:
    """What the journeys need from this request: the number signed in acts (its label)."""
    return Context(
        session=db.session,
        today=today_paris(now),
        now=now,
        actor=actor_label(),
        locale=locale_code(),
        extra=extra,
    )


def reached() -> list[phone_reach.Access]:
    return reach_of(current_user.phone)


def proven_employments() -> list[Employee]:
    """The employments whose worker proved the signed-in number: the only ones whose
    confidential side (health, ordonnance, own requests) this session may reach."""
    return [access.employee for access in reached() if access.proven]


def access_to(employee_id: int) -> phone_reach.Access:
    access = next((a for a in reached() if a.employee.id == employee_id), None)
    if access is None:
        abort(404)
    return access


def my_visit(visit_id: int) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None or not any(phone_reach.may_see(a, visit) for a in reached()):
        abort(404)
    return visit
