"""The worker's consent that the PDP cell tell their employer something, by text (SPEC 4.7): one
yes/no question, said with what it means (what would be told, to whom, nothing else, revocable).
Played by SMS and the chat: `PDP OUI` answers yes to what the cell asked last, on the worker's
latest case with a pending ask (none pending: it says so); `PDP NON` withdraws every consent in
force on the worker's cases (and declines any ask); `PDP ACCORD` asks the question first. The
ending calls `assistant.services.pdp.worker_consent`, as the employee space's page and the cell do.

Only the worker's own proven mobile answers: a number an employer typed may be the employer's,
who may never consent for the worker (a contact number only is refused politely). The anonymous
chat is pointed to the employee space or SMS. How it was given is "sms", or "chat" in the chat
(`context.extra["channel"]` says "web" there: this journey is played by text only).
"""

from __future__ import annotations

from assistant.core.text import _l
from dialogs.engine import Answers, Context, Journey, Outcome, Question, effect


def _case(context: Context, case_id: int):
    from assistant.models.pdp import PdpCase

    return context.session.get(PdpCase, case_id)


def whose(answers: Answers, context: Context) -> Answers | Outcome:
    """The worker the proven phone is (their employments), and what the question is about: the
    latest case with a pending ask, or the consents in force."""
    from assistant.services.pdp import worker_consent
    from assistant.services.workforce import booking_identity

    if context.phone is None:  # the anonymous chat
        return Outcome("pdp_consent_chat")
    found = booking_identity.identities(context.session, context.phone, context.today)
    if not found:
        return Outcome("visit_unknown")
    mine = [i.employee.id for i in found if i.proven and i.employee is not None]
    if not mine:  # a contact number only (maybe the employer's), or an independent
        if any(i.proven and i.employee is None for i in found):
            return Outcome("pdp_consent_none", {"in_force": False})  # no employer to tell
        return Outcome("pdp_consent_unproven")
    session = context.session
    asked = worker_consent.pending_ask(session, mine)
    in_force = worker_consent.in_force_cases(session, mine)
    answers = {**answers, "_employees": mine}
    if asked is not None:
        return {
            **answers,
            "_case": asked.id,
            "_scope": str(asked.consent_asked_scope),
            "_employer": worker_consent.employer_name(session, asked),
        }
    if answers.get("agree") is True or (not in_force and "agree" not in answers):
        # nothing asked: said so (the consents in force stay as they are)
        return Outcome("pdp_consent_none", {"in_force": bool(in_force)})
    case = in_force[0] if in_force else None  # withdrawing, or asked about what is in force
    return {
        **answers,
        "_case": None,
        "_in_force": True,
        "_scope": _scope_in_force(context, case) if case else "stage",
        "_employer": worker_consent.employer_name(session, case) if case else "",
    }


def _scope_in_force(context: Context, case) -> str:
    from assistant.services.pdp import consent

    return next(str(c.scope) for c in consent.consents(context.session, case) if not c.revoked_at)


def _finish(answers: Answers, context: Context) -> Outcome:
    from assistant.services.pdp import worker_consent

    actor = context.actor or f"phone:{context.phone}"
    channel = "sms" if context.extra.get("channel", "sms") == "sms" else "chat"
    if answers["agree"]:
        if answers.get("_case") is None:  # keeping the consents in force: nothing changes
            return Outcome("pdp_consent_given", {"employer": answers["_employer"]})
        case = _case(context, answers["_case"])
        worker_consent.answer_yes(context.session, case, actor, channel, context.now)
        return Outcome("pdp_consent_given", {"employer": answers["_employer"]})
    count = worker_consent.answer_no(
        context.session, answers["_employees"], actor, channel, context.now
    )
    return Outcome("pdp_consent_withdrawn", {"count": count})


AGREE = Question(
    "agree",
    "yesno",
    _l("Acceptez-vous que la cellule PDP informe votre employeur ?"),
    say="pdp_consent_ask",
    values=lambda answers: {
        "employer": answers.get("_employer", ""),
        "scope": answers.get("_scope", "stage"),
        "in_force": bool(answers.get("_in_force")),
    },
)

PDP_CONSENT = Journey(
    "pdp_consent",
    _l("Accord pour informer l'employeur"),
    (effect("_whose", whose), AGREE),
    _finish,
)
