"""The employer's workforce (/espace/effectifs): employees, their follow-up, the CSV import
(queued here, run by the worker: `assistant/services/workforce/import_jobs.py`)."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from assistant import labels
from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.member.blueprint import bp, current_member
from assistant.models import ImportJob, MemberKind
from assistant.services import audit
from assistant.services.documents.pdf import bar_chart_svg
from assistant.services.followup import followup_categories
from assistant.services.prevention import risk_catalogue
from assistant.services.workforce import employee_values, followup_view, import_jobs
from assistant.services.workforce import employees as workforce
from forms.workforce import EmployeeForm, ImportForm, LeaveForm


def _employer():
    member = current_member()
    if member.kind != MemberKind.EMPLOYER:
        abort(404)
    return member


@bp.get("/effectifs")
def workforce_home():
    member = _employer()
    today = today_paris()
    employees = workforce.list_employees(db.session, member.id, today=today)
    # What the employer sees comes from its own declaration only: a date that moved with a
    # health situation would tell it why. The service organises what health brings forward.
    found = followup_view.declared(db.session, member, employees, today)
    rows = sorted(((e, found[e.id]) for e in employees), key=lambda row: row[1].first_due)
    counts = followup_categories.distribution(item.follow for _employee, item in rows)
    chart = bar_chart_svg([(str(labels.FOLLOWUP_CATEGORY.get(c, c)), n) for c, n in counts.items()])
    audit.record(db.session, current_user, "read", "member", member.id, "effectifs")
    db.session.commit()
    return render_template(
        "member/workforce/index.html",
        member=member,
        rows=rows,
        counts=counts,
        chart=chart,
        today=today,
        locale=str(get_locale()),
        import_form=ImportForm(),
    )


def _save(form: EmployeeForm, member_id: int, employee_id: int | None):
    values = dict(
        last_name=form.last_name.data,
        first_name=form.first_name.data,
        birth_date=form.birth_date.parsed,
        job=form.job.data,
        hire_date=form.hire_date.parsed,
        contract_type=form.contract_type.data,
        contract_end=form.contract_end.parsed,
        exposures=form.exposures.data or [],
        night_worker=form.night_worker.data,
        phone=form.phone.parsed,
        **form.situations(),
    )
    if employee_id is None:
        return workforce.add_employee(db.session, current_user, member_id, **values)
    return workforce.update_employee(db.session, current_user, member_id, employee_id, **values)


@bp.route("/effectifs/nouveau", methods=["GET", "POST"])
def employee_new():
    member = _employer()
    form = EmployeeForm(risks=risk_catalogue.of(db.session).catalogue())
    if form.validate_on_submit():
        try:
            _save(form, member.id, None)
        except employee_values.WorkforceError as error:
            form.show_errors(error.errors or [(None, error.message)])
        else:
            db.session.commit()
            flash(_("Salarié ajouté."), "success")
            return redirect(url_for("member.workforce_home"))
    return render_template(
        "member/workforce/employee.html", form=form, employee=None, leave_form=None
    ), 400 if form.errors or form.form_errors else 200


@bp.route("/effectifs/<int:employee_id>", methods=["GET", "POST"])
def employee_edit(employee_id: int):
    member = _employer()
    try:
        employee = workforce.get_employee(db.session, member.id, employee_id)
    except employee_values.EmployeeNotFound:
        abort(404)
    form = EmployeeForm(
        risks=risk_catalogue.of(db.session).catalogue(), keep_exposures=employee.exposures or ()
    )
    if request.method == "GET":
        form.last_name.data, form.first_name.data = employee.last_name, employee.first_name
        form.birth_date.data = employee.birth_date.strftime("%d/%m/%Y")
        form.job.data = employee.job
        form.hire_date.data = employee.hire_date.strftime("%d/%m/%Y")
        form.contract_type.data = employee.contract_type
        form.contract_end.data = (
            employee.contract_end.strftime("%d/%m/%Y") if employee.contract_end else ""
        )
        exposures = list(employee.exposures or [])
        form.exposures.data = [code for code in exposures if code != employee_values.NIGHT_WORK]
        form.night_worker.data = employee.night_worker or employee_values.NIGHT_WORK in exposures
        form.phone.data = employee.phone or ""
        form.show(employee)
        audit.record(db.session, current_user, "read", "employee", employee.id)
        db.session.commit()
    elif form.validate_on_submit():
        try:
            _save(form, member.id, employee.id)
        except employee_values.WorkforceError as error:
            form.show_errors(error.errors or [(None, error.message)])
        else:
            db.session.commit()
            flash(_("Salarié mis à jour."), "success")
            return redirect(url_for("member.workforce_home"))
    today = today_paris()
    shown = followup_view.declared(db.session, member, [employee], today)[employee.id]
    return render_template(
        "member/workforce/employee.html",
        form=form,
        employee=employee,
        leave_form=LeaveForm(),
        declared=shown,
        today=today,
        locale=str(get_locale()),
    ), 400 if form.errors or form.form_errors else 200


@bp.post("/effectifs/<int:employee_id>/depart")
def employee_leave(employee_id: int):
    member = _employer()
    form = LeaveForm()
    if not form.validate_on_submit():
        message = " ".join(map(str, form.left_on.errors)) or _("Indiquez une date de départ.")
        flash(message, "error")
        return redirect(url_for("member.employee_edit", employee_id=employee_id))
    try:
        workforce.leave_employee(
            db.session, current_user, member.id, employee_id, form.left_on.parsed
        )
    except employee_values.EmployeeNotFound:
        abort(404)
    except employee_values.WorkforceError as error:
        flash(str(error.args[0]), "error")
        return redirect(url_for("member.employee_edit", employee_id=employee_id))
    db.session.commit()
    flash(_("Départ enregistré."), "success")
    return redirect(url_for("member.workforce_home"))


@bp.post("/effectifs/import")
def workforce_import():
    member = _employer()
    form = ImportForm()
    if not form.validate_on_submit():
        for error in form.file.errors:
            flash(str(error), "error")
        return redirect(url_for("member.workforce_home"))
    # the request's body limit (IMPORT_MAX_BYTES) bounds the file already
    data = form.file.data.read()
    import_jobs.fail_abandoned(db.session, member.id, utcnow())
    try:
        with db.session.begin_nested():  # the partial unique index settles a race
            job = import_jobs.queue(
                db.session,
                member.id,
                data,
                str(get_locale()),
                current_user.get_id(),
                request.remote_addr,
            )
    except IntegrityError:
        flash(_("Un import de salariés est déjà en cours : attendez qu'il se termine."), "error")
        return redirect(url_for("member.workforce_home"))
    db.session.commit()  # a worker claims and runs it (`flask --app assistant.app worker`)
    return redirect(url_for("member.workforce_import_status", job_id=job.id))


@bp.get("/effectifs/import/<int:job_id>")
def workforce_import_status(job_id: int):
    member = _employer()
    job = db.session.get(ImportJob, job_id)
    if job is None or job.member_id != member.id:
        abort(404)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(status=job.status, done=job.done, total=job.total)
    return render_template("member/workforce/import.html", job=job)


@bp.get("/effectifs/modele.csv")
def workforce_template():
    from assistant.services.workforce.csv_lines import COLUMNS

    example = (
        ";".join(COLUMNS)
        + "\nDupont;Marie;12/03/1980;Vendeuse;01/09/2024;CDI;;;non;;non;;non;;non;;\n"
    )
    return current_app.response_class(
        "\ufeff" + example,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="modele-effectifs.csv"'},
    )
