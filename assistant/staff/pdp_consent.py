"""The cell's side of the worker's consent (SPEC 4.7), on a PDP case: ask the worker (an SMS to
their proven mobile, answered PDP OUI / PDP NON or in their space), record a consent the worker
gives in person (channel `staff`) or withdraw it, see the consents' history and what was told to
the employer; and send the letter about an adjustment, only with a consent in force.

Only the staff who read the case (`access.may_read`: the cell, the médecin du travail in charge,
the staff added to it) reach these; anyone else gets a 403. The partial
`staff/pdp/_consent.html` shows it all on the case page (`pdp_consent_view(case)`)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from assistant.database import utcnow
from assistant.extensions import db
from assistant.models import Role
from assistant.models.pdp import PdpCase, PdpConsent, PdpConsentScope, PdpDisclosure
from assistant.services import audit
from assistant.services.pdp import access, consent, letter, worker_consent
from assistant.services.pdp.cases import PdpError
from assistant.staff.access import role_required
from assistant.staff.blueprint import bp
from forms.pdp_consent import PdpConsentForm

# who may be a reader of a case: the cell, the médecin du travail, the staff added (health and
# prevention); the case itself then decides (`access.may_read`)
READERS = (Role.PDP, Role.DOCTOR, Role.NURSE, Role.IPRP)


@dataclass(frozen=True)
class ConsentView:
    """What the partial shows of a case's consents."""

    has_employer: bool
    in_force: dict[str, PdpConsent | None]  # by scope
    history: list[PdpConsent]
    disclosures: list[PdpDisclosure]
    proven_phone: str | None
    adjustments: int  # how many adjustments the plan has (the letter needs one)


def consent_view(case: PdpCase) -> ConsentView:
    session = db.session
    return ConsentView(
        has_employer=case.employee_id is not None,
        in_force={str(s): consent.in_force(session, case, s) for s in PdpConsentScope},
        history=consent.consents(session, case),
        disclosures=consent.disclosures(session, case),
        proven_phone=case.employee.proven_phone if case.employee is not None else None,
        adjustments=len(consent.adjustments(session, case)),
    )


@bp.context_processor
def _pdp_consent_view():
    return {"pdp_consent_view": consent_view}


def _readable_case(case_id: int) -> PdpCase:
    case = db.session.get(PdpCase, case_id)
    if case is None:
        abort(404)
    if not access.may_read(db.session, current_user, case):
        abort(403)
    return case


def _posted_case(case_id: int) -> PdpCase:
    case = _readable_case(case_id)
    if not PdpConsentForm().validate_on_submit():
        abort(400)
    return case


def _scope() -> PdpConsentScope:
    try:
        return PdpConsentScope(request.form.get("scope", ""))
    except ValueError:
        abort(400)


def _back(case: PdpCase):
    """Back to the page the button was on (the case page), else the consent's own page."""
    target = request.form.get("next", "")
    if target.startswith("/staff/pdp/") and "//" not in target and "\\" not in target:
        return redirect(target)
    return redirect(url_for("staff.pdp_consent", case_id=case.id))


@bp.get("/pdp/<int:case_id>/accord")
@role_required(*READERS)
def pdp_consent(case_id: int):
    """The consents of a case on a page of their own (the case page includes the same part)."""
    case = _readable_case(case_id)
    audit.record(db.session, current_user, "read", "pdp_case", case.id, "consent")
    db.session.commit()
    return render_template("staff/pdp/consent.html", case=case)


@bp.post("/pdp/<int:case_id>/accord/demander")
@role_required(*READERS)
def pdp_consent_ask(case_id: int):
    case, scope = _posted_case(case_id), _scope()
    try:
        sent = worker_consent.ask_worker(db.session, case, current_user, scope, utcnow())
    except PdpError as refused:
        flash(str(refused.message), "error")
        return _back(case)
    db.session.commit()
    if sent:
        flash(_("Demande d'accord envoyée par SMS au mobile confirmé du salarié."), "success")
    else:
        flash(
            _(
                "Demande d'accord enregistrée, mais aucun SMS envoyé : le salarié n'a pas de "
                "mobile confirmé. Demandez-lui de vive voix ou dans son espace."
            ),
            "info",
        )
    return _back(case)


@bp.post("/pdp/<int:case_id>/accord/enregistrer")
@role_required(*READERS)
def pdp_consent_record(case_id: int):
    """A consent the worker gives in person, recorded on their word."""
    case, scope = _posted_case(case_id), _scope()
    try:
        consent.give(db.session, case, current_user, scope, "staff", utcnow())
    except PdpError as refused:
        flash(str(refused.message), "error")
        return _back(case)
    db.session.commit()
    flash(_("Accord du salarié enregistré, sur sa parole."), "success")
    return _back(case)


@bp.post("/pdp/<int:case_id>/accord/retirer")
@role_required(*READERS)
def pdp_consent_revoke(case_id: int):
    case, scope = _posted_case(case_id), _scope()
    consent.revoke(db.session, case, current_user, "staff", utcnow(), scope=scope)
    db.session.commit()
    flash(_("Accord retiré : rien de plus n'est transmis à l'employeur."), "success")
    return _back(case)


@bp.post("/pdp/<int:case_id>/courrier")
@role_required(*READERS)
def pdp_letter_send(case_id: int):
    """The letter about an adjustment, into the employer's space; refused without consent."""
    case = _posted_case(case_id)
    try:
        _sent, mailed = letter.send(db.session, case, current_user, utcnow())
    except PdpError as refused:  # ConsentMissing included: its refusal is audited
        db.session.commit()
        flash(str(refused.message), "error")
        return _back(case)
    db.session.commit()
    if mailed:
        flash(_("Courrier déposé dans l'espace de l'employeur, prévenu par e-mail."), "success")
    else:
        flash(
            _(
                "Courrier déposé dans l'espace de l'employeur ; il n'a pas d'adresse e-mail : "
                "prévenez-le par téléphone."
            ),
            "info",
        )
    return _back(case)
