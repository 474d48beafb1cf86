"""One conversation turn, by SMS or web chat: keywords, the journey in progress, the reply.

The dialogue engine knows no channel; this module is the one adapter both text channels share.
A turn reads and writes the conversation's row (`dialogue_state`) in the caller's transaction
and returns the reply text, which always fits in three SMS segments.

A turn runs for every message, so its own work is a few Core statements: one read of the phone's
profile and the conversation's row together, then at most one write of the row (the ORM's unit
of work would cost more than the rest of the turn). What a journey's effects, checks and ending
do is theirs, through the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale, get_locale
from sqlalchemy import bindparam, func, literal, select
from sqlalchemy.orm import Session

from assistant import labels
from assistant.core.parsing import Reprompt
from assistant.core.segments import clip, fits
from assistant.core.timeutil import today_paris
from assistant.models import DialogueState, Member, PhoneProfile
from assistant.services import audit
from assistant.services.workforce import phone_reach
from assistant.sms import callbacks, intents, visits
from assistant.sms.journeys import JOURNEYS
from assistant.sms.keywords import join_journey, keyword, pdp_consent_command, tele_command
from assistant.sms.prompts import MESSAGE_UNITS, prompt
from dialogs.adhesion import EMPLOYER, INDEPENDENT
from dialogs.checkup import SCORE
from dialogs.declaration import DECLARATION, RISK_CODES, from_declaration
from dialogs.engine import Context, Journey, Outcome
from dialogs.member_proof import MEMBER_PROOF
from dialogs.pdp import PDP_PROOF, PDP_REQUEST
from dialogs.pdp_consent import PDP_CONSENT
from dialogs.tele_consent import TELE_CONSENT
from dialogs.visits import BOOK, CANCEL, MOVE

VISIT_KEYWORDS = {"book": BOOK, "cancel": CANCEL, "move": MOVE}
MAX_TRIES = 3

PROFILE = PhoneProfile.__table__
STATE = DialogueState.__table__
# the phone's profile and the conversation's row in one statement (either may be missing)
_ONE = select(literal(1).label("one")).subquery()
READ = select(
    PROFILE.c.id.label("profile_id"),
    PROFILE.c.locale,
    STATE.c.id,
    STATE.c.journey,
    STATE.c.answers,
    STATE.c.tries,
    STATE.c.updated_at,
).select_from(
    _ONE.outerjoin(PROFILE, PROFILE.c.phone == bindparam("phone")).outerjoin(
        STATE, STATE.c.key == bindparam("key")
    )
)
SAVE = (
    STATE.update()
    .where(STATE.c.id == bindparam("state_id"))
    .values(
        answers=bindparam("the_answers"), tries=bindparam("the_tries"), updated_at=bindparam("at")
    )
)
DROP = STATE.delete().where(STATE.c.id == bindparam("state_id"))


@dataclass
class Channel:
    """Who is talking: the conversation key, the phone if proven (SMS), the channel name."""

    key: str  # "sms:+336…" or "chat:<token>"
    name: str  # "sms" or "chat"
    # proven by Twilio's From for SMS; in the chat, by the one-time code the signed-in person
    # gave at login (employee space, or a member's space by SMS code), else unknown
    phone: str | None = None
    locale: str | None = None  # the chat follows the browser; SMS follows the phone's profile
    member_id: int | None = None  # the chat of a person signed in to a member's space
    actor: str | None = None  # who acts, when not the phone (the signed-in account)


@dataclass
class Profile:
    """What a turn uses of the phone's profile (`phone_profile`)."""

    id: int
    locale: str


@dataclass
class State:
    """The conversation's row (`dialogue_state`) as a turn reads it; `_save` writes it back."""

    id: int
    journey: str
    answers: dict[str, Any]
    tries: int
    updated_at: datetime


def handle(session: Session, channel: Channel, text: str, now: datetime) -> str:
    profile, state = _read(session, channel, now)
    locale = channel.locale or (profile.locale if profile is not None else "fr")
    word = keyword(text)
    if word in ("english", "french"):
        locale = "en" if word == "english" else "fr"
        if profile is not None and profile.locale != locale:
            profile.locale = locale
            _set_profile(session, profile, locale=locale)
    with force_locale(locale):
        reply = _turn(session, channel, profile, text, word, now, state)
        return reply if fits(reply) else clip(reply)


def _read(session: Session, channel: Channel, now: datetime) -> tuple[Profile | None, State | None]:
    """The phone's profile (created at its first message, in the language of the member whose
    number it is) and the conversation's row, read together."""
    row = session.connection().execute(READ, {"phone": channel.phone, "key": channel.key}).one()
    state = None
    if row.id is not None:
        state = State(row.id, row.journey, row.answers or {}, row.tries or 0, row.updated_at)
    if channel.phone is None:
        return None, state
    if row.profile_id is not None:
        return Profile(row.profile_id, row.locale), state
    locale = func.coalesce(phone_reach.own_member_locale(channel.phone), "fr")
    created = session.connection().execute(
        PROFILE.insert()
        .values(phone=channel.phone, locale=locale, session_version=0, created_at=now)
        .returning(PROFILE.c.id, PROFILE.c.locale)
    )
    return Profile(*created.one()), state


def _set_profile(session: Session, profile: Profile, **values) -> None:
    session.connection().execute(PROFILE.update().where(PROFILE.c.id == profile.id).values(values))


def _member(session: Session, channel: Channel) -> Member | None:
    """The member signed in to the chat, or whose own number this is (`phone_reach.holder`)."""
    if channel.member_id is not None:
        return session.get(Member, channel.member_id)
    return phone_reach.own_member(session, channel.phone)


def _save(session: Session, state: State) -> None:
    """Write back what a turn changed in the conversation's row."""
    values = {"the_answers": state.answers, "the_tries": state.tries, "at": state.updated_at}
    session.connection().execute(SAVE, {"state_id": state.id, **values})


def _turn(session, channel, profile, text, word, now, state: State | None) -> str:
    idle = timedelta(seconds=current_app.config["SMS_SESSION_IDLE"])
    if state is not None and state.updated_at < now - idle:
        _end(session, state)
        if word is None:
            return visits.say("expired")
        state = None

    if word is None and state is None:  # a sentence, not a keyword: what does it ask for?
        wanted = _wanted(text)
        if len(wanted) == 2:
            first, second = (str(labels.INTENT[name]) for name in wanted)
            return visits.say("which", first=first, second=second)
        word = wanted[0] if wanted else None

    if word == "stop":
        if profile is not None:
            _set_profile(session, profile, opted_out_at=now)
            audit.record(session, f"phone:{channel.phone}", "opt_out", "phone_profile", profile.id)
        return visits.say("stop")
    if word == "start":
        if profile is not None:
            _set_profile(session, profile, opted_out_at=None)
            audit.record(session, f"phone:{channel.phone}", "opt_in", "phone_profile", profile.id)
        return visits.say("start")
    if word in ("menu", "english", "french"):
        _end(session, state)
        return visits.say("menu")
    first = {}
    if word is None and (found := visits.command(text)) is not None:
        word, first = found[0], {"_type": found[1]}
    if word in VISIT_KEYWORDS:
        _end(session, state)
        return _start(session, channel, VISIT_KEYWORDS[word], first, now)
    if (video := tele_command(text)) is not None:  # VIDEO, VIDEO OUI, VIDEO NON
        _end(session, state)
        first = {} if video[1] is None else {"agree": video[1]}
        return _start(session, channel, TELE_CONSENT, first, now)
    if (agreed := pdp_consent_command(text)) is not None:  # PDP OUI, PDP NON, PDP ACCORD
        _end(session, state)
        first = {} if agreed[1] is None else {"agree": agreed[1]}
        return _start(session, channel, PDP_CONSENT, first, now)
    if word == "pdp":
        _end(session, state)
        return _start_pdp(session, channel, now)
    if (join := join_journey(text, word)) is not None:
        _end(session, state)
        answers = {"phone": channel.phone} if channel.phone else {}
        if join is EMPLOYER:  # a company: its SIRET, not this phone, says if it is a member
            return _start(
                session, channel, EMPLOYER, answers, now, intro=visits.say("join_company")
            )
        if _member(session, channel) is not None:
            return visits.say("already_member")
        return _start(session, channel, INDEPENDENT, answers, now, intro=visits.say("join_intro"))
    if word == "score":
        _end(session, state)
        member = _member(session, channel)
        answers = {}
        if member is not None:
            answers = {"_member": member.id, "has_staff": member.headcount > 0}
        return _start(session, channel, SCORE, answers, now)
    if word == "risks":
        _end(session, state)
        member = _member(session, channel)
        if member is None and channel.name == "chat" and channel.phone is None:
            return _start(session, channel, MEMBER_PROOF, {}, now)  # prove a member's number
        if member is None:
            return visits.say("members_only")
        return _start_declaration(session, channel, member, now)

    if state is None:
        return visits.say("not_understood")
    return _answer(session, channel, state, text, now)


def _start_pdp(session, channel, now) -> str:
    """`PDP`: the request from the phone (SMS, the chat of a signed-in worker), from the
    independent signed in to the chat; an employer asks in its space; an anonymous visitor of
    the chat proves a mobile first."""
    if channel.member_id is not None:
        member = session.get(Member, channel.member_id)
        if member.kind != "independent":
            return visits.say("pdp_employer")
        first = {"_asker": "independent", "_member": member.id, "_proven": True}
        return _start(session, channel, PDP_REQUEST, first, now)
    if channel.phone is None:
        return _start(session, channel, PDP_PROOF, {}, now)
    return _start(session, channel, PDP_REQUEST, {}, now)


def _wanted(text: str) -> list[str]:
    """The journeys a sentence asks for (`intents.read`), unless it is a command of its own."""
    if visits.command(text) or tele_command(text) or pdp_consent_command(text):
        return []
    if join_journey(text, None):
        return []
    return intents.read(text)


def _start_declaration(session, channel, member, now) -> str:
    """The four drawers in short form; once a declaration exists, it is taken up again and only
    the risks to add are asked (the rest is changed on the web, where it can be read whole)."""
    from assistant.services.prevention import declarations

    answers = {"_member": member.id, "_kind": member.kind}
    latest = declarations.latest(session, member.id)
    if latest is None:
        return _start(
            session, channel, DECLARATION, answers, now, intro=visits.say("declaration_intro")
        )
    answers |= {k: v for k, v in from_declaration(latest.data).items() if k != RISK_CODES}
    intro = visits.say("declaration_update_intro", version=latest.version)
    return _start(session, channel, DECLARATION, answers, now, intro=intro)


def _end(session, state: State | None) -> None:
    if state is not None:
        session.connection().execute(DROP, {"state_id": state.id})


def _start(session, channel, journey: Journey, answers: dict, now, intro: str = "") -> str:
    """The journey's first question (after its first effects), or its ending at once."""
    context = _context(session, channel, now)  # alive until the reply: the rows found are kept
    step = journey.advance(answers, context)
    if isinstance(step, Outcome):
        return _join_text(intro, _close(session, channel, None, step, now))
    session.connection().execute(
        STATE.insert().values(
            key=channel.key,
            journey=journey.name,
            answers=step.answers,
            tries=0,
            updated_at=now,
            created_at=now,
        )
    )
    return _join_text(intro, _ask(session, step.question, step.answers, context))


def _join_text(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def _answer(session, channel, state: State, text: str, now) -> str:
    journey = JOURNEYS.get(state.journey)
    if journey is None:  # a journey of a newer or older version: start again cleanly
        _end(session, state)
        return visits.say("expired")
    context = _context(session, channel, now)
    state.updated_at = now
    pending = journey.advance(state.answers, context)  # the question asked last
    if isinstance(pending, Outcome):  # a row left by an older version, already complete
        return _close(session, channel, state, pending, now)
    question = pending.question
    if (said := callbacks.reached(session, state.answers, text)) is not None:
        _save(session, state)  # the number to call back, asked at the last give-up
        return said
    pending.answers.pop(callbacks.ASKED, None)
    try:
        answers = journey.accept(pending.answers, question, text, context)
    except Reprompt as reprompt:
        state.tries += 1
        if state.tries >= MAX_TRIES:
            state.tries = 0
            journey.give_up(state.answers, context)
            said = callbacks.give_up(session, channel, question, state.answers, context)
            _save(session, state)
            return said
        hint = _short_reprompt_hint(question, state.answers, reprompt, context)
        _save(session, state)
        return _join_text(str(reprompt.message), hint)
    state.tries = 0
    step = journey.advance(answers, context)
    if isinstance(step, Outcome):
        return _close(session, channel, state, step, now)
    state.answers = step.answers
    _save(session, state)
    return _ask(session, step.question, step.answers, context)


def _ask(session, question, answers, context) -> str:
    """A question as one message: its own template when it has one (slots to pick), else the
    label with its numbered choices."""
    template, values = question.message(answers)
    if template:
        return _message(session, template, values)
    return prompt(question, answers, context)


def _message(session, template: str, values) -> str:
    return visits.say_fitting(template, **visits.values_for(session, values))


def _short_reprompt_hint(question, answers, reprompt: Reprompt, context) -> str:
    # a choice list is shown again so that the person can answer with its number, in the room
    # the reprompt leaves in the message
    if question.kind in ("choice", "multi") and question.list_choices:
        room = MESSAGE_UNITS - len(str(reprompt.message).encode("utf-16-le")) // 2 - 1
        return prompt(question, answers, context, room=room)
    return ""


def _context(session, channel, now) -> Context:
    """What the journeys' checks and endings may use, from this channel and this turn."""
    from assistant.services.membership import otp

    return Context(
        session=session,
        today=today_paris(now),
        actor=channel.actor or f"phone:{channel.phone}",
        now=now,
        phone=channel.phone,  # proven by Twilio's From; None in the web chat
        locale=str(get_locale() or "fr"),
        extra={
            "auto_activate": current_app.config["MEMBERS_AUTO_ACTIVATE"],
            "code_limits": otp.CodeLimits.from_config(current_app.config),
            "channel": "sms" if channel.name == "sms" else "web",  # how a consent is given
            "via": channel.name,  # sms or chat: how a request reached the PDP cell
        },
    )


def _close(session, channel, state, outcome: Outcome, now) -> str:
    """The journey ended itself (`Journey.advance`: an effect, or `finish`); this player only
    says what it returns, then starts the journey it leads to."""
    _end(session, state)
    text = _message(session, outcome.say, outcome.values) if outcome.say else ""
    if outcome.then is not None:
        name, first = outcome.then
        return _start(session, channel, JOURNEYS[name], dict(first), now, intro=text)
    return text
