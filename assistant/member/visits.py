"""The employer's visits (/espace/visites): what to plan, requests, slots, moves and cancellations.

Every visit and employee id in a URL or a form is checked against the signed-in member
(`booking.employer_visit`, `workforce.get_employee`): another member's, or a visit the employee
asked for confidentially, is simply not found. Each request commits once, at the end.

The request, the pick of a slot and the cancellation are the journeys of `dialogs/` (played by
`forms/wizard.py` and `forms/visits.py`); these views check who may do what and render the
outcome.
"""

from __future__ import annotations

from datetime import datetime
from itertools import groupby

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_time, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from assistant.core.parsing import Reprompt
from assistant.core.timeutil import PARIS, today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.member.blueprint import bp, current_member
from assistant.models import Centre, Employee, MemberKind, Visit, VisitStatus
from assistant.services import audit, booking, due, identity, visit_rules, workforce
from dialogs import visit_request as visit_request_journey
from dialogs import visits as visit_journeys
from dialogs.engine import Context
from forms import visits as visit_player
from forms.visits import SlotButtonForm
from forms.wizard import Select, TextArea, accept_step, build_step_form

SLOTS_PER_PAGE = 10

MODALITY = visit_request_journey.MODALITIES
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
ABSENCE_CAUSE = visit_request_journey.ABSENCE_CAUSES


# ---------------------------------------------------------------- forms


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


def _context(now: datetime) -> Context:
    """What the journeys' endings need from this request: the member's account acts."""
    return Context(
        session=db.session,
        today=today_paris(now),
        now=now,
        actor=current_user,
        locale=_locale(),
    )


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
    member = current_member()
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
            [e.id, f"{e.last_name} {e.first_name}"]
            for e in workforce.list_employees(db.session, member.id, today=today)
        ]
    posted = request.form if request.method == "POST" else None
    form, questions = build_step_form(
        visit_request_journey.REQUEST,
        visit_request_journey.STEP,
        answers,
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
            context = Context(session=db.session, today=today, now=now, actor=current_user)
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
        "member/visits/request.html", form=form, planned=planned, locale=_locale()
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
    except workforce.EmployeeNotFound:
        abort(404)


@bp.get("/visites/<int:visit_id>")
def visit_detail(visit_id: int):
    member = current_member()
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
        listed=visit_player.listed_value(slot for _day, slots in days for slot in slots),
        next_cursor=next_cursor,
        centre_id=centre_id,
        centres=list(centres),
        form=form or SlotButtonForm(),
        since=(request.args.get("depuis") or "")[:10],
        locale=_locale(),
    ), status


def _pick(member, visit: Visit, *, moving: bool):
    """Book the slot chosen among those the page listed, by the journey's pick and ending (for
    a move, the same visit row changes slot)."""
    form = SlotButtonForm()
    if form.validate_on_submit():
        listed = visit_player.listed(request.form, form.slot.data)
        try:
            outcome = visit_player.pick(
                visit, listed, form.slot.data, moving=moving, context=_context(utcnow())
            )
        except Reprompt:
            pass  # not a slot the page listed
        else:
            return _picked(member, visit, outcome, form, moving=moving)
    flash(_("Choisissez un créneau dans la liste."), "error")
    return _slot_page(member, visit, moving=moving, form=form, status=400)


def _picked(member, visit: Visit, outcome, form, *, moving: bool):
    """The pick's outcome: booked; taken meanwhile (409) or no longer bookable (400), the
    page again with the slots still free; the visit no longer changeable."""
    if visit_player.offered_again(outcome):
        if not outcome.values["taken"]:
            db.session.rollback()
        flash(str(outcome.values["reason"]), "error")
        status = 409 if outcome.values["taken"] else 400
        return _slot_page(member, visit, moving=moving, form=form, status=status)
    if outcome.say != "visit_confirmed":
        db.session.rollback()
        return _refuse_change(visit)
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
    member = current_member()
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
    member = current_member()
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


CANCEL_WIDGETS = {"reason": TextArea(rows=2)}


@bp.route("/visites/<int:visit_id>/annuler", methods=["GET", "POST"])
def visit_cancel(visit_id: int):
    """The cancel journey on one page: the reason asked of a member, the button is the yes."""
    member = current_member()
    visit = _visit(member, visit_id)
    now = utcnow()
    if not _changeable(visit, now):
        return _cannot_cancel(visit)
    requester = "employer" if member.kind == MemberKind.EMPLOYER else "independent"
    answers = visit_player.journey_answers(visit, moving=False, _requester=requester)
    posted = request.form if request.method == "POST" else None
    journey = visit_journeys.CANCEL
    form, questions = build_step_form(
        journey, visit_journeys.REASON.step, answers, posted, widgets=CANCEL_WIDGETS
    )
    if posted is not None and form.validate():
        context = _context(now)
        answers, ok = accept_step(journey, questions, form, answers, context)
        if ok:
            outcome = visit_player.cancel(visit, context, answers)
            if outcome.say != "visit_cancel_done":
                db.session.rollback()
                return _cannot_cancel(visit)
            db.session.commit()
            flash(_("Visite annulée."), "success")
            return redirect(url_for("member.visits_home"))
    audit.record(db.session, current_user, "read", "visit", visit.id)
    db.session.commit()
    return render_template(
        "member/visits/cancel.html", visit=visit, form=form, locale=_locale()
    ), 400 if posted is not None else 200


def _cannot_cancel(visit: Visit):
    flash(_("Cette visite ne peut plus être annulée."), "error")
    return redirect(url_for("member.visit_detail", visit_id=visit.id))
