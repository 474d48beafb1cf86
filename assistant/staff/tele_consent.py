"""A worker's consent to teleconsultation recorded by the service on the worker's word
(R4624-41-1), or withdrawn: by a doctor, a nurse or the medical secretary talking with the worker
(at a visit, on the phone). For an employee it is the worker's own, whatever the employer; for an
independent member, theirs. Audited by the service (`tele_consent`)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from assistant.database import utcnow
from assistant.extensions import db
from assistant.models import Employee, Member, MemberKind, Role
from assistant.services.visits import tele_consent
from assistant.staff.access import role_required
from assistant.staff.blueprint import bp
from forms.tele_consent import TeleConsentForm

RECORDERS = (Role.DOCTOR, Role.NURSE, Role.SECRETARY)


def _record(**whose) -> None:
    """Give (`agree=oui`) or withdraw (`agree=non`) as the form says; anything else is a 400."""
    form = TeleConsentForm()
    agree = request.form.get("agree")
    if not form.validate_on_submit() or agree not in ("oui", "non"):
        abort(400)
    now = utcnow()
    if agree == "oui":
        tele_consent.give(db.session, current_user, channel="staff", now=now, **whose)
        flash(
            _("Accord pour la téléconsultation enregistré, sur la parole du travailleur."),
            "success",
        )
    else:
        tele_consent.withdraw(db.session, current_user, now=now, **whose)
        flash(_("Accord pour la téléconsultation retiré."), "success")
    db.session.commit()


@bp.post("/salaries/<int:employee_id>/teleconsultation")
@role_required(*RECORDERS)
def employee_tele_consent(employee_id: int):
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        abort(404)
    _record(employee=employee)
    return redirect(url_for("staff.worker_mobile", employee_id=employee.id))


@bp.post("/adherents/<int:member_id>/teleconsultation")
@role_required(*RECORDERS)
def member_tele_consent(member_id: int):
    member = db.session.get(Member, member_id)
    if member is None or member.kind != MemberKind.INDEPENDENT:
        abort(404)
    _record(member=member)
    return redirect(url_for("staff.member_page", member_id=member.id))
