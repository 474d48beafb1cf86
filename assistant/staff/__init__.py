"""The back-office: staff login, dashboard, tariff grid, audit log."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from assistant import sessions
from assistant.core.timeutil import today_paris
from assistant.extensions import db
from assistant.models import Member, MemberStatus, OutboxMessage, Role, StaffUser
from assistant.services import audit
from assistant.services.membership import tariffs
from assistant.services.membership.staff import authenticate
from assistant.staff.access import role_required
from forms.staff import LoginForm, TariffRateForm

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
                    time=_format_time(result.locked_until),
                )
            )
            return render_template("staff/login.html", form=form), 429
        form.form_errors.append(_("Adresse e-mail ou mot de passe incorrect."))
    return render_template("staff/login.html", form=form)


def _format_time(moment):
    from flask_babel import format_time

    return format_time(moment, "short")


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
    return render_template(
        "staff/dashboard.html", pending_members=pending_members, outbox=outbox, Role=Role
    )


@bp.route("/tarifs", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def tariff_grid():
    form = TariffRateForm()
    today = today_paris()
    if form.validate_on_submit():
        tariffs.set_rate(
            db.session, current_user, form.kind.data, form.amount.data, form.effective_from.data
        )
        db.session.commit()
        flash(_("Tarif enregistré."), "success")
        return redirect(url_for("staff.tariff_grid"))
    status = 400 if form.errors else 200
    return render_template(
        "staff/tariffs.html", form=form, grid=tariffs.grid(db.session, today), today=today
    ), status


@bp.post("/tarifs/<int:rate_id>/supprimer")
@role_required(Role.ADMIN)
def tariff_delete(rate_id: int):
    try:
        tariffs.delete_rate(db.session, current_user, rate_id, today_paris())
    except tariffs.TariffError:
        flash(
            _("Ce tarif est déjà en vigueur (ou n'existe plus) : il ne peut pas être supprimé."),
            "error",
        )
        return redirect(url_for("staff.tariff_grid"))
    db.session.commit()
    flash(_("Tarif supprimé."), "success")
    return redirect(url_for("staff.tariff_grid"))


@bp.get("/journal")
@role_required(Role.ADMIN)
def audit_log():
    from assistant.staff.access import journal_rows

    # entries about a confidential visit are masked as its rule says (care_team.visit_view)
    return render_template("staff/audit.html", entries=journal_rows(audit.recent(db.session)))


@bp.get("/adhesions")
@role_required(Role.ADMIN, Role.SECRETARY)
def pending_members():
    from assistant.models import MemberUser

    members = db.session.scalars(
        select(Member).where(Member.status == MemberStatus.PENDING).order_by(Member.created_at)
    ).all()
    # an employer whose address is not proven yet: its space stays closed until the link is used
    unproven = set(
        db.session.scalars(
            select(MemberUser.member_id).where(
                MemberUser.member_id.in_([m.id for m in members]),
                MemberUser.email.is_not(None),
                MemberUser.email_confirmed_at.is_(None),
            )
        )
    )
    return render_template("staff/pending.html", members=members, unproven=unproven)


@bp.post("/adhesions/<int:member_id>/valider")
@role_required(Role.ADMIN, Role.SECRETARY)
def validate_member(member_id: int):
    from assistant.services.membership import adhesion

    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    try:
        adhesion.validate_member(db.session, current_user, member)
    except adhesion.AdhesionError:
        flash(_("Cette adhésion n'est plus en attente."), "error")
    else:
        db.session.commit()
        flash(_("Adhésion de %(name)s validée.", name=member.legal_name), "success")
    return redirect(url_for("staff.pending_members"))


ALL_STAFF = tuple(Role)


@bp.get("/adherents")
@role_required(*ALL_STAFF)
def member_search():
    from assistant.services.membership.members import search

    query = request.args.get("q", "").strip()
    members = search(db.session, query) if query else []
    if query:
        audit.record(
            db.session, current_user, "search", "member", None, query[:200], ip=request.remote_addr
        )
        db.session.commit()
    return render_template("staff/members.html", members=members, query=query)


@bp.get("/adherents/<int:member_id>")
@role_required(*ALL_STAFF)
def member_page(member_id: int):
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    audit.record(
        db.session,
        current_user,
        "read",
        "member",
        member.id,
        "fiche administrative",
        ip=request.remote_addr,
    )
    from assistant.services.workforce import employees as workforce

    employees = workforce.list_employees(db.session, member.id)
    db.session.commit()
    return render_template("staff/member.html", member=member, employees=employees)


@bp.get("/taches")
@role_required(Role.ADMIN, Role.SECRETARY)
def tasks():
    from assistant.models import StaffTask

    open_tasks = db.session.scalars(
        select(StaffTask).where(StaffTask.done_at.is_(None)).order_by(StaffTask.created_at)
    ).all()
    return render_template("staff/tasks.html", tasks=open_tasks)


@bp.post("/taches/<int:task_id>/fait")
@role_required(Role.ADMIN, Role.SECRETARY)
def task_done(task_id: int):
    from assistant.database import utcnow
    from assistant.models import StaffTask

    task = db.session.get(StaffTask, task_id)
    if task is None:
        abort(404)
    if task.done_at is None:
        task.done_at = utcnow()
        audit.record(
            db.session, current_user, "done", "staff_task", task.id, ip=request.remote_addr
        )
        db.session.commit()
    flash(_("Tâche terminée."), "success")
    return redirect(url_for("staff.tasks"))


from assistant.staff import fiche as _fiche  # noqa: E402, F401  (registers its routes on bp)
from assistant.staff import health as _health  # noqa: E402,F401  (registers its views)
from assistant.staff import outcomes as _outcomes  # noqa: E402, F401  (registers its routes on bp)
from assistant.staff import planning as _planning  # noqa: E402, F401  (registers its routes on bp)
from assistant.staff import queue as _queue  # noqa: E402, F401  (registers its routes on bp)
from assistant.staff import risks as _risks  # noqa: E402,F401  (registers its views)
from assistant.staff import workers as _workers  # noqa: E402,F401
