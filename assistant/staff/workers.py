"""The worker's mobile, proven at a visit (and, on the same page, their consent to
teleconsultation: `staff/tele_consent.py`); the visits the service organises itself.

A professional (or the medical secretary) with the worker in front of them — in person or by video —
reads out the number the worker gives, sends a code to it, and types the code the worker reads back:
the number becomes the worker's proven mobile (`assistant.services.workforce.mobile_proof`). The
employer can never do this alone. The visits that health situations bring forward are listed for the
team to plan, without the employer ever seeing why.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from assistant.core.parsing import Reprompt, parse_phone
from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.models import Employee, Member, MemberKind, MemberStatus, Role
from assistant.services import audit
from assistant.services.visits import due, tele_consent
from assistant.services.workforce import employee_values, followup_view, mobile_proof
from assistant.services.workforce import employees as workforce
from assistant.staff.access import has_role, role_required
from assistant.staff.blueprint import bp
from assistant.staff.display import visit_label
from forms.staff import ProofForm
from forms.tele_consent import TeleConsentForm
from forms.workforce import SituationsForm

PROVERS = (Role.DOCTOR, Role.NURSE, Role.SECRETARY)
# who changes the situations the employer declared (regulated work, radiation category, SIR list,
# loads, end of exposure, days worked): the health professionals, who learn them at the visits
SITUATION_EDITORS = (Role.DOCTOR, Role.NURSE)


@bp.route("/salaries/<int:employee_id>", methods=["GET", "POST"])
@role_required(*PROVERS)
def worker_page(employee_id: int):
    """The employee as declared and their follow-up from that declaration (no health data);
    the health professionals change the declared situations here, audited."""
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        abort(404)
    member = db.session.get(Member, employee.member_id)
    editor = has_role(current_user, *SITUATION_EDITORS)
    form = SituationsForm()
    status = 200
    if request.method == "POST":
        if not editor:
            abort(403)
        if form.validate_on_submit() and form.check_situations(
            employee.hire_date, employee.contract_end
        ):
            try:
                workforce.update_employee(
                    db.session, current_user, member.id, employee.id, **form.situations()
                )
            except employee_values.WorkforceError as error:
                db.session.rollback()
                form.show_errors(error.errors or [(None, error.message)])
            else:
                db.session.commit()
                flash(_("Situations enregistrées."), "success")
                return redirect(url_for("staff.worker_page", employee_id=employee.id))
        status = 400
    else:
        form.show(employee)
    audit.record(db.session, current_user, "read", "employee", employee.id, "suivi")
    today = today_paris()
    declared = followup_view.declared(db.session, member, [employee], today)[employee.id]
    db.session.commit()
    return render_template(
        "staff/worker.html",
        employee=employee,
        member=member,
        form=form if editor else None,
        declared=declared,
        today=today,
        locale=str(get_locale() or "fr"),
    ), status


def _pending_key(employee_id: int) -> str:
    return f"proof:{employee_id}"


@bp.route("/salaries/<int:employee_id>/mobile", methods=["GET", "POST"])
@role_required(*PROVERS)
def worker_mobile(employee_id: int):
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        abort(404)
    member = db.session.get(Member, employee.member_id)
    form = ProofForm()
    pending = session.get(_pending_key(employee.id))
    if form.validate_on_submit():
        now = utcnow()
        try:
            if pending and form.code.data:
                mobile_proof.confirm_proof(
                    db.session, current_user, employee, pending, form.code.data, now
                )
                db.session.commit()
                session.pop(_pending_key(employee.id), None)
                flash(_("Numéro confirmé : c'est désormais le mobile du salarié."), "success")
                return redirect(url_for("staff.worker_mobile", employee_id=employee.id))
            phone = parse_phone(form.phone.data or "")
            mobile_proof.start_proof(db.session, current_user, employee, phone, now, member.locale)
        except Reprompt as reprompt:
            form.phone.errors = [str(reprompt.message)]
        except mobile_proof.IdentityError as refused:
            db.session.commit()  # a wrong code counts
            form.form_errors.append(str(refused.message))
        else:
            db.session.commit()
            session[_pending_key(employee.id)] = phone
            flash(_("Code envoyé par SMS : demandez au salarié de vous le lire."), "info")
            return redirect(url_for("staff.worker_mobile", employee_id=employee.id))
    elif not form.is_submitted():
        form.phone.data = employee.proven_phone or employee.phone or ""
    audit.record(db.session, current_user, "read", "employee", employee.id, "mobile")
    db.session.commit()
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "staff/worker_mobile.html",
        employee=employee,
        member=member,
        form=form,
        pending=pending,
        consent=tele_consent.in_force(db.session, employee=employee),
        consent_form=TeleConsentForm(formdata=None),
    ), status


@bp.get("/a-organiser")
@role_required(Role.DOCTOR, Role.NURSE, Role.SECRETARY)
def organised_by_the_service():
    """Visits that health situations bring forward: the team plans them (the employer sees the
    dates of its own declaration only). No situation is shown here, only the dates."""
    today = today_paris()
    members = db.session.scalars(
        select(Member)
        .where(Member.kind == MemberKind.EMPLOYER, Member.status == MemberStatus.ACTIVE)
        .order_by(Member.legal_name)
    )
    found = [
        (member, item)
        for member in members
        for item in due.organised_by_the_service(db.session, member, today)
    ]
    found.sort(key=lambda pair: pair[1].urgency(today))
    audit.record(db.session, current_user, "read", "employee", None, "visites à organiser")
    db.session.commit()
    return render_template(
        "staff/organised.html", found=found, today=today, visit_label=visit_label
    )
