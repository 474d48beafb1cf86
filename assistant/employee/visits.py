"""The employee's visits: asking for one (the request journey, a pré-reprise without the
employer knowing), choosing or moving its slot, letting the team place it, cancelling it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields import SelectChoice

from assistant.core.parsing import Reprompt
from assistant.database import utcnow
from assistant.employee.blueprint import (
    access_to,
    bp,
    journey_context,
    locale_code,
    my_visit,
    proven_employments,
)
from assistant.extensions import db
from assistant.models import VisitStatus
from assistant.services.visits import tele_consent, visit_type_table
from dialogs import visit_request as visit_request_journey
from dialogs import visits as visit_journeys
from forms import visits as visit_player
from forms.employee import ConfirmForm, SlotForm
from forms.wizard import Select, TextArea, accept_step, build_step_form

SLOTS_SHOWN = 12

# the web player's widgets for the request journey (dialogs/visit_request.py)
REQUEST_WIDGETS = {"absence_cause": Select("—"), "reason": TextArea()}


@bp.route("/demande/<int:employee_id>", methods=["GET", "POST"])
def request_visit(employee_id: int):
    """The request journey for this employment. Through a contact number the request goes to
    the team and nothing is shown back; asked already, the open request's slots are offered."""
    access = access_to(employee_id)
    answers = {
        "_requester": "employee",
        "_member": access.employee.member_id,
        "_employee": access.employee.id,
        "_proven": access.proven,
    }
    posted = request.form if request.method == "POST" else None
    context = journey_context(utcnow())
    form, questions = build_step_form(
        visit_request_journey.REQUEST,
        visit_request_journey.STEP,
        answers,
        context,
        posted,
        widgets=REQUEST_WIDGETS,
    )
    if posted is not None and form.validate():
        answers, ok = accept_step(visit_request_journey.REQUEST, questions, form, answers, context)
        if ok:
            outcome = visit_request_journey.REQUEST.finish(answers, context)
            if outcome.say != "visit_refused":
                db.session.commit()
                return _requested(outcome)
            db.session.rollback()
            form.form_errors.append(str(outcome.values["reason"]))
    return render_template(
        "employee/request.html",
        form=form,
        employee=access.employee,
        kinds=visit_request_journey.requestable("employee"),
        locale=locale_code(),
    ), 400 if posted is not None else 200


def _requested(outcome):
    if outcome.say == "visit_team":
        flash(
            _(
                "Votre demande est transmise à l'équipe du service, qui vous contactera. Pour "
                "voir vos demandes ici, faites confirmer votre numéro de mobile lors de votre "
                "prochaine visite."
            ),
            "info",
        )
        return redirect(url_for("employee.home"))
    if outcome.values["next"] == "slots":
        return redirect(url_for("employee.choose_slot", visit_id=outcome.values["visit_id"]))
    flash(
        _(
            "Aucun créneau libre pour l'instant : votre demande est transmise à "
            "l'équipe, qui vous proposera un rendez-vous."
        ),
        "info",
    )
    return redirect(url_for("employee.home"))


@bp.route("/visite/<int:visit_id>/creneau", methods=["GET", "POST"])
def choose_slot(visit_id: int):
    """Pick a slot for a request, or another slot for a booked visit (a move): the journey's
    offer (`SLOTS_SHOWN` at once), pick and ending."""
    visit = my_visit(visit_id)
    if visit.status not in (VisitStatus.REQUESTED, VisitStatus.BOOKED):
        abort(404)
    moving = visit.status == VisitStatus.BOOKED
    context = journey_context(utcnow(), offered=SLOTS_SHOWN)
    form = SlotForm()
    error = None
    if form.validate_on_submit():
        listed = visit_player.listed(request.form, form.slot.data)
        try:
            outcome = visit_player.pick(
                visit, listed, form.slot.data, moving=moving, context=context
            )
        except Reprompt:
            form.slot.errors = [_("Choisissez un créneau dans la liste.")]
        else:
            if visit_player.offered_again(outcome):  # taken meanwhile: the list shown again
                error = str(outcome.values["reason"])
            elif outcome.say == "visit_confirmed":
                db.session.commit()
                message = _("Rendez-vous déplacé.") if moving else _("Rendez-vous réservé.")
                flash(message, "success")
                return redirect(url_for("employee.home"))
            else:
                db.session.rollback()
                flash(_("Cette visite ne peut plus être modifiée."), "error")
                return redirect(url_for("employee.home"))
    slots = visit_journeys.slots_to_offer(visit, context, moving=moving)
    form.slot.choices = [SelectChoice(slot.id, "") for slot in slots]
    # by video only with the worker's consent (R4624-41-1): say where to give it
    video_needs_consent = (
        visit.employee in proven_employments()
        and visit_type_table.allows(visit.visit_type, "tele")
        and visit.modality in (None, "tele")
        and not tele_consent.for_visit(db.session, visit)
    )
    status = 409 if error else (400 if form.errors else 200)
    return render_template(
        "employee/slots.html",
        visit=visit,
        slots=slots,
        listed=visit_player.listed_value(slots),
        form=form,
        error=error,
        team_form=ConfirmForm(),
        video_needs_consent=video_needs_consent,
    ), status


@bp.post("/visite/<int:visit_id>/equipe")
def let_team_place(visit_id: int):
    """No slot suits the person: the first compatible one in the window, else the staff queue
    (the booking journey's ending when no slot is picked)."""
    visit = my_visit(visit_id)
    form = ConfirmForm()
    if visit.status != VisitStatus.REQUESTED or not form.validate_on_submit():
        abort(400)
    outcome = visit_journeys.place_for_the_person(visit, journey_context(utcnow()))
    if outcome.say == "visit_confirmed":
        flash(_("Rendez-vous réservé."), "success")
    else:
        flash(
            _("Votre demande est transmise à l'équipe, qui vous proposera un rendez-vous."), "info"
        )
    db.session.commit()
    return redirect(url_for("employee.home"))


@bp.route("/visite/<int:visit_id>/annuler", methods=["GET", "POST"])
def cancel(visit_id: int):
    visit = my_visit(visit_id)
    if visit.status not in (VisitStatus.REQUESTED, VisitStatus.BOOKED):
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        # the button is the journey's yes
        outcome = visit_player.cancel(
            visit, journey_context(utcnow(), cancel_note="espace salarié")
        )
        if outcome.say != "visit_cancel_done":  # a booked visit already past
            db.session.rollback()
            flash(_("Cette visite ne peut plus être annulée."), "error")
            return redirect(url_for("employee.home"))
        db.session.commit()
        flash(_("Rendez-vous annulé."), "success")
        return redirect(url_for("employee.home"))
    return render_template("employee/cancel.html", visit=visit, form=form)
