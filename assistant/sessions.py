"""Signed-in sessions end on the server: a per-account session version (logging out bumps it,
so a replayed cookie is refused) and idle timeouts, short for staff, longer for everyone else.

The session cookie holds `_session_version` (staff and member accounts) and `_last_seen`
(seconds since the epoch, any signed-in user): both are written at login by Flask-Login's
`user_logged_in` signal, so every login view is covered without knowing about it."""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user, user_logged_in

VERSION_KEY = "_session_version"
LAST_SEEN_KEY = "_last_seen"
PROVEN_PHONE_KEY = "_proven_phone"  # the mobile a member proved with the login's SMS code

TIMED_OUT = _l("Votre session a expiré après une période d'inactivité. Reconnectez-vous.")

# the login page of each kind of user, by the prefix of its Flask-Login id
LOGIN_PAGES = {"staff": "staff.login", "employee": "employee.login"}
MEMBER_LOGIN_PAGE = "member.login"


def version_matches(user) -> bool:
    """The user loader's check: the cookie's version is the account's current one."""
    return session.get(VERSION_KEY) == user.session_version


def end(user) -> None:
    """Log out everywhere: cookies issued before stop working (the caller commits)."""
    if hasattr(user, "session_version"):
        user.session_version += 1


def _kind(user) -> str:
    return user.get_id().partition(":")[0]


def _idle_limit(kind: str) -> int:
    """Seconds a session of this kind may stay unused."""
    name = "STAFF_IDLE_MINUTES" if kind == "staff" else "MEMBER_IDLE_MINUTES"
    return int(current_app.config[name]) * 60


def _on_login(_app, user, **_extra) -> None:
    if hasattr(user, "session_version"):
        session[VERSION_KEY] = user.session_version
    session[LAST_SEEN_KEY] = time.time()
    session.pop(PROVEN_PHONE_KEY, None)  # a login proves no phone, unless it says so after


def phone_proven_at_login(phone: str) -> None:
    """The login just made was by a one-time code sent to this mobile (a member's space)."""
    session[PROVEN_PHONE_KEY] = phone


def proven_phone(user) -> str | None:
    """The mobile the signed-in person proved by a one-time code: an employee's login number
    always; a member's only when this session began with the SMS code; else None."""
    if not user.is_authenticated:
        return None
    if _kind(user) == "employee":
        return user.phone
    phone = getattr(user, "phone", None)
    return phone if phone and session.get(PROVEN_PHONE_KEY) == phone else None


def _check_idle():
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = time.time()
    kind = _kind(current_user)
    last_seen = session.get(LAST_SEEN_KEY)
    if last_seen is None or now - last_seen > _idle_limit(kind):
        logout_user()
        session.pop(LAST_SEEN_KEY, None)
        flash(str(TIMED_OUT), "info")
        return redirect(url_for(LOGIN_PAGES.get(kind, MEMBER_LOGIN_PAGE)))
    if now - last_seen > 30:  # a fresh cookie at most every 30 s, not on every request
        session[LAST_SEEN_KEY] = now
    return None


def init_app(app: Flask) -> None:
    user_logged_in.connect(_on_login, app)
    app.before_request(_check_idle)
