"""A conversation that goes nowhere (answers not understood three times): one call-back task
for staff per conversation, in the staff's language, with a number to call. By SMS the number
is the sender's; in the chat, where no number is known, the person is asked how to be reached
and the next message, when it is a phone number, is put on the task."""

from __future__ import annotations

from flask_babel import force_locale

from assistant.core.parsing import Reprompt, parse_phone
from assistant.core.text import _l
from assistant.models import StaffTask
from assistant.sms import visits

TASK = "_callback"  # in the conversation's answers: the task raised for it
ASKED = "_callback_reach"  # the number to call was asked: the next message may be it
STAFF_LOCALE = "fr"  # the back-office's language


def _detail(channel, question, answers, context) -> str:
    with force_locale(STAFF_LOCALE):
        return str(
            _l(
                "Conversation par %(channel)s bloquée à la question « %(question)s »",
                channel="SMS" if channel.name == "sms" else "chat",
                question=question.text(answers, context, short=True),
            )
        )


def give_up(session, channel, question, answers: dict, context) -> str:
    """Raise the conversation's task once (kept in its answers), and say what happens next."""
    task = session.get(StaffTask, answers[TASK]) if answers.get(TASK) else None
    if task is None or task.done_at is not None:
        task = StaffTask(
            kind="callback",
            phone=channel.phone,
            detail=_detail(channel, question, answers, context),
        )
        session.add(task)
        session.flush()
        answers[TASK] = task.id
    if task.phone is None:
        answers[ASKED] = True
        return visits.say("callback_ask")
    return visits.say("callback", phone=task.phone)


def reached(session, answers: dict, text: str) -> str | None:
    """The number to call, when it was asked and this message is one (else None: the message
    is an answer to the question, as usual)."""
    if not answers.pop(ASKED, False):
        return None
    try:
        number = parse_phone(text, mobile_only=False)
    except Reprompt:
        return None
    task = session.get(StaffTask, answers.get(TASK))
    if task is None:
        return None
    task.phone = number
    return visits.say("callback", phone=number)
