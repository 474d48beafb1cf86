"""The adhesion wizard on the web: the dialogue engine's steps rendered as WTForms pages."""

from __future__ import annotations

import secrets
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy import select

from assistant.database import utcnow
from assistant.extensions import db
from assistant.member.email_proof import must_prove_email, queue_welcome, send_confirmation
from assistant.models import DialogueState, Member, MemberKind
from assistant.public import bp
from assistant.services import adhesion, dialogue_states, otp
from assistant.timeutil import today_paris
from assistant.views import send_code
from dialogs.adhesion import EMPLOYER, INDEPENDENT, RATING, STEP_TITLES
from dialogs.engine import Context, Journey
from forms.wizard import (
    CodeForm,
    EmployerAccountForm,
    accept_step,
    build_step_form,
)

JOURNEYS = {"entreprise": EMPLOYER, "independant": INDEPENDENT}
KINDS = {"entreprise": MemberKind.EMPLOYER, "independant": MemberKind.INDEPENDENT}


def _journey(slug: str) -> Journey:
    if slug not in JOURNEYS:
        abort(404)
    return JOURNEYS[slug]


def _state(journey: Journey, create: bool = True) -> DialogueState | None:
    """This browser's unfinished journey, kept in the database (resumable)."""
    token = session.get("dialogue_token")
    if token is None:
        if not create:
            return None
        token = session["dialogue_token"] = secrets.token_urlsafe(24)
    key = f"web:{token}:{journey.name}"
    state = db.session.scalar(select(DialogueState).where(DialogueState.key == key))
    if state is None and create:
        # a new row now and then: the moment to drop those nobody came back to
        dialogue_states.purge_expired(
            db.session, utcnow(), current_app.config["DIALOGUE_STATE_DAYS"]
        )
        state = DialogueState(key=key, journey=journey.name, answers={})
        db.session.add(state)
        db.session.flush()
    return state


def _context() -> Context:
    return Context(session=db.session, today=today_paris())


def _next_url(slug: str, journey: Journey, answers: dict) -> str:
    question = journey.next_question(answers)
    if question is None:
        return url_for("public.adhesion_confirm", slug=slug)
    return url_for("public.adhesion_step", slug=slug, step=question.step)


@bp.get("/adhesion")
def adhesion_start():
    return render_template("adhesion/start.html")


@bp.get("/adhesion/<slug>")
def adhesion_resume(slug: str):
    journey = _journey(slug)
    state = _state(journey, create=False)  # a row only once something is answered
    return redirect(_next_url(slug, journey, state.answers if state else {}))


@bp.route("/adhesion/<slug>/<step>", methods=["GET", "POST"])
def adhesion_step(slug: str, step: str):
    journey = _journey(slug)
    if step not in journey.steps():
        abort(404)
    state = _state(journey, create=False)
    answers = dict(state.answers) if state else {}
    form, questions = build_step_form(
        journey, step, answers, request.form if request.method == "POST" else None
    )
    if request.method == "POST" and form.validate():
        answers, ok = accept_step(journey, questions, form, answers, _context())
        if ok:
            state = state or _state(journey)
            state.answers = answers
            db.session.commit()
            return redirect(_next_url(slug, journey, answers))
    db.session.commit()
    steps = journey.steps()
    index = steps.index(step)
    previous = steps[index - 1] if index > 0 else None
    return render_template(
        "wizard/step.html",
        form=form,
        journey=journey,
        step_title=STEP_TITLES[step],
        index=index + 1,
        total=len(steps) + 1,
        previous_url=url_for("public.adhesion_step", slug=slug, step=previous)
        if previous
        else None,
    ), 400 if form.errors else 200


def _summary(journey: Journey, answers: dict) -> list[tuple[str, str]]:
    from assistant.services import naf, risks

    rows = []
    for question in journey.questions:
        if question.key not in answers or question.key.startswith("q"):
            continue
        value = answers[question.key]
        if question.kind == "yesno":
            value = _("Oui") if value else _("Non")
        elif question.key == "naf_code":
            value = f"{naf.nomenclature()[value].label} ({value})"
        elif question.key == "payment_method":
            value = next(str(c.label) for c in question.options(answers) if c.value == value)
        elif question.key == "iban":
            value = f"{value[:4]} •••• •••• {value[-4:]}"
        elif question.key == "main_risks":
            value = ", ".join(
                risks.catalogue()[code].label(str(get_locale())) for code in value
            ) or _("aucun pour l'instant")
        elif question.kind == "date":
            from flask_babel import format_date

            value = format_date(date.fromisoformat(value), "long")
        elif value is None:
            value = "—"
        rows.append((str(question.label), str(value)))
    return rows


@bp.route("/adhesion/<slug>/confirmation", methods=["GET", "POST"])
def adhesion_confirm(slug: str):
    journey = _journey(slug)
    state = _state(journey, create=False)
    if state is None or not journey.complete(state.answers):
        return redirect(url_for("public.adhesion_resume", slug=slug))
    answers = state.answers
    kind = KINDS[slug]
    from assistant.services import score as score_service
    from assistant.services.tariffs import TariffError

    try:
        amount = adhesion.yearly_amount(
            db.session, kind, int(answers.get("headcount") or 0), today_paris()
        )
    except TariffError:
        amount = None
    has_employees = kind == MemberKind.EMPLOYER
    result = score_service.from_answers(answers, has_employees)
    account_form = EmployerAccountForm() if kind == MemberKind.EMPLOYER else None
    code_form = CodeForm() if kind == MemberKind.INDEPENDENT else None
    code_sent = session.get("adhesion_code_phone") == answers.get("phone")

    status = 200
    if request.method == "POST":
        if kind == MemberKind.EMPLOYER and account_form.validate():
            try:
                return _finish(slug, journey, state, kind, password=account_form.password.data)
            except adhesion.EmailTaken:
                db.session.rollback()
                account_form.form_errors.append(
                    _(
                        "Cette adresse e-mail est déjà utilisée par un compte : connectez-vous, "
                        "ou donnez une autre adresse à l'étape « Vos coordonnées »."
                    )
                )
                status = 400
        if kind == MemberKind.INDEPENDENT and request.form.get("action") == "send_code":
            _send_code(answers["phone"], "adhesion")
            return redirect(url_for("public.adhesion_confirm", slug=slug))
        if kind == MemberKind.INDEPENDENT and code_form.validate():
            check = otp.verify(
                db.session, answers["phone"], "adhesion", code_form.code.data, utcnow()
            )
            if check == otp.CodeCheck.OK:
                return _finish(slug, journey, state, kind)
            db.session.commit()
            code_form.code.errors = [*code_form.code.errors, str(otp.CHECK_MESSAGES[check])]
    return render_template(
        "adhesion/confirm.html",
        journey=journey,
        slug=slug,
        rows=_summary(journey, answers),
        amount=amount,
        result=result,
        account_form=account_form,
        code_form=code_form,
        code_sent=code_sent,
        phone=answers.get("phone"),
        kind=kind,
    ), status


def _send_code(phone: str, purpose: str) -> bool:
    if not send_code(phone, purpose):
        return False
    db.session.commit()
    session["adhesion_code_phone"] = phone
    flash(_("Un code vous a été envoyé par SMS. Il est valable 10 minutes."), "success")
    return True


def _finish(slug: str, journey: Journey, state: DialogueState, kind: str, password=None):
    try:
        joined = adhesion.join(
            db.session,
            "web",
            kind,
            state.answers,
            today_paris(),
            current_app.config["MEMBERS_AUTO_ACTIVATE"],
            password=password,
            locale=str(get_locale()),
        )
    except adhesion.EmailTaken:
        raise
    except adhesion.AdhesionError:
        db.session.rollback()
        flash(_("Cette entreprise est déjà adhérente : connectez-vous à votre espace."), "error")
        return redirect(url_for("member.login"))
    if joined.user.email_confirmed_at is None:
        send_confirmation(joined.user)  # the welcome waits for the proof
    else:
        queue_welcome(joined.member)
    db.session.delete(state)
    db.session.commit()
    session.pop("adhesion_code_phone", None)
    login_user(joined.user)
    return redirect(url_for("public.adhesion_thanks"))


@bp.route("/adhesion/merci", methods=["GET", "POST"])
def adhesion_thanks():
    """The rating is the RATING journey, as by SMS and chat: the same question, ended by the
    journey itself."""
    from assistant.models import MemberUser

    if not isinstance(current_user, MemberUser):
        return redirect(url_for("public.adhesion_start"))
    member = db.session.get(Member, current_user.member_id)
    answers = {"_member": member.id}
    form, questions = build_step_form(
        RATING, "", answers, request.form if request.method == "POST" else None
    )
    if request.method == "POST" and form.validate():
        context = _context()
        answers, ok = accept_step(RATING, questions, form, answers, context)
        if ok:
            RATING.finish(answers, context)
            db.session.commit()
            flash(_("Merci pour votre avis !"), "success")
            return redirect(url_for("member.home"))
    pending_email = current_user.email if must_prove_email(current_user) else None
    return render_template(
        "adhesion/thanks.html", member=member, form=form, pending_email=pending_email
    ), 400 if form.errors else 200
