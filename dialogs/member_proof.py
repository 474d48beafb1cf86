"""`MEMBER_PROOF`: in the web chat, where no number is known, a member proves their mobile with
the one-time code (the login's) before a journey only members have (`RISQUES`); then that
journey goes on, for the member whose own number it is. An unknown number is sent no code and
told the same (no way to learn who is a member), then told it is not a member's."""

from __future__ import annotations

from collections.abc import Callable

from assistant.core.parsing import Reprompt, parse_phone, parse_text
from assistant.core.text import _l
from dialogs.engine import Answers, Context, Journey, Outcome, Question, effect

PURPOSE = "login"  # the member's own code: what signs a member in by SMS


def proof_questions(
    purpose: str, known: Callable[[Context, str], bool], phone_label, code_label, expired
) -> tuple[Question, ...]:
    """The chat's proof of a mobile, for any journey that needs one (`MEMBER_PROOF`,
    `dialogs/pdp.py`'s `PDP_PROOF`): the number asked, a one-time code of `purpose` sent to it —
    only when `known(context, phone)`, the reply the same either way — then the code, checked;
    `expired` says how to start again."""

    def send(answers: Answers, context: Context) -> Outcome | None:
        from assistant.services.membership import otp

        try:
            otp.send_code(
                context.session,
                answers["phone"],
                purpose,
                context.now,
                locale=context.locale,
                ip=context.extra.get("ip"),
                limits=context.extra.get("code_limits") or otp.CodeLimits(),
                deliver=known(context, answers["phone"]),
            )
        except otp.TooManyCodes:
            return Outcome("too_many_codes")
        return None

    def code_ok(code: str, answers: Answers, context: Context) -> bool:
        from assistant.services.membership import otp

        check = otp.verify(context.session, answers["phone"], purpose, code, context.now)
        if check == otp.CodeCheck.OK:
            return True
        if check == otp.CodeCheck.WRONG:
            raise Reprompt(otp.CHECK_MESSAGES[check])
        raise Reprompt(expired)

    return (
        Question("phone", "phone", phone_label, parse=parse_phone),
        effect("_sent", send),
        Question(
            "code",
            "code",
            code_label,
            parse=lambda raw: parse_text(raw, max_length=20),
            check=code_ok,
        ),
    )


def _a_member(context: Context, phone: str) -> bool:
    from assistant.services.workforce import phone_reach

    return phone_reach.own_member(context.session, phone) is not None


def _proven(answers, context) -> Outcome:
    from assistant.services.prevention import declarations
    from assistant.services.workforce import phone_reach
    from dialogs.declaration import RISK_CODES, from_declaration

    member = phone_reach.own_member(context.session, answers["phone"])
    if member is None:
        return Outcome("members_only")
    first = {"_member": member.id, "_kind": member.kind, "_actor": f"phone:{answers['phone']}"}
    latest = declarations.latest(context.session, member.id)
    if latest is not None:
        first |= {k: v for k, v in from_declaration(latest.data).items() if k != RISK_CODES}
    return Outcome("declaration_intro", then=("declaration", first))


MEMBER_PROOF = Journey(
    name="member_proof",
    title=_l("Confirmation de votre numéro"),
    questions=proof_questions(
        PURPOSE,
        _a_member,
        _l(
            "Pour déclarer vos risques, confirmons d'abord que vous êtes adhérent : votre "
            "numéro de mobile ?"
        ),
        _l(
            "Si ce numéro est celui d'un adhérent, un code à 6 chiffres vient de lui être "
            "envoyé par SMS : tapez-le."
        ),
        _l("Ce code n'est plus valable. Envoyez RISQUES pour recommencer."),
    ),
    finish=_proven,
)
