"""Back-office planning: the overview (places, professionals' weekly sessions, absences and
closures, public holidays), slot generation and the places; and what the planning pages share.

The weekly sessions are in planning_sessions.py, absences and closures in planning_closures.py,
a professional's week in planning_agenda.py."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from assistant.core.text import date_format
from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.models import Centre, StaffUser
from assistant.services.visits import (
    planning,
    planning_absences,
    planning_places,
    public_holidays,
    weekly_sessions,
)
from assistant.staff.access import HEALTH, PLANNERS, role_required
from assistant.staff.blueprint import bp
from forms.planning import CentreForm, GenerateForm

# ---------------------------------------------------------------- shared by the planning pages


def professionals() -> list[StaffUser]:
    return list(
        db.session.scalars(
            select(StaffUser)
            .where(StaffUser.role.in_([str(r) for r in HEALTH]), StaffUser.active.is_(True))
            .order_by(StaffUser.full_name)
        )
    )


def all_centres() -> list[Centre]:
    return list(db.session.scalars(select(Centre).order_by(Centre.name, Centre.id)))


def professional_or_404(staff_id: int) -> StaffUser:
    staff = db.session.get(StaffUser, staff_id)
    if staff is None or staff.role not in HEALTH:
        abort(404)
    return staff


def long_date(day: date) -> str:
    return format_date(day, date_format("long", str(get_locale())))


# ---------------------------------------------------------------- overview and generation


def _overview(generate_form: GenerateForm | None = None, status: int = 200):
    today = today_paris()
    people = professionals()
    sessions = weekly_sessions.current_sessions(db.session, [person.id for person in people], today)
    absences = planning_absences.current_absences(db.session, today)
    return render_template(
        "staff/planning/overview.html",
        centres=all_centres(),
        people=people,
        sessions=sessions,
        absences=absences,
        holidays=public_holidays.upcoming_holidays(today, language=str(get_locale() or "fr")),
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
            date=long_date(last),
        ),
        "success",
    )
    return redirect(url_for("staff.planning_overview"))


# ---------------------------------------------------------------- places


@bp.route("/planning/lieux/nouveau", methods=["GET", "POST"])
@role_required(*PLANNERS)
def planning_centre_new():
    form = CentreForm()
    if form.validate_on_submit():
        centre = planning_places.create_centre(db.session, current_user, _place(form))
        db.session.commit()
        flash(_("Lieu « %(name)s » créé.", name=centre.name), "success")
        return redirect(url_for("staff.planning_overview"))
    return render_template("staff/planning/centre.html", form=form, centre=None), (
        400 if form.errors else 200
    )


def _place(form: CentreForm) -> planning_places.Place:
    return planning_places.Place(
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
        change = planning_places.update_centre(
            db.session, current_user, centre, _place(form), utcnow()
        )
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
