"""What only the worker's own proven mobile opens (a contact number may be the employer's): their
health situation, their consent to teleconsultation, moving to a new mobile, the document of each
visit done (attestation, avis — the 15-day appeal period runs from its delivery, R4624-14,
R4624-25 —, pré-reprise recommendations, attestation d'absence de contre-indication, état des
expositions) and their ordonnance de
prévention."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from assistant.core.parsing import Reprompt, parse_phone
from assistant.database import utcnow
from assistant.employee.blueprint import (
    actor_label,
    bp,
    journey_context,
    locale_code,
    my_visit,
    proven_employments,
)
from assistant.extensions import db
from assistant.services import audit
from assistant.services.documents import visit_documents
from assistant.services.workforce import health, mobile_proof
from assistant.views import pdf_response
from assistant.wizard import tele_consent_page
from forms.employee import HealthForm, NewPhoneForm


@bp.route("/sante", methods=["GET", "POST"])
def health_situation():
    """The worker's own declaration: it adjusts their follow-up, the employer never sees it.
    Only through a proven mobile: a contact number may be the employer's own."""
    mine = proven_employments()
    if not mine:
        return render_template("employee/unproven.html"), 403
    form = HealthForm()
    if form.validate_on_submit():
        # one person, one situation: recorded once on the worker, whatever the employers
        health.set_flags(
            db.session,
            actor_label(),
            mine[0],
            pregnant=form.pregnant.data,
            invalidity_pension=form.invalidity_pension.data,
            disabled=form.disabled.data,
        )
        db.session.commit()
        flash(_("C'est enregistré. Merci, votre suivi en tiendra compte."), "success")
        return redirect(url_for("employee.home"))
    if request.method == "GET":
        situation = health.read(db.session, actor_label(), mine[0])
        for name in ("pregnant", "invalidity_pension", "disabled"):
            form[name].data = bool(situation is not None and getattr(situation, name))
        db.session.commit()  # the read is audited
    return render_template("employee/health.html", form=form)


@bp.route("/teleconsultation", methods=["GET", "POST"])
def tele_consent():
    """The worker gives or withdraws their consent to teleconsultation (R4624-41-1), for every
    employment: it is the person's. Only through a proven mobile: an employer may never consent
    for the worker."""
    mine = proven_employments()
    if not mine:
        return render_template("employee/unproven.html"), 403
    context = journey_context(utcnow(), channel="web")
    starting = {"_employees": [e.id for e in mine]}
    return tele_consent_page(
        starting, context, "employee.tele_consent", "employee/tele_consent.html"
    )


@bp.route("/mobile", methods=["GET", "POST"])
def change_phone():
    """A worker signed in with their proven mobile moves it to a new number (code to the new
    number). The employer's contact number never changes this."""
    mine = proven_employments()
    if not mine:
        return render_template("employee/unproven.html"), 403
    worker = mine[0].worker
    form = NewPhoneForm()
    pending = session.get("employee_new_phone")
    if form.validate_on_submit():
        now = utcnow()
        try:
            if form.code.data and pending:
                mobile_proof.confirm_change(db.session, worker, pending, form.code.data, now)
                db.session.commit()
                session.pop("employee_new_phone", None)
                logout_user()  # every session of the old number ends; sign in with the new one
                flash(_("Votre nouveau numéro est enregistré. Connectez-vous avec lui."), "success")
                return redirect(url_for("employee.login"))
            new_phone = parse_phone(form.phone.data or "")
            mobile_proof.start_change(db.session, worker, new_phone, now, locale_code())
        except Reprompt as reprompt:
            form.phone.errors = [str(reprompt.message)]
        except mobile_proof.IdentityError as refused:
            db.session.commit()  # a wrong code counts
            form.form_errors.append(str(refused.message))
        else:
            db.session.commit()
            session["employee_new_phone"] = new_phone
            flash(_("Un code vient d'être envoyé par SMS au nouveau numéro."), "info")
            return redirect(url_for("employee.change_phone"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "employee/phone.html", form=form, pending=pending, phone=current_user.phone
    ), status


@bp.get("/visite/<int:visit_id>/ordonnance.pdf")
def ordonnance(visit_id: int):
    """The employee's own ordonnance de prévention (never the employer's to read)."""
    visit = my_visit(visit_id)
    if visit.outcome is None or visit.employee not in proven_employments():
        abort(404)
    audit.record(db.session, actor_label(), "read", "visit_outcome", visit.id, "ordonnance pdf")
    db.session.commit()
    document = visit_documents.ordonnance(visit)
    return pdf_response(visit_documents.render_pdf(document), document.filename)


@bp.get("/visite/<int:visit_id>/document.pdf")
def visit_document(visit_id: int):
    """The document of the employee's own visit: the law gives it to the worker, and some to the
    worker alone (an ACI, a pré-reprise's recommendations, an état des expositions)."""
    visit = my_visit(visit_id)
    if visit.outcome is None or visit.employee not in proven_employments():
        abort(404)
    audit.record(db.session, actor_label(), "read", "visit_outcome", visit.id, "document pdf")
    db.session.commit()
    document = visit_documents.outcome_document(visit)
    return pdf_response(visit_documents.render_pdf(document), document.filename)
