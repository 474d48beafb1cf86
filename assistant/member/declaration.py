"""The risk self-assessment in the member's space: four drawers, one per page, and its history.

The answers in progress are a `dialogue_state` row keyed by the signed-in account (resumable
from any browser, never shared by two accounts using the same one). Starting again prefills
every drawer from the latest declaration; a drawer counts as done once its page is submitted.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from assistant.extensions import db
from assistant.member import _member, bp
from assistant.models import DialogueState
from assistant.services import audit, declarations
from assistant.timeutil import today_paris
from dialogs.declaration import DECLARATION, DRAWER_TITLES, from_declaration, to_declaration
from dialogs.engine import Context
from forms.wizard import accept_step, build_step_form

SEEN = "_seen"  # the drawers whose page was submitted in this round


def _state(create: bool = True) -> DialogueState | None:
    key = f"web:member-user:{current_user.id}:{DECLARATION.name}"
    state = db.session.scalar(select(DialogueState).where(DialogueState.key == key))
    if state is None and create:
        member = _member()
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


def _next_url(answers: dict) -> str:
    seen = answers.get(SEEN, [])
    for step in DECLARATION.steps():
        if step not in seen:
            return url_for("member.declaration_step", step=step)
    question = DECLARATION.next_question(answers)
    if question is not None:
        return url_for("member.declaration_step", step=question.step)
    return url_for("member.declaration_confirm")


@bp.get("/risques")
def declaration_resume():
    state = _state()
    db.session.commit()
    return redirect(_next_url(state.answers))


@bp.route("/risques/<step>", methods=["GET", "POST"])
def declaration_step(step: str):
    steps = DECLARATION.steps()
    if step not in steps:
        abort(404)
    state = _state()
    answers = dict(state.answers)
    form, questions = build_step_form(
        DECLARATION, step, answers, request.form if request.method == "POST" else None
    )
    if request.method == "POST" and form.validate():
        context = Context(session=db.session, today=today_paris(), actor=current_user)
        answers, ok = accept_step(DECLARATION, questions, form, answers, context)
        if ok:
            answers[SEEN] = [s for s in steps if s in {*answers.get(SEEN, []), step}]
            state.answers = answers
            db.session.commit()
            return redirect(_next_url(answers))
    db.session.commit()
    index = steps.index(step)
    status = 400 if form.errors else 200
    return render_template(
        "wizard/step.html",
        form=form,
        journey=DECLARATION,
        step_title=DRAWER_TITLES[step],
        index=index + 1,
        total=len(steps) + 1,
        previous_url=url_for("member.declaration_step", step=steps[index - 1])
        if index > 0
        else None,
        aside=(
            url_for("member.declaration_history"),
            _("Voir l'historique de vos déclarations"),
        ),
    ), status


@bp.route("/risques/confirmation", methods=["GET", "POST"])
def declaration_confirm():
    state = _state(create=False)
    if state is None or _next_url(state.answers) != url_for("member.declaration_confirm"):
        return redirect(url_for("member.declaration_resume"))
    member = _member()
    data = to_declaration(state.answers)
    if request.method == "POST":
        # the journey ends itself (a new version), as by SMS and chat
        context = Context(session=db.session, today=today_paris(), actor=current_user)
        answers = {**state.answers, "_member": member.id}  # the signed-in member, always
        outcome = DECLARATION.finish(answers, context)
        db.session.delete(state)
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
        summary=declarations.summary(data),
        steps=DECLARATION.steps(),
        titles=DRAWER_TITLES,
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
    member = _member()
    versions = declarations.history(db.session, member.id)
    rows = [
        {
            "declaration": declaration,
            "who": who(declaration.created_by),
            "changes": declarations.diff(versions[i - 1], declaration) if i else None,
        }
        for i, declaration in enumerate(versions)
    ]
    latest = versions[-1] if versions else None
    audit.record(db.session, current_user, "read", "member", member.id, "risk declarations")
    db.session.commit()
    return render_template(
        "member/declaration/history.html",
        rows=list(reversed(rows)),
        summary=declarations.summary(latest.data) if latest else None,
        latest=latest,
    )
