"""Short journeys played mostly by SMS and chat: the prevention score and a risk declaration."""

from __future__ import annotations

from dialogs.adhesion import score_questions
from dialogs.engine import Journey, Outcome, Question
from dialogs.parsing import Reprompt, parse_text
from dialogs.text import _l, lazy_risk_label


def _score_done(answers, context) -> Outcome:
    """Kept for the trend (a member's, or anyone's self-check from a phone), then told."""
    from assistant.services import adhesion

    _record, result = adhesion.record_self_check(
        context.session,
        answers,
        answers.get("has_staff") is True,
        member_id=answers.get("_member"),
        phone=context.phone,
        now=context.now,
    )
    return Outcome("score_result", {"result": result, "member": answers.get("_member")})


def _risks_done(answers, context) -> Outcome:
    """A new version of the member's declaration, with these risks added."""
    from assistant.services import declarations

    codes = answers["risks_text"]["codes"]
    declarations.add_risks(context.session, context.actor, answers["_member"], codes)
    return Outcome("risks_done", {"count": len(codes)})


SCORE = Journey(
    name="score",
    title=_l("Score de culture de prévention"),
    questions=(
        Question(
            "has_staff",
            "yesno",
            _l("Employez-vous des salariés ?"),
            when=lambda answers: "_member" not in answers,
            step="salaries",
        ),
        *score_questions(lambda answers: answers.get("has_staff") is True),
    ),
    finish=_score_done,
)


def _risks_found(text, answers, context):
    from assistant.services import risks

    found = risks.match(text, limit=5)
    if not found:
        raise Reprompt(
            _l(
                "Nous n'avons reconnu aucun risque. Décrivez-le autrement, par exemple : bruit, "
                "produits chimiques, port de charges."
            )
        )
    return {"text": text, "codes": [risk.code for risk in found]}


def _confirm_label(answers) -> str:
    from assistant.services import risks

    codes = answers.get("risks_text", {}).get("codes", [])
    lines = [str(_l("Nous avons compris :"))]
    lines += [f"{n}. {lazy_risk_label(risks.catalogue()[code])}" for n, code in enumerate(codes, 1)]
    lines.append(str(_l("C'est bien cela ?")))
    return "\n".join(lines)


# Risks by SMS and chat: free text matched to the catalogue, then confirmed as a numbered list
RISK_TEXT_QUESTIONS = (
    Question(
        "risks_text",
        "text",
        _l(
            "Quels risques rencontrez-vous dans votre travail ? Décrivez-les en quelques mots "
            "(ex : poussière de bois, bruit, écran)."
        ),
        parse=lambda raw: parse_text(raw, max_length=500),
        check=_risks_found,
    ),
    Question(
        "risks_confirm",
        "yesno",
        _confirm_label,
        again_to="risks_text",
    ),
)

RISKS = Journey(
    name="risks",
    title=_l("Déclaration de risques"),
    questions=RISK_TEXT_QUESTIONS,
    finish=_risks_done,
)
