"""The employer's visits (/espace/visites): what to plan, requests, slots, moves and cancellations.

Every visit and employee id in a URL or a form is checked against the signed-in member
(`booking.employer_visit`, `workforce.get_employee`): another member's, or a visit the employee
asked for confidentially, is simply not found. Each request commits once, at the end.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import groupby

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_time, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from assistant.database import utcnow
from assistant.extensions import db
from assistant.member import _member, bp
from assistant.models import Centre, Employee, MemberKind, Slot, Visit, VisitStatus
from assistant.services import audit, booking, due, identity, visit_rules, workforce
from assistant.timeutil import PARIS, today_paris
from forms.workforce import LenientDate

SLOTS_PER_PAGE = 10

MODALITY = {
    "on_site": _l("Sur place, dans un centre"),
    "mobile": _l("Au centre mobile"),
    "tele": _l("En téléconsultation"),
}
STATUS = {
    VisitStatus.REQUESTED: _l("Demandée"),
    VisitStatus.BOOKED: _l("Réservée"),
    VisitStatus.DONE: _l("Effectuée"),
    VisitStatus.NO_SHOW: _l("Absence non excusée"),
    VisitStatus.CANCELLED: _l("Annulée"),
}
OUTCOME = {
    "attestation": _l("Attestation de suivi"),
    "aptitude": _l("Avis d'aptitude"),
    "inaptitude": _l("Avis d'inaptitude"),
    "presence": _l("Attestation de présence"),
}
ABSENCE_CAUSE = {
    "maternity": _l("Congé de maternité"),
    "occupational_disease": _l("Maladie professionnelle"),
    "work_accident": _l("Accident du travail"),
    "illness": _l("Maladie ou accident non professionnel"),
}


# ---------------------------------------------------------------- forms


class VisitRequestForm(FlaskForm):
    employee = SelectField(_l("Salarié"), coerce=int, validate_choice=False)
    visit_type = SelectField(_l("Type de visite"), validate_choice=False)
    reason = TextAreaField(
        _l("Motif (facultatif)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3}
    )
    return_date = StringField(
        _l("Date de reprise du travail"),
        validators=[LenientDate(optional=True)],
        render_kw={"placeholder": "jj/mm/aaaa"},
    )
    absence_cause = SelectField(
        _l("Cause de l'absence"),
        choices=[SelectChoice("", "—")]
        + [SelectChoice(code, label) for code, label in ABSENCE_CAUSE.items()],
        validate_choice=False,
    )
    absence_days = StringField(
        _l("Durée de l'absence, en jours"), render_kw={"inputmode": "numeric"}
    )
    stoppage_start = StringField(
        _l("Début de l'arrêt de travail"),
        validators=[LenientDate(optional=True)],
        render_kw={"placeholder": "jj/mm/aaaa"},
    )
    modality = SelectField(
        _l("Modalité souhaitée (facultatif)"),
        choices=[SelectChoice("", _l("Indifférente"))]
        + [SelectChoice(code, label) for code, label in MODALITY.items()],
        validate_choice=False,
    )
    placement = RadioField(
        _l("Réservation du rendez-vous"),
        choices=[
            SelectChoice("auto", _l("Réserver automatiquement le premier créneau libre")),
            SelectChoice("choose", _l("Choisir moi-même le créneau")),
        ],
        default="auto",
        validators=[DataRequired(_l("Choisissez comment réserver le rendez-vous."))],
    )

    def __init__(self, employees: list[Employee] | None, *args, **kwargs):
        """`employees` None: an independent worker asks for their own visit."""
        super().__init__(*args, **kwargs)
        locale = str(get_locale() or "fr")
        self.requester = "employer" if employees is not None else "independent"
        if employees is None:
            del self.employee
        else:
            self.employee.choices = [SelectChoice(0, _l("— Choisissez un salarié —"))] + [
                SelectChoice(e.id, f"{e.last_name} {e.first_name}") for e in employees
            ]
        self.visit_type.choices = [SelectChoice("", _l("— Choisissez une visite —"))] + [
            SelectChoice(kind.code, kind.label(locale)) for kind in requestable(self.requester)
        ]
        self.absence_days.parsed = None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if "employee" in self and not self.employee.data:
            self.employee.errors = [*self.employee.errors, _("Choisissez le salarié.")]
            valid = False
        codes = {kind.code for kind in requestable(self.requester)}
        if self.visit_type.data not in codes:
            self.visit_type.errors = [*self.visit_type.errors, _("Choisissez le type de visite.")]
            return False
        if self.modality.data and self.modality.data not in MODALITY:
            self.modality.errors = [
                *self.modality.errors,
                _("Choisissez une modalité de la liste."),
            ]
            valid = False
        if self.visit_type.data == "reprise":
            valid = self._check_reprise() and valid
        if (
            self.visit_type.data in ("liaison", "pre_reprise")
            and self.stoppage_start.parsed is None
        ):
            if not self.stoppage_start.errors:
                self.stoppage_start.errors = [
                    *self.stoppage_start.errors,
                    _("Indiquez le premier jour de l'arrêt de travail."),
                ]
            valid = False
        return valid

    def _check_reprise(self) -> bool:
        valid = True
        if self.return_date.parsed is None:
            if not self.return_date.errors:
                self.return_date.errors = [
                    *self.return_date.errors,
                    _("Indiquez la date de reprise du travail."),
                ]
            valid = False
        if self.absence_cause.data not in ABSENCE_CAUSE:
            self.absence_cause.errors = [
                *self.absence_cause.errors,
                _("Indiquez la cause de l'absence."),
            ]
            valid = False
        raw = (self.absence_days.data or "").strip()
        if raw.isdigit() and int(raw) <= 3650:
            self.absence_days.parsed = int(raw)
        else:
            self.absence_days.errors = [
                *self.absence_days.errors,
                _("Indiquez la durée de l'absence en jours, par exemple 45."),
            ]
            valid = False
        return valid


class SlotForm(FlaskForm):
    """The slot picked: each slot is a submit button carrying its id."""

    slot = IntegerField(validators=[DataRequired()])


class CancelForm(FlaskForm):
    reason = TextAreaField(
        _l("Motif de l'annulation (facultatif)"),
        validators=[Optional(), Length(max=500)],
        render_kw={"rows": 2},
    )


def requestable(requester: str) -> list[visit_rules.VisitType]:
    return [kind for kind in visit_rules.visit_types().values() if requester in kind.requesters]


def employer_types() -> list[visit_rules.VisitType]:
    return requestable("employer")


# ---------------------------------------------------------------- helpers


def _worker_name(visit: Visit) -> str:
    if visit.employee is not None:
        return visit.employee.full_name
    return visit.member.contact_name or visit.member.legal_name


def _visit(member, visit_id: int) -> Visit:
    visit = booking.employer_visit(db.session, member.id, visit_id)
    if visit is None:
        abort(404)
    return visit


def _locale() -> str:
    return str(get_locale() or "fr")


def _type_label(code: str) -> str:
    return visit_rules.get(code).label(_locale())


def _is_past(visit: Visit, now: datetime) -> bool:
    return visit.slot is not None and visit.slot.starts_at <= now


def _changeable(visit: Visit, now: datetime) -> bool:
    """May the employer still move or cancel it (requested, or booked and still ahead)? Never a
    visit the employee asked for: it is the worker's to move or cancel."""
    if visit.employee_id is not None and identity.private(visit):
        return False
    if visit.status == VisitStatus.REQUESTED:
        return True
    return visit.status == VisitStatus.BOOKED and not _is_past(visit, now)


@bp.context_processor
def _visit_helpers():
    return {
        "visit_type_label": _type_label,
        "visit_status_label": lambda status: STATUS.get(status, status),
        "modality_label": lambda code: MODALITY.get(code, code),
        "outcome_label": lambda kind: OUTCOME.get(kind, kind),
        "absence_cause_label": lambda cause: ABSENCE_CAUSE.get(cause, cause),
        "time_of": lambda moment: format_time(moment, "short"),
        "paris_day": lambda moment: moment.astimezone(PARIS).date(),
        "worker_name": _worker_name,
    }


# ---------------------------------------------------------------- the visits page


@bp.get("/visites")
def visits_home():
    member = _member()
    today, now = today_paris(), utcnow()
    if member.kind == MemberKind.EMPLOYER:
        to_plan = due.visits_to_plan(db.session, member, today)
    else:
        to_plan = due.worker_due(db.session, member, today)
    current = booking.employer_visits(
        db.session, member.id, statuses=[VisitStatus.REQUESTED, VisitStatus.BOOKED]
    )
    far = datetime.max.replace(tzinfo=PARIS)
    current.sort(key=lambda v: (v.slot.starts_at if v.slot is not None else far, v.id))
    past = booking.employer_visits(
        db.session,
        member.id,
        statuses=[VisitStatus.DONE, VisitStatus.NO_SHOW, VisitStatus.CANCELLED],
    )
    past.sort(key=lambda v: v.slot.starts_at if v.slot is not None else v.created_at, reverse=True)
    audit.record(db.session, current_user, "read", "member", member.id, "visites")
    db.session.commit()
    return render_template(
        "member/visits/index.html",
        member=member,
        mine=member.kind != MemberKind.EMPLOYER,
        to_plan=to_plan,
        current=current,
        past=past,
        today=today,
        now=now,
        locale=_locale(),
        changeable=lambda visit: _changeable(visit, now),
    )


@bp.route("/visites/demande", methods=["GET", "POST"])
def visit_request():
    member = _member()
    if member.kind != MemberKind.EMPLOYER:
        return _own_visit_request(member)
    today, now = today_paris(), utcnow()
    employees = workforce.list_employees(db.session, member.id, today=today)
    form = VisitRequestForm(employees)
    planned = None
    if request.method == "GET":
        wanted = request.args.get("salarie", type=int)
        if wanted is not None:
            employee = _employee(member.id, wanted)
            form.employee.data = employee.id
        kind = request.args.get("type")
        if kind in {k.code for k in employer_types()}:
            form.visit_type.data = kind
        if wanted is not None and kind:
            planned = _planned(member, employee, kind, today)
    elif form.validate_on_submit():
        employee = _employee(member.id, form.employee.data)
        if employee.left_on is not None and employee.left_on <= today:
            form.employee.errors = [_("Ce salarié a quitté l'entreprise.")]
        else:
            planned = _planned(member, employee, form.visit_type.data, today)
            try:
                visit = booking.request_visit(
                    db.session,
                    current_user,
                    member=member,
                    employee=employee,
                    request=_request_of(form, planned),
                    now=now,
                    auto=False,
                )
            except booking.NotAllowed as refused:
                db.session.rollback()
                form.form_errors.append(str(refused.message))
            else:
                if visit.reused:  # asked already: the open request, not a second one
                    db.session.commit()
                    flash(_("Une demande de ce type est déjà en cours pour ce salarié."), "info")
                    return redirect(url_for("member.visit_detail", visit_id=visit.id))
                by_service = booking.organised_by_the_service(db.session, visit, now)
                if by_service:  # the team places it, as when no slot fits (never why)
                    booking.queue_for_staff(db.session, current_user, visit, now)
                elif form.placement.data == "auto":
                    booking.place_automatically(db.session, current_user, visit, now)
                db.session.commit()
                if form.placement.data == "choose" and not by_service:
                    return redirect(url_for("member.visit_slots", visit_id=visit.id))
                return redirect(url_for("member.visit_detail", visit_id=visit.id, nouvelle=1))
    invalid = request.method == "POST"
    return render_template(
        "member/visits/request.html", form=form, planned=planned, locale=_locale()
    ), 400 if invalid else 200


def _own_visit_request(member):
    """An independent worker asks for their own visit (the same rules, no employee)."""
    today, now = today_paris(), utcnow()
    form = VisitRequestForm(None)
    planned = None
    if request.method == "GET":
        kind = request.args.get("type")
        if kind in {k.code for k in requestable("independent")}:
            form.visit_type.data = kind
            planned = _own_planned(member, kind, today)
    elif form.validate_on_submit():
        planned = _own_planned(member, form.visit_type.data, today)
        try:
            visit = booking.request_visit(
                db.session,
                current_user,
                member=member,
                employee=None,
                request=_request_of(form, planned),
                now=now,
                auto=form.placement.data == "auto",
            )
        except booking.NotAllowed as refused:
            db.session.rollback()
            form.form_errors.append(str(refused.message))
        else:
            db.session.commit()
            if visit.reused:
                flash(_("Une demande de ce type est déjà en cours."), "info")
                return redirect(url_for("member.visit_detail", visit_id=visit.id))
            if form.placement.data == "choose":
                return redirect(url_for("member.visit_slots", visit_id=visit.id))
            return redirect(url_for("member.visit_detail", visit_id=visit.id, nouvelle=1))
    invalid = request.method == "POST"
    return render_template(
        "member/visits/request.html", form=form, planned=planned, locale=_locale()
    ), 400 if invalid else 200


def _own_planned(member, code: str, today: date) -> due.ToPlan | None:
    return next(
        (i for i in due.worker_due(db.session, member, today) if i.visit_type == code), None
    )


def _employee(member_id: int, employee_id: int) -> Employee:
    try:
        return workforce.get_employee(db.session, member_id, employee_id)
    except workforce.EmployeeNotFound:
        abort(404)


def _planned(member, employee: Employee, code: str, today: date) -> due.ToPlan | None:
    """The matching visit to plan, if any: its regulatory window goes with the request."""
    for item in due.visits_to_plan(db.session, member, today, employees=[employee]):
        if item.visit_type == code:
            return item
    return None


def _request_of(form: VisitRequestForm, planned: due.ToPlan | None) -> booking.Request:
    code = form.visit_type.data
    event_date = None
    if code == "reprise":
        event_date = form.return_date.parsed
    elif code in ("liaison", "pre_reprise"):
        event_date = form.stoppage_start.parsed
    return booking.Request(
        visit_type=code,
        requested_by=form.requester,
        reason=(form.reason.data or "").strip() or None,
        event_date=event_date,
        absence_cause=form.absence_cause.data if code == "reprise" else None,
        absence_days=form.absence_days.parsed if code == "reprise" else None,
        modality=form.modality.data or None,
        due_from=planned.window.due_from if planned else None,
        due_by=planned.window.due_by if planned else None,
    )


@bp.get("/visites/<int:visit_id>")
def visit_detail(visit_id: int):
    member = _member()
    visit = _visit(member, visit_id)
    now = utcnow()
    audit.record(db.session, current_user, "read", "visit", visit.id)
    db.session.commit()
    return render_template(
        "member/visits/detail.html",
        visit=visit,
        kind=visit_rules.get(visit.visit_type),
        locale=_locale(),
        new=request.args.get("nouvelle") == "1",
        changeable=_changeable(visit, now),
        # the worker's own request: the employer may know it exists, never why
        workers_own=visit.employee_id is not None and identity.private(visit),
    )


# ---------------------------------------------------------------- choosing and moving a slot


def _cursor(now: datetime) -> datetime | None:
    """The `depuis` parameter: a day (from the date picker) or the exact time of a slot."""
    raw = (request.args.get("depuis") or "").strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    return moment if moment > now else None


def _offer(visit: Visit, now: datetime, exclude: int | None):
    """(slots grouped by day in Paris, the cursor of the next page or None, the place chosen)."""
    cursor = _cursor(now)
    search_now = now if cursor is None else max(now, cursor - booking.LEAD_TIME)
    centre_id = request.args.get("lieu", type=int)
    slots = booking.compatible_slots(
        db.session,
        visit,
        now=search_now,
        limit=SLOTS_PER_PAGE + 1,
        centre_id=centre_id,
        exclude_slot=exclude,
    )
    following = None
    if len(slots) > SLOTS_PER_PAGE:
        following = slots[SLOTS_PER_PAGE].starts_at
        # the next page starts at that time: leave its slots for the next page
        shown = [s for s in slots[:SLOTS_PER_PAGE] if s.starts_at < following]
        slots = shown or slots[:SLOTS_PER_PAGE]
    days = [
        (day, list(group))
        for day, group in groupby(slots, key=lambda s: s.starts_at.astimezone(PARIS).date())
    ]
    next_cursor = following.astimezone(PARIS).isoformat() if following is not None else None
    return days, next_cursor, centre_id


def _slot_page(member, visit: Visit, *, moving: bool, form=None, status: int = 200):
    now = utcnow()
    exclude = visit.slot_id if moving else None
    days, next_cursor, centre_id = _offer(visit, now, exclude)
    centres = db.session.scalars(
        select(Centre).where(Centre.active.is_(True)).order_by(Centre.name)
    )
    audit.record(db.session, current_user, "read", "visit", visit.id, "créneaux")
    db.session.commit()
    return render_template(
        "member/visits/slots.html",
        visit=visit,
        moving=moving,
        days=days,
        next_cursor=next_cursor,
        centre_id=centre_id,
        centres=list(centres),
        form=form or SlotForm(),
        since=(request.args.get("depuis") or "")[:10],
        locale=_locale(),
    ), status


def _pick(member, visit: Visit, *, moving: bool):
    """Book the slot chosen (for a move, the same visit row changes slot)."""
    form = SlotForm()
    if not form.validate_on_submit():
        flash(_("Choisissez un créneau dans la liste."), "error")
        return _slot_page(member, visit, moving=moving, form=form, status=400)
    now = utcnow()
    slot = db.session.get(Slot, form.slot.data)
    try:
        if slot is None:
            raise booking.NotAllowed(_("Ce créneau n'est plus disponible."))
        booking.book(db.session, current_user, visit, slot, now)
    except booking.SlotTaken as taken:
        flash(str(taken.message), "error")
        return _slot_page(member, visit, moving=moving, form=form, status=409)
    except booking.NotAllowed as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return _slot_page(member, visit, moving=moving, form=form, status=400)
    db.session.commit()
    flash(_("Rendez-vous déplacé.") if moving else _("Rendez-vous réservé."), "success")
    return redirect(url_for("member.visit_detail", visit_id=visit.id))


def _by_the_service(visit: Visit):
    """The worker's situation changes who sees them: the team places the visit (the employer is
    told no more than when no slot fits)."""
    now = utcnow()
    if not booking.organised_by_the_service(db.session, visit, now):
        return None
    if visit.status == VisitStatus.REQUESTED:
        booking.queue_for_staff(db.session, current_user, visit, now)
        db.session.commit()
    flash(_("L'équipe du service organise cette visite et vous proposera un créneau."), "info")
    return redirect(url_for("member.visit_detail", visit_id=visit.id))


def _refuse_change(visit: Visit):
    flash(_("Cette visite ne peut plus être modifiée."), "error")
    return redirect(url_for("member.visit_detail", visit_id=visit.id))


@bp.route("/visites/<int:visit_id>/creneaux", methods=["GET", "POST"])
def visit_slots(visit_id: int):
    member = _member()
    visit = _visit(member, visit_id)
    if visit.status == VisitStatus.BOOKED:
        if request.method == "GET":
            return redirect(url_for("member.visit_move", visit_id=visit.id))
        return _refuse_change(visit)
    if visit.status != VisitStatus.REQUESTED or not _changeable(visit, utcnow()):
        return _refuse_change(visit)
    if (by_service := _by_the_service(visit)) is not None:
        return by_service
    if request.method == "POST":
        return _pick(member, visit, moving=False)
    return _slot_page(member, visit, moving=False)


@bp.route("/visites/<int:visit_id>/deplacer", methods=["GET", "POST"])
def visit_move(visit_id: int):
    member = _member()
    visit = _visit(member, visit_id)
    if visit.status == VisitStatus.REQUESTED and request.method == "GET":
        return redirect(url_for("member.visit_slots", visit_id=visit.id))
    if visit.status != VisitStatus.BOOKED or not _changeable(visit, utcnow()):
        return _refuse_change(visit)
    if (by_service := _by_the_service(visit)) is not None:
        return by_service
    if request.method == "POST":
        return _pick(member, visit, moving=True)
    return _slot_page(member, visit, moving=True)


# ---------------------------------------------------------------- cancelling


@bp.route("/visites/<int:visit_id>/annuler", methods=["GET", "POST"])
def visit_cancel(visit_id: int):
    member = _member()
    visit = _visit(member, visit_id)
    now = utcnow()
    if not _changeable(visit, now):
        flash(_("Cette visite ne peut plus être annulée."), "error")
        return redirect(url_for("member.visit_detail", visit_id=visit.id))
    form = CancelForm()
    if form.validate_on_submit():
        try:
            booking.cancel(
                db.session, current_user, visit, now, (form.reason.data or "").strip() or None
            )
        except booking.NotAllowed as refused:
            db.session.rollback()
            form.form_errors.append(str(refused.message))
        else:
            db.session.commit()
            flash(_("Visite annulée."), "success")
            return redirect(url_for("member.visits_home"))
    audit.record(db.session, current_user, "read", "visit", visit.id)
    db.session.commit()
    return render_template(
        "member/visits/cancel.html", visit=visit, form=form, locale=_locale()
    ), 400 if request.method == "POST" else 200
