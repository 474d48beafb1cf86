"""Health staff only: the health situations that change an employee's follow-up, and the
"access outside my team" a professional asks, with a reason, to read a member's health data."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user

from assistant.database import utcnow
from assistant.extensions import db
from assistant.models import Employee, Member, MemberKind, Role
from assistant.services.membership import care_team
from assistant.services.workforce import health
from assistant.staff.access import require_health_read, role_required
from assistant.staff.blueprint import bp
from forms.staff import DeclineReferralForm, HealthForm, OutsideTeamForm


@bp.route("/salaries/<int:employee_id>/sante", methods=["GET", "POST"])
@role_required(Role.DOCTOR, Role.NURSE)
def employee_health(employee_id: int):
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        abort(404)
    member = db.session.get(Member, employee.member_id)
    # one check per employment (a worker may soon have several employers)
    require_health_read(member)
    form = HealthForm()
    if form.validate_on_submit():
        health.set_flags(
            db.session,
            current_user,
            employee,
            pregnant=form.pregnant.data,
            invalidity_pension=form.invalidity_pension.data,
            disabled=form.disabled.data,
        )
        db.session.commit()
        flash(
            _("Situation enregistrée. L'employeur verra seulement les dates de visite."), "success"
        )
        return redirect(url_for("staff.employee_health", employee_id=employee.id))
    situation = health.read(db.session, current_user, employee)
    db.session.commit()
    decline_url = url_for("staff.employee_referral_declined", employee_id=employee.id)
    return _health_page(form, situation, employee, member, decline_url)


@bp.post("/salaries/<int:employee_id>/sante/refus")
@role_required(Role.DOCTOR, Role.NURSE)
def employee_referral_declined(employee_id: int):
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        abort(404)
    require_health_read(db.session.get(Member, employee.member_id))
    if DeclineReferralForm().validate_on_submit():
        if health.decline_referral(db.session, current_user, employee) is not None:
            db.session.commit()
            flash(_("Refus du salarié enregistré."), "success")
    return redirect(url_for("staff.employee_health", employee_id=employee.id))


def _independent(member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    if member is None or member.kind != MemberKind.INDEPENDENT:
        abort(404)
    require_health_read(member)
    return member


@bp.route("/adherents/<int:member_id>/sante", methods=["GET", "POST"])
@role_required(Role.DOCTOR, Role.NURSE)
def independent_health(member_id: int):
    """An independent member's own health situation (they are the worker)."""
    member = _independent(member_id)
    form = HealthForm()
    if form.validate_on_submit():
        health.set_own_flags(
            db.session,
            current_user,
            member,
            pregnant=form.pregnant.data,
            invalidity_pension=form.invalidity_pension.data,
            disabled=form.disabled.data,
        )
        db.session.commit()
        flash(_("Situation enregistrée."), "success")
        return redirect(url_for("staff.independent_health", member_id=member.id))
    situation = health.read_own(db.session, current_user, member)
    db.session.commit()
    decline_url = url_for("staff.independent_referral_declined", member_id=member.id)
    return _health_page(form, situation, None, member, decline_url)


@bp.post("/adherents/<int:member_id>/sante/refus")
@role_required(Role.DOCTOR, Role.NURSE)
def independent_referral_declined(member_id: int):
    member = _independent(member_id)
    if DeclineReferralForm().validate_on_submit():
        if health.decline_own_referral(db.session, current_user, member) is not None:
            db.session.commit()
            flash(_("Refus enregistré."), "success")
    return redirect(url_for("staff.independent_health", member_id=member.id))


def _safe_next(target: str | None, fallback: str) -> str:
    if target and target.startswith("/staff/") and not target.startswith("//"):
        return target
    return fallback


@bp.route("/adherents/<int:member_id>/acces-hors-equipe", methods=["GET", "POST"])
@role_required(Role.DOCTOR, Role.NURSE)
def outside_team_access(member_id: int):
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    form = OutsideTeamForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        try:
            grant = care_team.grant_outside_team(
                db.session,
                current_user,
                member,
                form.reason.data,
                utcnow(),
                current_app.config["HEALTH_ACCESS_MINUTES"],
                ip=request.remote_addr,
            )
        except care_team.AccessError as error:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(error.message)]
            status = 400
        else:
            db.session.commit()
            flash(
                _(
                    "Accès hors de votre équipe ouvert jusqu'à %(time)s : %(name)s.",
                    time=format_time(grant.expires_at, "HH:mm"),
                    name=member.legal_name,
                ),
                "success",
            )
            fallback = url_for("staff.member_page", member_id=member.id)
            return redirect(_safe_next(form.next.data, fallback))
    elif request.method == "POST":
        status = 400
    return render_template("staff/outside_team.html", members=[member], form=form), status


def _health_page(form, situation, employee, member, decline_url: str):
    """The health situation's page, an employee's or an independent's own: the form filled from
    what is recorded on a first display."""
    if request.method == "GET" and situation is not None:
        form.pregnant.data = situation.pregnant
        form.invalidity_pension.data = situation.invalidity_pension
        form.disabled.data = situation.disabled
    return render_template(
        "staff/employee_health.html",
        employee=employee,
        member=member,
        form=form,
        situation=situation,
        decline_form=DeclineReferralForm(),
        decline_url=decline_url,
    )
