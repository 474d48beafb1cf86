"""A professional's weekly sessions (the pattern slots are generated from): add, change, end."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.models import StaffUser, Visit, WorkPattern
from assistant.services.visits import weekly_sessions
from assistant.staff.access import PLANNERS, role_required
from assistant.staff.blueprint import bp
from assistant.staff.planning import all_centres, long_date, professional_or_404
from forms.planning import EndPatternForm, WorkPatternForm


def _pattern_form(staff: StaffUser, pattern: WorkPattern | None, **kwargs) -> WorkPatternForm:
    ordered = sorted(all_centres(), key=lambda centre: (not centre.active, centre.name))
    centres = {centre.id: centre for centre in ordered}
    others = db.session.scalars(
        select(WorkPattern).where(
            WorkPattern.staff_id == staff.id,
            WorkPattern.id != (pattern.id if pattern is not None else -1),
        )
    ).all()
    return WorkPatternForm(centres=centres, others=others, **kwargs)


def _weekly_session(staff: StaffUser, form: WorkPatternForm) -> weekly_sessions.WeeklySession:
    return weekly_sessions.WeeklySession(
        staff_id=staff.id,
        centre_id=int(form.centre_id.data),
        weekday=int(form.weekday.data),
        starts=form.starts.data,
        ends=form.ends.data,
        slot_minutes=form.slot_minutes.data,
        valid_from=form.valid_from.data,
        valid_until=form.valid_until.data,
    )


@bp.route("/planning/professionnels/<int:staff_id>/seances/nouvelle", methods=["GET", "POST"])
@role_required(*PLANNERS)
def planning_pattern_new(staff_id: int):
    staff = professional_or_404(staff_id)
    form = _pattern_form(staff, None)
    if request.method == "GET":
        form.valid_from.data = today_paris()
    if form.validate_on_submit():
        weekly_sessions.add_work_pattern(db.session, current_user, _weekly_session(staff, form))
        db.session.commit()
        flash(
            _(
                "Séance enregistrée. Générez les créneaux pour l'ouvrir aux rendez-vous.",
            ),
            "success",
        )
        return redirect(url_for("staff.planning_overview", _anchor=f"staff-{staff.id}"))
    return render_template(
        "staff/planning/pattern.html", form=form, staff=staff, pattern=None, end_form=None
    ), (400 if form.errors else 200)


def _pattern_or_404(pattern_id: int) -> WorkPattern:
    pattern = db.session.get(WorkPattern, pattern_id)
    if pattern is None:
        abort(404)
    return pattern


def _flash_to_move(to_move: list[Visit]) -> None:
    if to_move:
        flash(
            _(
                "%(count)s rendez-vous ne tiennent plus dans cette séance : ils sont à déplacer "
                "depuis la file d'attente.",
                count=len(to_move),
            ),
            "error",
        )


@bp.route("/planning/seances/<int:pattern_id>", methods=["GET", "POST"])
@role_required(*PLANNERS)
def planning_pattern_edit(pattern_id: int):
    pattern = _pattern_or_404(pattern_id)
    staff = pattern.staff
    form = _pattern_form(staff, pattern, obj=pattern)
    if request.method == "GET":
        form.centre_id.data = str(pattern.centre_id)
        form.weekday.data = str(pattern.weekday)
    if form.validate_on_submit():
        change = weekly_sessions.change_work_pattern(
            db.session, current_user, pattern, _weekly_session(staff, form), utcnow()
        )
        db.session.commit()
        flash(
            _("Séance enregistrée (%(count)s nouveaux créneaux).", count=change.created), "success"
        )
        _flash_to_move(change.to_move)
        return redirect(url_for("staff.planning_overview", _anchor=f"staff-{staff.id}"))
    end_form = EndPatternForm(formdata=None, data={"ends_on": today_paris()})
    return render_template(
        "staff/planning/pattern.html", form=form, staff=staff, pattern=pattern, end_form=end_form
    ), (400 if form.errors else 200)


@bp.post("/planning/seances/<int:pattern_id>/terminer")
@role_required(*PLANNERS)
def planning_pattern_end(pattern_id: int):
    pattern = _pattern_or_404(pattern_id)
    end_form = EndPatternForm()
    valid = end_form.validate_on_submit()
    if valid and end_form.ends_on.data < pattern.valid_from:
        end_form.ends_on.errors.append(
            _("Le dernier jour ne peut pas précéder le début de validité de la séance.")
        )
        valid = False
    if not valid:
        form = _pattern_form(pattern.staff, pattern, formdata=None, obj=pattern)
        form.centre_id.data = str(pattern.centre_id)
        form.weekday.data = str(pattern.weekday)
        return render_template(
            "staff/planning/pattern.html",
            form=form,
            staff=pattern.staff,
            pattern=pattern,
            end_form=end_form,
        ), 400
    change = weekly_sessions.end_work_pattern(
        db.session, current_user, pattern, end_form.ends_on.data, utcnow()
    )
    db.session.commit()
    flash(_("Séance terminée le %(date)s.", date=long_date(pattern.valid_until)), "success")
    _flash_to_move(change.to_move)
    return redirect(url_for("staff.planning_overview", _anchor=f"staff-{pattern.staff_id}"))
