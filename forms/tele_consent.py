"""The teleconsultation consent on the web (the employee's and the independent's spaces): the
journey `dialogs/tele_consent.py` played by a page, whose two buttons (`agree`: oui, non) are the
answer to its one question — the same ending as `VIDEO OUI` / `VIDEO NON` by SMS."""

from __future__ import annotations

from flask_wtf import FlaskForm

from dialogs.engine import Ask, Outcome
from dialogs.tele_consent import AGREE, TELE_CONSENT


class TeleConsentForm(FlaskForm):
    """The two buttons (`agree`) and the CSRF token."""


def question(answers, context) -> Ask | Outcome:
    """The journey up to its question: `ask.answers["_in_force"]` says whether a consent is in
    force (whose it is comes in `answers`)."""
    return TELE_CONSENT.advance(answers, context)


def answer(ask: Ask, raw: str, context) -> Outcome:
    """The button pressed, as the typed answer; raises Reprompt when it is neither."""
    answers = TELE_CONSENT.accept(ask.answers, AGREE, raw, context)
    return TELE_CONSENT.advance(answers, context)
