"""The worker's consent that the PDP cell tell their employer something (SPEC 4.7), in their own
space (/salarie/pdp/accord): for each of their cases, what the cell asked, each thing that could
be told — said in full, to whom (the employer's legal name) — with its two buttons, and the
history (given, withdrawn, when, how). Only through the worker's own proven mobile: a contact
number may be the employer's, who may never consent for the worker. The same records as `PDP OUI`
/ `PDP NON` by SMS (`assistant.services.pdp.consent`)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from assistant.database import utcnow
from assistant.employee.blueprint import actor_label, bp, proven_employments
from assistant.extensions import db
from assistant.models.pdp import PdpCase, PdpConsentScope
from assistant.services.pdp import cases, consent
from forms.pdp_consent import PdpConsentForm


def _my_case(mine) -> PdpCase:
    try:
        case = db.session.get(PdpCase, int(request.form.get("case", "")))
    except ValueError:
        abort(404)
    if case is None or case.employee_id not in {e.id for e in mine}:
        abort(404)
    return case


@bp.route("/pdp/accord", methods=["GET", "POST"])
def pdp_consent():
    mine = proven_employments()
    if not mine:
        return render_template("employee/unproven.html"), 403
    form = PdpConsentForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        case = _my_case(mine)
        agree = request.form.get("agree")
        try:
            scope = PdpConsentScope(request.form.get("scope", ""))
        except ValueError:
            abort(400)
        if agree == "oui":
            consent.give(db.session, case, actor_label(), scope, "web", utcnow())
            flash(
                _(
                    "C'est noté : votre accord est enregistré. Vous pouvez le retirer à tout "
                    "moment."
                ),
                "success",
            )
        elif agree == "non":
            consent.revoke(db.session, case, actor_label(), "web", utcnow(), scope=scope)
            flash(
                _(
                    "C'est noté : votre accord est retiré, rien de plus ne sera dit à votre "
                    "employeur."
                ),
                "success",
            )
        else:
            abort(400)
        db.session.commit()
        return redirect(url_for("employee.pdp_consent"))
    shown = [
        (
            case,
            {str(s): consent.in_force(db.session, case, s) for s in PdpConsentScope},
            consent.consents(db.session, case),
        )
        for case in cases.of_employee(db.session, [e.id for e in mine])
    ]
    return render_template("employee/pdp_consent.html", cases=shown, form=form)
