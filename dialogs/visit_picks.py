"""What a person types to pick a slot offered by text (`dialogs/visits.py`'s `PICK`): the
number of a listed slot, however written ("le 2", "deux", "n°2"), or when they would rather come
("mardi après-midi", "plus tard": `assistant.core.when_wished`)."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from assistant.core.parsing import fold
from assistant.core.text import _l
from assistant.core.when_wished import parse_wish

NUMBER_WORDS = {
    "un": 1,
    "une": 1,
    "one": 1,
    "premier": 1,
    "premiere": 1,
    "first": 1,
    "deux": 2,
    "two": 2,
    "deuxieme": 2,
    "second": 2,
    "seconde": 2,
    "trois": 3,
    "three": 3,
    "troisieme": 3,
    "third": 3,
}
FILLER_WORDS = frozenset(
    {"le", "la", "l", "n", "no", "num", "numero", "number", "choix", "creneau", "the", "slot"}
)


def parse_pick(raw: str) -> int:
    """The number of a listed slot: `2`, ` 2 `, `2.`, `le 2`, `n°2`, `deux`, `le deuxième`;
    0 when no number is recognised (the check then asks again with the right range)."""
    words = [w for w in re.split(r"[\s.)°#:]+", fold(raw)) if w and w not in FILLER_WORDS]
    if len(words) != 1:
        return 0
    word = words[0]
    if word.isdigit():
        return int(word) if len(word) <= 2 else 0
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    if len(word) >= 4:
        for name, value in NUMBER_WORDS.items():
            if len(name) >= 4 and fuzz.ratio(word, name) >= 75:
                return value
    return 0


NOT_A_PICK = -1  # text that is neither a number nor a wish


def parse_pick_or_wish(raw: str) -> int | dict:
    """The number of a listed slot (`parse_pick`), else when the person would rather come
    (`{"wish": …}`, `assistant.core.when_wished`: "mardi après-midi", "plus tard", "3/12"),
    else 0 for a number out of the list, `NOT_A_PICK` for other text."""
    number = parse_pick(raw)
    if number:
        return number
    wish = parse_wish(raw)
    if wish is not None:
        return {"wish": wish.as_json()}
    return 0 if fold(raw).strip(" .").isdigit() else NOT_A_PICK


def answer_hint(count: int):
    if count <= 1:
        return _l("Répondez 1.")
    if count == 2:
        return _l("Répondez 1 ou 2.")
    return _l("Répondez 1, 2 ou 3.")


def when_hint(count: int):
    """Text not understood: the numbers, and that a day or a moment is understood too."""
    return _l(
        "%(numbers)s Ou dites quand : mardi, 3/12, après-midi, plus tard.",
        numbers=answer_hint(count),
    )
