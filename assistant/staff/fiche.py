"""Back-office pages of the fiche d'entreprise: the due list, versions, drafting, publishing."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.models import FicheEntreprise, Member, Role
from assistant.services import audit
from assistant.services.documents import fiche, fiche_due, fiche_plan, fiche_render
from assistant.staff.access import role_required
from assistant.staff.blueprint import bp
from assistant.views import pdf_response
from forms.fiche import EmptyForm, part_form

WRITERS = (Role.IPRP, Role.DOCTOR)


def _member_or_404(member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    return member


def _version_or_404(member_id: int, version: int) -> FicheEntreprise:
    found = db.session.scalar(
        select(FicheEntreprise).where(
            FicheEntreprise.member_id == member_id, FicheEntreprise.version == version
        )
    )
    if found is None:
        abort(404)
    return found


@bp.get("/fiches")
@role_required(*WRITERS, Role.ADMIN, Role.SECRETARY)
def fiches_due():
    today = today_paris()
    return render_template(
        "staff/fiche/due.html",
        due=fiche_due.due_list(db.session, today),
        today=today,
        can_write=current_user.role in WRITERS,
    )


@bp.get("/adherents/<int:member_id>/fiche")
@role_required(*WRITERS)
def fiche_page(member_id: int):
    member = _member_or_404(member_id)
    versions = fiche.versions(db.session, member.id)
    draft = next((v for v in versions if not v.is_published), None)
    forms = {}
    if draft is not None:
        for part in fiche_plan.PLAN:
            forms[part.key] = part_form(part.key)(
                formdata=None, data={s.key: draft.content.get(s.key, "") for s in part.sections}
            )
    audit.record(
        db.session,
        current_user,
        "read",
        "fiche_entreprise",
        None,
        f"member {member.id}",
        ip=request.remote_addr,
    )
    db.session.commit()
    return render_template(
        "staff/fiche/member.html",
        member=member,
        versions=versions,
        draft=draft,
        forms=forms,
        plan=fiche_plan.PLAN,
        button=EmptyForm(),
    )


@bp.post("/adherents/<int:member_id>/fiche/brouillon")
@role_required(*WRITERS)
def fiche_draft(member_id: int):
    member = _member_or_404(member_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        draft = fiche.draft_from_declarations(db.session, current_user, member.id)
    except fiche.FicheError as error:
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(
            _("Version %(version)s préparée à partir des déclarations.", version=draft.version),
            "success",
        )
    return redirect(url_for("staff.fiche_page", member_id=member.id))


@bp.post("/adherents/<int:member_id>/fiche/<int:version>/<part_key>")
@role_required(*WRITERS)
def fiche_edit(member_id: int, version: int, part_key: str):
    draft = _version_or_404(member_id, version)
    if part_key not in {part.key for part in fiche_plan.PLAN}:
        abort(404)
    form = part_form(part_key)()
    if not form.validate_on_submit():
        for field in form:
            for message in field.errors:
                flash(f"{field.label.text} : {message}", "error")
        return redirect(url_for("staff.fiche_page", member_id=member_id))
    changes = {key: field.data for key, field in form._fields.items() if key != "csrf_token"}
    try:
        changed = fiche.update_draft(db.session, current_user, draft.id, changes)
    except fiche.FicheError as error:
        flash(str(error.message), "error")
        return redirect(url_for("staff.fiche_page", member_id=member_id))
    db.session.commit()
    flash(_("Brouillon enregistré.") if changed else _("Aucune modification."), "success")
    return redirect(url_for("staff.fiche_page", member_id=member_id, _anchor=part_key))


@bp.post("/adherents/<int:member_id>/fiche/<int:version>/publier")
@role_required(*WRITERS)
def fiche_publish(member_id: int, version: int):
    draft = _version_or_404(member_id, version)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        fiche.publish(db.session, current_user, draft.id, utcnow())
    except fiche.FicheError as error:
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(
            _("Version %(version)s publiée dans l'espace de l'adhérent.", version=version),
            "success",
        )
    return redirect(url_for("staff.fiche_page", member_id=member_id))


@bp.get("/adherents/<int:member_id>/fiche/<int:version>.pdf")
@role_required(*WRITERS)
def fiche_pdf(member_id: int, version: int):
    member = _member_or_404(member_id)
    found = _version_or_404(member.id, version)
    pdf = fiche_render.render_pdf(found, member, current_app.config["SERVICE_NAME"])
    audit.record(
        db.session,
        current_user,
        "read",
        "fiche_entreprise",
        found.id,
        "pdf",
        ip=request.remote_addr,
    )
    db.session.commit()
    return pdf_response(pdf, f"fiche-entreprise-{member.siret}-v{version}.pdf", inline=True)
