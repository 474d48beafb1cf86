"""The back-office's blueprint (/staff): every page but the login asks for a signed-in staff
member, and no page is kept by the browser's cache."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_login import current_user

from assistant.models import StaffUser

bp = Blueprint("staff", __name__)

PUBLIC_ENDPOINTS = {"staff.login"}


@bp.before_request
def _require_staff_login():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not isinstance(current_user, StaffUser):
        return current_app.login_manager.unauthorized()
    return None


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response
