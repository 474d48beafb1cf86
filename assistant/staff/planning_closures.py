"""A professional's absences and a place's closures: recording one, and the appointments it
leaves to move."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from assistant.extensions import db
from assistant.models import Absence
from assistant.services import audit
from assistant.services.visits import planning_absences
from assistant.staff.access import PLANNERS, role_required, shown
from assistant.staff.blueprint import bp
from assistant.staff.planning import all_centres, professionals
from forms.planning import AbsenceForm


@bp.route("/planning/absences/nouvelle", methods=["GET", "POST"])
@role_required(*PLANNERS)
def planning_absence_new():
    form = AbsenceForm(professionals=professionals(), centres=all_centres())
    if request.method == "GET":
        if request.args.get("staff", "").isdigit():
            form.staff_id.data = request.args["staff"]
        if request.args.get("lieu", "").isdigit():
            form.whom.data = "centre"
            form.centre_id.data = request.args["lieu"]
    if form.validate_on_submit():
        by_staff = form.whom.data == "staff"
        absence, affected = planning_absences.add_absence(
            db.session,
            current_user,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            staff_id=int(form.staff_id.data) if by_staff else None,
            centre_id=None if by_staff else int(form.centre_id.data),
            reason=(form.reason.data or "").strip() or None,
        )
        db.session.commit()
        flash(_("Absence ou fermeture enregistrée."), "success")
        if affected:
            flash(
                _("%(count)s rendez-vous sont à déplacer.", count=len(affected)),
                "error",
            )
        return redirect(url_for("staff.planning_absence", absence_id=absence.id))
    return render_template("staff/planning/absence_new.html", form=form), (
        400 if form.errors else 200
    )


@bp.get("/planning/absences/<int:absence_id>")
@role_required(*PLANNERS)
def planning_absence(absence_id: int):
    absence = db.session.get(Absence, absence_id)
    if absence is None:
        abort(404)
    affected = planning_absences.booked_during(db.session, absence)
    audit.record(db.session, current_user, "read", "absence", absence.id, ip=request.remote_addr)
    db.session.commit()
    return render_template(
        "staff/planning/absence.html",
        absence=absence,
        affected=affected,
        shown=shown,
    )
