"""Who may see what in the back-office: one decorator, one check, used by every staff view."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import abort
from flask_login import current_user

from assistant.models import Role, StaffUser
from assistant.staff.display import visit_label, worker_name

PLANNERS = (Role.ADMIN, Role.SECRETARY)  # who keeps the planning
HEALTH = (Role.DOCTOR, Role.NURSE)  # the professionals who see workers


def has_role(user, *roles: str) -> bool:
    """Administrators manage the service; they do not get medical or PDP data by default."""
    return isinstance(user, StaffUser) and user.is_active and user.role in roles


def role_required(*roles: Role | str):
    allowed = {str(role) for role in roles}

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not has_role(current_user, *allowed):
                abort(403)
            return view(*args, **kwargs)

        wrapper.allowed_roles = frozenset(allowed)
        return wrapper

    return decorator


# ------------------------------------------------------------------ least privilege on visits


def _granted() -> frozenset[int]:
    """The current professional's unexpired "access outside my team" grants, once a request."""
    from flask import g

    from assistant.database import utcnow
    from assistant.extensions import db
    from assistant.services.membership import care_team

    if "health_grants" not in g:
        g.health_grants = care_team.granted_member_ids(db.session, current_user, utcnow())
    return g.health_grants


@dataclass(frozen=True)
class ShownVisit:
    """A visit as this staff member may read it: hidden parts are replaced, never left empty."""

    label: str
    worker: str
    member: str
    reason: str | None
    member_link: bool  # whether to link to the member's page
    hidden: bool  # a confidential visit whose type and person are hidden


def shown(visit) -> ShownVisit:
    """What the current staff member may see of this visit (the rule: care_team.visit_view)."""
    from flask_babel import gettext as _

    from assistant.services.membership import care_team

    view = care_team.visit_view(current_user, visit, _granted())
    if not view.person:
        hidden = _("Visite confidentielle")
        return ShownVisit(
            hidden if not view.type else visit_label(visit.visit_type, visit),
            "—",
            "—",
            None,
            False,
            True,
        )
    return ShownVisit(
        visit_label(visit.visit_type, visit) if view.type else _("Visite confidentielle"),
        worker_name(visit),
        visit.member.legal_name,
        visit.reason if view.reason else None,
        True,
        False,
    )


def require_health_read(*members, performs: bool = False) -> None:
    """Health data of these members' workers (one member per employment): the team in charge,
    the professional who performs the visit (`performs`), or an unexpired "access outside my
    team"; otherwise a 403 page that offers to ask for it."""
    from flask import make_response, render_template, request

    from assistant.services.membership import care_team

    members = [m for m in members if m is not None]
    if performs and care_team.is_health_staff(current_user):
        return
    if any(care_team.in_charge(current_user, m) or m.id in _granted() for m in members):
        return
    if not care_team.is_health_staff(current_user) or not members:
        abort(403)
    page = render_template(
        "staff/outside_team.html", members=members, next=request.full_path.rstrip("?")
    )
    abort(make_response(page, 403))


def journal_rows(entries: list) -> list:
    """The journal as this staff member may read it: the entries about a confidential visit
    lose their detail (type, reason) and the worker's identity where the visit's rule hides
    them. Returns the entries, masked ones as detached copies."""
    from flask_babel import gettext as _

    from assistant.extensions import db
    from assistant.models import AuditEntry, Visit
    from assistant.services.membership import care_team

    about_visits = {"visit", "visit_outcome", "medical_note", "inaptitude_step"}
    ids = {
        int(e.record_id)
        for e in entries
        if e.record_type in about_visits and (e.record_id or "").isdigit()
    }
    secret = care_team.confidential_ids(db.session, ids)
    views = {
        visit_id: care_team.visit_view(current_user, db.session.get(Visit, visit_id), _granted())
        for visit_id in secret
    }
    rows = []
    for entry in entries:
        if entry.record_type == "pdp_case":  # a PDP case's journal never says its content
            rows.append(_pdp_row(entry))
            continue
        view = (
            views.get(int(entry.record_id))
            if entry.record_type in about_visits and (entry.record_id or "").isdigit()
            else None
        )
        if view is None or (view.reason and view.person):
            rows.append(entry)
            continue
        copy = AuditEntry(
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            record_type=entry.record_type,
            record_id=entry.record_id,
            detail=entry.detail if view.reason else _("visite confidentielle"),
            ip=entry.ip,
        )
        if not view.person and not entry.actor.startswith("staff:"):
            copy.actor = "—"
        rows.append(copy)
    return rows


def _pdp_row(entry):
    """An entry about a PDP case without its detail (an action's kind, an outcome, a scope) and
    without who asked, when it was not the staff (a phone number, a member)."""
    from assistant.models import AuditEntry

    actor = entry.actor if entry.actor.startswith("staff:") or entry.actor == "system" else "—"
    detail = entry.detail if entry.action in ("assign", "add_staff") else None
    return AuditEntry(
        at=entry.at,
        actor=actor,
        action=entry.action,
        record_type=entry.record_type,
        record_id=entry.record_id,
        detail=detail,
        ip=entry.ip,
    )
