"""Back-office pages of the fiche d'entreprise: the due list, versions, drafting (the whole draft
in one form), publishing (after a confirmation)."""

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
from assistant.services.documents.fiche_plan import SECTION_KEYS
from assistant.staff.access import role_required
from assistant.staff.blueprint import bp
from assistant.views import pdf_response
from forms.fiche import EmptyForm, PublishForm, draft_form

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
    form = None
    if draft is not None:
        form = draft_form()(formdata=None, data={k: draft.content.get(k, "") for k in SECTION_KEYS})
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
    return _member_page(member, versions, draft, form)


def _member_page(member, versions, draft, form, status=200):
    return render_template(
        "staff/fiche/member.html",
        member=member,
        versions=versions,
        draft=draft,
        form=form,
        plan=fiche_plan.PLAN,
        button=EmptyForm(),
    ), status


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


@bp.post("/adherents/<int:member_id>/fiche/<int:version>")
@role_required(*WRITERS)
def fiche_save(member_id: int, version: int):
    """Save the whole draft (every part at once); "Publier" saves, then asks for confirmation."""
    member = _member_or_404(member_id)
    draft = _version_or_404(member_id, version)
    form = draft_form()()
    if not form.validate_on_submit():
        # the page again, with everything typed: nothing is lost for one field too long
        versions = fiche.versions(db.session, member.id)
        return _member_page(member, versions, draft, form, status=400)
    # a section not posted is left as it is, never emptied
    changes = {key: form[key].data for key in SECTION_KEYS if key in request.form}
    try:
        changed = fiche.update_draft(db.session, current_user, draft.id, changes)
    except fiche.FicheError as error:
        flash(str(error.message), "error")
        return redirect(url_for("staff.fiche_page", member_id=member_id))
    db.session.commit()
    if request.form.get("action") == "publish":
        return redirect(url_for("staff.fiche_publish", member_id=member_id, version=version))
    flash(_("Brouillon enregistré.") if changed else _("Aucune modification."), "success")
    part = request.form.get("part", "")
    anchor = part if part in {p.key for p in fiche_plan.PLAN} else None
    return redirect(url_for("staff.fiche_page", member_id=member_id, _anchor=anchor))


@bp.route("/adherents/<int:member_id>/fiche/<int:version>/publier", methods=["GET", "POST"])
@role_required(*WRITERS)
def fiche_publish(member_id: int, version: int):
    """Publishing cannot be undone: a page that says so, refuses while required sections are
    empty (naming them), and publishes only once the box is ticked."""
    member = _member_or_404(member_id)
    draft = _version_or_404(member_id, version)
    if draft.is_published:
        flash(_("Cette version est déjà publiée."), "error")
        return redirect(url_for("staff.fiche_page", member_id=member_id))
    form = PublishForm()
    missing = fiche.missing_to_publish(draft)
    if not missing and form.validate_on_submit():
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
    status = 400 if request.method == "POST" else 200
    return render_template(
        "staff/fiche/publish.html", member=member, draft=draft, form=form, missing=missing
    ), status


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
