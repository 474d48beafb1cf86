"""Signing in and out of the back-office, and its dashboard."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from assistant import sessions
from assistant.extensions import db
from assistant.models import Member, MemberStatus, OutboxMessage, Role, StaffUser
from assistant.services import audit
from assistant.services.membership.staff import authenticate
from assistant.staff.blueprint import bp
from forms.staff import LoginForm


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/staff") and not target.startswith("//"):
        return target
    return url_for("staff.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if isinstance(current_user, StaffUser):
        return redirect(url_for("staff.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        config = current_app.config
        result = authenticate(
            db.session,
            form.email.data,
            form.password.data,
            request.remote_addr,
            config["LOGIN_MAX_FAILURES"],
            timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]),
        )
        db.session.commit()
        if result.user is not None:
            login_user(result.user)
            return redirect(_safe_next(request.args.get("next")))
        if result.locked_until is not None:
            form.form_errors.append(
                _(
                    "Trop de tentatives manquées. Réessayez après %(time)s.",
                    time=format_time(result.locked_until, "HH:mm"),
                )
            )
            return render_template("staff/login.html", form=form), 429
        form.form_errors.append(_("Adresse e-mail ou mot de passe incorrect."))
    return render_template("staff/login.html", form=form)


@bp.post("/logout")
def logout():
    audit.record(
        db.session, current_user, "logout", "staff_user", current_user.id, ip=request.remote_addr
    )
    sessions.end(current_user)
    db.session.commit()
    logout_user()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("staff.login"))


@bp.get("/")
def dashboard():
    pending_members = db.session.scalar(
        select(func.count()).select_from(Member).where(Member.status == MemberStatus.PENDING)
    )
    outbox = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    from assistant.staff import pdp

    return render_template(
        "staff/dashboard.html",
        pending_members=pending_members,
        outbox=outbox,
        Role=Role,
        pdp=pdp.home(),
        pdp_person=pdp.person,
    )
