"""The documents of done visits in the member space: the employer's document (attestation, avis,
attestation de présence), never one the law gives the worker alone (pré-reprise recommendations,
attestation d'absence de contre-indication or its refusal, état des expositions); and, for an
independent worker, every document of their own visits and their ordonnance de prévention."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from assistant.extensions import db
from assistant.member.blueprint import bp, current_member
from assistant.models import MemberKind, Visit
from assistant.services import audit
from assistant.services.documents import visit_documents
from assistant.services.visits import outcome_rules, visit_lookup
from assistant.views import pdf_response


def _done_visit(visit_id: int) -> Visit:
    """A visit of the signed-in member with an outcome; confidential ones are never theirs."""
    member = current_member()
    visit = visit_lookup.employer_visit(db.session, member.id, visit_id)
    if visit is None or visit.outcome is None:
        abort(404)
    return visit


@bp.get("/visites/<int:visit_id>/document.pdf")
def visit_document_pdf(visit_id: int):
    visit = _done_visit(visit_id)
    if not outcome_rules.employer_may_read(visit):
        abort(404)
    document = visit_documents.outcome_document(visit)
    audit.record(db.session, current_user, "read", "visit_outcome", visit.id, "document pdf")
    db.session.commit()
    return pdf_response(visit_documents.render_pdf(document), document.filename)


@bp.get("/visites/<int:visit_id>/ordonnance.pdf")
def visit_ordonnance_pdf(visit_id: int):
    """The independent worker's own ordonnance; an employer never gets an employee's."""
    visit = _done_visit(visit_id)
    if visit.employee_id is not None or visit.member.kind != MemberKind.INDEPENDENT:
        abort(404)
    document = visit_documents.ordonnance(visit)
    audit.record(db.session, current_user, "read", "visit_outcome", visit.id, "ordonnance pdf")
    db.session.commit()
    return pdf_response(visit_documents.render_pdf(document), document.filename)
