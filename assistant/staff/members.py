"""Members seen from the back-office: adhesions waiting for validation, the search, a member's
administrative page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.models import Member, MemberKind, MemberStatus, MemberUser, Role
from assistant.services import audit
from assistant.services.membership import adhesion
from assistant.services.membership.members import search
from assistant.services.visits import tele_consent
from assistant.services.workforce import employees as workforce
from assistant.services.workforce import followup_view
from assistant.staff.access import role_required
from assistant.staff.blueprint import bp
from forms.staff import RefusalForm
from forms.tele_consent import TeleConsentForm

ALL_STAFF = tuple(Role)


@bp.get("/adhesions")
@role_required(Role.ADMIN, Role.SECRETARY)
def pending_members(refusal_forms: dict | None = None):
    members = db.session.scalars(
        select(Member).where(Member.status == MemberStatus.PENDING).order_by(Member.created_at)
    ).all()
    # an employer whose address is not proven yet: its space stays closed until the link is used
    unproven = set(
        db.session.scalars(
            select(MemberUser.member_id).where(
                MemberUser.member_id.in_([m.id for m in members]),
                MemberUser.email.is_not(None),
                MemberUser.email_confirmed_at.is_(None),
            )
        )
    )
    refused = db.session.scalars(
        select(Member)
        .where(Member.status == MemberStatus.REFUSED)
        .order_by(Member.refused_at.desc())
        .limit(50)
    ).all()
    return render_template(
        "staff/pending.html",
        members=members,
        unproven=unproven,
        refused=refused,
        refusal_form=lambda m: (refusal_forms or {}).get(m.id) or _refusal_form(m, None),
    ), 400 if refusal_forms else 200


@bp.post("/adhesions/<int:member_id>/valider")
@role_required(Role.ADMIN, Role.SECRETARY)
def validate_member(member_id: int):
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    try:
        adhesion.validate_member(db.session, current_user, member)
    except adhesion.AdhesionError:
        flash(_("Cette adhésion n'est plus en attente."), "error")
    else:
        db.session.commit()
        flash(_("Adhésion de %(name)s validée.", name=member.legal_name), "success")
    return redirect(url_for("staff.pending_members"))


def _refusal_form(member: Member, *formdata) -> RefusalForm:
    """One form per waiting member (its own field ids): with `None`, an empty one."""
    return RefusalForm(*formdata, prefix=f"refus-{member.id}")


@bp.post("/adhesions/<int:member_id>/refuser")
@role_required(Role.ADMIN, Role.SECRETARY)
def refuse_member(member_id: int):
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    form = _refusal_form(member)
    if not form.validate_on_submit():
        return pending_members(refusal_forms={member.id: form})
    try:
        adhesion.refuse_member(db.session, current_user, member, form.reason.data, utcnow())
    except adhesion.AdhesionError:
        flash(_("Cette adhésion n'est plus en attente."), "error")
    else:
        db.session.commit()
        flash(
            _("Adhésion de %(name)s refusée ; le motif lui est envoyé.", name=member.legal_name),
            "success",
        )
    return redirect(url_for("staff.pending_members"))


@bp.get("/adherents")
@role_required(*ALL_STAFF)
def member_search():
    query = request.args.get("q", "").strip()
    members = search(db.session, query) if query else []
    if query:
        audit.record(
            db.session, current_user, "search", "member", None, query[:200], ip=request.remote_addr
        )
        db.session.commit()
    return render_template("staff/members.html", members=members, query=query)


@bp.get("/adherents/<int:member_id>")
@role_required(*ALL_STAFF)
def member_page(member_id: int):
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    audit.record(
        db.session,
        current_user,
        "read",
        "member",
        member.id,
        "fiche administrative",
        ip=request.remote_addr,
    )
    today = today_paris()
    employees = workforce.list_employees(db.session, member.id, today=today)
    declared = followup_view.declared(db.session, member, employees, today)
    consent = None
    if member.kind == MemberKind.INDEPENDENT:
        consent = tele_consent.in_force(db.session, member=member)
    db.session.commit()
    return render_template(
        "staff/member.html",
        member=member,
        employees=employees,
        declared=declared,
        today=today,
        consent=consent,
        consent_form=TeleConsentForm(formdata=None),
    )
