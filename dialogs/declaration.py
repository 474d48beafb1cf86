"""The self-assessment in four drawers (cahier des charges 3.2): one journey for every channel.

Drawers are the journey's steps: organisation, activities, prevention in place, professional
risks. The answers `_member` (its id), `_kind` (the member's kind) and `_channel` ("web" or
"text") are set by the caller: questions that make no sense for an independent worker are
skipped, and the risks are ticked in a list on the web but described in free text then confirmed
by SMS and chat.
A finished journey becomes a new version of the member's declaration (its data by
`to_declaration`); `from_declaration` gives the answers back to prefill the next one. The drawers'
titles are the declaration's (`services/declarations.py`), not the journey's.
"""

from __future__ import annotations

from dataclasses import replace

from dialogs.adhesion import _risk_choices
from dialogs.checkup import RISK_TEXT_QUESTIONS
from dialogs.engine import Answers, Journey, Outcome, Question
from dialogs.parsing import parse_int, parse_text
from dialogs.text import _l

ORGANISATION, ACTIVITIES, PREVENTION, RISKS = "organisation", "activites", "prevention", "risques"
DRAWERS = (ORGANISATION, ACTIVITIES, PREVENTION, RISKS)

RISK_CODES = "risks"  # the risks drawer's one answer in a declaration: catalogue codes


def _employer(answers) -> bool:
    return answers.get("_kind") != "independent"


def _by_text(answers) -> bool:
    return answers.get("_channel") == "text"


def _sites(raw):
    return parse_int(raw, minimum=1, maximum=10_000)


def _declare(answers, context) -> Outcome:
    """A new version of the member's declaration (none when nothing changed)."""
    from assistant.services import declarations

    member_id = answers["_member"]
    previous = declarations.latest(context.session, member_id)
    stored = declarations.declare(
        context.session, context.actor, member_id, to_declaration(answers)
    )
    return Outcome("declared", {"declaration": stored, "unchanged": stored is previous})


DECLARATION = Journey(
    name="declaration",
    title=_l("Auto-évaluation de vos risques"),
    questions=(
        Question(
            "in_group",
            "yesno",
            _l("Votre entreprise fait-elle partie d'un groupe ?"),
            step=ORGANISATION,
        ),
        Question(
            "has_cse",
            "yesno",
            _l("Avez-vous un comité social et économique (CSE) ?"),
            when=_employer,
            step=ORGANISATION,
        ),
        Question(
            "competent_employee",
            "yesno",
            _l("Avez-vous désigné un salarié compétent en santé et sécurité au travail ?"),
            when=_employer,
            step=ORGANISATION,
            hint=_l("Le salarié qui s'occupe des activités de protection et de prévention."),
        ),
        Question(
            "sites",
            "number",
            _l("Nombre de sites ou d'établissements"),
            parse=_sites,
            step=ORGANISATION,
        ),
        Question(
            "trades",
            "text",
            _l("Vos principaux métiers et activités"),
            parse=lambda raw: parse_text(raw, max_length=500),
            step=ACTIVITIES,
            hint=_l("Par exemple « fabrication du pain, vente en boutique, livraisons »."),
        ),
        Question(
            "has_duerp",
            "yesno",
            _l("Avez-vous un document unique d'évaluation des risques (DUERP) ?"),
            step=PREVENTION,
        ),
        Question(
            "has_action_plan",
            "yesno",
            _l("Avez-vous un plan d'actions de prévention ?"),
            step=PREVENTION,
        ),
        Question(
            "has_training",
            "yesno",
            _l(
                "Des formations à la sécurité ont-elles été suivies "
                "(gestes et postures, secourisme…) ?"
            ),
            step=PREVENTION,
        ),
        Question(
            "has_ppe",
            "yesno",
            _l("Des équipements de protection individuelle sont-ils fournis et portés ?"),
            step=PREVENTION,
        ),
        Question(
            RISK_CODES,
            "multi",
            _l("Les risques auxquels votre activité expose"),
            choices=_risk_choices,
            when=lambda answers: not _by_text(answers),
            optional=True,
            step=RISKS,
            hint=_l("Cochez tout ce qui s'applique."),
            list_choices=False,
        ),
        *(replace(q, step=RISKS, when=_by_text) for q in RISK_TEXT_QUESTIONS),
    ),
    finish=_declare,
)

_TEXT_ONLY = {q.key for q in RISK_TEXT_QUESTIONS}


def to_declaration(answers: Answers) -> dict:
    """The answers of a finished journey as a declaration's data: {drawer: {key: answer}}."""
    data: dict = {drawer: {} for drawer in DRAWERS}
    for question in DECLARATION.questions:
        if question.key in answers and question.key not in _TEXT_ONLY | {RISK_CODES}:
            data[question.step][question.key] = answers[question.key]
    codes = answers.get(RISK_CODES)
    if codes is None:
        codes = (answers.get("risks_text") or {}).get("codes", [])
    data[RISKS][RISK_CODES] = sorted(set(codes))
    return data


def from_declaration(data: dict | None) -> Answers:
    """A declaration's data as answers, to prefill the journey when it is started again."""
    answers: Answers = {}
    for drawer in DRAWERS:
        answers.update((data or {}).get(drawer, {}))
    return answers
