"""Asking for a visit from the member space: the request journey (dialogs/visit_request.py) on
one page; `?salarie=<id>&type=<code>` fills it in from a visit to plan.

Every employee id in a URL or a form is checked against the signed-in member
(`workforce.get_employee`): another member's employee is simply not found."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.member.blueprint import bp, current_member
from assistant.member.visit_common import locale_code
from assistant.models import Employee, MemberKind
from assistant.services.workforce import employee_values
from assistant.services.workforce import employees as workforce
from dialogs import visit_request as visit_request_journey
from dialogs.engine import Context
from forms.wizard import Select, TextArea, accept_step, build_step_form

# the web player's widgets for the request (dialogs/visit_request.py): one compact page
REQUEST_WIDGETS = {
    "employee": Select(_l("— Choisissez un salarié —")),
    "visit_type": Select(_l("— Choisissez une visite —")),
    "absence_cause": Select("—"),
    "modality": Select(_l("Indifférente")),
    "reason": TextArea(),
}


@bp.route("/visites/demande", methods=["GET", "POST"])
def visit_request():
    """The request journey on one page: `?salarie=<id>&type=<code>` fills it in (a visit to
    plan: its window is shown and goes with the request)."""
    member = current_member()
    today, now = today_paris(), utcnow()
    employer = member.kind == MemberKind.EMPLOYER
    answers = {"_requester": "employer" if employer else "independent", "_member": member.id}
    if employer:
        answers["_employees"] = [
            [e.id, e.full_name]
            for e in workforce.list_employees(db.session, member.id, today=today)
        ]
    posted = request.form if request.method == "POST" else None
    context = Context(session=db.session, today=today, now=now, actor=current_user)
    form, questions = build_step_form(
        visit_request_journey.REQUEST,
        visit_request_journey.STEP,
        answers,
        context,
        posted,
        widgets=REQUEST_WIDGETS,
    )
    planned = None
    if posted is None:
        form.placement.data = "auto"
        wanted = request.args.get("salarie", type=int) if employer else None
        employee = _employee(member.id, wanted) if wanted is not None else None
        if employee is not None:
            form.employee.data = str(employee.id)
        kind = request.args.get("type")
        offered = visit_request_journey.requestable(answers["_requester"])
        if kind in {k.code for k in offered}:
            form.visit_type.data = kind
            if employee is not None or not employer:
                planned = visit_request_journey.planned(db.session, member, employee, kind, today)
    else:
        wanted = (request.form.get("employee") or "").strip()
        if employer and wanted.isdigit():
            _employee(member.id, int(wanted))  # another member's employee: not found
        if form.validate():
            answers, ok = accept_step(
                visit_request_journey.REQUEST, questions, form, answers, context
            )
            if ok:
                outcome = visit_request_journey.REQUEST.finish(answers, context)
                if outcome.say != "visit_refused":
                    db.session.commit()
                    return _requested(outcome, employer)
                db.session.rollback()
                form.form_errors.append(str(outcome.values["reason"]))
            planned = _planned(member, answers, today)
    return render_template(
        "member/visits/request.html", form=form, planned=planned, locale=locale_code()
    ), 400 if posted is not None else 200


def _planned(member, answers, today):
    """The visit to plan the answers kept point to, if any (shown again beside the errors)."""
    if (
        "visit_type" not in answers
        or answers["_requester"] == "employer"
        and not answers.get("employee")
    ):
        return None
    employee = db.session.get(Employee, answers["employee"]) if answers.get("employee") else None
    return visit_request_journey.planned(db.session, member, employee, answers["visit_type"], today)


def _requested(outcome, employer: bool):
    """Where the request's outcome leads: its slots to choose, or the visit's page."""
    visit_id = outcome.values["visit_id"]
    if outcome.say == "visit_reused":  # asked already: the open request, not a second one
        if employer:
            flash(_("Une demande de ce type est déjà en cours pour ce salarié."), "info")
        else:
            flash(_("Une demande de ce type est déjà en cours."), "info")
        return redirect(url_for("member.visit_detail", visit_id=visit_id))
    if outcome.values["next"] == "slots":
        return redirect(url_for("member.visit_slots", visit_id=visit_id))
    return redirect(url_for("member.visit_detail", visit_id=visit_id, nouvelle=1))


def _employee(member_id: int, employee_id: int) -> Employee:
    try:
        return workforce.get_employee(db.session, member_id, employee_id)
    except employee_values.EmployeeNotFound:
        abort(404)
