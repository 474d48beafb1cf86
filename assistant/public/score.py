"""The prevention score on the web (/score): the SCORE journey's own questions, played by the web
wizard, and the same result with its levers as by SMS and in the chat (issue 12). Anonymous; the
answers wait in a dialogue row like the adhesion wizard's."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _

from assistant import labels
from assistant.public.blueprint import bp
from assistant.public.journey_state import browser_state, public_context
from assistant.wizard import WebJourney, play_step
from dialogs.checkup import SCORE


def _web() -> WebJourney:
    return WebJourney(
        SCORE,
        labels.SCORE_STEP,
        load=lambda: browser_state(SCORE, create=False),
        create=lambda: browser_state(SCORE),
        context=public_context,
        step_url=lambda step: url_for("public.score_step", step=step),
        ended=lambda outcome: render_template("score/result.html", **outcome.values),
        intro=_(
            "Quelques questions par oui ou non, deux minutes : votre score de culture de "
            "prévention, de 0 à 5, et ce qui le ferait progresser. Le même test se fait par "
            "SMS : envoyez SCORE."
        ),
    )


@bp.get("/score")
def score_start():
    state = browser_state(SCORE, create=False)
    return redirect(_web().next_url(state.answers if state else {}))


@bp.route("/score/<step>", methods=["GET", "POST"])
def score_step(step: str):
    return play_step(_web(), step)
