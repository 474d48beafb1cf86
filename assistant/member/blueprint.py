"""The member space's blueprint (/espace): every page but signing in asks for a member's
account, whose e-mail address must be proven first; no page is kept by the browser's cache."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user

from assistant.extensions import db
from assistant.models import Member, MemberUser

bp = Blueprint("member", __name__)

PUBLIC_ENDPOINTS = {
    "member.login",
    "member.login_sms",
    "member.login_code",
    "member.confirm_email",
}
# the pages an account waiting for its proof may still open
WAITING_ENDPOINTS = {"member.email_pending", "member.email_resend", "member.logout"}


def must_prove_email(user: MemberUser) -> bool:
    return bool(user.email) and user.email_confirmed_at is None


@bp.before_request
def _require_member_login():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not isinstance(current_user, MemberUser):
        return redirect(url_for("member.login", next=request.path))
    if must_prove_email(current_user) and request.endpoint not in WAITING_ENDPOINTS:
        return redirect(url_for("member.email_pending"))
    return None


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def current_member() -> Member:
    """The signed-in person's own member record: the only one this blueprint ever shows."""
    return db.session.get(Member, current_user.member_id)
