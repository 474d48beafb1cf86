"""The web player: any journey of `dialogs/` played as a wizard, one page per step.

A view describes its journey once (`WebJourney`: where its row is, the steps' titles, the
context of its checks and ending, its URLs) and calls `play_step`. The player renders the step's
questions (`forms/wizard.py`), validates them with the engine, stores the answers in the
journey's `dialogue_state` row (resumable), and, when the journey has no review page, calls
`Journey.finish` and hands the `Outcome` to the view, which renders it. The step titles and the
widgets are this player's: `dialogs/` knows no channel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from assistant import labels
from assistant.core.parsing import Reprompt
from assistant.extensions import db
from assistant.models import DialogueState
from dialogs.engine import Answers, Context, Journey, Outcome
from forms.wizard import accept_step, build_step_form

SEEN = "_seen"  # the steps whose page was submitted in this round (when every page is shown)


@dataclass(frozen=True)
class WebJourney:
    journey: Journey
    titles: Mapping[str, Any]  # step → its page's title
    load: Callable[[], DialogueState | None]  # this person's row, if any
    create: Callable[[], DialogueState]  # … made on the first answer
    context: Callable[[], Context]
    step_url: Callable[[str], str]
    # a page after the last step (a summary to confirm), or None: the last step ends the journey
    review_url: Callable[[], str] | None = None
    ended: Callable[[Outcome], Any] | None = None  # renders the Outcome (no review page)
    every_step: bool = False  # each page is shown once even when its answers are prefilled
    intro: str | None = None
    aside: tuple[str, str] | None = None  # a side link: (url, text)
    widgets: Mapping[str, Any] | None = None  # question key → widget (forms/wizard.py)
    # what a step's page shows above its questions (HTML), from the answers so far, or None
    note: Callable[[str, Answers], Any] | None = None

    def next_url(self, answers: Answers) -> str:
        """The first page to fill: a step not submitted yet, then the review page."""
        if self.every_step:
            seen = answers.get(SEEN, [])
            for step in self.journey.steps():
                if step not in seen:
                    return self.step_url(step)
        question = self.journey.next_question(answers)
        if question is not None:
            return self.step_url(question.step)
        if self.review_url is None:
            return self.step_url(self.journey.steps()[-1])
        return self.review_url()

    def ready_for_review(self, state: DialogueState | None) -> bool:
        return state is not None and self.next_url(state.answers) == self.review_url()


def play_step(web: WebJourney, step: str):
    """GET shows a step (with the answers given so far); POST validates it, stores the answers
    and goes on: to the next page, or to the ending."""
    journey = web.journey
    steps = journey.steps()
    if step not in steps:
        abort(404)
    state = web.load()
    answers = dict(state.answers) if state else {}
    context = web.context()
    posted = request.form if request.method == "POST" else None
    form, questions = build_step_form(journey, step, answers, context, posted, web.widgets)
    if request.method == "POST" and form.validate():
        answers, ok = accept_step(journey, questions, form, answers, context)
        if ok:
            if web.every_step:
                answers[SEEN] = [s for s in steps if s in {*answers.get(SEEN, []), step}]
            if web.review_url is None and journey.complete(answers):
                outcome = journey.finish(answers, context)
                if state is not None:
                    db.session.delete(state)
                db.session.commit()
                return web.ended(outcome)
            state = state or web.create()
            state.answers = answers
            db.session.commit()
            return redirect(web.next_url(answers))
    db.session.commit()
    index = steps.index(step)
    return render_template(
        "wizard/step.html",
        form=form,
        journey=journey,
        step_title=web.titles[step],
        index=index + 1,
        total=len(steps) + (0 if web.review_url is None else 1),
        previous_url=web.step_url(steps[index - 1]) if index > 0 else None,
        intro=web.intro,
        aside=web.aside,
        note=web.note(step, answers) if web.note else None,
    ), 400 if form.errors else 200


def end(journey: Journey, state: DialogueState, context: Context) -> Outcome:
    """The journey ends itself (after its review page): its row goes, its Outcome is returned
    for the view to render; the view commits."""
    answers = dict(state.answers)
    db.session.delete(state)
    return journey.finish(answers, context)


def tele_consent_page(starting: Answers, context: Context, endpoint: str, template: str):
    """The one-question consent journey (`TELE_CONSENT`) on a page of a worker's own space: the
    question asked for whom `starting` names, the button's answer given, the page shown again."""
    from forms import tele_consent as consent_player
    from forms.tele_consent import TeleConsentForm

    ask = consent_player.question(starting, context)
    form = TeleConsentForm()
    if form.validate_on_submit():
        try:
            outcome = consent_player.answer(ask, request.form.get("agree", ""), context)
        except Reprompt:
            abort(400)
        db.session.commit()
        flash(str(labels.TELE_CONSENT_SAID[outcome.say]), "success")
        return redirect(url_for(endpoint))
    return render_template(template, form=form, in_force=ask.answers["_in_force"])
