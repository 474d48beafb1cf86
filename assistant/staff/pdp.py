"""The PDP cell in the back-office (SPEC 4.7): its queue by urgency with the follow-ups due, the
staff home's part of it, an alert recorded by the staff, and a case's journal.

Who sees what (`assistant/services/pdp/access.py`): the cell reads every case; the médecin du
travail the cases of the members in their charge; a nurse or an IPRP only the cases they were
added to (none: a 403). Administrators and secretaries see that each case exists — its number,
its stage and the day it was opened — never whose it is, its member, its trigger or its leave
(an independent member is the person; the urgency order would tell a suspended contract), and
they do not open a case (403). Every list of cases shown with its content is audited (`list`),
every case read (`read`, in `pdp_cases`)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.models import Employee, Member, MemberKind, MemberStatus, Role, StaffUser
from assistant.models.pdp import PdpCase, PdpChannel, PdpReview, PdpStage
from assistant.services import audit
from assistant.services.pdp import access, cases
from assistant.staff.access import role_required
from assistant.staff.blueprint import bp
from forms.pdp import AlertForm

HOME_HEAD = 5  # the queue's first cases on the staff home
HOME_DUE = 10  # the soonest follow-ups due on the staff home (the queue lists them all)
PAGE = 100  # open cases per page of the queue
READERS = (Role.PDP, Role.DOCTOR, Role.NURSE, Role.IPRP)  # read the cases they may (access)
RECORDERS = (Role.PDP, Role.DOCTOR)  # record an alert from a doctor


def person(case: PdpCase) -> str:
    """Whose case: the employee, or the independent member."""
    if case.employee is not None:
        return case.employee.full_name
    return case.member.contact_name or case.member.legal_name


def _audit_list(cases_shown) -> None:
    shown = ",".join(str(c.id) for c in cases_shown)
    if shown:
        audit.record(db.session, current_user, "list", "pdp_case", None, shown[:1000])


@bp.get("/pdp")
@role_required(Role.PDP, Role.DOCTOR, Role.NURSE, Role.IPRP, Role.ADMIN, Role.SECRETARY)
def pdp_queue():
    if current_user.role in access.OVERSEERS:
        every = db.session.scalars(select(PdpCase).order_by(PdpCase.id)).all()
        return render_template("staff/pdp/overview.html", cases=every)
    ids = access.readable_ids(db.session, current_user)
    if not access.may_see_existence(current_user) and not ids:
        abort(403)  # a nurse or an IPRP added to no case
    today = today_paris()
    only = access.readable_clause(current_user)
    total = cases.count_open(db.session, only)
    pages = max(1, -(-total // PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    rows = cases.queue(db.session, today, only, limit=PAGE, offset=(page - 1) * PAGE)
    closed_query = select(PdpCase).where(PdpCase.stage == PdpStage.CLOSED)
    if only is not None:  # the last 50 closed cases this reader may read, filtered before
        closed_query = closed_query.where(only)
    closed = db.session.scalars(
        closed_query.options(*cases.SHOWN).order_by(PdpCase.closed_at.desc()).limit(50)
    ).all()
    _audit_list([row.case for row in rows] + closed)
    db.session.commit()
    return render_template(
        "staff/pdp/queue.html",
        rows=rows,
        page=page,
        pages=pages,
        total=total,
        closed=closed,
        person=person,
        today=today,
        may_record=current_user.role in RECORDERS,
    )


@dataclass(frozen=True)
class Home:
    """The PDP part of the staff home: the queue's head and the follow-ups due."""

    head: list
    due: list[PdpReview]  # the soonest due, HOME_DUE at most
    total: int
    due_total: int


def home() -> Home | None:
    """For whoever reads cases (the cell always, a doctor or an added professional when they
    read one); None for everyone else. Audited as a list when it shows cases."""
    if not access.is_cell(current_user) and not access.readable_ids(db.session, current_user):
        return None
    only = access.readable_clause(current_user)
    today = today_paris()
    rows = cases.queue(db.session, today, only, limit=HOME_HEAD)
    due = cases.due_reviews(db.session, today, only)
    total = cases.count_open(db.session, only)
    shown_due = due[:HOME_DUE]
    _audit_list([row.case for row in rows] + [review.case for review in shown_due])
    db.session.commit()
    return Home(rows, shown_due, total, len(due))


# ------------------------------------------------------------------ an alert from a doctor


def _alert_member() -> Member | None:
    member_id = request.args.get("adherent", type=int)
    member = db.session.get(Member, member_id) if member_id else None
    if member_id and member is None:
        abort(404)
    return member


@bp.route("/pdp/alerte", methods=["GET", "POST"])
@role_required(*RECORDERS)
def pdp_alert():
    """Step 1 chooses the member (GET `adherent`); step 2 the employee and the alert."""
    member = _alert_member()
    if member is None:
        members = db.session.scalars(
            select(Member)
            .where(Member.status == MemberStatus.ACTIVE)
            .order_by(Member.legal_name, Member.id)
        ).all()
        return render_template("staff/pdp/alert_member.html", members=members)
    form = AlertForm()
    employees = []
    if member.kind != MemberKind.INDEPENDENT:
        employees = db.session.scalars(
            select(Employee)
            .where(Employee.member_id == member.id)
            .order_by(Employee.last_name, Employee.first_name, Employee.id)
        ).all()
        form.employee.choices = [("", _("Choisissez le salarié"))] + [
            (str(e.id), f"{e.full_name} — {e.job}" if e.job else e.full_name) for e in employees
        ]
    if form.validate_on_submit():
        case = _raise(form, member, {str(e.id): e for e in employees})
        if case is not None:
            db.session.commit()
            flash(_("Alerte enregistrée : dossier n° %(number)s.", number=case.id), "success")
            if access.may_read(db.session, current_user, case):
                return redirect(url_for("staff.pdp_case", case_id=case.id))
            return redirect(url_for("staff.pdp_queue"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "staff/pdp/alert.html", form=form, member=member, independent=not employees
    ), status


def _raise(form: AlertForm, member: Member, employees: dict) -> PdpCase | None:
    """The case, or None with the refusal on its field."""
    employee = None
    if member.kind != MemberKind.INDEPENDENT:
        employee = employees.get(form.employee.data or "")
        if employee is None:
            form.employee.errors = [_("Choisissez le salarié.")]
            return None
    try:
        return cases.raise_request(
            db.session,
            current_user,
            raised_by=form.source.data,
            channel=PdpChannel.STAFF,
            trigger=form.trigger.data,
            description=form.description.data,
            now=utcnow(),
            employee=employee,
            member=None if employee is not None else member,
            contract_suspended=form.contract_suspended.data,
            leave_from=form.leave_from.data,
            leave_until=form.leave_until.data,
            contact=form.contact.data,
        )
    except cases.PdpError as refused:
        db.session.rollback()
        field = form.leave_until if form.leave_until.data else form.description
        field.errors = [str(refused.message)]
        return None


# ------------------------------------------------------------------ a case's journal


@dataclass(frozen=True)
class JournalRow:
    at: object
    who: str
    what: str
    whom: str | None  # the staff member a case was given to or who joined it


def _who(actor: str, names: dict[int, str]) -> str:
    kind, _sep, number = actor.partition(":")
    if kind == "staff" and number.isdigit():
        return names.get(int(number), actor)
    if actor == "system":
        return _("Le service (automatique)")
    return _("La personne qui a fait la demande")  # a phone, a member or an employee: hidden


@bp.get("/pdp/<int:case_id>/journal")
@role_required(Role.ADMIN, Role.PDP)
def pdp_journal(case_id: int):
    """Who did what and when on the case, without its content: an administrator reads it."""
    from assistant import labels

    case = db.session.get(PdpCase, case_id)
    if case is None:
        abort(404)
    entries = audit.entries_for(db.session, "pdp_case", case.id)
    names = dict(db.session.execute(select(StaffUser.id, StaffUser.full_name)).all())
    rows = []
    for entry in entries:
        whom = None
        if entry.action in ("assign", "add_staff") and (entry.detail or "").startswith("staff:"):
            whom = _who(entry.detail, names)
        label = labels.PDP_JOURNAL.get(entry.action)
        rows.append(
            JournalRow(entry.at, _who(entry.actor, names), str(label or entry.action), whom)
        )
    return render_template("staff/pdp/journal.html", case=case, rows=rows)
