"""The PDP cell from the member's space (SPEC 4.7): an independent asks for itself, an employer
about one of its current employees (`dialogs/pdp.py`'s request, played by the web wizard). An
independent sees its own requests and where they stand; an employer sees the requests it made
itself, with the day and the employee's name only — never the case's content, nor anything the
cell added; and, while the employee's consent is in force, where their case stands and the plan's
actions that need the employer (kinds and dates, no note)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from assistant import labels
from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.member.blueprint import bp, current_member
from assistant.member.visit_common import journey_context
from assistant.models import Employee, MemberKind
from assistant.pdp_pages import play
from assistant.services import audit
from assistant.services.pdp import cases, consent
from assistant.services.workforce import employees as workforce
from dialogs.engine import Context


def _starting(member) -> dict:
    if member.kind == MemberKind.INDEPENDENT:
        return {
            "_asker": "independent",
            "_member": member.id,
            "_proven": True,
            "_phone": member.phone,
        }
    today = today_paris()
    employees = workforce.list_employees(db.session, member.id, today=today)
    return {
        "_asker": "employer",
        "_member": member.id,
        "_employees": [[e.id, e.full_name] for e in employees],
    }


def _context() -> Context:
    return journey_context(utcnow(), channel="web")


@bp.route("/pdp/demande", methods=["GET", "POST"])
@bp.route("/pdp/demande/<step>", methods=["GET", "POST"])
def pdp_request(step: str | None = None):
    member = current_member()
    key = f"web:member-user:{current_user.id}:pdp_request"
    return play(key, _starting(member), _context, "member.pdp_request", "member.pdp", step)


@bp.get("/pdp")
def pdp():
    member = current_member()
    if member.kind == MemberKind.INDEPENDENT:
        found = cases.of_member(db.session, member)
        rows = [{"case": c, "stage": labels.PDP_STAGE_TOLD[c.stage]} for c in found]
        shared = []
    else:  # the day and the employee, nothing the cell or the employee wrote
        found = cases.asked_by_employer(db.session, member)
        rows = [{"case": c, "employee": db.session.get(Employee, c.employee_id)} for c in found]
        # what the employees agreed to share (each showing is a disclosure, checked and kept)
        shared = consent.shared_with_employer(db.session, member, current_user, utcnow())
    for case in found:
        audit.record(db.session, current_user, "read", "pdp_case", case.id, "espace adhérent")
    db.session.commit()
    return render_template("member/pdp.html", member=member, rows=rows, shared=shared)
