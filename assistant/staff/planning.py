"""Back-office planning: places, professionals' weekly sessions, absences and closures, public
holidays, slot generation, and the week agenda of a professional."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, or_, select

from assistant.core.timeutil import PARIS, today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.models import (
    Absence,
    Centre,
    Slot,
    StaffUser,
    Visit,
    WorkPattern,
)
from assistant.models.visit import HOLDS_SLOT
from assistant.services import audit, planning
from assistant.services.planning import paris_midnight
from assistant.staff.access import HEALTH, PLANNERS, role_required, shown
from assistant.staff.blueprint import bp
from forms.planning import (
    AbsenceForm,
    CentreForm,
    EndPatternForm,
    GenerateForm,
    WorkPatternForm,
)

WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


# ---------------------------------------------------------------- shared helpers


def professionals() -> list[StaffUser]:
    return list(
        db.session.scalars(
            select(StaffUser)
            .where(StaffUser.role.in_([str(r) for r in HEALTH]), StaffUser.active.is_(True))
            .order_by(StaffUser.full_name)
        )
    )


def _all_centres() -> list[Centre]:
    return list(db.session.scalars(select(Centre).order_by(Centre.name, Centre.id)))


def _active_centres() -> list[Centre]:
    return [centre for centre in _all_centres() if centre.active]


def _staff_or_404(staff_id: int) -> StaffUser:
    staff = db.session.get(StaffUser, staff_id)
    if staff is None or staff.role not in HEALTH:
        abort(404)
    return staff


# ---------------------------------------------------------------- overview and generation


def _overview(generate_form: GenerateForm | None = None, status: int = 200):
    today = today_paris()
    people = professionals()
    patterns = db.session.scalars(
        select(WorkPattern)
        .where(
            WorkPattern.staff_id.in_([person.id for person in people]),
            or_(WorkPattern.valid_until.is_(None), WorkPattern.valid_until >= today),
        )
        .order_by(WorkPattern.weekday, WorkPattern.starts)
    ).all()
    sessions = {person.id: [] for person in people}
    for pattern in patterns:
        sessions[pattern.staff_id].append(pattern)
    absences = db.session.scalars(
        select(Absence).where(Absence.ends_on >= today).order_by(Absence.starts_on, Absence.id)
    ).all()
    return render_template(
        "staff/planning/overview.html",
        centres=_all_centres(),
        people=people,
        sessions=sessions,
        absences=absences,
        holidays=planning.upcoming_holidays(today, language=str(get_locale() or "fr")),
        horizon=planning.slot_horizon(db.session),
        generate_form=generate_form or GenerateForm(formdata=None),
        today=today,
    ), status


@bp.get("/planning")
@role_required(*PLANNERS)
def planning_overview():
    return _overview()


@bp.post("/planning/generer")
@role_required(*PLANNERS)
def planning_generate():
    form = GenerateForm()
    if not form.validate_on_submit():
        return _overview(form, 400)
    today = today_paris()
    change = planning.generate_weeks(db.session, current_user, today, form.weeks.data)
    db.session.commit()
    last = today + timedelta(days=form.weeks.data * 7 - 1)
    flash(
        _(
            "%(count)s créneaux créés jusqu'au %(date)s (jours fériés, absences et fermetures "
            "exclus).",
            count=change.created,
            date=_format_date(last),
        ),
        "success",
    )
    return redirect(url_for("staff.planning_overview"))


def _format_date(day: date) -> str:
    from flask_babel import format_date

    return format_date(day, "long")


# ---------------------------------------------------------------- places


@bp.route("/planning/lieux/nouveau", methods=["GET", "POST"])
@role_required(*PLANNERS)
def planning_centre_new():
    form = CentreForm()
    if form.validate_on_submit():
        centre = planning.create_centre(db.session, current_user, _place(form))
        db.session.commit()
        flash(_("Lieu « %(name)s » créé.", name=centre.name), "success")
        return redirect(url_for("staff.planning_overview"))
    return render_template("staff/planning/centre.html", form=form, centre=None), (
        400 if form.errors else 200
    )


def _place(form: CentreForm) -> planning.Place:
    return planning.Place(
        name=form.name.data.strip(),
        kind=form.kind.data,
        **{
            key: (getattr(form, key).data or "").strip() or None
            for key in ("address", "postcode", "city", "phone")
        },
        active=bool(form.active.data),
    )


@bp.route("/planning/lieux/<int:centre_id>", methods=["GET", "POST"])
@role_required(*PLANNERS)
def planning_centre_edit(centre_id: int):
    centre = db.session.get(Centre, centre_id)
    if centre is None:
        abort(404)
    form = CentreForm(obj=centre)
    if form.validate_on_submit():
        change = planning.update_centre(db.session, current_user, centre, _place(form), utcnow())
        db.session.commit()
        flash(_("Lieu « %(name)s » enregistré.", name=centre.name), "success")
        if change.to_move:
            flash(
                _(
                    "%(count)s rendez-vous à venir dans ce lieu sont à déplacer : voyez la file "
                    "d'attente.",
                    count=len(change.to_move),
                ),
                "error",
            )
        return redirect(url_for("staff.planning_overview"))
    return render_template("staff/planning/centre.html", form=form, centre=centre), (
        400 if form.errors else 200
    )


# ---------------------------------------------------------------- weekly sessions


def _pattern_form(staff: StaffUser, pattern: WorkPattern | None, **kwargs) -> WorkPatternForm:
    ordered = sorted(_all_centres(), key=lambda centre: (not centre.active, centre.name))
    centres = {centre.id: centre for centre in ordered}
    others = db.session.scalars(
        select(WorkPattern).where(
            WorkPattern.staff_id == staff.id,
            WorkPattern.id != (pattern.id if pattern is not None else -1),
        )
    ).all()
    return WorkPatternForm(centres=centres, others=others, **kwargs)


def _weekly_session(staff: StaffUser, form: WorkPatternForm) -> planning.WeeklySession:
    return planning.WeeklySession(
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
    staff = _staff_or_404(staff_id)
    form = _pattern_form(staff, None)
    if request.method == "GET":
        form.valid_from.data = today_paris()
    if form.validate_on_submit():
        planning.add_work_pattern(db.session, current_user, _weekly_session(staff, form))
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
        change = planning.change_work_pattern(
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
    change = planning.end_work_pattern(
        db.session, current_user, pattern, end_form.ends_on.data, utcnow()
    )
    db.session.commit()
    flash(_("Séance terminée le %(date)s.", date=_format_date(pattern.valid_until)), "success")
    _flash_to_move(change.to_move)
    return redirect(url_for("staff.planning_overview", _anchor=f"staff-{pattern.staff_id}"))


# ---------------------------------------------------------------- absences and closures


@bp.route("/planning/absences/nouvelle", methods=["GET", "POST"])
@role_required(*PLANNERS)
def planning_absence_new():
    form = AbsenceForm(professionals=professionals(), centres=_all_centres())
    if request.method == "GET":
        if request.args.get("staff", "").isdigit():
            form.staff_id.data = request.args["staff"]
        if request.args.get("lieu", "").isdigit():
            form.whom.data = "centre"
            form.centre_id.data = request.args["lieu"]
    if form.validate_on_submit():
        by_staff = form.whom.data == "staff"
        absence, affected = planning.add_absence(
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
    affected = planning.booked_during(db.session, absence)
    audit.record(db.session, current_user, "read", "absence", absence.id, ip=request.remote_addr)
    db.session.commit()
    return render_template(
        "staff/planning/absence.html",
        absence=absence,
        affected=affected,
        shown=shown,
    )


# ---------------------------------------------------------------- the week agenda


def parse_week(text: str | None) -> date | None:
    """The Monday of an ISO week written 2026-W05 (as <input type="week"> sends it)."""
    match = WEEK.match((text or "").strip())
    if match is None:
        return None
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def week_text(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


@bp.get("/planning/agenda")
@role_required(*PLANNERS, *HEALTH)
def planning_agenda():
    wanted = request.args.get("staff", type=int)
    people = professionals()
    if current_user.role in HEALTH:
        if wanted is not None and wanted != current_user.id:
            abort(403)  # a professional reads their own agenda only
        staff = current_user
    elif wanted is not None:
        staff = _staff_or_404(wanted)
    else:
        staff = people[0] if people else None
    today = today_paris()
    monday = parse_week(request.args.get("week")) or today - timedelta(days=today.weekday())
    days: list[tuple[date, list]] = [(monday + timedelta(days=n), []) for n in range(7)]
    if staff is not None:
        rows = db.session.execute(
            select(Slot, Visit)
            .outerjoin(Visit, and_(Visit.slot_id == Slot.id, Visit.status.in_(HOLDS_SLOT)))
            .where(
                Slot.staff_id == staff.id,
                Slot.starts_at >= paris_midnight(monday),
                Slot.starts_at < paris_midnight(monday + timedelta(days=7)),
            )
            .order_by(Slot.starts_at)
        ).all()
        for slot, visit in rows:
            index = (slot.starts_at.astimezone(PARIS).date() - monday).days
            days[index][1].append((slot, visit))
        audit.record(
            db.session,
            current_user,
            "read",
            "agenda",
            staff.id,
            week_text(monday),
            ip=request.remote_addr,
        )
        db.session.commit()
    return render_template(
        "staff/planning/agenda.html",
        staff=staff,
        people=people,
        days=[(day, slots) for day, slots in days if slots or day.weekday() < 5],
        week=week_text(monday),
        previous_week=week_text(monday - timedelta(days=7)),
        next_week=week_text(monday + timedelta(days=7)),
        monday=monday,
        sunday=monday + timedelta(days=6),
        absences=_absences_of(staff, monday) if staff is not None else [],
        PARIS=PARIS,
        shown=shown,
        is_holiday=planning.is_public_holiday,
    )


def _absences_of(staff: StaffUser, monday: date) -> list[Absence]:
    sunday = monday + timedelta(days=6)
    return list(
        db.session.scalars(
            select(Absence)
            .where(
                Absence.staff_id == staff.id,
                Absence.starts_on <= sunday,
                Absence.ends_on >= monday,
            )
            .order_by(Absence.starts_on)
        )
    )
