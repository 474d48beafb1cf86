"""The self-assessment in four drawers (cahier des charges 3.2): one journey for every channel.

Drawers are the journey's steps: organisation, activities, prevention in place, professional
risks. The answers `_member` and `_kind` (the member's kind) are set by the caller: questions that
make no sense for an independent worker are skipped. The risks are one question on every channel:
ticked in the catalogue (a list of codes, the web's checkboxes) or described in words (SMS, chat),
in which case what was understood is read back for confirmation, and added to the risks already
declared (nothing declared is lost by a message that cannot show the list). The journey ends
itself: a new version of the declaration (`declarations.declare`). `from_declaration` gives the
answers back to prefill the next one. What a declaration keeps (its drawers, its answers and the
words asking them) is the service's (`declarations.FIELDS`): the journey adds how each is asked.
"""

from __future__ import annotations

from assistant.core.parsing import NONE_WORDS, Reprompt, fold, parse_int, parse_text
from assistant.core.text import _l, lazy_risk_label
from assistant.services.prevention import declarations
from assistant.services.prevention.declarations import DRAWERS, FIELDS, RISK_CODES, RISKS
from dialogs.adhesion_questions import risk_choices
from dialogs.engine import Answers, Journey, Outcome, Question


def _asks(key: str, kind: str, **how) -> Question:
    """The question filling one of a declaration's answers, in the service's words and drawer."""
    field = FIELDS[key]
    return Question(key, kind, field.question, step=field.drawer, **how)


def _employer(answers) -> bool:
    return answers.get("_kind") != "independent"


def _described(answers) -> bool:
    """The risks were described in words (not ticked in the catalogue): read them back."""
    return isinstance(answers.get(RISK_CODES), dict)


def _describe(raw: str):
    """Words typed for the risks (`_recognise` finds the catalogue's entries in them)."""
    text = parse_text(raw, max_length=500)
    if fold(text) in NONE_WORDS:
        return []
    return {"text": text}


def _recognise(value, answers, context):
    """Risks described in words: kept with what the app's catalogue recognises in them (risks
    ticked in the catalogue, a list of codes, are kept as they are)."""
    from assistant.services.prevention import risk_catalogue

    if not isinstance(value, dict):
        return value
    text = value["text"]
    found = risk_catalogue.of(context.session).match(text, limit=5)
    if not found:
        raise Reprompt(
            _l(
                "Nous n'avons reconnu aucun risque. Décrivez-le autrement, par exemple : bruit, "
                "produits chimiques, port de charges. Répondez 0 si aucun."
            )
        )
    return {"text": text, "codes": [risk.code for risk in found]}


def _read_back(answers, context) -> str:
    from assistant.services.prevention import risk_catalogue

    codes = described_codes(answers.get(RISK_CODES))
    catalogue = risk_catalogue.of(context.session).catalogue()
    lines = [str(_l("Nous avons compris :"))]
    lines += [f"{n}. {lazy_risk_label(catalogue[code])}" for n, code in enumerate(codes, 1)]
    lines.append(str(_l("C'est bien cela ?")))
    return "\n".join(lines)


def described_codes(value) -> list[str]:
    """The codes of a risks answer, ticked (a list) or described (a dict)."""
    if isinstance(value, dict):
        return list(value.get("codes", []))
    return list(value or [])


def _sites(raw):
    return parse_int(raw, minimum=1, maximum=10_000)


def _finish(answers, context) -> Outcome:
    """A new version of the member's declaration (unchanged answers give the latest back)."""
    session, member_id = context.session, answers["_member"]
    actor = answers.get("_actor") or context.actor  # a number proven in the chat (member_proof)
    previous = declarations.latest(session, member_id)
    data = to_declaration(answers)
    if _described(answers):  # words cannot untick: added to what was declared
        codes = data[RISKS][RISK_CODES]
        stored = declarations.add_risks(session, actor, member_id, codes, data)
    else:
        stored = declarations.declare(session, actor, member_id, data)
    return Outcome(
        "declaration_done",
        {
            "version": stored.version,
            "unchanged": stored is previous,
            "risks": declarations.risk_codes(stored.data),
        },
    )


DECLARATION = Journey(
    name="declaration",
    title=_l("Auto-évaluation de vos risques"),
    questions=(
        _asks("in_group", "yesno"),
        _asks("has_cse", "yesno", when=_employer),
        _asks(
            "competent_employee",
            "yesno",
            when=_employer,
            hint=_l("Le salarié qui s'occupe des activités de protection et de prévention."),
        ),
        _asks("sites", "number", parse=_sites),
        _asks(
            "trades",
            "text",
            parse=lambda raw: parse_text(raw, max_length=500),
            hint=_l("Par exemple « fabrication du pain, vente en boutique, livraisons »."),
        ),
        _asks("has_duerp", "yesno"),
        _asks("has_action_plan", "yesno"),
        _asks("has_training", "yesno"),
        _asks("has_ppe", "yesno"),
        _asks(
            RISK_CODES,
            "multi",
            choices=risk_choices,
            parse=_describe,
            check=_recognise,
            optional=True,
            hint=_l("Cochez tout ce qui s'applique."),
            short_label=_l(
                "Quels risques rencontrez-vous dans votre travail ? Décrivez-les en quelques "
                "mots (ex : poussière de bois, bruit, écran). Répondez 0 si aucun."
            ),
            list_choices=False,
        ),
        Question(
            "risks_confirm",
            "yesno",
            _read_back,
            when=_described,
            again_to=RISK_CODES,
            step=RISKS,
        ),
    ),
    finish=_finish,
)


def to_declaration(answers: Answers) -> dict:
    """The answers of a finished journey as a declaration's data: {drawer: {key: answer}}."""
    data: dict = {drawer: {} for drawer in DRAWERS}
    for field in FIELDS.values():
        if field.key in answers and field.key != RISK_CODES:
            data[field.drawer][field.key] = answers[field.key]
    data[RISKS][RISK_CODES] = sorted(set(described_codes(answers.get(RISK_CODES))))
    return data


def from_declaration(data: dict | None) -> Answers:
    """A declaration's data as answers, to prefill the journey when it is started again."""
    answers: Answers = {}
    for drawer in DRAWERS:
        answers.update((data or {}).get(drawer, {}))
    return answers
