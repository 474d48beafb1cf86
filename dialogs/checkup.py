"""The prevention score: six questions by oui or non, on every channel, kept for the trend."""

from __future__ import annotations

from assistant.core.text import _l
from dialogs.adhesion_questions import score_questions
from dialogs.engine import Journey, Outcome, Question


def _score_done(answers, context) -> Outcome:
    """Kept for the trend (a member's, or anyone's self-check from a phone), then told."""
    from assistant.services.membership import adhesion

    _record, result = adhesion.record_self_check(
        context.session,
        answers,
        answers.get("has_staff") is True,
        member_id=answers.get("_member"),
        phone=context.phone,
        now=context.now,
    )
    return Outcome("score_result", {"result": result, "member": answers.get("_member")})


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
