"""The keywords of the text channels (SMS and web chat): which journey a message starts, read
leniently (accents, case, typos on long words)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from assistant.core.parsing import Reprompt, fold, parse_yes_no
from dialogs.adhesion import EMPLOYER, INDEPENDENT
from dialogs.engine import Journey

# keyword → words that mean it (accent-folded, lower case); French first, English accepted
KEYWORDS = {
    "menu": ("menu", "aide", "help", "info", "infos", "?", "bonjour", "hello", "salut"),
    "join": ("adherer", "adhesion", "inscription", "join"),
    "score": ("score",),
    "risks": ("risques", "risque", "risks", "risk"),
    "book": ("rdv", "rendez-vous", "rendezvous", "appointment"),
    "cancel": ("annuler", "cancel"),
    "move": ("deplacer", "reporter", "move", "reschedule"),
    "pdp": ("pdp",),
    "stop": ("stop", "arret", "unsubscribe", "stopall"),
    "start": ("start", "unstop", "reprendre"),
    "english": ("english", "anglais"),
    "french": ("francais", "french"),
}


# "ADHERER ENTREPRISE": a company joins (its password is then set on the web page linked to)
COMPANY_WORDS = ("entreprise", "societe", "employeur", "company", "business", "employer")


def join_journey(text: str, word: str | None) -> Journey | None:
    """The adhesion a message asks for: ADHERER alone, an independent worker; followed by
    ENTREPRISE (typos allowed), a company."""
    words = fold(text).strip(" .!").split()
    if word == "join":  # ADHERER, or a sentence asking to join ("adhérer mon entreprise")
        company = any(fuzz.ratio(w, c) >= 80 for w in words[1:] for c in COMPANY_WORDS)
        return EMPLOYER if company else INDEPENDENT
    if len(words) == 2 and keyword(words[0]) == "join":
        if any(fuzz.ratio(words[1], company) >= 80 for company in COMPANY_WORDS):
            return EMPLOYER
    return None


# polite words around a keyword ("Menu svp", "stop merci")
POLITE = frozenset({"svp", "stp", "please", "pls", "merci", "thanks", "svp.", "sil"})
STOP_WORDS = frozenset(KEYWORDS["stop"])


def _squeezed(text: str) -> str:
    """A letter repeated read once (`menuu` → `menu`)."""
    return re.sub(r"(.)\1+", r"\1", text)


@dataclass(frozen=True)
class _Known:
    """A keyword's word with what `_close` compares of it, computed once at import."""

    name: str
    word: str
    squeezed: str
    letters: tuple[str, ...]


# every word of every keyword but STOP (read strictly, `_is_stop`), in the order they are tried
KNOWN = tuple(
    _Known(name, word, _squeezed(word), tuple(sorted(word)))
    for name, words in KEYWORDS.items()
    if name != "stop"
    for word in words
)


def _close(typed: str, squeezed: str, letters: tuple[str, ...], known: _Known) -> bool:
    """A typo: a letter doubled (`menuu`, `aidee`), two letters swapped (`mneu`, `hlep`), or,
    on long words, a letter or two wrong (`annluer`, `adehrer`). `squeezed` and `letters` are
    the typed text's, computed once for all the words it is compared with."""
    word = known.word
    if typed == word:
        return True
    if len(word) < 4:
        return False
    if squeezed == known.squeezed:
        return True
    if len(typed) == len(word) and letters == known.letters:
        swapped = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
        if len(swapped) == 2 and swapped[1] == swapped[0] + 1:
            return True
    # fuzz.ratio is at most 200·shorter/(both lengths): no call when that is below 85
    size, shorter = len(typed) + len(word), min(len(typed), len(word))
    return len(word) >= 5 and 200 * shorter >= 85 * size and fuzz.ratio(typed, word) >= 85


def _is_stop(folded: str) -> bool:
    """STOP as the carriers read it: the word itself (STOP, STOPALL, ARRET, UNSUBSCRIBE), its
    last letter repeated at most (`stopp`); never a word that merely looks like it (`stock`,
    `stoop`, `step`, `stopper`)."""
    return re.sub(r"(.)\1+$", r"\1", folded) in STOP_WORDS or folded in STOP_WORDS


def keyword(text: str) -> str | None:
    """The keyword a message is, if it is one (one or two words, polite words aside; typos
    allowed, except on STOP, read exactly as the carriers require)."""
    words = [w for w in fold(text).strip(" .!?").split() if w not in POLITE]
    folded = " ".join(words)
    if not folded or len(words) > 2:
        return None
    return _keyword(folded)


@lru_cache(maxsize=1024)  # "oui", "non", "1": the same few answers, message after message
def _keyword(folded: str) -> str | None:
    if _is_stop(folded):
        return "stop"
    squeezed, letters = _squeezed(folded), tuple(sorted(folded))
    for known in KNOWN:
        if _close(folded, squeezed, letters, known):
            return known.name
    return None


# VIDEO (OUI, NON): the consent to teleconsultation (dialogs/tele_consent.py)
VIDEO_WORDS = ("video", "visio", "teleconsultation", "visioconference", "teleconsult")
WITHDRAW_WORDS = ("retirer", "retrait", "arreter", "annuler", "withdraw")


def tele_command(text: str) -> tuple[str, bool | None] | None:
    """`VIDEO` → ("video", None): the question is asked; `VIDEO OUI` / `vidéo non` / `VISIO
    RETIRER` → ("video", True / False): the answer comes with it. None: not this keyword."""
    words = fold(text).strip(" .!").replace("-", "").split()
    if not words or len(words) > 3:
        return None
    first = words[0]
    if not any(first == w or (len(w) >= 5 and fuzz.ratio(first, w) >= 80) for w in VIDEO_WORDS):
        return None
    rest = " ".join(words[1:])
    if not rest:
        return ("video", None)
    if any(word in WITHDRAW_WORDS for word in words[1:]):
        return ("video", False)
    try:
        return ("video", parse_yes_no(rest))
    except Reprompt:
        return ("video", None)


# PDP OUI, PDP NON (PDP ACCORD asks): the worker's consent that the cell tell the employer
# (dialogs/pdp_consent.py); PDP alone is the request for help
ASK_WORDS = ("accord", "consentement", "consent")


def pdp_consent_command(text: str) -> tuple[str, bool | None] | None:
    """`PDP OUI` → ("pdp_consent", True), `pdp non` / `PDP RETIRER` → ("pdp_consent", False),
    `PDP ACCORD` → ("pdp_consent", None): the question is asked. None: not this command (`PDP`
    alone, or anything else)."""
    words = [w for w in fold(text).strip(" .!").replace("-", " ").split() if w not in POLITE]
    if len(words) < 2 or len(words) > 3 or words[0] != "pdp":
        return None
    rest = words[1:]
    if any(word in WITHDRAW_WORDS for word in rest):
        return ("pdp_consent", False)
    if rest[0] in ASK_WORDS:
        return ("pdp_consent", None)
    try:
        return ("pdp_consent", parse_yes_no(" ".join(rest)))
    except Reprompt:
        return None
