"""The adhesion journeys: `EMPLOYER` (handed over to a web page for its password), `INDEPENDENT`
(its number proven by `PHONE_CODE` when the channel does not prove it), then the `RATING`. The
questions they share are `adhesion_questions.py`'s."""

from __future__ import annotations

from assistant.core.parsing import (
    Choice,
    Reprompt,
    parse_date,
    parse_email,
    parse_int,
    parse_name,
    parse_phone,
    parse_postcode,
    parse_siret,
    parse_text,
)
from assistant.core.text import _l
from dialogs.adhesion_questions import (
    NAF_CHOICE,
    PAYMENT_QUESTIONS,
    RISKS_PROMPT,
    activity_found,
    contract_prompt,
    must_accept,
    not_a_member,
    risk_choices,
    risks_found,
    score_questions,
    typed_risks,
)
from dialogs.engine import Journey, Outcome, Question

YOUNGEST = 14  # years: no younger worker (L4153-1: from 14, in the school holidays)


def _birth_date(raw):
    """A birth date; a two-digit year is the latest that makes a person of 14 at least
    (`82` → 1982, `05` → 2005, `20` → 1920)."""
    from datetime import date

    today = date.today()
    try:
        latest = today.replace(year=today.year - YOUNGEST)
    except ValueError:  # 29 February
        latest = date(today.year - YOUNGEST, 2, 28)
    return parse_date(raw, earliest=date(1900, 1, 1), latest=latest)


def _headcount(raw):
    return parse_int(raw, minimum=1, maximum=100_000)


def _employer_has_staff(answers) -> bool:
    return int(answers.get("headcount") or 0) > 0


def _hand_over_employer(answers, context) -> Outcome:
    """An employer's account needs a password, typed on a web page only and never stored in a
    dialogue: the answers wait there (a token in the link) and the page joins."""
    from assistant.database import utcnow
    from assistant.services.messaging import dialogue_states

    token = dialogue_states.hand_over(
        context.session, EMPLOYER.name, answers, context.now or utcnow()
    )
    return Outcome("employer_password", {"token": token})


def _join_independent(answers, context) -> Outcome:
    """The member, its welcome, then the rating. The welcome is the reply by SMS; an e-mail
    too when given; an SMS when the conversation was not on that phone (chat, web)."""
    from assistant.services.membership import adhesion

    try:
        joined = adhesion.join(
            context.session,
            f"phone:{answers['phone']}",
            "independent",
            answers,
            context.today,
            context.extra.get("auto_activate", True),
            locale=context.locale,
        )
    except adhesion.AdhesionError:
        return Outcome("already_member")
    adhesion.queue_dialogue_welcome(
        context.session, joined.member, context.locale, sms=context.phone != answers["phone"]
    )
    return Outcome(
        "welcome",
        {"member": joined.member, "user": joined.user},
        then=("adhesion_rating", {"_member": joined.member.id}),
    )


def _independent_done(answers, context) -> Outcome:
    """By SMS the number is proven by the message itself; in the web chat, by a code first."""
    if context.phone is not None:
        return _join_independent(answers, context)
    from assistant.services.membership import otp

    try:
        otp.send_code(
            context.session,
            answers["phone"],
            "adhesion",
            context.now,
            locale=context.locale,
            ip=context.extra.get("ip"),
            limits=context.extra.get("code_limits") or otp.CodeLimits(),
        )
    except otp.TooManyCodes:
        return Outcome("too_many_codes")
    return Outcome(then=("phone_code", {"_phone": answers["phone"], "_adhesion": answers}))


def _code_proven(answers, context) -> Outcome:
    return _join_independent(answers["_adhesion"], context)


def _rated(answers, context) -> Outcome:
    from assistant.models import Member
    from assistant.services.membership import adhesion

    member = context.session.get(Member, answers["_member"])
    adhesion.rate_adhesion(context.session, member, int(answers["rating"]))
    return Outcome("rating_done")


EMPLOYER = Journey(
    name="adhesion_employer",
    title=_l("Adhésion d'une entreprise"),
    questions=tuple(
        [
            Question(
                "siret",
                "siret",
                _l("Numéro SIRET de l'établissement"),
                parse=parse_siret,
                check=not_a_member,
                step="entreprise",
                hint=_l("14 chiffres, sur votre avis de situation SIRENE ou un bulletin de paie."),
            ),
            Question(
                "legal_name", "text", _l("Raison sociale"), parse=parse_name, step="entreprise"
            ),
            Question(
                "activity",
                "text",
                _l("Votre activité, en quelques mots"),
                parse=parse_text,
                check=activity_found,
                step="activite",
                hint=_l("Par exemple « boulangerie », « plomberie », « agence de voyages »."),
            ),
            NAF_CHOICE,
            Question(
                "address",
                "text",
                _l("Adresse de l'établissement"),
                parse=parse_text,
                step="coordonnees",
            ),
            Question(
                "postcode", "postcode", _l("Code postal"), parse=parse_postcode, step="coordonnees"
            ),
            Question("city", "text", _l("Commune"), parse=parse_text, step="coordonnees"),
            Question(
                "headcount",
                "number",
                _l("Nombre de salariés"),
                parse=_headcount,
                step="coordonnees",
            ),
            Question(
                "contact_name",
                "text",
                _l("Nom de la personne à contacter"),
                parse=parse_name,
                step="coordonnees",
            ),
            Question(
                "email",
                "email",
                _l("Adresse e-mail (elle servira à vous connecter)"),
                parse=parse_email,
                step="coordonnees",
            ),
            Question(
                "phone", "phone", _l("Téléphone mobile"), parse=parse_phone, step="coordonnees"
            ),
            Question(
                "main_risks",
                "multi",
                _l("Principaux risques auxquels vos salariés sont exposés"),
                choices=risk_choices,
                parse=typed_risks,
                check=risks_found,
                optional=True,
                step="risques",
                hint=_l("Cochez ce qui s'applique ; vous pourrez compléter plus tard."),
                short_label=RISKS_PROMPT,
                list_choices=False,
            ),
            *score_questions(_employer_has_staff),
            *PAYMENT_QUESTIONS,
            Question(
                "accept_contract",
                "yesno",
                _l("J'accepte le contrat d'adhésion (offre socle)"),
                check=must_accept,
                step="contrat",
                short_label=contract_prompt(
                    _l("Acceptez-vous le contrat d'adhésion (offre socle) ?"), "employer"
                ),
            ),
        ]
    ),
    finish=_hand_over_employer,
)

INDEPENDENT = Journey(
    name="adhesion_independent",
    title=_l("Adhésion d'un travailleur indépendant"),
    questions=tuple(
        [
            Question(
                "legal_name", "text", _l("Vos prénom et nom"), parse=parse_name, step="identite"
            ),
            Question(
                "siret",
                "siret",
                _l("Votre numéro SIRET"),
                parse=parse_siret,
                check=not_a_member,
                step="identite",
            ),
            Question(
                "birth_date",
                "date",
                _l("Votre date de naissance"),
                parse=_birth_date,
                step="identite",
                hint=_l("Par exemple 12/03/1980."),
            ),
            Question(
                "activity",
                "text",
                _l("Votre métier, en quelques mots"),
                parse=parse_text,
                check=activity_found,
                step="activite",
                hint=_l("Par exemple « menuisier », « infirmière libérale », « taxi »."),
            ),
            NAF_CHOICE,
            Question(
                "postcode",
                "postcode",
                _l("Code postal de votre activité"),
                parse=parse_postcode,
                step="coordonnees",
            ),
            Question(
                "phone",
                "phone",
                _l("Votre téléphone mobile (il servira à vous connecter)"),
                parse=parse_phone,
                step="coordonnees",
            ),
            Question(
                "email",
                "email",
                _l("Votre adresse e-mail (facultatif)"),
                parse=parse_email,
                optional=True,
                step="coordonnees",
                short_label=_l("Votre adresse e-mail ? Répondez 0 si vous n'en avez pas."),
            ),
            Question(
                "main_risks",
                "multi",
                _l("Principaux risques de votre métier"),
                choices=risk_choices,
                parse=typed_risks,
                check=risks_found,
                optional=True,
                step="risques",
                short_label=RISKS_PROMPT,
                list_choices=False,
            ),
            *score_questions(lambda answers: False),
            *PAYMENT_QUESTIONS,
            Question(
                "accept_contract",
                "yesno",
                _l("J'accepte le contrat d'adhésion (offre spécifique, un an au moins)"),
                check=must_accept,
                step="contrat",
                short_label=contract_prompt(
                    _l("Acceptez-vous le contrat d'adhésion (offre spécifique, un an au moins) ?"),
                    "independent",
                ),
            ),
        ]
    ),
    finish=_independent_done,
)


def _code_ok(code, answers, context):
    from assistant.database import utcnow
    from assistant.services.membership import otp

    check = otp.verify(context.session, answers["_phone"], "adhesion", code, utcnow())
    if check == otp.CodeCheck.OK:
        return True
    if check == otp.CodeCheck.WRONG:
        raise Reprompt(otp.CHECK_MESSAGES[check])
    raise Reprompt(
        _l("Ce code n'est plus valable. Envoyez ADHERER pour recommencer."),
        on_form=_l("Ce code n'est plus valable : demandez-en un nouveau."),
    )


PHONE_CODE = Journey(
    name="phone_code",
    title=_l("Confirmation de votre numéro"),
    questions=(
        Question(
            "code",
            "code",
            lambda answers, context: _l(
                "Pour confirmer votre numéro, tapez le code à 6 chiffres envoyé par SMS au "
                "%(phone)s.",
                phone=answers["_phone"],
            ),
            parse=lambda raw: parse_text(raw, max_length=20),
            check=_code_ok,
        ),
    ),
    finish=_code_proven,
)

RATING = Journey(
    name="adhesion_rating",
    title=_l("Votre avis"),
    questions=(
        Question(
            "rating",
            "choice",
            _l("Comment avez-vous trouvé cette adhésion ? Notez de 1 (difficile) à 5 (facile)."),
            choices=lambda answers, context: [Choice(str(n), str(n)) for n in range(1, 6)],
            list_choices=False,
        ),
    ),
    finish=_rated,
)

JOURNEYS = {journey.name: journey for journey in (EMPLOYER, INDEPENDENT, PHONE_CODE, RATING)}
