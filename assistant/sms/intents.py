"""What a sentence asks for, when it is not a keyword: "je voudrais prendre rendez-vous", "c'est
quoi le score ?", "book an appointment". A small lexicon of words and phrases per journey, in
French and English, matched leniently (accents, case, typos: `_close` reads every word as the
keywords are read). A sentence naming two journeys as strongly is asked back (`read` gives both).
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz

from assistant.core.parsing import fold

# journey keyword → words and phrases meaning it (accent-folded; "-" and "'" read as spaces)
LEXICON = {
    "book": (
        "rendez vous",
        "rdv",
        "appointment",
        "book",
        "prendre rendez",
        "visite medicale",
        "voir le medecin",
        "voir un medecin",
        "see a doctor",
        "see the doctor",
        "reserver",
    ),
    "cancel": ("annuler", "cancel", "supprimer mon rendez"),
    "move": ("deplacer", "reporter", "decaler", "changer la date", "changer de date", "reschedule"),
    "score": ("score", "note de prevention", "culture de prevention", "prevention score"),
    "join": (
        "adherer",
        "adhesion",
        "adherent",
        "inscrire",
        "inscription",
        "join",
        "sign up",
        "membership",
        "devenir membre",
        "become a member",
    ),
    "risks": ("risques", "risque", "risks", "risk", "auto evaluation", "self assessment"),
    "pdp": (
        "maintien en emploi",
        "maintien dans l emploi",
        "garder mon emploi",
        "garder mon travail",
        "cellule pdp",
        "desinsertion professionnelle",
        "keep my job",
    ),
    "menu": ("aide", "help", "que pouvez vous faire", "what can you do", "menu"),
}
# a visit to cancel or move is an appointment: those verbs say more than the word appointment
SAYS_MORE = {"cancel": ("book",), "move": ("book",)}


def _words(text: str) -> list[str]:
    return fold(text.replace("-", " ").replace("'", " ").replace("\u2019", " ")).split()


# each phrase as words, read once at import (not for every message)
PHRASES = tuple(
    (name, tuple(_words(phrase))) for name, phrases in LEXICON.items() for phrase in phrases
)
VOCABULARY = frozenset(word for _name, phrase in PHRASES for word in phrase)
STARTING: dict[str, list[tuple[str, tuple[str, ...]]]] = {}  # the phrases by their first word
for _name, _phrase in PHRASES:
    STARTING.setdefault(_phrase[0], []).append((_name, _phrase))
LONGEST = max(len(word) for word in VOCABULARY)


def _same(typed: str, word: str) -> bool:
    if typed == word:
        return True
    if len(word) < 4 or len(typed) < 4:
        return False
    threshold = 80 if len(word) >= 6 else 86
    # fuzz.ratio is at most 200·shorter/(both lengths): no call when that is below the threshold
    if 200 * min(len(typed), len(word)) < threshold * (len(typed) + len(word)):
        return False
    return fuzz.ratio(typed, word) >= threshold


def _meanings(typed: str) -> frozenset[str]:
    """The lexicon's words a typed word is read as (itself, or the words it is a typo of)."""
    if len(typed) > 2 * LONGEST:  # too long to be close to any (the ratio's bound above)
        return frozenset()
    return _known_meanings(typed)


@lru_cache(maxsize=4096)  # people use the same few hundred words
def _known_meanings(typed: str) -> frozenset[str]:
    return frozenset(word for word in VOCABULARY if _same(typed, word))


def _found(meanings: list[frozenset[str]]) -> dict[str, int]:
    """Each journey with a phrase in the sentence, and the most words such a phrase has (the
    lexicon's order: it decides between journeys named as strongly)."""
    longest: dict[str, int] = {}
    for start, meant in enumerate(meanings):
        for first in meant:
            for name, phrase in STARTING.get(first, ()):
                end = start + len(phrase)
                if end <= len(meanings) and all(
                    word in meanings[at] for at, word in enumerate(phrase[1:], start + 1)
                ):
                    longest[name] = max(longest.get(name, 0), len(phrase))
    return {name: longest[name] for name in LEXICON if name in longest}


def read(text: str) -> list[str]:
    """The journeys a sentence asks for, likeliest first: one, two (asked back), or none."""
    scores = _found([_meanings(typed) for typed in _words(text)])
    for name, shadowed in SAYS_MORE.items():
        if name in scores:
            for other in shadowed:
                scores.pop(other, None)
    if len(scores) > 1:
        scores.pop("menu", None)  # "aide pour adhérer": the journey, not the menu
    ranked = sorted(scores, key=lambda name: -scores[name])
    if len(ranked) >= 2 and scores[ranked[0]] == scores[ranked[1]]:
        return ranked[:2]
    return ranked[:1]
