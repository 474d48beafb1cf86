"""How the back-office writes a visit's type, the worker seen and a slot's start."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_date, format_time, get_locale
from flask_babel import gettext as _

from assistant.core.text import date_format
from assistant.models import Visit
from assistant.services.visits import visit_type_table


def visit_label(code: str, visit: Visit | None = None) -> str:
    """A visit type's name; an independent's own visit (no employment) named for them ("début
    d'activité", not "embauche")."""
    audience = "independent" if visit is not None and visit.employee_id is None else "worker"
    try:
        return visit_type_table.get(code).label(str(get_locale() or "fr"), audience)
    except ValueError:
        return code


def worker_name(visit: Visit) -> str:
    """The worker seen: the employee, or the independent member themself."""
    if visit.employee is not None:
        return visit.employee.full_name
    return visit.member.contact_name or visit.member.legal_name


def when(moment: datetime) -> str:
    """A slot's start as people read it: « lundi 8 mars 2027 à 09:00 » (Paris time)."""
    return _(
        "%(day)s à %(time)s",
        day=format_date(moment, date_format("full", str(get_locale()))),
        time=format_time(moment, "HH:mm"),
    )
