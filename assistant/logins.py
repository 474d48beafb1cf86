"""Who is signed in: Flask-Login's set-up and loader, kept apart from the models.

Staff and members are rows (`StaffUser`, `MemberUser`, which carry the plain `SignIn` protocol);
an employee is whoever proved they hold a mobile with a one-time code (`EmployeeUser`, no row).
"""

from __future__ import annotations

from flask import Flask, g
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin

from assistant import sessions
from assistant.core.timeutil import today_paris
from assistant.extensions import db, login_manager
from assistant.models import Employee, MemberUser, StaffUser
from assistant.services.workforce import mobile_proof, phone_reach


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.session_protection = "strong"

    login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def _load_user(user_id: str):
        kind, _, raw_id = user_id.partition(":")
        if kind == "employee":  # a proven mobile, not a row: see assistant/employee
            return load_employee(raw_id)
        model = {"staff": StaffUser, "member": MemberUser}.get(kind)
        if model is None or not raw_id.isdigit():
            return None
        user = db.session.get(model, int(raw_id))
        if user is None or not user.active or not sessions.version_matches(user):
            return None
        return user


class EmployeeUser(UserMixin):
    """Whoever proved they hold this mobile with a one-time code (not a database row). The
    session version lets signing out end every session of the number, server-side."""

    def __init__(self, phone: str, version: int = 0):
        self.phone = phone
        self.version = version

    def get_id(self) -> str:
        return f"employee:{self.phone}:{self.version}"


def reach_of(phone: str) -> list[phone_reach.Access]:
    """What this number reaches, looked up once per request: the user loader and the view
    share it."""
    cached = g.get("employee_reach")
    if cached is None or cached[0] != phone:
        cached = g.employee_reach = (phone, phone_reach.reach(db.session, phone, today_paris()))
    return cached[1]


def employments(phone: str) -> list[Employee]:
    """The current employments this number reaches (proven or as a contact)."""
    return [access.employee for access in reach_of(phone)]


def load_employee(raw: str) -> EmployeeUser | None:
    """Flask-Login's loader for "employee:<phone>:<version>": valid while the number reaches an
    employment and no sign-out came after the session began."""
    phone, _sep, version = raw.partition(":")
    if not phone or not version.isdigit():
        return None
    if int(version) != mobile_proof.session_version(db.session, phone):
        return None
    if employments(phone):
        return EmployeeUser(phone, int(version))
    return None
