"""The worker and the PDP cell (SPEC 4.7), through their own proven mobile only (a contact number
may be the employer's): asking the cell for help (`dialogs/pdp.py`'s request, played by the web
wizard) and the cases about them — their own requests and their employer's, each with the day,
who asked and where it stands in plain words; never the cell's analysis, plan or notes."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from assistant import labels
from assistant.database import utcnow
from assistant.employee.blueprint import actor_label, bp, journey_context, proven_employments
from assistant.extensions import db
from assistant.models import Member
from assistant.pdp_pages import play
from assistant.services import audit
from assistant.services.pdp import cases
from dialogs.pdp import whose


def _starting() -> dict:
    """Who asks: the worker whose proven mobile is signed in (for which job, asked if several)."""
    context = journey_context(utcnow())
    answers = whose({"_phone": current_user.phone}, context)
    return {**answers, "_actor": actor_label()}


def _context():
    return journey_context(utcnow(), channel="web")


@bp.route("/pdp/demande", methods=["GET", "POST"])
@bp.route("/pdp/demande/<step>", methods=["GET", "POST"])
def pdp_request(step: str | None = None):
    if not proven_employments():
        return render_template("employee/unproven.html"), 403
    key = f"web:employee:{current_user.phone}:pdp_request"
    return play(key, _starting(), _context, "employee.pdp_request", "employee.pdp", step)


@bp.get("/pdp")
def pdp():
    """The cases about the worker: the day, who asked, the stage in plain words."""
    mine = proven_employments()
    if not mine:
        return render_template("employee/unproven.html"), 403
    found = cases.of_employee(db.session, [e.id for e in mine])
    employers = {e.id: db.session.get(Member, e.member_id) for e in mine}
    rows = [
        {
            "case": case,
            "employer": employers[case.employee_id],
            "who": labels.PDP_ASKED_BY_TOLD[case.raised_by],
            "stage": labels.PDP_STAGE_TOLD[case.stage],
        }
        for case in found
    ]
    for case in found:
        audit.record(db.session, actor_label(), "read", "pdp_case", case.id, "espace salarié")
    db.session.commit()
    return render_template("employee/pdp.html", rows=rows, cases=found, employments=mine)
