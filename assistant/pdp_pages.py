"""The request to the PDP cell (`dialogs/pdp.py`) played by the web wizard, the same in the
employee's space (/salarie/pdp/demande) and the member's (/espace/pdp/demande, an independent for
itself, an employer about one of its employees): the answers in progress are a `dialogue_state`
row keyed by the signed-in account, the page says who asks (`starting`, refreshed at every page:
the employer's current employees), and the ending's acknowledgement is flashed in the words the
SMS uses (`templates/sms/pdp_received.txt`): what happens next and by when."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from assistant import labels
from assistant.extensions import db
from assistant.models import DialogueState
from assistant.wizard import WebJourney, play_step
from dialogs.engine import Answers, Context, Outcome
from dialogs.pdp import PDP_REQUEST, SITUATION
from forms.wizard import Select, TextArea

WIDGETS = {
    "employee": Select(_l("— Choisissez un salarié —")),
    "about": Select(),
    "description": TextArea(rows=5),
}


def _state(key: str, starting: Answers) -> DialogueState:
    """This account's row, made at once; who asks is the page's, never the browser's."""
    state = db.session.scalar(select(DialogueState).where(DialogueState.key == key))
    if state is None:
        state = DialogueState(key=key, journey=PDP_REQUEST.name, answers={})
        db.session.add(state)
    state.answers = {**state.answers, **starting, "_whose": True}
    db.session.flush()
    return state


def play(
    key: str,
    starting: Answers,
    context: Callable[[], Context],
    step_endpoint: str,
    done_endpoint: str,
    step: str | None = None,
):
    """The request's step (or, with no step, the first page still to fill)."""
    load = lambda: _state(key, starting)  # noqa: E731
    web = WebJourney(
        PDP_REQUEST,
        labels.PDP_REQUEST_STEP,
        load=load,
        create=load,
        context=context,
        step_url=lambda name: url_for(step_endpoint, step=name),
        ended=lambda outcome: _ended(outcome, step_endpoint, done_endpoint),
        intro=_l(
            "Seuls la cellule PDP et le médecin du travail liront votre demande. Elle vous "
            "recontacte sous 5 jours ouvrés."
        ),
        widgets=WIDGETS,
    )
    if step is None:
        state = load()
        db.session.commit()
        return redirect(web.next_url(state.answers))
    return play_step(web, step)


def _ended(outcome: Outcome, step_endpoint: str, done_endpoint: str):
    if outcome.say == "pdp_refused":
        db.session.rollback()
        flash(str(outcome.values["reason"]), "error")
        return redirect(url_for(step_endpoint, step=SITUATION))
    flash(acknowledgement(outcome), "success")
    return redirect(url_for(done_endpoint))


def acknowledgement(outcome: Outcome) -> str:
    """What happens next and by when: the SMS's words, the day in full."""
    values = dict(outcome.values)
    values["answer_by"] = format_date(date.fromisoformat(values["answer_by"]), "EEEE d MMMM y")
    return render_template("sms/pdp_received.txt", **values).strip()
