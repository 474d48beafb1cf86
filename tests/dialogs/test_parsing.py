"""The lenient parsers shared by every channel: a clean value, or a Reprompt with a message."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.core.parsing import (
    Choice,
    Reprompt,
    fold,
    parse_choice,
    parse_date,
    parse_email,
    parse_iban,
    parse_int,
    parse_multi_choice,
    parse_phone,
    parse_postcode,
    parse_siret,
    parse_text,
    parse_yes_no,
)

RISKS = [
    Choice("noise", "Bruit", ("bruyant", "decibels")),
    Choice("screen", "Travail sur écran", ("ecran", "ordinateur")),
    Choice("night", "Travail de nuit", ("nuit", "horaires de nuit")),
]

DATE_REPROMPT = "Date non reconnue. Écrivez-la comme 12/03/1980."
PHONE_REPROMPT = "Numéro non reconnu. Exemple : 06 12 34 56 78."
MOBILE_REPROMPT = "Il nous faut un numéro de mobile pour les SMS, par exemple 06 12 34 56 78."


def reprompt_text(parser, *args, **kwargs) -> str:
    with pytest.raises(Reprompt) as caught:
        parser(*args, **kwargs)
    return str(caught.value.message)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("oui", True),
        ("o", True),
        ("ouii", True),
        ("OUI ", True),
        ("Oui!", True),
        ("yes", True),
        ("y", True),
        ("1", True),
        ("ouais", True),
        ("oiu", True),
        ("non", False),
        ("n", False),
        ("no", False),
        ("nn", False),
        ("0", False),
        ("2", False),
        ("NON.", False),
        ("nom", False),
    ],
)
def test_yes_no(raw, expected):
    assert parse_yes_no(raw) is expected


@pytest.mark.parametrize("raw", ["peut-être", "", "bof", "   ", "?"])
def test_yes_no_reprompts(raw):
    assert reprompt_text(parse_yes_no, raw) == "Répondez OUI ou NON."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", "noise"),
        ("2)", "screen"),
        ("3.", "night"),
        (" 3 ", "night"),
        ("Bruit", "noise"),
        ("travail sur ecran", "screen"),
        ("TRAVAIL DE NUIT", "night"),
        ("noise", "noise"),  # the value itself
        ("ordinateur", "screen"),  # a synonym
        ("décibels", "noise"),  # a synonym, accent typed
        ("NUIT", "night"),
        ("ordinatuer", "screen"),  # typos
        ("bruiit", "noise"),
        ("travial de nuit", "night"),
    ],
)
def test_choice(raw, expected):
    assert parse_choice(raw, RISKS) == expected


@pytest.mark.parametrize("raw", ["0", "4", "12", "banane", ""])
def test_choice_reprompts(raw):
    assert reprompt_text(parse_choice, raw, RISKS) == "Répondez 1, 2 ou 3."


@pytest.mark.parametrize(
    ("count", "message"),
    [
        (1, "Répondez 1."),
        (2, "Répondez 1 ou 2."),
        (3, "Répondez 1, 2 ou 3."),
        (7, "Répondez par un numéro de 1 à 7."),
    ],
)
def test_choice_reprompt_names_the_numbers(count, message):
    choices = [Choice(f"v{i}", f"Libellé {i}") for i in range(count)]
    assert reprompt_text(parse_choice, "zzz", choices) == message
    assert reprompt_text(parse_multi_choice, "zzz", choices) == message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1 3", ["noise", "night"]),
        ("1,3", ["noise", "night"]),
        ("1, 3", ["noise", "night"]),
        ("3;1", ["night", "noise"]),  # the order typed is kept
        ("1 1 3", ["noise", "night"]),  # no duplicates
        ("2", ["screen"]),
        ("bruit, écran", ["noise", "screen"]),
        ("Bruit,Ecran,Nuit", ["noise", "screen", "night"]),
        ("bruyant, ordinateur", ["noise", "screen"]),  # synonyms
        ("ordinateur et nuit", ["screen", "night"]),
        ("bruit; travail de nuit", ["noise", "night"]),
        ("1, ordinateur", ["noise", "screen"]),  # numbers and words mixed
        ("0", []),
        ("aucun", []),
        ("Aucune", []),
        ("rien", []),
    ],
)
def test_multi_choice(raw, expected):
    assert parse_multi_choice(raw, RISKS) == expected


@pytest.mark.parametrize("raw", ["", ",", "4", "1 4", "bruit, banane"])
def test_multi_choice_reprompts(raw):
    assert reprompt_text(parse_multi_choice, raw, RISKS) == "Répondez 1, 2 ou 3."


def test_multi_choice_none_refused_when_an_answer_is_required():
    assert reprompt_text(parse_multi_choice, "0", RISKS, allow_none=False) == (
        "Répondez 1, 2 ou 3."
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12/03/1980", date(1980, 3, 12)),
        ("12-3-80", date(1980, 3, 12)),
        ("12.03.1980", date(1980, 3, 12)),
        ("12 mars 1980", date(1980, 3, 12)),
        ("12 MARS 1980", date(1980, 3, 12)),
        ("12 mrs 1980", date(1980, 3, 12)),
        ("1er mars 1980", date(1980, 3, 1)),
        ("3 février 1975", date(1975, 2, 3)),
        ("3 fev 1975", date(1975, 2, 3)),
        ("1980-03-12", date(1980, 3, 12)),
        ("March 12, 1980", date(1980, 3, 12)),
        ("March 12th, 1980", date(1980, 3, 12)),
        ("12031980", date(1980, 3, 12)),
        ("29/02/1980", date(1980, 2, 29)),
    ],
)
def test_date(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw", ["31/02/1980", "29/02/1981", "12/13/1980", "00000000", "12 xyz 1980", "hier", ""]
)
def test_date_not_recognised(raw):
    assert reprompt_text(parse_date, raw) == DATE_REPROMPT


@pytest.mark.parametrize(
    ("raw", "accepted"),
    [
        ("01/01/1900", True),  # the bounds are inclusive
        ("31/12/1899", False),
        ("12/03/1880", False),
        ("01/06/2026", True),
        ("02/06/2026", False),
    ],
)
def test_date_bounds(raw, accepted):
    earliest, latest = date(1900, 1, 1), date(2026, 6, 1)
    if accepted:
        assert earliest <= parse_date(raw, earliest=earliest, latest=latest) <= latest
    else:
        assert reprompt_text(parse_date, raw, earliest=earliest, latest=latest) == (
            "Cette date n'est pas plausible. Écrivez-la comme 12/03/1980."
        )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("75011", "75011"), (" 75 011 ", "75011"), ("01000", "01000"), ("97400", "97400")],
)
def test_postcode(raw, expected):
    assert parse_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["7501", "750111", "00100", "99000", "ABCDE", ""])
def test_postcode_refused(raw):
    assert reprompt_text(parse_postcode, raw) == (
        "Code postal non reconnu : 5 chiffres, par exemple 75011."
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("0612345678", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("06-12-34-56-78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33612345678", "+33612345678"),
        ("0033 6 12 34 56 78", "+33612345678"),
        (" 07 81 23 45 67 ", "+33781234567"),
    ],
)
def test_mobile_phone_to_e164(raw, expected):
    assert parse_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"), [("01 42 68 53 00", "+33142685300"), ("09 70 12 34 56", "+33970123456")]
)
def test_landline_refused_when_a_mobile_is_needed(raw, expected):
    assert reprompt_text(parse_phone, raw) == MOBILE_REPROMPT
    assert parse_phone(raw, mobile_only=False) == expected


@pytest.mark.parametrize("raw", ["abc", "", "123", "06 12 34", "06 12 34 56 78 90"])
def test_phone_garbage_refused(raw):
    assert reprompt_text(parse_phone, raw) == PHONE_REPROMPT
    assert reprompt_text(parse_phone, raw, mobile_only=False) == PHONE_REPROMPT


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("nom@entreprise.fr", "nom@entreprise.fr"),
        (" Jean.Dupont@Entreprise.FR ", "Jean.Dupont@entreprise.fr"),
    ],
)
def test_email(raw, expected):
    assert parse_email(raw) == expected


@pytest.mark.parametrize("raw", ["nope", "a@b", "", "jean@@x.fr", "jean dupont@x.fr"])
def test_email_refused(raw):
    assert reprompt_text(parse_email, raw) == (
        "Adresse e-mail non reconnue, par exemple nom@entreprise.fr."
    )


@pytest.mark.parametrize("raw", ["732 829 320 00074", "73282932000074", " 73282932000074 "])
def test_siret(raw):
    assert parse_siret(raw) == "73282932000074"


@pytest.mark.parametrize("raw", ["732 829 320 00075", "7328293200007", "abcdefghijklmn", ""])
def test_siret_refused(raw):
    assert reprompt_text(parse_siret, raw).startswith("SIRET non valide")


@pytest.mark.parametrize(
    "raw",
    [
        "FR14 2004 1010 0505 0001 3M02 606",
        "FR1420041010050500013M02606",
        "fr14 2004 1010 0505 0001 3m02 606",
    ],
)
def test_iban_compact(raw):
    assert parse_iban(raw) == "FR1420041010050500013M02606"


@pytest.mark.parametrize(
    "raw", ["FR15 2004 1010 0505 0001 3M02 606", "FR14 2004 1010", "bonjour", ""]
)
def test_iban_refused(raw):
    assert reprompt_text(parse_iban, raw).startswith("IBAN non valide")


@pytest.mark.parametrize(
    ("raw", "bounds", "expected"),
    [
        ("12", {}, 12),
        ("0", {}, 0),
        (" 1 000 ", {}, 1000),
        ("deux", {}, 2),
        ("Aucun", {}, 0),
        ("1", {"minimum": 1, "maximum": 10}, 1),
        ("10", {"minimum": 1, "maximum": 10}, 10),
    ],
)
def test_int(raw, bounds, expected):
    assert parse_int(raw, **bounds) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0", "Répondez par un nombre entre 1 et 10."),
        ("11", "Répondez par un nombre entre 1 et 10."),
        ("-1", "Répondez par un nombre, par exemple 12."),
        ("douze", "Répondez par un nombre, par exemple 12."),
        ("", "Répondez par un nombre, par exemple 12."),
    ],
)
def test_int_refused(raw, message):
    assert reprompt_text(parse_int, raw, minimum=1, maximum=10) == message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("  Menuiserie   Dupont ", "Menuiserie Dupont"), ("a\nb", "a b")],
)
def test_text(raw, expected):
    assert parse_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("   ", "Merci de répondre par un texte."),
        ("x" * 11, "Réponse trop longue (10 caractères au plus)."),
    ],
)
def test_text_refused(raw, message):
    assert reprompt_text(parse_text, raw, max_length=10) == message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  ÉCOLE  Élève ", "ecole eleve"),
        ("Prélèvement SEPA", "prelevement sepa"),
        ("Ça va ?!", "ca va"),
        ("Août", "aout"),
        ("", ""),
    ],
)
def test_fold_removes_accents_case_and_extra_spaces(raw, expected):
    assert fold(raw) == expected


PARSERS = {
    "yes_no": parse_yes_no,
    "choice": lambda raw: parse_choice(raw, RISKS),
    "multi_choice": lambda raw: parse_multi_choice(raw, RISKS),
    "date": parse_date,
    "bounded_date": lambda raw: parse_date(raw, date(1900, 1, 1), date(2026, 1, 1)),
    "int": parse_int,
    "postcode": parse_postcode,
    "phone": parse_phone,
    "email": parse_email,
    "siret": parse_siret,
    "iban": parse_iban,
    "text": parse_text,
}

# free text, and text made of the characters these parsers look at (digits, separators, letters)
ANY_TEXT = st.one_of(
    st.text(),
    st.text(st.sampled_from("0123456789 /-.,;:+@éaAzZFRrmMsOoUuIiNn\t٣²")),
    st.text(st.sampled_from("0123456789 FR")).map(lambda s: "FR" + s),
)


@pytest.mark.parametrize("name", sorted(PARSERS))
@settings(max_examples=200, deadline=None)
@given(raw=ANY_TEXT)
def test_parsers_return_a_value_or_reprompt_never_crash(name, raw):
    try:
        PARSERS[name](raw)
    except Reprompt as reprompt:
        message = str(reprompt.message)
    else:
        return
    assert message
