"""A pré-reprise the team records for a worker on sick leave (R4624-29): asked by the worker, the
treating doctor, the médecin-conseil of the health insurance or the médecin du travail, as soon
as the stoppage has lasted, or is known to last, more than 30 days. Confidential like the worker's
own request: never shown nor told to the employer; it waits in the staff queue to be placed. An
independent worker's own is recorded from the member's page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.models import Employee, Member, MemberKind, Role
from assistant.services.visits import booking, visit_requests
from assistant.staff.access import role_required
from assistant.staff.blueprint import bp
from forms.staff import PreRepriseForm

RECORDERS = (Role.DOCTOR, Role.NURSE, Role.SECRETARY)


@bp.route("/salaries/<int:employee_id>/pre-reprise", methods=["GET", "POST"])
@role_required(*RECORDERS)
def record_pre_reprise(employee_id: int):
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        abort(404)
    return _page(db.session.get(Member, employee.member_id), employee)


@bp.route("/adherents/<int:member_id>/pre-reprise", methods=["GET", "POST"])
@role_required(*RECORDERS)
def record_own_pre_reprise(member_id: int):
    """An independent worker's own (they are the worker)."""
    member = db.session.get(Member, member_id)
    if member is None or member.kind != MemberKind.INDEPENDENT:
        abort(404)
    return _page(member, None)


def _page(member: Member, employee: Employee | None):
    form = PreRepriseForm()
    if form.validate_on_submit():
        visit = _record(form, member, employee)
        if visit is not None:
            db.session.commit()
            if visit.reused:
                flash(
                    _("Une demande de pré-reprise est déjà en cours pour ce travailleur."), "info"
                )
            else:
                flash(
                    _(
                        "Demande de pré-reprise enregistrée dans la file d'attente. "
                        "Elle est confidentielle."
                    ),
                    "success",
                )
            return redirect(url_for("staff.member_page", member_id=member.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "staff/pre_reprise.html", employee=employee, member=member, form=form
    ), status


def _record(form: PreRepriseForm, member: Member, employee: Employee | None):
    """The request, queued for the team; None with the error on its field when refused."""
    start, end = form.stoppage_start.data, form.stoppage_end.data
    if start > today_paris():
        form.stoppage_start.errors = [
            _("Le premier jour de l'arrêt ne peut pas être dans le futur.")
        ]
        return None
    if end is not None and end < start:
        form.stoppage_end.errors = [_("La fin prévue de l'arrêt ne peut pas précéder son début.")]
        return None
    now = utcnow()
    request = visit_requests.Request(
        visit_type="pre_reprise",
        requested_by="staff",
        reason=(form.reason.data or "").strip() or None,
        event_date=start,
        absence_days=(end - start).days + 1 if end is not None else None,
        asked_by=form.asked_by.data,
    )
    try:
        visit = visit_requests.request_visit(
            db.session, current_user, member=member, employee=employee, request=request,
            now=now, auto=False,
        )  # fmt: skip
    except booking.NotAllowed as refused:
        db.session.rollback()
        field = form.stoppage_end if end is not None else form.stoppage_start
        field.errors = [str(refused.message)]
        return None
    if not visit.reused:
        visit_requests.queue_for_staff(db.session, current_user, visit, now)
    return visit
