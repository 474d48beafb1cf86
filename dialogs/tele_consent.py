"""The worker's consent to teleconsultation as a journey (R4624-41-1, R4624-41-2): one yes/no
question, asked with what it means; yes records the consent, no withdraws it (at any time). Played
by SMS and in the chat (`VIDEO`, `VIDEO OUI`, `VIDEO NON`: the answer may come with the keyword),
and by the employee's and the independent's spaces, whose two buttons are the answer; the ending
calls `assistant.services.visits.tele_consent` either way, so every channel does the same.

Whose consent it is comes in the private answers: `_employees` (employment ids whose worker is
the person: the consent hangs on that worker) and `_members` (independent members: their own).
A page sets them from the signed-in account; by text, `whose` reads them from the proven phone,
and only through the worker's own proven mobile: a number an employer typed may be the
employer's, who may never consent for the worker. `context.extra["channel"]` says how it was
given (web, sms; "sms" by default).
"""

from __future__ import annotations

from assistant.core.text import _l
from dialogs.engine import Answers, Context, Journey, Outcome, Question, effect


def _people(answers: Answers, context: Context):
    from assistant.models import Employee, Member

    session = context.session
    employees = [session.get(Employee, i) for i in answers.get("_employees", ())]
    members = [session.get(Member, i) for i in answers.get("_members", ())]
    return [e for e in employees if e is not None], [m for m in members if m is not None]


def _in_force(answers: Answers, context: Context) -> bool:
    from assistant.services.visits import tele_consent

    employees, members = _people(answers, context)
    return any(tele_consent.in_force(context.session, employee=e) for e in employees) or any(
        tele_consent.in_force(context.session, member=m) for m in members
    )


def whose(answers: Answers, context: Context) -> Answers | Outcome:
    """By text: the person the proven phone is — their employments through their own proven
    mobile, and their independent membership."""
    if "_employees" in answers or "_members" in answers:  # a page said whose it is
        return {**answers, "_in_force": _in_force(answers, context)}
    from assistant.services.workforce import booking_identity

    if context.phone is None:  # the anonymous chat
        return Outcome("tele_consent_chat")
    found = booking_identity.identities(context.session, context.phone, context.today)
    if not found:
        return Outcome("visit_unknown")
    mine = [identity for identity in found if identity.proven]
    if not mine:  # a contact number only: maybe the employer's
        return Outcome("tele_consent_unproven")
    answers = {
        **answers,
        "_employees": [i.employee.id for i in mine if i.employee is not None],
        "_members": [i.member.id for i in mine if i.employee is None],
    }
    return {**answers, "_in_force": _in_force(answers, context)}


def _finish(answers: Answers, context: Context) -> Outcome:
    from assistant.services.visits import tele_consent

    employees, members = _people(answers, context)
    actor = context.actor or f"phone:{context.phone}"
    channel = context.extra.get("channel", "sms")
    for employee, member in [(e, None) for e in employees] + [(None, m) for m in members]:
        if answers["agree"]:
            tele_consent.give(
                context.session,
                actor,
                channel=channel,
                now=context.now,
                employee=employee,
                member=member,
            )
        else:
            tele_consent.withdraw(
                context.session, actor, now=context.now, employee=employee, member=member
            )
    return Outcome("tele_consent_given" if answers["agree"] else "tele_consent_withdrawn")


AGREE = Question(
    "agree",
    "yesno",
    _l("Acceptez-vous que vos visites puissent se faire en téléconsultation ?"),
    say="tele_consent_ask",
    values=lambda answers: {"in_force": bool(answers.get("_in_force"))},
)

TELE_CONSENT = Journey(
    "tele_consent",
    _l("Téléconsultation"),
    (effect("_whose", whose), AGREE),
    _finish,
)
