"""A PDP case in the back-office (SPEC 4.7): its page, read by the cell, the médecin du travail
in charge and the staff added to it — every read audited — and the steps of its life, each
audited by the services (`assistant/services/pdp/plan.py`). Whoever reads the case works on it
(the analysis, the plan's actions, the follow-ups); the cell alone gives the case to one of its
members, adds a professional and closes it. A refusal of the rules (the plan's limits…) is shown
on its field, on the page again with everything typed kept."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.models import Role, StaffUser
from assistant.models.pdp import PdpAction, PdpCase, PdpCaseMember, PdpReview, PdpStage
from assistant.services import audit
from assistant.services.pdp import access, plan
from assistant.services.pdp.cases import PdpError
from assistant.staff.access import role_required
from assistant.staff.blueprint import bp
from assistant.staff.pdp import READERS, person
from forms.pdp import (
    ActionForm,
    AddStaffForm,
    AnalysisForm,
    AssignForm,
    ButtonForm,
    CloseForm,
    ReviewForm,
)

JOINERS = (Role.DOCTOR, Role.NURSE, Role.IPRP, Role.PDP)  # may be added to a case


def _case(case_id: int) -> PdpCase:
    """The case, if the current staff member reads it; 403 otherwise (a number that does not
    exist is a 404 only for the cell, which reads them all)."""
    case = db.session.get(PdpCase, case_id)
    if case is None:
        abort(404 if access.is_cell(current_user) else 403)
    if not access.may_read(db.session, current_user, case):
        abort(403)
    return case


def _staff(*roles) -> list[StaffUser]:
    return list(
        db.session.scalars(
            select(StaffUser)
            .where(StaffUser.active.is_(True), StaffUser.role.in_([str(r) for r in roles]))
            .order_by(StaffUser.full_name, StaffUser.id)
        )
    )


def _picked(field, roles) -> StaffUser | None:
    """The staff member chosen in a select of people, if one of `roles` and active."""
    value = field.data or ""
    staff = db.session.get(StaffUser, int(value)) if value.isdigit() else None
    if staff is None or not staff.active or staff.role not in [str(r) for r in roles]:
        return None
    return staff


def _people(forms: dict, case: PdpCase) -> None:
    """The forms' lists of people and their first values (a blank form only)."""
    cell = _staff(Role.PDP)
    forms["assign"].assignee.choices = [(str(s.id), s.full_name) for s in cell]
    if _unset(forms["assign"].assignee):
        forms["assign"].assignee.data = str(case.assigned_to_id or current_user.id)
    readers = {m.staff_id for m in case_members(case)}
    forms["add_staff"].staff_id.choices = [
        (str(s.id), f"{s.full_name} ({_role(s.role)})")
        for s in _staff(*JOINERS)
        if s.id not in readers and s.role != Role.PDP
    ]
    doctors = _staff(Role.DOCTOR)
    forms["analysis"].doctor.choices = [(str(s.id), s.full_name) for s in doctors]
    if _unset(forms["analysis"].doctor):
        default = (
            current_user.id
            if current_user.role == Role.DOCTOR
            else case.analysed_with_id or case.member.doctor_id
        )
        forms["analysis"].doctor.data = str(default) if default else None
    if forms["analysis"].analysis.data is None:  # a blank form: the analysis so far, to amend
        forms["analysis"].analysis.data = case.analysis


def _unset(field) -> bool:
    return field.data in (None, "", "None")  # a blank form's select (coerced None)


def _role(role: str) -> str:
    from assistant import labels

    return str(labels.ROLE[role])


def case_members(case: PdpCase) -> list[PdpCaseMember]:
    return list(
        db.session.scalars(
            select(PdpCaseMember).where(PdpCaseMember.case_id == case.id).order_by(PdpCaseMember.id)
        )
    )


def _page(case: PdpCase, status: int = 200, **bound):
    """The case page (a read, audited), with the forms given bound to what was typed and the
    others empty."""
    blank = {"formdata": None}
    forms = {
        "assign": bound.get("assign") or AssignForm(**blank),
        "add_staff": bound.get("add_staff") or AddStaffForm(**blank),
        "analysis": bound.get("analysis") or AnalysisForm(**blank),
        "action": bound.get("action") or ActionForm(**blank),
        "close": bound.get("close") or CloseForm(**blank),
        "button": ButtonForm(**blank),
    }
    _people(forms, case)
    today = today_paris()
    reviews = {
        review.id: bound.get("review")
        if bound.get("review_id") == review.id
        else ReviewForm(prefix=f"r{review.id}", **blank)
        for review in case.reviews
        if review.done_at is None and review.due_on <= today
    }
    audit.record(db.session, current_user, "read", "pdp_case", case.id)
    db.session.commit()
    return render_template(
        "staff/pdp/case.html",
        case=case,
        person=person(case),
        members=case_members(case),
        forms=forms,
        review_forms=reviews,
        today=today,
        cell=access.is_cell(current_user),
        PdpStage=PdpStage,
    ), status


@bp.get("/pdp/<int:case_id>")
@role_required(*READERS)
def pdp_case(case_id: int):
    return _page(_case(case_id))


def _done(case: PdpCase, message: str, anchor: str | None = None):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("staff.pdp_case", case_id=case.id, _anchor=anchor))


def _refused(case: PdpCase, field, refused: PdpError, **bound):
    db.session.rollback()
    field.errors = [*list(field.errors or []), str(refused.message)]
    return _page(case, 400, **bound)


@bp.post("/pdp/<int:case_id>/confier")
@role_required(Role.PDP)
def pdp_assign(case_id: int):
    case = _case(case_id)
    form = AssignForm()
    to = _picked(form.assignee, (Role.PDP,))
    if not form.validate_on_submit() or to is None:
        form.assignee.errors = [_("Choisissez un membre de la cellule.")]
        return _page(case, 400, assign=form)
    try:
        plan.assign(db.session, case, current_user, to)
    except PdpError as refused:
        return _refused(case, form.assignee, refused, assign=form)
    return _done(case, _("Dossier confié à %(name)s.", name=to.full_name))


@bp.post("/pdp/<int:case_id>/intervenants")
@role_required(Role.PDP)
def pdp_add_staff(case_id: int):
    case = _case(case_id)
    form = AddStaffForm()
    staff = _picked(form.staff_id, JOINERS)
    if not form.validate_on_submit() or staff is None:
        form.staff_id.errors = [_("Choisissez un professionnel de santé ou de prévention.")]
        return _page(case, 400, add_staff=form)
    try:
        plan.add_staff(db.session, case, current_user, staff, utcnow())
    except PdpError as refused:
        return _refused(case, form.staff_id, refused, add_staff=form)
    return _done(case, _("%(name)s lit désormais ce dossier.", name=staff.full_name))


@bp.post("/pdp/<int:case_id>/analyse")
@role_required(*READERS)
def pdp_analysis(case_id: int):
    case = _case(case_id)
    form = AnalysisForm()
    if not form.validate_on_submit():
        return _page(case, 400, analysis=form)
    doctor = _picked(form.doctor, (Role.DOCTOR,))
    if doctor is None:
        form.doctor.errors = [_("L'analyse se fait avec le médecin du travail.")]
        return _page(case, 400, analysis=form)
    try:
        plan.record_analysis(db.session, case, current_user, doctor, form.analysis.data, utcnow())
    except PdpError as refused:
        return _refused(case, form.analysis, refused, analysis=form)
    return _done(case, _("Analyse enregistrée."), "plan")


@bp.post("/pdp/<int:case_id>/actions")
@role_required(*READERS)
def pdp_add_action(case_id: int):
    case = _case(case_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return _page(case, 400, action=form)
    try:
        plan.add_action(
            db.session,
            case,
            current_user,
            form.kind.data,
            utcnow(),
            starts_on=form.starts_on.data,
            note=(form.action_note.data or "").strip() or None,
        )
    except PdpError as refused:
        return _refused(case, form.kind, refused, action=form)
    return _done(case, _("Action ajoutée au plan."), "plan")


@bp.post("/pdp/<int:case_id>/actions/<int:action_id>/fait")
@role_required(*READERS)
def pdp_action_done(case_id: int, action_id: int):
    case = _case(case_id)
    action = db.session.get(PdpAction, action_id)
    if action is None or action.case_id != case.id:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        plan.mark_done(db.session, action, current_user, utcnow())
    except PdpError as refused:
        flash(str(refused.message), "error")
        return redirect(url_for("staff.pdp_case", case_id=case.id))
    return _done(case, _("Action marquée comme faite."), "plan")


@bp.post("/pdp/<int:case_id>/plan")
@role_required(*READERS)
def pdp_adopt(case_id: int):
    case = _case(case_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        plan.adopt_plan(db.session, case, current_user, today_paris())
    except PdpError as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(url_for("staff.pdp_case", case_id=case.id, _anchor="plan"))
    return _done(case, _("Plan adopté : les suivis sont programmés."), "suivis")


@bp.post("/pdp/<int:case_id>/suivis/<int:review_id>")
@role_required(*READERS)
def pdp_review(case_id: int, review_id: int):
    case = _case(case_id)
    review = db.session.get(PdpReview, review_id)
    if review is None or review.case_id != case.id:
        abort(404)
    form = ReviewForm(prefix=f"r{review.id}")
    if not form.validate_on_submit():
        return _page(case, 400, review=form, review_id=review.id)
    try:
        plan.complete_review(db.session, review, current_user, utcnow(), form.note.data)
    except PdpError as refused:
        return _refused(case, form.note, refused, review=form, review_id=review.id)
    return _done(case, _("Suivi enregistré."), "suivis")


@bp.post("/pdp/<int:case_id>/cloture")
@role_required(Role.PDP)
def pdp_close(case_id: int):
    case = _case(case_id)
    form = CloseForm()
    if not form.validate_on_submit():
        return _page(case, 400, close=form)
    try:
        plan.close(
            db.session, case, current_user, form.outcome.data, utcnow(), form.outcome_note.data
        )
    except PdpError as refused:
        return _refused(case, form.outcome, refused, close=form)
    return _done(case, _("Dossier clos."))
