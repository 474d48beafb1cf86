"""The risk catalogue (thesaurus) held as data: entries, labels, and free text matched to them."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz

from dialogs.parsing import fold

DATA = Path(__file__).resolve().parent.parent / "data" / "risks.csv"


@dataclass(frozen=True)
class Risk:
    code: str
    family: str
    label_fr: str
    label_en: str
    synonyms: tuple[str, ...]

    def label(self, locale: str) -> str:
        return self.label_en if str(locale).startswith("en") else self.label_fr


@cache
def catalogue() -> dict[str, Risk]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: Risk(
                row["code"],
                row["family"],
                row["label_fr"],
                row["label_en"],
                tuple(fold(s) for s in row["synonyms"].split(";") if s),
            )
            for row in csv.DictReader(handle)
        }


def match(text: str, limit: int = 3) -> list[Risk]:
    """Entries that free text talks about ("je respire de la poussière de bois" → wood dust)."""
    query = fold(text)
    if not query:
        return []
    words = {}
    for risk in catalogue().values():
        for word in (fold(risk.label_fr), fold(risk.label_en), *risk.synonyms):
            words.setdefault(word, risk.code)
    tokens = query.split()
    scored: dict[str, float] = {}
    for word, code in words.items():
        if " " in word or len(word) > 6:
            # several words, or a long one: look for it anywhere, typos allowed
            score = fuzz.partial_ratio(word, query)
        else:
            # a short word must be one of the words typed ("bruit" is not "nuit")
            score = max((fuzz.ratio(word, token) for token in tokens), default=0)
        if score >= 86:
            scored[code] = max(scored.get(code, 0), score + len(word) / 100)
    codes = sorted(scored, key=lambda code: -scored[code])
    return [catalogue()[code] for code in codes[:limit]]
