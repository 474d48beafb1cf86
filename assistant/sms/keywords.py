"""The keywords of the text channels (SMS and web chat): which journey a message starts, read
leniently (accents, case, typos on long words)."""

from __future__ import annotations

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
    if word == "join":
        return INDEPENDENT
    words = fold(text).strip(" .!").split()
    if len(words) == 2 and keyword(words[0]) == "join":
        if any(fuzz.ratio(words[1], company) >= 80 for company in COMPANY_WORDS):
            return EMPLOYER
    return None


def keyword(text: str) -> str | None:
    """The keyword a message is, if it is one (one or two words, typos allowed on long ones)."""
    folded = fold(text).strip(" .!")
    if not folded or len(folded.split()) > 2:
        return None
    for name, words in KEYWORDS.items():
        for word in words:
            if folded == word or (len(word) >= 5 and fuzz.ratio(folded, word) >= 85):
                return name
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
