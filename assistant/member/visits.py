"""The employer's visits (/espace/visites): what to plan and the visits asked for or done, a
visit's page, cancelling one.

Every visit id in a URL or a form is checked against the signed-in member (`visit_of`). Each
request commits once, at the end. Asking for a visit is in visit_requests.py, choosing or moving
its slot in visit_booking.py, the documents of done visits in documents_visits.py.

The request, the pick of a slot and the cancellation are the journeys of `dialogs/` (played by
`forms/wizard.py` and `forms/visits.py`); these views check who may do what and render the
outcome.
"""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from assistant.core.timeutil import PARIS, today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.member.blueprint import bp, current_member
from assistant.member.visit_common import journey_context, locale_code, may_change, visit_of
from assistant.models import MemberKind, Visit, VisitStatus
from assistant.services import audit
from assistant.services.visits import due, visit_lookup, visit_type_table
from assistant.services.workforce import phone_reach
from dialogs import visits as visit_journeys
from forms import visits as visit_player
from forms.wizard import TextArea, accept_step, build_step_form


@bp.get("/visites")
def visits_home():
    member = current_member()
    today, now = today_paris(), utcnow()
    if member.kind == MemberKind.EMPLOYER:
        to_plan = due.visits_to_plan(db.session, member, today)
    else:
        to_plan = due.worker_due(db.session, member, today)
    current = visit_lookup.employer_visits(
        db.session, member.id, statuses=[VisitStatus.REQUESTED, VisitStatus.BOOKED]
    )
    far = datetime.max.replace(tzinfo=PARIS)
    current.sort(key=lambda v: (v.slot.starts_at if v.slot is not None else far, v.id))
    past = visit_lookup.employer_visits(
        db.session, member.id, statuses=[VisitStatus.DONE, VisitStatus.NO_SHOW]
    )
    past.sort(key=lambda v: v.slot.starts_at if v.slot is not None else v.created_at, reverse=True)
    # a cancelled visit neither took place nor has a result: a short list of its own
    cancelled = visit_lookup.employer_visits(
        db.session, member.id, statuses=[VisitStatus.CANCELLED]
    )
    cancelled.sort(key=lambda v: v.cancelled_at or v.created_at, reverse=True)
    audit.record(db.session, current_user, "read", "member", member.id, "visites")
    db.session.commit()
    return render_template(
        "member/visits/index.html",
        member=member,
        mine=member.kind != MemberKind.EMPLOYER,
        to_plan=to_plan,
        current=current,
        past=past,
        cancelled=cancelled,
        today=today,
        now=now,
        locale=locale_code(),
        changeable=lambda visit: may_change(visit, now),
    )


@bp.get("/visites/<int:visit_id>")
def visit_detail(visit_id: int):
    member = current_member()
    visit = visit_of(member, visit_id)
    now = utcnow()
    audit.record(db.session, current_user, "read", "visit", visit.id)
    db.session.commit()
    return render_template(
        "member/visits/detail.html",
        visit=visit,
        kind=visit_type_table.get(visit.visit_type),
        locale=locale_code(),
        new=request.args.get("nouvelle") == "1",
        changeable=may_change(visit, now),
        # the worker's own request: the employer may know it exists, never why
        workers_own=visit.employee_id is not None and phone_reach.private(visit),
    )


# ---------------------------------------------------------------- cancelling


CANCEL_WIDGETS = {"reason": TextArea(rows=2)}


@bp.route("/visites/<int:visit_id>/annuler", methods=["GET", "POST"])
def visit_cancel(visit_id: int):
    """The cancel journey on one page: the reason asked of a member, the button is the yes."""
    member = current_member()
    visit = visit_of(member, visit_id)
    now = utcnow()
    if not may_change(visit, now):
        return _cannot_cancel(visit)
    requester = "employer" if member.kind == MemberKind.EMPLOYER else "independent"
    answers = visit_player.journey_answers(visit, moving=False, _requester=requester)
    posted = request.form if request.method == "POST" else None
    journey = visit_journeys.CANCEL
    context = journey_context(now)
    form, questions = build_step_form(
        journey, visit_journeys.REASON.step, answers, context, posted, widgets=CANCEL_WIDGETS
    )
    if posted is not None and form.validate():
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
        "member/visits/cancel.html", visit=visit, form=form, locale=locale_code()
    ), 400 if posted is not None else 200


def _cannot_cancel(visit: Visit):
    flash(_("Cette visite ne peut plus être annulée."), "error")
    return redirect(url_for("member.visit_detail", visit_id=visit.id))
