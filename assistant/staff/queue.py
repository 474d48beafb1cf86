"""The staff queue of visits: requests no slot could take automatically, and booked visits that
an absence or closure displaced; staff assign them to a compatible slot by hand."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from assistant.core.timeutil import PARIS, today_paris
from assistant.database import commit_retrying, utcnow
from assistant.extensions import db
from assistant.models import Centre, Role, Slot, Visit, VisitStatus
from assistant.services import audit
from assistant.services.visits import (
    booking,
    planning,
    planning_absences,
    slot_offers,
    visit_requests,
)
from assistant.services.visits.wall_clock import paris_midnight
from assistant.staff.access import role_required, shown
from assistant.staff.blueprint import bp
from assistant.staff.display import when
from forms.planning import AssignForm, SlotFilterForm

QUEUE_ROLES = (Role.SECRETARY, Role.ADMIN, Role.DOCTOR, Role.NURSE)
SHOWN_SLOTS = 40
SEARCHED_SLOTS = 500  # filtered by modality after the search, so look further


def _context():
    return {
        # what each role reads of a visit (type, person, reason): care_team.visit_view
        "shown": shown,
        "when": when,
        "reads_reason": current_user.role in (Role.SECRETARY, Role.DOCTOR, Role.NURSE),
        "PARIS": PARIS,
    }


@bp.get("/file-attente")
@role_required(*QUEUE_ROLES)
def visit_queue():
    now = utcnow()
    waiting = visit_requests.queue(db.session)
    displaced = planning_absences.displaced(db.session, now)
    hurried = visit_requests.short_notice(db.session, now)
    audit.record(
        db.session,
        current_user,
        "read",
        "visit_queue",
        None,
        audit.detail("queue", waiting=len(waiting), to_move=len(displaced)),
        ip=request.remote_addr,
    )
    db.session.commit()
    return render_template(
        "staff/queue/index.html",
        waiting=waiting,
        displaced=displaced,
        hurried=hurried,
        today=today_paris(now),
        **_context(),
    )


def _visit_or_404(visit_id: int) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        abort(404)
    return visit


def _allowed_modalities(visit: Visit) -> list[str]:
    # a teleconsultation only with the worker's consent in force (R4624-41-1)
    return slot_offers.modalities_for(db.session, visit)


@bp.get("/file-attente/<int:visit_id>")
@role_required(*QUEUE_ROLES)
def queue_assign(visit_id: int):
    visit = _visit_or_404(visit_id)
    now = utcnow()
    modalities = _allowed_modalities(visit)
    centres = [
        centre
        for centre in db.session.scalars(
            select(Centre).where(Centre.active.is_(True)).order_by(Centre.name)
        )
        if planning.MODALITY_OF_PLACE[centre.kind] in modalities
    ]
    filters = SlotFilterForm(request.args, centres=centres, modalities=modalities)
    filters.validate()
    slots: list[Slot] = []
    open_visit = visit.status in (VisitStatus.REQUESTED, VisitStatus.BOOKED)
    if open_visit:
        # `now` sets the earliest start: from the chosen day, never sooner than the rules allow
        search_now = now
        if filters.after.data is not None:
            search_now = max(now, paris_midnight(filters.after.data) - slot_offers.LEAD_TIME)
        found = slot_offers.compatible_slots(
            db.session,
            visit,
            now=search_now,
            limit=SEARCHED_SLOTS,
            centre_id=filters.centre_id(),
            exclude_slot=visit.slot_id if visit.status == VisitStatus.BOOKED else None,
        )
        chosen = filters.chosen_modality()
        slots = [slot for slot in found if chosen is None or slot.modality == chosen]
        slots = slots[:SHOWN_SLOTS]
    audit.record(
        db.session, current_user, "read", "visit", visit.id, "assignment", ip=request.remote_addr
    )
    db.session.commit()
    late_after = (
        paris_midnight(visit.due_by + timedelta(days=1)) if visit.due_by is not None else None
    )
    return render_template(
        "staff/queue/assign.html",
        visit=visit,
        slots=slots,
        filters=filters,
        form=AssignForm(formdata=None),
        open_visit=open_visit,
        late_after=late_after,
        today=today_paris(now),
        **_context(),
    )


@bp.post("/file-attente/<int:visit_id>/assigner")
@role_required(*QUEUE_ROLES)
def queue_book(visit_id: int):
    form = AssignForm()
    back = url_for("staff.queue_assign", visit_id=visit_id, **request.args)
    if not form.validate_on_submit():
        flash(_("Choisissez un créneau."), "error")
        return redirect(back)
    now = utcnow()

    def attempt() -> Visit:
        visit = _visit_or_404(visit_id)
        slot = db.session.get(Slot, form.slot_id.data)
        if slot is None:
            raise booking.NotAllowed(_("Ce créneau n'existe plus."))
        return booking.book(db.session, current_user, visit, slot, now)

    try:
        visit = commit_retrying(db.session, attempt)
    except booking.SlotTaken:
        db.session.rollback()
        flash(_("Ce créneau est déjà pris : choisissez-en un autre."), "error")
        return redirect(back)
    except booking.NotAllowed as refusal:
        db.session.rollback()
        flash(str(refusal.message), "error")
        return redirect(back)
    flash(
        _(
            "Visite de %(name)s placée le %(when)s avec %(who)s (%(place)s).",
            name=shown(visit).worker,
            when=when(visit.slot.starts_at),
            who=visit.slot.staff.full_name,
            place=visit.slot.centre.name,
        ),
        "success",
    )
    return redirect(url_for("staff.visit_queue"))
