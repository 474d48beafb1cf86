"""Health staff only: the health situations that change an employee's follow-up."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField

from assistant.extensions import db
from assistant.models import Employee, Member, Role
from assistant.services import health
from assistant.staff import bp
from assistant.staff.access import role_required


class HealthForm(FlaskForm):
    pregnant = BooleanField(_l("Grossesse, allaitement ou accouchement récent"))
    invalidity_pension = BooleanField(_l("Pension d'invalidité"))
    disabled = BooleanField(_l("Travailleur handicapé reconnu"))


@bp.route("/salaries/<int:employee_id>/sante", methods=["GET", "POST"])
@role_required(Role.DOCTOR, Role.NURSE)
def employee_health(employee_id: int):
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        abort(404)
    member = db.session.get(Member, employee.member_id)
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
    )
