"""The prevention-culture score (SPEC 4.5): six yes/no questions, a score from 0 to 5 by 0.5."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from assistant.core.text import _l


@dataclass(frozen=True)
class ScoreQuestion:
    key: str
    label: object
    points: Decimal
    needs_employees: bool = False
    requires_yes_to: str | None = None  # asked only when this earlier answer is yes
    lever: object = None  # what the service offers to earn these points
    lever_url: str = ""


QUESTIONS: tuple[ScoreQuestion, ...] = (
    ScoreQuestion(
        "q1_duerp",
        _l("Avez-vous un document unique d'évaluation des risques (DUERP) ?"),
        Decimal(1),
        lever=_l("Rédiger votre DUERP avec l'aide de nos préventeurs"),
        lever_url="/offre",
    ),
    ScoreQuestion(
        "q2_duerp_with_staff",
        _l("Ce document unique a-t-il été construit avec vos salariés ?"),
        Decimal(1),
        needs_employees=True,
        requires_yes_to="q1_duerp",
        lever=_l("Associer vos salariés au DUERP : atelier collectif du service"),
        lever_url="/offre",
    ),
    ScoreQuestion(
        "q3_action_plan",
        _l("Avez-vous un plan d'actions de prévention ?"),
        Decimal(1),
        lever=_l("Bâtir un plan d'actions avec les outils OiRA et de votre branche"),
        lever_url="/offre",
    ),
    ScoreQuestion(
        "q4_plan_reviewed",
        _l("Ce plan d'actions est-il suivi et mis à jour régulièrement ?"),
        Decimal(1),
        requires_yes_to="q3_action_plan",
        lever=_l("Faire le point chaque année sur votre plan avec votre préventeur"),
        lever_url="/offre",
    ),
    ScoreQuestion(
        "q5_representatives",
        _l(
            "Avez-vous des représentants du personnel (CSE) ou un salarié désigné compétent "
            "en prévention ?"
        ),
        Decimal("0.5"),
        needs_employees=True,
        lever=_l("Former un salarié désigné compétent : session collective du service"),
        lever_url="/offre",
    ),
    ScoreQuestion(
        "q6_welcome",
        _l("Avez-vous un accueil ou un livret d'accueil pour les nouveaux salariés ?"),
        Decimal("0.5"),
        needs_employees=True,
        lever=_l("Créer un livret d'accueil sécurité : modèles et atelier du service"),
        lever_url="/offre",
    ),
)
BY_KEY = {q.key: q for q in QUESTIONS}


def applies(question: ScoreQuestion, has_employees: bool) -> bool:
    return has_employees or not question.needs_employees


def is_asked(question: ScoreQuestion, has_employees: bool, answers: Mapping[str, bool]) -> bool:
    """Asked when it applies and its prerequisite (if any) was answered yes."""
    if not applies(question, has_employees):
        return False
    return question.requires_yes_to is None or answers.get(question.requires_yes_to) is True


@dataclass(frozen=True)
class ScoreResult:
    score: Decimal  # 0 to 5 by 0.5
    points: Decimal
    maximum: Decimal
    answers: dict[str, bool]
    levers: tuple[ScoreQuestion, ...]


def compute(answers: Mapping[str, bool], has_employees: bool) -> ScoreResult:
    """Score = 5 × points / maximum, rounded half up to the nearest 0.5.

    A question skipped because its prerequisite is "no" scores 0 but counts in the maximum; one
    that does not apply (no employees) is left out of the maximum.
    """
    points = maximum = Decimal(0)
    kept: dict[str, bool] = {}
    missed: list[ScoreQuestion] = []
    for question in QUESTIONS:
        if not applies(question, has_employees):
            continue
        maximum += question.points
        answer = answers.get(question.key) is True and is_asked(question, has_employees, answers)
        if is_asked(question, has_employees, answers):
            kept[question.key] = answers.get(question.key) is True
        if answer:
            points += question.points
        else:
            missed.append(question)
    raw = Decimal(5) * points / maximum
    score = (raw * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2
    return ScoreResult(
        score=score,
        points=points,
        maximum=maximum,
        answers=kept,
        levers=tuple(_best_levers(missed, answers)),
    )


def from_answers(answers: Mapping[str, object], has_employees: bool) -> ScoreResult:
    """The score of a journey's stored answers (a question not answered counts as "no")."""
    return compute({q.key: answers.get(q.key) is True for q in QUESTIONS}, has_employees)


def _best_levers(missed: list[ScoreQuestion], answers: Mapping[str, bool]):
    """The one or two actions worth most points; a prerequisite comes before what depends on it."""
    reachable = [
        q for q in missed if q.requires_yes_to is None or answers.get(q.requires_yes_to) is True
    ]

    # missing prerequisites unlock their follower's points too
    def value(question: ScoreQuestion) -> Decimal:
        followers = sum((q.points for q in missed if q.requires_yes_to == question.key), Decimal(0))
        return question.points + followers

    ranked = sorted(reachable, key=lambda q: (-value(q), QUESTIONS.index(q)))
    return ranked[:2]
