"""The prevention score on the web (/score): the SCORE journey's own questions, played by the web
wizard, and the same result with its levers as by SMS and in the chat (issue 12). Anonymous; the
answers wait in a dialogue row like the adhesion wizard's."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from assistant.database import utcnow
from assistant.extensions import db
from assistant.public import bp
from assistant.public.adhesion import _state
from assistant.timeutil import today_paris
from dialogs.checkup import SCORE
from dialogs.engine import Context
from forms.wizard import accept_step, build_step_form

STEP_TITLES = {
    "salaries": _l("Votre entreprise"),
    "prevention": _l("Votre prévention"),
}


def _context() -> Context:
    now = utcnow()
    return Context(
        session=db.session,
        today=today_paris(now),
        actor="web",
        now=now,
        locale=str(get_locale() or "fr"),
    )


@bp.get("/score")
def score_start():
    state = _state(SCORE, create=False)
    question = SCORE.next_question(state.answers if state else {})
    step = question.step if question is not None else SCORE.steps()[-1]
    return redirect(url_for("public.score_step", step=step))


@bp.route("/score/<step>", methods=["GET", "POST"])
def score_step(step: str):
    if step not in SCORE.steps():
        abort(404)
    state = _state(SCORE, create=False)
    answers = dict(state.answers) if state else {}
    form, questions = build_step_form(
        SCORE, step, answers, request.form if request.method == "POST" else None
    )
    if request.method == "POST" and form.validate():
        context = _context()
        answers, ok = accept_step(SCORE, questions, form, answers, context)
        if ok:
            state = state or _state(SCORE)
            following = SCORE.next_question(answers)
            if following is None:  # the journey ends itself: kept, then shown
                outcome = SCORE.finish(answers, context)
                db.session.delete(state)
                db.session.commit()
                return render_template("score/result.html", **outcome.values)
            state.answers = answers
            db.session.commit()
            return redirect(url_for("public.score_step", step=following.step))
    db.session.commit()
    steps = SCORE.steps()
    index = steps.index(step)
    status = 400 if form.errors else 200
    return render_template(
        "wizard/step.html",
        form=form,
        journey=SCORE,
        step_title=STEP_TITLES[step],
        index=index + 1,
        total=len(steps),
        previous_url=url_for("public.score_step", step=steps[index - 1]) if index > 0 else None,
        intro=_(
            "Quelques questions par oui ou non, deux minutes : votre score de culture de "
            "prévention, de 0 à 5, et ce qui le ferait progresser. Le même test se fait par "
            "SMS : envoyez SCORE."
        ),
    ), status
