"""The employer's copies of its fiche d'entreprise: published versions only, as PDF."""

from __future__ import annotations

from flask import abort, current_app
from flask_login import current_user

from assistant.extensions import db
from assistant.member.blueprint import bp, current_member
from assistant.models import MemberUser
from assistant.services import audit
from assistant.services.documents import fiche, fiche_render
from assistant.views import pdf_response


@bp.context_processor
def _published_fiches():
    """`published_fiches()` in templates: the signed-in member's published versions."""

    def published_fiches():
        if not isinstance(current_user, MemberUser):
            return []
        return fiche.published_versions(db.session, current_user.member_id)

    return {"published_fiches": published_fiches}


@bp.get("/fiche-entreprise/<int:version>.pdf")
def fiche_pdf(version: int):
    member = current_member()
    found = fiche.get_published(db.session, member.id, version)
    if found is None:
        abort(404)
    pdf = fiche_render.render_pdf(found, member, current_app.config["SERVICE_NAME"])
    audit.record(db.session, current_user, "read", "fiche_entreprise", found.id, "pdf")
    db.session.commit()
    return pdf_response(pdf, f"fiche-entreprise-{member.siret}-v{version}.pdf")
