"""Back-office planning: places, professionals' weekly sessions, absences and closures, public
holidays, slot generation, and the week agenda of a professional."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import holidays
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, func, or_, select

from assistant.database import utcnow
from assistant.extensions import db
from assistant.models import (
    Absence,
    Centre,
    Role,
    Slot,
    StaffUser,
    Visit,
    VisitStatus,
    WorkPattern,
)
from assistant.models.visit import HOLDS_SLOT
from assistant.services import audit, planning, visit_rules
from assistant.staff import bp
from assistant.staff.access import role_required, shown
from assistant.timeutil import PARIS, today_paris
from forms.planning import (
    AbsenceForm,
    CentreForm,
    EndPatternForm,
    GenerateForm,
    WorkPatternForm,
)

PLANNERS = (Role.ADMIN, Role.SECRETARY)
HEALTH = (Role.DOCTOR, Role.NURSE)
WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


# ---------------------------------------------------------------- shared helpers (queue too)


def visit_label(code: str) -> str:
    try:
        return visit_rules.get(code).label(str(get_locale() or "fr"))
    except ValueError:
        return code


def worker_name(visit: Visit) -> str:
    """The worker seen: the employee, or the independent member themself."""
    if visit.employee is not None:
        return f"{visit.employee.last_name} {visit.employee.first_name}"
    return visit.member.contact_name or visit.member.legal_name


def when(moment: datetime) -> str:
    """A slot's start as people read it: « lundi 8 mars 2027 à 09:00 » (Paris time)."""
    from flask_babel import format_date, format_time

    return _(
        "%(day)s à %(time)s", day=format_date(moment, "full"), time=format_time(moment, "HH:mm")
    )


def paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, PARIS)


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


def _withdraw(slots: list[Slot]) -> list[Visit]:
    """Take slots out of the planning: the ones no visit ever used are deleted, the others are
    blocked (a cancelled visit keeps its slot in its history). Returns the booked visits in
    them, which staff must move (they show in the queue as "à déplacer")."""
    if not slots:
        return []
    ids = [slot.id for slot in slots]
    visits = list(db.session.scalars(select(Visit).where(Visit.slot_id.in_(ids))))
    used = {visit.slot_id for visit in visits}
    for slot in slots:
        if slot.id in used:
            slot.blocked = True
        else:
            db.session.delete(slot)
    db.session.flush()
    booked = [visit for visit in visits if visit.status == VisitStatus.BOOKED]
    return sorted(booked, key=lambda visit: visit.slot.starts_at)


@dataclass(frozen=True)
class _Session:
    """A work pattern's values, kept before an edit to find the slots it generated."""

    staff_id: int
    centre_id: int
    weekday: int
    starts: time
    ends: time
    slot_minutes: int
    valid_from: date
    valid_until: date | None

    @classmethod
    def of(cls, pattern: WorkPattern) -> _Session:
        return cls(
            pattern.staff_id,
            pattern.centre_id,
            pattern.weekday,
            pattern.starts,
            pattern.ends,
            pattern.slot_minutes,
            pattern.valid_from,
            pattern.valid_until,
        )

    def covers(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


def _stale_slots(old: _Session, new: _Session | None, since: datetime) -> list[Slot]:
    """The future slots the old version of a session generated that the new one would not."""
    candidates = db.session.scalars(
        select(Slot).where(
            Slot.staff_id == old.staff_id,
            Slot.centre_id == old.centre_id,
            Slot.starts_at >= since,
        )
    )
    stale = []
    for slot in candidates:
        local = slot.starts_at.astimezone(PARIS)
        day = local.date()
        if not old.covers(day) or not old.starts <= local.time() < old.ends:
            continue
        if (
            new is not None
            and new.centre_id == slot.centre_id
            and new.covers(day)
            and (slot.starts_at, slot.ends_at)
            in visit_rules.slot_times(day, new.starts, new.ends, new.slot_minutes)
        ):
            continue
        stale.append(slot)
    return stale


def _regenerate(staff_id: int, horizon: date | None) -> int:
    """Generate this professional's slots again up to the horizon they had before a change."""
    today = today_paris()
    if horizon is None or horizon < today:
        return 0
    return planning.generate_slots(
        db.session, today, (horizon - today).days + 1, staff_ids=[staff_id]
    )


def _horizon(staff_id: int | None = None) -> date | None:
    query = select(func.max(Slot.starts_at))
    if staff_id is not None:
        query = query.where(Slot.staff_id == staff_id)
    last = db.session.scalar(query)
    if last is None:
        return None
    if last.tzinfo is None:  # in case an aggregate bypasses the column type
        last = last.replace(tzinfo=UTC)
    return last.astimezone(PARIS).date()


def upcoming_holidays(today: date, count: int = 6) -> list[tuple[date, str]]:
    language = "en_US" if str(get_locale() or "fr").startswith("en") else "fr"
    names = holidays.France(years=[today.year, today.year + 1], language=language)
    found = []
    day = today
    while len(found) < count and day <= today + timedelta(days=366):
        if planning.is_public_holiday(day):
            found.append((day, names.get(day, "")))
        day += timedelta(days=1)
    return found


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
        holidays=upcoming_holidays(today),
        horizon=_horizon(),
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
    created = planning.generate_slots(db.session, today, form.weeks.data * 7)
    audit.record(
        db.session,
        current_user,
        "generate",
        "slot",
        None,
        f"{today} +{form.weeks.data}w: {created}",
        ip=request.remote_addr,
    )
    db.session.commit()
    last = today + timedelta(days=form.weeks.data * 7 - 1)
    flash(
        _(
            "%(count)s créneaux créés jusqu'au %(date)s (jours fériés, absences et fermetures "
            "exclus).",
            count=created,
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
        centre = Centre()
        _fill_centre(centre, form)
        db.session.add(centre)
        db.session.flush()
        audit.record(
            db.session, current_user, "create", "centre", centre.id, ip=request.remote_addr
        )
        db.session.commit()
        flash(_("Lieu « %(name)s » créé.", name=centre.name), "success")
        return redirect(url_for("staff.planning_overview"))
    return render_template("staff/planning/centre.html", form=form, centre=None), (
        400 if form.errors else 200
    )


def _fill_centre(centre: Centre, form: CentreForm) -> None:
    centre.name = form.name.data.strip()
    centre.kind = form.kind.data
    for key in ("address", "postcode", "city", "phone"):
        setattr(centre, key, (getattr(form, key).data or "").strip() or None)
    centre.active = bool(form.active.data)


@bp.route("/planning/lieux/<int:centre_id>", methods=["GET", "POST"])
@role_required(*PLANNERS)
def planning_centre_edit(centre_id: int):
    centre = db.session.get(Centre, centre_id)
    if centre is None:
        abort(404)
    form = CentreForm(obj=centre)
    if form.validate_on_submit():
        was_active, old_kind = centre.active, centre.kind
        horizon = _horizon()
        _fill_centre(centre, form)
        to_move: list[Visit] = []
        if (was_active and not centre.active) or old_kind != centre.kind:
            # a closed place (or one whose kind, so the modality, changes) loses its future slots
            future = list(
                db.session.scalars(
                    select(Slot).where(Slot.centre_id == centre.id, Slot.starts_at > utcnow())
                )
            )
            to_move = _withdraw(future)
        if centre.active and (not was_active or old_kind != centre.kind):
            db.session.flush()
            staff_ids = db.session.scalars(
                select(WorkPattern.staff_id).where(WorkPattern.centre_id == centre.id).distinct()
            ).all()
            for staff_id in staff_ids:
                _regenerate(staff_id, horizon)
        audit.record(
            db.session,
            current_user,
            "update",
            "centre",
            centre.id,
            "active" if centre.active else "inactive",
            ip=request.remote_addr,
        )
        db.session.commit()
        flash(_("Lieu « %(name)s » enregistré.", name=centre.name), "success")
        if to_move:
            flash(
                _(
                    "%(count)s rendez-vous à venir dans ce lieu sont à déplacer : voyez la file "
                    "d'attente.",
                    count=len(to_move),
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


def _fill_pattern(pattern: WorkPattern, form: WorkPatternForm) -> None:
    pattern.centre_id = int(form.centre_id.data)
    pattern.weekday = int(form.weekday.data)
    pattern.starts = form.starts.data
    pattern.ends = form.ends.data
    pattern.slot_minutes = form.slot_minutes.data
    pattern.valid_from = form.valid_from.data
    pattern.valid_until = form.valid_until.data


def _pattern_detail(pattern: WorkPattern) -> str:
    return (
        f"staff {pattern.staff_id} centre {pattern.centre_id} day {pattern.weekday} "
        f"{pattern.starts:%H:%M}-{pattern.ends:%H:%M}/{pattern.slot_minutes} "
        f"{pattern.valid_from}..{pattern.valid_until or ''}"
    )


@bp.route("/planning/professionnels/<int:staff_id>/seances/nouvelle", methods=["GET", "POST"])
@role_required(*PLANNERS)
def planning_pattern_new(staff_id: int):
    staff = _staff_or_404(staff_id)
    form = _pattern_form(staff, None)
    if request.method == "GET":
        form.valid_from.data = today_paris()
    if form.validate_on_submit():
        pattern = WorkPattern(staff_id=staff.id)
        _fill_pattern(pattern, form)
        db.session.add(pattern)
        db.session.flush()
        audit.record(
            db.session,
            current_user,
            "create",
            "work_pattern",
            pattern.id,
            _pattern_detail(pattern),
            ip=request.remote_addr,
        )
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


def _apply_change(old: _Session, pattern: WorkPattern) -> tuple[int, list[Visit]]:
    """After an edit or an end: withdraw the future slots the session no longer gives, then
    generate the professional's slots again up to the horizon they had."""
    horizon = _horizon(pattern.staff_id)
    db.session.flush()
    to_move = _withdraw(_stale_slots(old, _Session.of(pattern), utcnow()))
    return _regenerate(pattern.staff_id, horizon), to_move


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
        old = _Session.of(pattern)
        _fill_pattern(pattern, form)
        created, to_move = _apply_change(old, pattern)
        audit.record(
            db.session,
            current_user,
            "update",
            "work_pattern",
            pattern.id,
            _pattern_detail(pattern),
            ip=request.remote_addr,
        )
        db.session.commit()
        flash(_("Séance enregistrée (%(count)s nouveaux créneaux).", count=created), "success")
        _flash_to_move(to_move)
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
    old = _Session.of(pattern)
    pattern.valid_until = end_form.ends_on.data
    _created, to_move = _apply_change(old, pattern)
    audit.record(
        db.session,
        current_user,
        "end",
        "work_pattern",
        pattern.id,
        _pattern_detail(pattern),
        ip=request.remote_addr,
    )
    db.session.commit()
    flash(_("Séance terminée le %(date)s.", date=_format_date(pattern.valid_until)), "success")
    _flash_to_move(to_move)
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
        # the booked slots stay held by their visit: blocked too, they show as "à déplacer" in
        # the queue and stay closed once the visit is moved
        for visit in affected:
            visit.slot.blocked = True
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


def booked_during(absence: Absence) -> list[Visit]:
    """The visits still booked in the days of an absence or closure."""
    whose = (
        Slot.staff_id == absence.staff_id
        if absence.staff_id is not None
        else Slot.centre_id == absence.centre_id
    )
    return list(
        db.session.scalars(
            select(Visit)
            .join(Slot, Slot.id == Visit.slot_id)
            .where(
                and_(
                    whose,
                    Slot.starts_at >= paris_midnight(absence.starts_on),
                    Slot.starts_at < paris_midnight(absence.ends_on + timedelta(days=1)),
                ),
                Visit.status == VisitStatus.BOOKED,
            )
            .order_by(Slot.starts_at)
        )
    )


@bp.get("/planning/absences/<int:absence_id>")
@role_required(*PLANNERS)
def planning_absence(absence_id: int):
    absence = db.session.get(Absence, absence_id)
    if absence is None:
        abort(404)
    affected = booked_during(absence)
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
