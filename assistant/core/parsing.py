"""Lenient parsers shared by every channel: each returns a clean value or raises Reprompt."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, process

from assistant.core.text import _l


class Reprompt(ValueError):
    """The answer does not fit; `message` is the short, specific text to send back to a person
    who types the answer (SMS, chat). `on_form`, when given, says it on a web form instead,
    where the answer is ticked or filled in: "Répondez OUI" reads wrong there."""

    def __init__(self, message, on_form=None):
        super().__init__(str(message))
        self.message = message
        self.on_form = on_form


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: the one text processor used for every match."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = re.sub(r"[^\w@.+/-]+", " ", bare.lower())
    return " ".join(bare.split())


YES_WORDS = ("oui", "o", "yes", "y", "ouais", "ok", "d accord", "bien sur", "exact", "si", "1")
NO_WORDS = ("non", "n", "no", "nope", "pas du tout", "aucun", "aucune", "jamais", "0", "2")


def parse_yes_no(raw: str) -> bool:
    text = fold(raw)
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    first = text.split(" ")[0] if text else ""
    if len(first) >= 2:
        best = process.extractOne(
            first, ("oui", "yes", "non", "no"), scorer=fuzz.ratio, score_cutoff=66
        )
        # "ouii", "oiu", "nn", "nom" … but never a word that sits between both
        if best is not None:
            return best[0] in ("oui", "yes")
    raise Reprompt(_l("Répondez OUI ou NON."))


@dataclass(frozen=True)
class Choice:
    value: str
    label: object  # a lazy string
    synonyms: tuple[str, ...] = ()


def parse_choice(raw: str, choices: list[Choice]) -> str:
    """A number from the list (`2`), or the label or a synonym, typos allowed."""
    text = fold(raw)
    numbers = re.fullmatch(r"(\d{1,2})[.)]?", text)
    if numbers and 1 <= int(numbers.group(1)) <= len(choices):
        return choices[int(numbers.group(1)) - 1].value
    candidates = {}
    for choice in choices:
        for word in (str(choice.label), choice.value, *choice.synonyms):
            candidates[fold(word)] = choice.value
    if text in candidates:
        return candidates[text]
    if text:
        best = process.extractOne(text, list(candidates), scorer=fuzz.WRatio, score_cutoff=85)
        if best is not None:
            return candidates[best[0]]
    raise Reprompt(_choices_reprompt(len(choices)))


NONE_WORDS = frozenset({"0", "aucun", "aucune", "rien", "none", "non", "no"})  # "none of them"


def parse_multi_choice(raw: str, choices: list[Choice], allow_none: bool = True) -> list[str]:
    """Several answers separated by commas or spaces: `1 3`, `1,3`, `bruit, écran`; `0` = none."""
    text = fold(raw)
    if allow_none and text in NONE_WORDS:
        return []
    # split on the raw separators: fold() turns commas into spaces ("bruit, écran" → "bruit ecran")
    pieces = [fold(piece) for piece in re.split(r"[,;]+", raw or "")]
    parts = [p for piece in pieces for p in re.split(r" et | and ", piece) if p.strip()]
    if all(re.fullmatch(r"[\d ]+", p) for p in parts):
        parts = " ".join(parts).split()
    values = []
    for part in parts:
        value = parse_choice(part, choices)
        if value not in values:
            values.append(value)
    if not values:
        raise Reprompt(_choices_reprompt(len(choices)))
    return values


def _choices_reprompt(count: int):
    if count <= 1:
        return _l("Répondez 1.")
    if count == 2:
        return _l("Répondez 1 ou 2.")
    if count == 3:
        return _l("Répondez 1, 2 ou 3.")
    return _l("Répondez par un numéro de 1 à %(n)s.", n=count)


MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "janv": 1,
    "fev": 2,
    "fevr": 2,
    "avr": 4,
    "juil": 7,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
}


def _month(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    best = process.extractOne(word, list(MONTHS), scorer=fuzz.ratio, score_cutoff=75)
    return MONTHS[best[0]] if best else None


def parse_date(raw: str, earliest: date | None = None, latest: date | None = None) -> date:
    """`12/03/1980`, `12-3-80`, `le 3 mars 82`, `12 mrs 1980`, `1980-03-12`, `March 12, 1980`.

    A two-digit year is the latest year ending so that is not after `latest` (a birth date:
    `82` is 1982, `05` is 2005 when 2005 is old enough); with no `latest`, this century's up to
    this year, else the last century's."""
    text = fold(raw).replace(",", " ")
    text = re.sub(r"^(le|the|on|ne le|ne en|nee le|born on)\s+", "", text)
    day = month = year = None
    if m := re.fullmatch(r"(\d{4})[-/. ](\d{1,2})[-/. ](\d{1,2})", text):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := re.fullmatch(r"(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{2}|\d{4})", text):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := re.fullmatch(r"(\d{1,2})(?:er)? ([a-z]+)\.? (\d{2}|\d{4})", text):
        day, month, year = int(m.group(1)), _month(m.group(2)), int(m.group(3))
    elif m := re.fullmatch(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)? (\d{4})", text):
        month, day, year = _month(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := re.fullmatch(r"(\d{2})(\d{2})(\d{4})", text):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if year is not None and year < 100:
        # two-digit years: the most recent century that keeps the date plausible
        year += 2000 if year <= ((latest or date.today()).year % 100) else 1900
        if latest is not None and month and day and _after(year, month, day, latest):
            year -= 100
    try:
        value = date(year, month, day) if None not in (day, month, year) else None
    except ValueError:
        value = None
    if value is None:
        raise Reprompt(_l("Date non reconnue. Écrivez-la comme 12/03/1980."))
    if (earliest and value < earliest) or (latest and value > latest):
        raise Reprompt(_l("Cette date n'est pas plausible. Écrivez-la comme 12/03/1980."))
    return value


def _after(year: int, month: int, day: int, latest: date) -> bool:
    try:
        return date(year, month, day) > latest
    except ValueError:
        return False


def parse_int(raw: str, minimum: int = 0, maximum: int = 1_000_000) -> int:
    text = fold(raw).replace(" ", "")
    words = {
        "zero": 0,
        "aucun": 0,
        "aucune": 0,
        "none": 0,
        "un": 1,
        "une": 1,
        "one": 1,
        "deux": 2,
        "two": 2,
        "trois": 3,
        "three": 3,
    }
    if text in words:
        value = words[text]
    elif re.fullmatch(r"\d{1,7}", text):
        value = int(text)
    else:
        raise Reprompt(
            _l("Répondez par un nombre, par exemple 12."),
            on_form=_l("Indiquez un nombre, par exemple 12."),
        )
    if not minimum <= value <= maximum:
        raise Reprompt(
            _l("Répondez par un nombre entre %(min)s et %(max)s.", min=minimum, max=maximum),
            on_form=_l("Indiquez un nombre entre %(min)s et %(max)s.", min=minimum, max=maximum),
        )
    return value


def parse_postcode(raw: str) -> str:
    text = re.sub(r"\s", "", raw or "")
    if re.fullmatch(r"(0[1-9]|[1-8]\d|9[0-8])\d{3}", text):
        return text
    raise Reprompt(_l("Code postal non reconnu : 5 chiffres, par exemple 75011."))


def parse_phone(raw: str, mobile_only: bool = True) -> str:
    """A French (or international) number, stored E.164."""
    import phonenumbers

    try:
        number = phonenumbers.parse((raw or "").strip(), "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise Reprompt(_l("Numéro non reconnu. Exemple : 06 12 34 56 78."))
    if mobile_only and phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise Reprompt(
            _l("Il nous faut un numéro de mobile pour les SMS, par exemple 06 12 34 56 78.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_email(raw: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email((raw or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise Reprompt(_l("Adresse e-mail non reconnue, par exemple nom@entreprise.fr.")) from error


def parse_siret(raw: str) -> str:
    from stdnum.exceptions import ValidationError
    from stdnum.fr import siret

    try:
        return siret.validate(raw or "")
    except ValidationError as error:
        raise Reprompt(
            _l(
                "SIRET non valide : 14 chiffres, tels qu'ils figurent sur votre avis "
                "de situation (par exemple 732 829 320 00074)."
            )
        ) from error


def parse_iban(raw: str) -> str:
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        return IBAN(raw or "").compact
    except SchwiftyException as error:
        raise Reprompt(
            _l(
                "IBAN non valide. Recopiez-le depuis votre RIB, par exemple FR76 3000 "
                "6000 0112 3456 7890 189."
            )
        ) from error


def parse_name(raw: str, max_length: int = 200) -> str:
    """A person's or a business's name: text with at least one letter (never `1`)."""
    text = parse_text(raw, max_length)
    if not any(ch.isalpha() for ch in text):
        raise Reprompt(_l("Écrivez un nom, en lettres."))
    return text


def parse_text(raw: str, max_length: int = 200) -> str:
    text = " ".join((raw or "").split())
    if not text:
        raise Reprompt(_l("Merci de répondre par un texte."))
    if len(text) > max_length:
        raise Reprompt(_l("Réponse trop longue (%(max)s caractères au plus).", max=max_length))
    return text


def shown_phone(stored: str | None) -> str:
    """A stored number as people read it: "06 12 34 56 78" for a French number, the
    international format ("+44 20 7946 0958") otherwise; text that is no number, unchanged."""
    import phonenumbers

    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, "FR")
    except phonenumbers.NumberParseException:
        return stored
    if not phonenumbers.is_possible_number(number):
        return stored
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
