"""What the public journeys (adhesion, score) keep of a browser: its unfinished journey, in the
database so that it can be resumed, and the context their checks and endings get from the
request."""

from __future__ import annotations

import secrets

from flask import current_app, request, session
from flask_babel import get_locale
from sqlalchemy import select

from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.models import DialogueState
from assistant.services.membership import otp
from assistant.services.messaging import dialogue_states
from dialogs.engine import Context, Journey


def browser_state(journey: Journey, create: bool = True) -> DialogueState | None:
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


def public_context() -> Context:
    """What the journeys' checks and endings may use, from this request."""
    config = current_app.config
    now = utcnow()
    return Context(
        session=db.session,
        today=today_paris(now),
        actor="web",
        now=now,
        locale=str(get_locale() or "fr"),
        extra={
            "auto_activate": config["MEMBERS_AUTO_ACTIVATE"],
            "code_limits": otp.CodeLimits.from_config(config),
            "ip": request.remote_addr,
        },
    )
