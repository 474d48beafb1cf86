"""The questions both adhesions ask: the business (a SIRET not a member yet, the activity and its
NAF code), the risks from the catalogue, the prevention score's six questions, the payment and
the contract. The declaration offers the same risks, and the score journey the same questions."""

from __future__ import annotations

import re

from assistant import labels
from assistant.core.parsing import Choice, Reprompt, parse_iban
from assistant.core.text import _l
from assistant.services.prevention import score
from dialogs.engine import AGAIN, Question


def not_a_member(siret, answers, context):
    from assistant.services.membership.adhesion import existing_member

    if context.session is not None and existing_member(context.session, siret) is not None:
        raise Reprompt(
            _l(
                "Cette entreprise (SIRET %(siret)s) est déjà adhérente : connectez-vous "
                "à votre espace ou appelez-nous.",
                siret=siret,
            )
        )
    return siret


def activity_found(text, answers, context):
    from assistant.services.prevention import naf

    if not naf.search(text):
        raise Reprompt(
            _l(
                "Nous n'avons pas reconnu cette activité. Décrivez-la autrement, par "
                "exemple « boulangerie » ou « plombier »."
            )
        )
    return text


def _naf_choices(answers, context) -> list[Choice]:
    from assistant.services.prevention import naf

    found = naf.search(answers.get("activity", ""))
    return [Choice(a.code, naf.lazy_label(a, with_code=True)) for a in found] + [
        Choice(
            AGAIN,
            _l("Aucune de ces activités : chercher à nouveau"),
            ("aucune", "autre", "none", "other"),
        )
    ]


def risk_choices(answers, context) -> list[Choice]:
    from assistant.core.text import lazy_risk_label
    from assistant.services.prevention import risk_catalogue

    offered = risk_catalogue.of(context.session).offered()
    return [Choice(r.code, lazy_risk_label(r), r.synonyms) for r in offered]


def typed_risks(raw: str):
    """Risks typed by text (SMS, chat): read later against the catalogue (`risks_found`)."""
    from assistant.core.parsing import NONE_WORDS, fold, parse_text

    text = parse_text(raw, max_length=500)
    return [] if fold(text) in NONE_WORDS else {"text": text}


def risks_found(value, answers, context):
    """Risks typed in words, read as the declaration reads them (the catalogue's words in a
    sentence), else as numbers or names from the list; ticked ones (web) are kept as they are."""
    from assistant.core.parsing import parse_multi_choice
    from assistant.services.prevention import risk_catalogue

    if not isinstance(value, dict):
        return value
    catalogue = risk_catalogue.of(context.session)
    found: list[str] = []
    for piece in re.split(r"[,;]+| et | and ", value["text"]):  # in the order typed
        found += [r.code for r in catalogue.match(piece, 5) if r.code not in found]
    if found:
        return found
    try:
        return parse_multi_choice(value["text"], risk_choices(answers, context))
    except Reprompt:
        raise Reprompt(RISKS_UNKNOWN) from None


def must_accept(value, answers, context):
    if value is not True:
        raise Reprompt(
            _l("L'adhésion nécessite d'accepter le contrat. Répondez OUI pour l'accepter."),
            on_form=_l("L'adhésion nécessite d'accepter le contrat : cochez « Oui »."),
        )
    return value


def contract_price(answers, context, kind: str):
    """The cotisation this member will pay (the tariff in force today, its declared headcount
    for an employer), or None (no rate in force, or no store)."""
    from assistant.core.timeutil import today_paris
    from assistant.services.membership import adhesion

    if context.session is None:
        return None
    return adhesion.price(
        context.session, kind, answers.get("headcount") or 0, context.today or today_paris()
    )


def contract_url(context) -> str:
    """The public page of the contract's terms, as a short address for a text message."""
    from assistant.core import settings as service_settings

    settings = service_settings.of(context.session) if context.session else None
    return f"{(settings or service_settings.DEFAULT).public_base_url}/contrat"


def contract_prompt(question, kind: str):
    """By SMS and chat, the contract question gives the price and the contract's address first:
    nothing is accepted unseen (on the web, the step's page shows them)."""

    def label(answers, context):
        from assistant.services.membership.payment import plain_amount

        found = contract_price(answers, context, kind)
        if found is None:
            price = _l("Cotisation : communiquée par le service.")
        elif kind == "employer":
            price = _l(
                "Cotisation : %(total)s par an (%(rate)s par salarié x %(count)s).",
                total=plain_amount(found.total, context.locale),
                count=found.count,
                rate=plain_amount(found.rate, context.locale),
            )
        else:
            price = _l(
                "Cotisation : %(total)s par an.", total=plain_amount(found.total, context.locale)
            )
        contract = _l("Contrat : %(url)s", url=contract_url(context))
        return f"{price} {contract}\n{question}"

    return label


RISKS_PROMPT = _l(
    "Vos principaux risques, en quelques mots (ex : bruit, poussières, charges lourdes) ? "
    "Répondez 0 si aucun."
)

RISKS_UNKNOWN = _l(
    "Nous n'avons reconnu aucun risque. Décrivez-le autrement, par exemple : bruit, "
    "produits chimiques, port de charges. Répondez 0 si aucun."
)

PAYMENT_SYNONYMS = {
    "sepa": ("prelevement", "sepa", "direct debit"),
    "transfer": ("virement", "transfer", "bank transfer"),
}
PAYMENT_CHOICES = [
    Choice(method.value, label, PAYMENT_SYNONYMS[method])
    for method, label in labels.PAYMENT_METHOD.items()
]


def score_questions(has_employees) -> list[Question]:
    """The six score questions as dialogue questions (their rules stay in services.score)."""
    questions = []
    for item in score.QUESTIONS:

        def when(answers, item=item):
            employees = has_employees(answers)
            return score.is_asked(item, employees, answers)

        questions.append(Question(item.key, "yesno", item.label, when=when, step="prevention"))
    return questions


NAF_CHOICE = Question(
    "naf_code",
    "choice",
    _l("Quelle activité correspond le mieux ?"),
    choices=_naf_choices,
    step="activite-choix",
    again_to="activity",
)

PAYMENT_QUESTIONS = (
    Question(
        "payment_method",
        "choice",
        _l("Mode de paiement de la cotisation"),
        choices=lambda answers, context: PAYMENT_CHOICES,
        step="paiement",
    ),
    Question(
        "iban",
        "iban",
        _l("IBAN du compte à prélever"),
        parse=parse_iban,
        when=lambda a: a.get("payment_method") == "sepa",
        step="paiement",
    ),
)
