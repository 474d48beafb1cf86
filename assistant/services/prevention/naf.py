"""NAF rév. 2 activity codes: the nomenclature, and free text matched to its best codes."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.support import LazyProxy
from rapidfuzz import fuzz

from assistant.core.parsing import fold
from assistant.core.text import current_locale

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
STOPWORDS = frozenset(
    "a au aux d de des du en et l la le les ou par pour sur un une je suis fais mon ma mes "
    "activite activites autre autres n c a non classees ailleurs i am my the of and".split()
)


@dataclass(frozen=True)
class Activity:
    code: str
    label: str  # INSEE's French label of the sous-classe
    label_en: str  # the NACE Rev. 2 title of its class (NAF has no English of its own)

    def label_in(self, locale: str) -> str:
        return self.label_en if str(locale).startswith("en") else self.label


@cache
def english_titles() -> dict[str, str]:
    """NACE Rev. 2 class (`43.22`) → its English title."""
    with (DATA_DIR / "nace_rev2_en.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["label"] for row in csv.DictReader(handle)}


@cache
def nomenclature() -> dict[str, Activity]:
    english = english_titles()
    with (DATA_DIR / "naf_rev2.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: Activity(row["code"], row["label"], english[row["code"][:5]])
            for row in csv.DictReader(handle)
        }


def label(code: str | None, locale: str) -> str | None:
    """A NAF code's label in `locale` (French, or the English of its NACE class); None when the
    code is unknown."""
    activity = nomenclature().get(code or "")
    return activity.label_in(locale) if activity else None


def lazy_label(activity: Activity, with_code: bool = False):
    """The label in the language of the moment (journeys' choices are built before it is
    known), followed by the code when asked: "Plumbing, heat and … installation (43.22A)"."""

    def shown() -> str:
        text = activity.label_in(current_locale())
        return f"{text} ({activity.code})" if with_code else text

    return LazyProxy(shown, enable_cache=False)


@cache
def _synonyms() -> dict[str, tuple[str, ...]]:
    """Trade names people use ("plombier") → codes; held as data, editable."""
    with (DATA_DIR / "naf_synonyms.csv").open(encoding="utf-8", newline="") as handle:
        return {fold(row["word"]): tuple(row["codes"].split()) for row in csv.DictReader(handle)}


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s'/()-]+", fold(text)) if len(w) >= 2 and w not in STOPWORDS]


@cache
def _label_words() -> list[tuple[str, list[str]]]:
    return [(code, _words(activity.label)) for code, activity in nomenclature().items()]


def normalise_code(text: str) -> str | None:
    """`1071c`, `10.71 C`, `10.71C` → `10.71C` when it exists."""
    compact = re.sub(r"[\s.]", "", text or "").upper()
    if m := re.fullmatch(r"(\d{2})(\d{2})([A-Z])", compact):
        code = f"{m.group(1)}.{m.group(2)}{m.group(3)}"
        return code if code in nomenclature() else None
    return None


def _word_score(query_word: str, label_word: str) -> float:
    """Typos (ratio) and word families ("boulanger" ~ "boulangerie": common stem)."""
    score = fuzz.ratio(query_word, label_word)
    stem = min(len(query_word), len(label_word))
    if stem >= 5 and query_word[: stem - 1] == label_word[: stem - 1]:
        score = max(score, 92)
    return score


def search(text: str, limit: int = 3) -> list[Activity]:
    """The best matches for what a person types ("boulangerie", "maçon", "plombier")."""
    if code := normalise_code(text):
        return [nomenclature()[code]]
    query = _words(text)
    if not query:
        return []
    scores: dict[str, float] = {}
    for word in query:
        for synonym, codes in _synonyms().items():
            if fuzz.ratio(word, synonym) >= 85 or fuzz.ratio(fold(text), synonym) >= 90:
                for rank, code in enumerate(codes):
                    scores[code] = max(scores.get(code, 0), 101 - rank)
    for code, words in _label_words():
        if not words:
            continue
        total = sum(max(_word_score(q, w) for w in words) for q in query) / len(query)
        if total >= 70:
            # fewer extra words in the label = a closer match ("Coiffure" before "Soins de …")
            total -= 0.5 * max(len(words) - len(query), 0)
            scores[code] = max(scores.get(code, 0), total)
    ranked = sorted(scores, key=lambda code: (-scores[code], code))
    return [nomenclature()[code] for code in ranked[:limit]]
