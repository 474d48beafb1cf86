"""Asking the PDP cell for help (SPEC 4.7), defined once: `PDP_REQUEST`, played by SMS and the
chat (`PDP`) and by the web wizard in the employee's, the independent's and the employer's
spaces; and `PDP_PROOF`, the chat's way to prove a mobile first (as `MEMBER_PROOF` does for
`RISQUES`).

Who asks comes in the private answers, set by a page: `_asker` (employee, independent,
employer), `_member`, `_employee` (the employment an employee asks about), `_employees` (the
employer's current employees offered, [id, name] pairs) and `_proven` (the worker's own proven
mobile or signed-in space). By text, the effect `whose` reads them from the proven phone: the
worker's own proven mobile asks as the worker (identity proven); a contact number an employer
typed is accepted too — it may be the worker's — but not proven, and its reply says only that the
request is received (it may be the employer's own phone). An unknown number is told who can ask
and how.

The questions: the trigger, whether the contract is suspended (sick leave) and since when (until
when, if known), a short description and how to be reached. The ending calls the one service,
`assistant.services.pdp.cases.raise_request`, which applies the employer-information rule.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from assistant import labels
from assistant.core.parsing import Choice, Reprompt, parse_date, parse_text
from assistant.core.text import _l
from dialogs.engine import Answers, Context, Journey, Outcome, Question, effect
from dialogs.member_proof import proof_questions
from dialogs.visit_request_checks import current_employee, parse_id

SITUATION, REQUEST = "situation", "demande"
EARLIEST = date(1990, 1, 1)
PURPOSE = "employee"  # the worker's own code: what signs a worker in to the employee space


def _asker(answers: Answers) -> str:
    return answers.get("_asker", "employee")


def _is_employer(answers: Answers) -> bool:
    return _asker(answers) == "employer"


# ---------------------------------------------------------------- who asks, by text


def whose(answers: Answers, context: Context) -> Answers | Outcome | None:
    """By text: who the phone is (the worker's own proven mobile, else a contact number an
    employer typed); a page has said it already."""
    if "_asker" in answers:
        return None
    from assistant.services.workforce import booking_identity

    phone = context.phone or answers.get("_phone")
    if phone is None:  # the anonymous chat: the conversation offers the proof first
        return Outcome("pdp_unknown")
    found = booking_identity.identities(context.session, phone, context.today)
    if not found:
        return Outcome("pdp_unknown")
    mine = [identity for identity in found if identity.proven] or found
    about = [[identity.key, identity.label()] for identity in mine]
    answers = {**answers, "_about": about, "_phone": phone, "_actor": f"phone:{phone}"}
    if len(about) == 1:
        answers = _about_one(answers, about[0][0], context)
    return answers


def _about_one(answers: Answers, key: str, context: Context) -> Answers:
    """The employment (or the independent membership) the request is about, from its key."""
    from assistant.services.workforce import booking_identity

    phone = answers["_phone"]
    for identity in booking_identity.identities(context.session, phone, context.today):
        if identity.key == key:
            asker = "employee" if identity.employee is not None else "independent"
            return {
                **answers,
                "_asker": asker,
                "_member": identity.member.id,
                "_employee": identity.employee.id if identity.employee else None,
                "_proven": identity.proven,
            }
    raise Reprompt(_l("Choisissez une réponse dans la liste."))


def _about_check(value: str, answers: Answers, context: Context) -> str:
    answers.update(_about_one(answers, value, context))
    return value


# ---------------------------------------------------------------- the answers' checks


def _parse_day(raw: str) -> date:
    return parse_date(raw, earliest=EARLIEST)


def _not_in_future(value: str, answers: Answers, context: Context) -> str:
    if context.today is not None and date.fromisoformat(value) > context.today:
        raise Reprompt(_l("Cette date est dans le futur : indiquez le premier jour de l'arrêt."))
    return value


def _after_start(value: str, answers: Answers, context: Context) -> str:
    start = answers.get("leave_from")
    if start and value < start:
        raise Reprompt(_l("La fin de l'arrêt précède son début."))
    return value


def _trigger_choices(answers: Answers, context: Context) -> list[Choice]:
    return [Choice(str(code), label) for code, label in labels.PDP_TRIGGER.items()]


def _suspended_label(answers: Answers, context: Context):
    if _is_employer(answers):
        return _l("Le salarié est-il en arrêt de travail (contrat suspendu) ?")
    return _l("Êtes-vous en arrêt de travail (contrat suspendu) ?")


def _suspended(answers: Answers) -> bool:
    return bool(answers.get("suspended"))


# ---------------------------------------------------------------- the ending


def _finish(answers: Answers, context: Context) -> Outcome:
    from assistant.models import Employee, Member
    from assistant.services.pdp import cases

    session = context.session
    asker = _asker(answers)
    employee_id = answers.get("employee") or answers.get("_employee")
    employee = session.get(Employee, int(employee_id)) if employee_id else None
    member = session.get(Member, answers["_member"]) if employee is None else None
    via = context.extra.get("via") or context.extra.get("channel", "sms")
    proven = asker == "employer" or bool(answers.get("_proven"))
    try:
        case = cases.raise_request(
            session,
            answers.get("_actor") or context.actor,
            raised_by="employer" if asker == "employer" else "worker",
            channel=via,
            trigger=answers["trigger"],
            description=answers["description"],
            now=context.now,
            employee=employee,
            member=member,
            contract_suspended=_suspended(answers),
            leave_from=_day(answers.get("leave_from")),
            leave_until=_day(answers.get("leave_until")),
            contact=answers.get("contact") or answers.get("_phone") or context.phone,
            identity_proven=proven,
        )
    except cases.PdpError as refused:
        return Outcome("pdp_refused", {"reason": refused.message})
    return Outcome(
        "pdp_received",
        {
            "case": case.id,
            "answer_by": cases.answer_by(context.today).isoformat(),
            "asker": asker,
            "informed": case.employer_informed_at is not None,
            "suspended": case.contract_suspended,
            "quiet": not proven,  # maybe the employer's own phone: nothing but "received"
        },
    )


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# ---------------------------------------------------------------- the journey

PDP_REQUEST = Journey(
    name="pdp_request",
    title=_l("Demander l'aide de la cellule PDP"),
    questions=(
        replace(effect("_whose", whose), step=SITUATION),
        Question(
            "about",
            "choice",
            _l("Pour quel emploi demandez-vous de l'aide ?"),
            choices=lambda answers, context: [Choice(k, name) for k, name in answers["_about"]],
            when=lambda answers: len(answers.get("_about", [])) > 1,
            check=_about_check,
            step=SITUATION,
        ),
        Question(
            "employee",
            "id",
            _l("Salarié concerné"),
            parse=parse_id,
            choices=lambda answers, context: [
                Choice(str(i), name) for i, name in answers.get("_employees", [])
            ],
            when=_is_employer,
            check=current_employee,
            missing=_l("Choisissez le salarié."),
            step=SITUATION,
        ),
        Question(
            "trigger",
            "choice",
            _l("Ce qui vous amène"),
            choices=_trigger_choices,
            missing=_l("Choisissez ce qui vous amène."),
            short_label=_l("Cellule PDP : ce qui vous amène ?"),
            step=SITUATION,
        ),
        Question(
            "suspended",
            "yesno",
            _suspended_label,
            step=SITUATION,
        ),
        Question(
            "leave_from",
            "date",
            _l("Début de l'arrêt de travail"),
            parse=_parse_day,
            when=_suspended,
            check=_not_in_future,
            missing=_l("Indiquez le premier jour de l'arrêt de travail."),
            short_label=_l("Depuis quelle date ? Par exemple 12/03/2026."),
            step=SITUATION,
        ),
        Question(
            "leave_until",
            "date",
            _l("Fin prévue de l'arrêt (si elle est connue)"),
            parse=_parse_day,
            when=_suspended,
            check=_after_start,
            optional=True,
            short_label=_l("Jusqu'à quelle date, si vous le savez ? Sinon, répondez PASSER."),
            step=SITUATION,
        ),
        Question(
            "description",
            "text",
            _l("Décrivez la situation en quelques mots"),
            parse=lambda raw: parse_text(raw, max_length=1000),
            hint=_l("Ce que vous rencontrez au travail ; seule la cellule PDP le lira."),
            missing=_l("Décrivez la situation en quelques mots."),
            short_label=_l(
                "Décrivez la situation en quelques mots (seule la cellule PDP le lira)."
            ),
            step=REQUEST,
        ),
        Question(
            "contact",
            "text",
            _l("Comment et quand vous joindre ? (facultatif)"),
            parse=lambda raw: parse_text(raw, max_length=200),
            optional=True,
            hint=_l(
                "Un numéro, des horaires. Sans réponse, la cellule utilise ce que le service "
                "connaît."
            ),
            short_label=_l(
                "Comment et quand vous joindre ? Par exemple : ce numéro, après 17h. Ou PASSER."
            ),
            step=REQUEST,
        ),
    ),
    finish=_finish,
)


# ---------------------------------------------------------------- the chat: a mobile proven


def _known(context: Context, phone: str) -> bool:
    """A number the service knows (an unknown one is sent nothing, and told the same)."""
    from assistant.services.workforce import booking_identity

    return bool(booking_identity.identities(context.session, phone, context.today))


def _proven(answers: Answers, context: Context) -> Outcome:
    """The number is proven held: the request goes on as if sent by SMS from it."""
    return Outcome("", then=(PDP_REQUEST.name, {"_phone": answers["phone"]}))


PDP_PROOF = Journey(
    name="pdp_proof",
    title=_l("Confirmation de votre numéro"),
    questions=proof_questions(
        PURPOSE,
        _known,
        _l(
            "Pour demander l'aide de la cellule PDP, confirmons d'abord votre mobile, celui "
            "que le service connaît : votre numéro ?"
        ),
        _l(
            "Si le service connaît ce numéro, un code à 6 chiffres vient de lui être envoyé "
            "par SMS : tapez-le."
        ),
        _l("Ce code n'est plus valable. Envoyez PDP pour recommencer."),
    ),
    finish=_proven,
)
