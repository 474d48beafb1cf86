"""Visits to record (/staff/visites): the professional records the outcome of a visit (the
documents its type allows; before an inaptitude, the doctor dates the steps of R4624-42, tasks on
the visit), the secretary or the professional notes a no-show; medical notes stay with the health
staff. A document for the worker alone (pré-reprise, ACI, état des expositions) is read by the
health staff of the worker's team only."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from assistant import labels
from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.models import Role, Visit, VisitStatus
from assistant.services import audit
from assistant.services.documents import visit_documents
from assistant.services.prevention import risk_catalogue
from assistant.services.visits import booking, inaptitude, outcome_rules, outcomes
from assistant.staff.access import HEALTH, has_role, require_health_read, role_required, shown
from assistant.staff.blueprint import bp
from assistant.views import pdf_response
from forms.outcomes import InaptitudeStepForm, NoteForm, OutcomeForm

RECORDERS = (Role.SECRETARY, Role.DOCTOR, Role.NURSE)


def _locale() -> str:
    return str(get_locale() or "fr")


def _visit(visit_id: int) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.slot_id is None:
        abort(404)
    return visit


@bp.get("/visites")
@role_required(*RECORDERS)
def outcomes_to_record():
    visits = outcomes.visits_to_record(db.session, utcnow())
    audit.record(
        db.session, current_user, "read", "visit", None, "à enregistrer", ip=request.remote_addr
    )
    db.session.commit()
    return render_template(
        "staff/outcomes/index.html",
        visits=visits,
        shown=shown,
        health=current_user.role in outcomes.HEALTH_ROLES,
    )


@bp.route("/visites/<int:visit_id>/non-presente", methods=["GET", "POST"])
@role_required(*RECORDERS)
def visit_no_show(visit_id: int):
    """ "Non présenté" is asked for confirmation first (a page of its own, without JavaScript):
    it ends the visit for good."""
    visit = _visit(visit_id)
    if request.method == "GET" or request.form.get("confirm") != "1":
        return render_template("staff/outcomes/no_show.html", visit=visit, seen=shown(visit))
    try:
        booking.record_no_show(db.session, current_user, visit, utcnow())
    except booking.BookingError as error:
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("Absence enregistrée."), "success")
    return redirect(url_for("staff.outcomes_to_record"))


def _form_for(visit: Visit, *, fresh: bool = False) -> OutcomeForm:
    """The outcome form of this visit; `fresh`: not from this request's data (another form was
    posted)."""
    form = OutcomeForm(formdata=None) if fresh else OutcomeForm()
    kinds = outcomes.kinds_for(current_user.role, visit)
    form.kind.choices = [(str(kind), labels.OUTCOME_KIND[kind]) for kind in kinds]
    if visit.visit_type in labels.OUTCOME_TEXT_FIELD:
        form.recommendations.label.text = labels.OUTCOME_TEXT_FIELD[visit.visit_type]
        form.recommendations.description = _(
            "Jamais de diagnostic : ce texte figure sur le document remis au seul salarié."
        )
    catalogue = risk_catalogue.of(db.session).catalogue()
    form.main_risks.choices = [(code, r.label(_locale())) for code, r in catalogue.items()]
    if fresh or request.method == "GET":
        form.kind.data = str(kinds[0]) if kinds else None
        exposures = visit.employee.exposures if visit.employee is not None else None
        form.main_risks.data = [
            c for c in (exposures or visit.member.main_risks or []) if c in catalogue
        ]
        form.next_due.data = outcomes.suggested_next_due(db.session, visit)
    return form


def _tasks(visit: Visit):
    """The steps of the inaptitude procedure, when this visit may end with one."""
    if not inaptitude.applies(visit):
        return None
    return inaptitude.tasks(db.session, visit)


def _issue_page(visit: Visit, form: OutcomeForm, step_form: InaptitudeStepForm, status: int):
    audit.record(db.session, current_user, "read", "visit", visit.id, ip=request.remote_addr)
    notes = outcomes.notes(db.session, current_user, visit)
    tasks = _tasks(visit)
    db.session.commit()
    kinds = {str(kind) for kind, _label in form.kind.choices}
    return render_template(
        "staff/outcomes/issue.html",
        visit=visit,
        form=form,
        step_form=step_form,
        tasks=tasks,
        step_labels=labels.INAPTITUDE_STEP,
        proposals=current_user.role == Role.DOCTOR,
        with_next_due=not kinds <= outcome_rules.NO_NEXT_DUE,
        notes=notes,
        shown=shown,
    ), status


@bp.route("/visites/<int:visit_id>/issue", methods=["GET", "POST"])
@role_required(*HEALTH)
def outcome_issue(visit_id: int):
    visit = _visit(visit_id)
    # the notes, and the outcome being written: the team, or the professional seeing the worker
    require_health_read(
        visit.member, performs=visit.slot is not None and visit.slot.staff_id == current_user.id
    )
    if visit.status == VisitStatus.DONE:
        return _recorded(visit)
    if visit.status != VisitStatus.BOOKED:
        abort(404)
    form = _form_for(visit)
    status = 200
    if form.validate_on_submit():
        try:
            outcomes.record(
                db.session,
                current_user,
                visit,
                kind=form.kind.data or "",
                now=utcnow(),
                recommendations=form.recommendations.data,
                main_risks=form.main_risks.data or [],
                advice=form.advice.data,
                next_due=form.next_due.data,
                note=form.note.data,
            )
        except outcomes.OutcomeError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
            status = 400
        else:
            db.session.commit()
            flash(_("Résultat de la visite enregistré."), "success")
            return redirect(url_for("staff.outcome_issue", visit_id=visit.id))
    elif request.method == "POST":
        status = 400
    return _issue_page(visit, form, InaptitudeStepForm(formdata=None), status)


@bp.post("/visites/<int:visit_id>/inaptitude")
@role_required(Role.DOCTOR)
def inaptitude_step(visit_id: int):
    """The doctor dates one step of the inaptitude procedure (R4624-42)."""
    visit = _visit(visit_id)
    require_health_read(
        visit.member, performs=visit.slot is not None and visit.slot.staff_id == current_user.id
    )
    if visit.status != VisitStatus.BOOKED:
        abort(404)
    step_form = InaptitudeStepForm()
    if step_form.validate_on_submit():
        try:
            inaptitude.record_step(
                db.session,
                current_user,
                visit,
                step_form.step.data,
                step_form.done_on.data,
                today=today_paris(utcnow()),
                note=step_form.step_note.data,
            )
        except inaptitude.StepError as error:
            db.session.rollback()
            step_form.form_errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Étape de la procédure enregistrée."), "success")
            return redirect(url_for("staff.outcome_issue", visit_id=visit.id) + "#inaptitude")
    return _issue_page(visit, _form_for(visit, fresh=True), step_form, 400)


def _recorded(visit: Visit):
    form = NoteForm()
    if form.validate_on_submit() and (form.note.data or "").strip():
        outcomes.add_note(db.session, current_user, visit, form.note.data, utcnow())
        db.session.commit()
        flash(_("Note ajoutée."), "success")
        return redirect(url_for("staff.outcome_issue", visit_id=visit.id))
    audit.record(db.session, current_user, "read", "visit", visit.id, ip=request.remote_addr)
    notes = outcomes.notes(db.session, current_user, visit)
    db.session.commit()
    catalogue = risk_catalogue.of(db.session).catalogue()
    risk_labels = [
        catalogue[c].label(_locale()) for c in visit.outcome.main_risks or () if c in catalogue
    ]
    return render_template(
        "staff/outcomes/recorded.html",
        visit=visit,
        outcome=visit.outcome,
        notes=notes,
        form=form,
        kinds=labels.OUTCOME_KIND,
        risk_labels=risk_labels,
        steps=inaptitude.steps_done(db.session, visit),
        text_label=labels.OUTCOME_TEXT_FIELD.get(visit.visit_type),
        step_labels=labels.INAPTITUDE_STEP,
        shown=shown,
    )


def _outcome_of(visit_id: int) -> Visit:
    visit = _visit(visit_id)
    if visit.outcome is None:
        abort(404)
    return visit


@bp.get("/visites/<int:visit_id>/document.pdf")
@role_required(*RECORDERS)
def outcome_document_pdf(visit_id: int):
    """The visit's document. One for the worker alone (the copy kept in their record) is read by
    the health staff of their team only; the employer's, by the secretary too."""
    visit = _outcome_of(visit_id)
    if not outcome_rules.for_employer(visit.outcome.kind):
        if not has_role(current_user, *HEALTH):
            abort(403)
        require_health_read(visit.member)
    audit.record(db.session, current_user, "read", "visit_outcome", visit.id, "document pdf")
    db.session.commit()
    document = visit_documents.outcome_document(visit)
    return pdf_response(visit_documents.render_pdf(document), document.filename)


@bp.get("/visites/<int:visit_id>/ordonnance.pdf")
@role_required(*HEALTH)
def outcome_ordonnance_pdf(visit_id: int):
    visit = _outcome_of(visit_id)
    require_health_read(visit.member)
    audit.record(db.session, current_user, "read", "visit_outcome", visit.id, "ordonnance pdf")
    db.session.commit()
    document = visit_documents.ordonnance(visit)
    return pdf_response(visit_documents.render_pdf(document), document.filename)
