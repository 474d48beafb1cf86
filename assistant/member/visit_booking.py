"""Choosing the slot of a requested visit, or another slot for a booked one (a move): the slots
compatible with the visit, a page at a time, and the booking journey's pick and ending."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from assistant.core.parsing import Reprompt
from assistant.core.timeutil import PARIS
from assistant.database import utcnow
from assistant.extensions import db
from assistant.member.blueprint import bp, current_member
from assistant.member.visit_common import journey_context, locale_code, may_change, visit_of
from assistant.models import Centre, Visit, VisitStatus
from assistant.services import audit
from assistant.services.visits import slot_offers, visit_requests
from forms import visits as visit_player
from forms.visits import SlotButtonForm

SLOTS_PER_PAGE = 10


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


def _offer(visit: Visit, now: datetime, exclude: int | None, centres: list[Centre]):
    """(slots grouped by day in Paris, the cursor of the next page or None, the place chosen
    among `centres`, those the visit can use: another one, from an old link, is not searched)."""
    cursor = _cursor(now)
    search_now = now if cursor is None else max(now, cursor - slot_offers.LEAD_TIME)
    centre_id = request.args.get("lieu", type=int)
    if centre_id not in {centre.id for centre in centres}:
        centre_id = None
    slots = slot_offers.compatible_slots(
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
    # only the places where this visit has slots (its type's professionals, its modality)
    centres = slot_offers.compatible_centres(db.session, visit, now=now, exclude_slot=exclude)
    days, next_cursor, centre_id = _offer(visit, now, exclude, centres)
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
        centres=centres,
        form=form or SlotButtonForm(),
        since=(request.args.get("depuis") or "")[:10],
        locale=locale_code(),
    ), status


def _pick(member, visit: Visit, *, moving: bool):
    """Book the slot chosen among those the page listed, by the journey's pick and ending (for
    a move, the same visit row changes slot)."""
    form = SlotButtonForm()
    if form.validate_on_submit():
        listed = visit_player.listed(request.form, form.slot.data)
        try:
            outcome = visit_player.pick(
                visit, listed, form.slot.data, moving=moving, context=journey_context(utcnow())
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
    if not slot_offers.organised_by_the_service(db.session, visit, now):
        return None
    if visit.status == VisitStatus.REQUESTED:
        visit_requests.queue_for_staff(db.session, current_user, visit, now)
        db.session.commit()
    flash(_("L'équipe du service organise cette visite et vous proposera un créneau."), "info")
    return redirect(url_for("member.visit_detail", visit_id=visit.id))


def _refuse_change(visit: Visit):
    flash(_("Cette visite ne peut plus être modifiée."), "error")
    return redirect(url_for("member.visit_detail", visit_id=visit.id))


@bp.route("/visites/<int:visit_id>/creneaux", methods=["GET", "POST"])
def visit_slots(visit_id: int):
    member = current_member()
    visit = visit_of(member, visit_id)
    if visit.status == VisitStatus.BOOKED:
        if request.method == "GET":
            return redirect(url_for("member.visit_move", visit_id=visit.id))
        return _refuse_change(visit)
    if visit.status != VisitStatus.REQUESTED or not may_change(visit, utcnow()):
        return _refuse_change(visit)
    if (by_service := _by_the_service(visit)) is not None:
        return by_service
    if request.method == "POST":
        return _pick(member, visit, moving=False)
    return _slot_page(member, visit, moving=False)


@bp.route("/visites/<int:visit_id>/deplacer", methods=["GET", "POST"])
def visit_move(visit_id: int):
    member = current_member()
    visit = visit_of(member, visit_id)
    if visit.status == VisitStatus.REQUESTED and request.method == "GET":
        return redirect(url_for("member.visit_slots", visit_id=visit.id))
    if visit.status != VisitStatus.BOOKED or not may_change(visit, utcnow()):
        return _refuse_change(visit)
    if (by_service := _by_the_service(visit)) is not None:
        return by_service
    if request.method == "POST":
        return _pick(member, visit, moving=True)
    return _slot_page(member, visit, moving=True)
