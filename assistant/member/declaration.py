"""The risk self-assessment in the member's space: four drawers, one per page, and its history.

The DECLARATION journey played by the web player (`assistant/wizard.py`). The answers in
progress are a `dialogue_state` row keyed by the signed-in account (resumable from any browser,
never shared by two accounts using the same one). Starting again prefills every drawer from the
latest declaration; a drawer counts as done once its page is submitted. The journey ends itself
(a new version, or none when nothing changed) when the summary is confirmed.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from assistant import labels
from assistant.core.timeutil import today_paris
from assistant.extensions import db
from assistant.member.blueprint import bp, current_member
from assistant.models import DialogueState
from assistant.services import audit
from assistant.services.prevention import declarations, risk_catalogue
from assistant.wizard import SEEN, WebJourney, end, play_step
from dialogs.declaration import DECLARATION, from_declaration, to_declaration
from dialogs.engine import Context


def _state(create: bool = True) -> DialogueState | None:
    key = f"web:member-user:{current_user.id}:{DECLARATION.name}"
    state = db.session.scalar(select(DialogueState).where(DialogueState.key == key))
    if state is None and create:
        member = current_member()
        answers = {
            **from_declaration(declarations.current_data(db.session, member)),
            "_member": member.id,
            "_kind": member.kind,
            SEEN: [],
        }
        state = DialogueState(key=key, journey=DECLARATION.name, answers=answers)
        db.session.add(state)
        db.session.flush()
    return state


def _context() -> Context:
    return Context(session=db.session, today=today_paris(), actor=current_user)


def _web() -> WebJourney:
    return WebJourney(
        DECLARATION,
        labels.DECLARATION_DRAWER,
        load=_state,  # made at once: prefilled from the latest declaration
        create=_state,
        context=_context,
        step_url=lambda step: url_for("member.declaration_step", step=step),
        review_url=lambda: url_for("member.declaration_confirm"),
        every_step=True,
        aside=(
            url_for("member.declaration_history"),
            _("Voir l'historique de vos déclarations"),
        ),
    )


@bp.get("/risques")
def declaration_resume():
    state = _state()
    db.session.commit()
    return redirect(_web().next_url(state.answers))


@bp.route("/risques/<step>", methods=["GET", "POST"])
def declaration_step(step: str):
    return play_step(_web(), step)


@bp.route("/risques/confirmation", methods=["GET", "POST"])
def declaration_confirm():
    web = _web()
    state = _state(create=False)
    if not web.ready_for_review(state):
        return redirect(url_for("member.declaration_resume"))
    member = current_member()
    if request.method == "POST":
        state.answers = {**state.answers, "_member": member.id}  # this account's member, always
        outcome = end(DECLARATION, state, _context())
        db.session.commit()
        if outcome.values["unchanged"]:
            flash(_("Rien n'a changé depuis votre dernière déclaration."), "info")
        else:
            flash(
                _(
                    "Merci : votre déclaration (version %(n)s) est enregistrée.",
                    n=outcome.values["version"],
                ),
                "success",
            )
        return redirect(url_for("member.declaration_history"))
    return render_template(
        "member/declaration/confirm.html",
        summary=declarations.summary(
            to_declaration(state.answers), risk_catalogue.of(db.session).catalogue()
        ),
        steps=DECLARATION.steps(),
        titles=labels.DECLARATION_DRAWER,
    )


def who(created_by: str) -> str:
    """Who made a version, as the member reads it."""
    if created_by.startswith("phone:"):
        return _("par SMS depuis le %(phone)s", phone=created_by.removeprefix("phone:"))
    if created_by.startswith("member:"):
        return _("en ligne, depuis votre espace")
    if created_by.startswith("staff:"):
        return _("par le service de santé au travail")
    return created_by


@bp.get("/risques/historique")
def declaration_history():
    member = current_member()
    versions = declarations.history(db.session, member.id)
    catalogue = risk_catalogue.of(db.session).catalogue()
    rows = [
        {
            "declaration": declaration,
            "who": who(declaration.created_by),
            "changes": declarations.diff(versions[i - 1], declaration, catalogue) if i else None,
        }
        for i, declaration in enumerate(versions)
    ]
    latest = versions[-1] if versions else None
    audit.record(db.session, current_user, "read", "member", member.id, "risk declarations")
    db.session.commit()
    return render_template(
        "member/declaration/history.html",
        rows=list(reversed(rows)),
        summary=declarations.summary(latest.data, catalogue) if latest else None,
        latest=latest,
    )
