"""The adhesion on the web: the adhesion journeys played by the web player, one page per step,
then a summary to confirm. Each journey ends itself: the independent's by the one-time code
(PHONE_CODE, as in the chat), the employer's by a handover to the password page, which the chat
links to as well (a journey started in the chat is finished here)."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user
from markupsafe import Markup

from assistant import labels
from assistant.core.text import date_format
from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.member.blueprint import must_prove_email
from assistant.member.email_proof import queue_welcome, send_confirmation
from assistant.models import DialogueState, Member, MemberKind
from assistant.public.blueprint import bp
from assistant.public.journey_state import browser_state, public_context
from assistant.services.membership import adhesion, otp, payment
from assistant.services.messaging import dialogue_states
from assistant.wizard import WebJourney, end, play_step
from dialogs.adhesion import EMPLOYER, INDEPENDENT, PHONE_CODE, RATING
from dialogs.engine import Context, Journey
from forms.wizard import EmployerAccountForm, accept_step, build_step_form

JOURNEYS = {"entreprise": EMPLOYER, "independant": INDEPENDENT}


def _journey(slug: str) -> Journey:
    if slug not in JOURNEYS:
        abort(404)
    return JOURNEYS[slug]


def _web(slug: str) -> WebJourney:
    journey = _journey(slug)
    return WebJourney(
        journey,
        labels.ADHESION_STEP,
        load=lambda: browser_state(journey, create=False),  # a row only once something is answered
        create=lambda: browser_state(journey),
        context=public_context,
        step_url=lambda step: url_for("public.adhesion_step", slug=slug, step=step),
        review_url=lambda: url_for("public.adhesion_confirm", slug=slug),
        note=lambda step, answers: _contract_terms(journey, step, answers),
    )


def _contract_terms(journey: Journey, step: str, answers: dict):
    """Above the contract's question: what it buys, its price for this member, its terms."""
    from assistant.services.membership.adhesion import price

    if step != "contrat":
        return None
    kind = MemberKind.EMPLOYER if journey is EMPLOYER else MemberKind.INDEPENDENT
    found = price(db.session, kind, int(answers.get("headcount") or 0), today_paris())
    return Markup(render_template("adhesion/contract_terms.html", kind=kind, price=found))


@bp.get("/adhesion")
def adhesion_start():
    return render_template("adhesion/start.html")


@bp.get("/adhesion/<slug>")
def adhesion_resume(slug: str):
    web = _web(slug)
    state = web.load()
    return redirect(web.next_url(state.answers if state else {}))


@bp.route("/adhesion/<slug>/<step>", methods=["GET", "POST"])
def adhesion_step(slug: str, step: str):
    return play_step(_web(slug), step)


def _summary(journey: Journey, answers: dict, context: Context) -> list[tuple[str, str]]:
    from assistant.services.prevention import naf, risk_catalogue

    catalogue = risk_catalogue.of(context.session).catalogue()
    rows = []
    for question in journey.questions:
        if question.key not in answers or question.key.startswith("q"):
            continue
        value = answers[question.key]
        if question.kind == "yesno":
            value = _("Oui") if value else _("Non")
        elif question.key == "naf_code":
            value = f"{naf.label(value, str(get_locale()))} ({value})"
        elif question.key == "payment_method":
            choices = question.options(answers, context)
            value = next(str(c.label) for c in choices if c.value == value)
        elif question.key == "iban":
            value = f"{value[:4]} •••• •••• {value[-4:]}"
        elif question.key == "main_risks":
            labels = [catalogue[code].label(str(get_locale())) for code in value]
            value = ", ".join(labels) or _("aucun pour l'instant")
        elif question.kind == "date":
            from flask_babel import format_date

            value = format_date(date.fromisoformat(value), date_format("long", str(get_locale())))
        elif value is None:
            value = "—"
        rows.append((str(question.label), str(value)))
    return rows


@bp.route("/adhesion/<slug>/confirmation", methods=["GET", "POST"])
def adhesion_confirm(slug: str):
    web = _web(slug)
    state = web.load()
    if not web.ready_for_review(state):
        return redirect(url_for("public.adhesion_resume", slug=slug))
    if web.journey is EMPLOYER:

        def complete(password):
            # the one ending, as in the chat: EMPLOYER.finish hands the answers over to the
            # password page's completion, done here at once since the password is typed here
            outcome = end(EMPLOYER, state, public_context())
            return _join_employer(_handed_over(outcome.values["token"]), password)

        edit_url = url_for("public.adhesion_step", slug=slug, step=EMPLOYER.steps()[0])
        return _password_page(state.answers, complete, edit_url=edit_url)
    return _independent_confirm(slug, state)


def _review(journey: Journey, answers: dict, **values):
    """The summary of a complete adhesion: answers, score, cotisation, contract."""
    from assistant.services.membership.tariffs import TariffError
    from assistant.services.prevention import score as score_service

    kind = MemberKind.EMPLOYER if journey is EMPLOYER else MemberKind.INDEPENDENT
    try:
        amount = adhesion.yearly_amount(
            db.session, kind, int(answers.get("headcount") or 0), today_paris()
        )
    except TariffError:
        amount = None
    return render_template(
        "adhesion/confirm.html",
        journey=journey,
        rows=_summary(journey, answers, public_context()),
        amount=amount,
        result=score_service.from_answers(answers, kind == MemberKind.EMPLOYER),
        kind=kind,
        **values,
    )


def _password_page(answers: dict, complete, edit_url=None, edit_here=False):
    """The employer's summary and password form; `complete(password)` joins."""
    form = EmployerAccountForm()
    if request.method == "POST" and form.validate():
        try:
            return complete(form.password.data)
        except adhesion.EmailTaken:
            db.session.rollback()
            form.form_errors.append(
                _(
                    "Cette adresse e-mail est déjà utilisée par un compte : connectez-vous, "
                    "ou donnez une autre adresse à l'étape « Vos coordonnées »."
                )
            )
    return _review(
        EMPLOYER, answers, account_form=form, edit_url=edit_url, edit_here=edit_here
    ), 400 if form.errors else 200


def _handed_over(token: str) -> DialogueState:
    row = dialogue_states.handed_over(
        db.session, token, EMPLOYER.name, utcnow(), current_app.config["DIALOGUE_STATE_DAYS"]
    )
    if row is None:
        abort(404)
    return row


def _join_employer(row: DialogueState, password: str):
    """Completes an employer's adhesion handed over by EMPLOYER.finish: the member and its
    account, the e-mail proof; the handed-over answers are used once."""
    try:
        joined = adhesion.join(
            db.session,
            "web",
            MemberKind.EMPLOYER,
            row.answers,
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
    db.session.delete(row)
    db.session.commit()
    login_user(joined.user)
    return redirect(url_for("public.adhesion_thanks"))


@bp.route("/adhesion/reprendre/<token>", methods=["GET", "POST"])
def adhesion_handover(token: str):
    """An employer's adhesion finished in the chat: the same summary and password form as at
    the end of the web wizard; "Modifier mes réponses" carries the answers into this
    browser's wizard."""
    row = _handed_over(token)
    if request.method == "POST" and request.form.get("action") == "edit":
        state = browser_state(EMPLOYER)
        state.answers = dict(row.answers)
        db.session.delete(row)
        db.session.commit()
        first = EMPLOYER.steps()[0]
        return redirect(url_for("public.adhesion_step", slug="entreprise", step=first))
    return _password_page(
        row.answers, lambda password: _join_employer(row, password), edit_here=True
    )


def _independent_confirm(slug: str, state: DialogueState):
    """The independent's number is proven by the PHONE_CODE journey, as in the chat: the button
    ends INDEPENDENT (a code is sent), the code's question and check are the journey's, and
    its ending joins."""
    answers = state.answers
    phone = answers["phone"]
    if request.method == "POST" and request.form.get("action") == "send_code":
        outcome = INDEPENDENT.finish(answers, public_context())
        if outcome.then is None:  # too many codes asked
            flash(str(otp.TOO_MANY_CODES_MESSAGE), "error")
        else:
            db.session.commit()
            session["adhesion_code_phone"] = phone
            flash(_("Un code vous a été envoyé par SMS. Il est valable 10 minutes."), "success")
        return redirect(url_for("public.adhesion_confirm", slug=slug))
    code_answers = {"_phone": phone, "_adhesion": answers}  # as INDEPENDENT.finish leads to it
    context = public_context()
    form, questions = build_step_form(
        PHONE_CODE, "", code_answers, context, request.form if request.method == "POST" else None
    )
    status = 200
    if request.method == "POST" and form.validate():
        code_answers, ok = accept_step(PHONE_CODE, questions, form, code_answers, context)
        if ok:
            outcome = PHONE_CODE.finish(code_answers, context)
            if outcome.say == "already_member":
                db.session.rollback()
                flash(
                    _("Cette entreprise est déjà adhérente : connectez-vous à votre espace."),
                    "error",
                )
                return redirect(url_for("member.login"))
            db.session.delete(state)
            db.session.commit()
            session.pop("adhesion_code_phone", None)
            login_user(outcome.values["user"])
            return redirect(url_for("public.adhesion_thanks"))  # where RATING follows
        db.session.commit()  # a wrong code counts as a try
        status = 400
    return _review(
        INDEPENDENT,
        answers,
        code_form=form,
        code_sent=session.get("adhesion_code_phone") == phone,
        phone=phone,
        edit_url=url_for("public.adhesion_step", slug=slug, step=INDEPENDENT.steps()[0]),
    ), status


@bp.route("/adhesion/merci", methods=["GET", "POST"])
def adhesion_thanks():
    """The rating is the RATING journey, as by SMS and chat: the same question, ended by the
    journey itself."""
    from assistant.models import MemberUser

    if not isinstance(current_user, MemberUser):
        return redirect(url_for("public.adhesion_start"))
    member = db.session.get(Member, current_user.member_id)
    answers = {"_member": member.id}
    context = public_context()
    form, questions = build_step_form(
        RATING, "", answers, context, request.form if request.method == "POST" else None
    )
    if request.method == "POST" and form.validate():
        answers, ok = accept_step(RATING, questions, form, answers, context)
        if ok:
            RATING.finish(answers, context)
            db.session.commit()
            flash(_("Merci pour votre avis !"), "success")
            return redirect(url_for("member.home"))
    pending_email = current_user.email if must_prove_email(current_user) else None
    return render_template(
        "adhesion/thanks.html",
        member=member,
        form=form,
        pending_email=pending_email,
        transfer=payment.transfer(member, str(get_locale())),
    ), 400 if form.errors else 200
