"""The risk catalogue (thesaurus) as read: entries, labels, and free text matched to them.

The catalogue ships as `assistant/data/risks.csv` and lives in the `risk_entry` table, where an
administrator edits it (`risk_entries`). Most callers have no session (`catalogue()`, `match()`),
so the process keeps one catalogue in memory: `refresh(session)` reloads it when the table
changed (a cheap count + latest `updated_at` query), and the web app calls it before requests at
most every `RISK_CATALOGUE_TTL` seconds, and right after an edit. Until a database has been read —
pure code, a test without data — the packaged CSV is the catalogue; a packaged entry not yet in
the table (a newer release, before `flask --app assistant.app risks load`) is part of it too.

An inactive entry is no longer offered nor matched, but its code stays known: employees and
declarations that carry it keep its label. What an entry implies for the follow-up is not stored
here: it comes from the follow-up rules (`risk:<code>` conditions).
"""

from __future__ import annotations

import csv
import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.core.parsing import fold
from assistant.models.risk import RiskEntry

DATA = Path(__file__).resolve().parents[2] / "data" / "risks.csv"


@dataclass(frozen=True)
class Risk:
    code: str
    family: str
    label_fr: str
    label_en: str
    synonyms: tuple[str, ...]  # folded (lower case, no accents)
    active: bool = True

    def label(self, locale: str) -> str:
        return self.label_en if str(locale).startswith("en") else self.label_fr


class Catalogue(Mapping[str, Risk]):
    """Every known code, inactive ones included (`[code]`, `get`, `in`, iterating the codes), so
    that stored codes keep their label and stay valid; `values()` and `items()` give only the
    entries offered today, in catalogue order — what a form or a matcher may propose."""

    def __init__(self, risks: Iterable[Risk]):
        self._all = {risk.code: risk for risk in risks}
        self._offered = [risk for risk in self._all.values() if risk.active]

    def __getitem__(self, code: str) -> Risk:
        return self._all[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def values(self) -> list[Risk]:  # type: ignore[override]
        return list(self._offered)

    def items(self) -> list[tuple[str, Risk]]:  # type: ignore[override]
        return [(risk.code, risk) for risk in self._offered]

    def offered(self) -> list[Risk]:
        return list(self._offered)

    def everything(self) -> list[Risk]:
        return list(self._all.values())


@dataclass(frozen=True)
class _State:
    catalogue: Catalogue
    words: dict[str, str]  # folded label or synonym → code, offered entries only
    engine: weakref.ref | None  # the database read last (None: the packaged CSV only)
    generation: tuple | None  # (row count, latest updated_at) of that read
    checked_at: float  # time.monotonic() of the last generation check
    version: int  # grows at every reload (for caches built on the catalogue)


_state: _State | None = None
_lock = threading.Lock()


# ---------------------------------------------------------------- the packaged CSV


@cache
def packaged_rows() -> tuple[dict[str, str], ...]:
    """The CSV rows as shipped (code, family, label_fr, label_en, synonyms), in catalogue order."""
    with DATA.open(encoding="utf-8", newline="") as handle:
        return tuple(dict(row) for row in csv.DictReader(handle))


@cache
def packaged_codes() -> frozenset[str]:
    """The codes of the catalogue as shipped (those the follow-up rules may name)."""
    return frozenset(row["code"] for row in packaged_rows())


def _risk(code, family, label_fr, label_en, synonyms: str, active: bool = True) -> Risk:
    folded = (fold(s) for s in (synonyms or "").split(";"))
    return Risk(code, family, label_fr, label_en, tuple(s for s in folded if s), bool(active))


def _build(rows: Iterable, engine, generation, version: int) -> _State:
    """The state for these table rows (any objects with RiskEntry's attributes), completed with
    the packaged entries the table lacks."""
    found: dict[str, tuple[int, int, Risk]] = {}
    for row in rows:
        risk = _risk(row.code, row.family, row.label_fr, row.label_en, row.synonyms, row.active)
        found[row.code] = (row.position, 0, risk)
    for position, row in enumerate(packaged_rows()):
        if row["code"] not in found:
            found[row["code"]] = (position, 1, _risk(**row))
    ordered = [risk for _, _, risk in sorted(found.values(), key=lambda e: (e[0], e[1]))]
    words: dict[str, str] = {}
    for risk in ordered:
        if risk.active:
            for word in (fold(risk.label_fr), fold(risk.label_en), *risk.synonyms):
                if word:
                    words.setdefault(word, risk.code)
    return _State(
        catalogue=Catalogue(ordered),
        words=words,
        engine=weakref.ref(engine) if engine is not None else None,
        generation=generation,
        checked_at=time.monotonic(),
        version=version,
    )


def _current() -> _State:
    global _state
    state = _state
    if state is None:
        with _lock:
            if _state is None:
                _state = _build((), None, None, 0)
            state = _state
    return state


# ---------------------------------------------------------------- reading (no session needed)


def catalogue() -> Catalogue:
    """code → Risk, as last read from the database (or the packaged CSV); see `Catalogue`."""
    return _current().catalogue


def offered() -> list[Risk]:
    """The active entries, in catalogue order: what forms and dialogues may propose."""
    return _current().catalogue.offered()


def version() -> int:
    """A number that changes whenever the in-memory catalogue is reloaded."""
    return _current().version


def match(text: str, limit: int = 3) -> list[Risk]:
    """Entries that free text talks about ("je respire de la poussière de bois" → wood dust)."""
    query = fold(text)
    if not query:
        return []
    state = _current()
    tokens = query.split()
    scored: dict[str, float] = {}
    for word, code in state.words.items():
        if " " in word or len(word) > 6:
            # several words, or a long one: look for it anywhere, typos allowed
            score = fuzz.partial_ratio(word, query)
        else:
            # a short word must be one of the words typed ("bruit" is not "nuit")
            score = max((fuzz.ratio(word, token) for token in tokens), default=0)
        if score >= 86:
            scored[code] = max(scored.get(code, 0), score + len(word) / 100)
    codes = sorted(scored, key=lambda code: -scored[code])
    return [state.catalogue[code] for code in codes[:limit]]


# ---------------------------------------------------------------- keeping the copy current


def _engine_of(session: Session):
    bind = session.get_bind()
    return getattr(bind, "engine", bind)


def _generation(session: Session) -> tuple:
    count, latest = session.execute(
        select(func.count(RiskEntry.code), func.max(RiskEntry.updated_at))
    ).one()
    return (count, latest)


def checked_within(engine, max_age: float) -> bool:
    """Was this engine's database checked less than `max_age` seconds ago? (What `refresh`
    decides first, without a session: asked before every request.)"""
    state = _current()
    return (
        max_age > 0
        and state.engine is not None
        and state.engine() is engine
        and time.monotonic() - state.checked_at < max_age
    )


def refresh(session: Session, max_age: float = 0) -> bool:
    """Read the catalogue from this session's database if the table changed since the last read
    (or another database was read last). With `max_age`, a database checked less than that many
    seconds ago is not asked again. True when the catalogue was reloaded."""
    global _state
    engine = _engine_of(session)
    state = _current()
    same_database = state.engine is not None and state.engine() is engine
    if same_database and max_age > 0 and time.monotonic() - state.checked_at < max_age:
        return False
    generation = _generation(session)
    if same_database and generation == state.generation:
        _state = replace(state, checked_at=time.monotonic())
        return False
    # columns, not entities: a session's identity map could hold rows older than the table's
    columns = (RiskEntry.code, RiskEntry.family, RiskEntry.label_fr, RiskEntry.label_en)
    rows = session.execute(
        select(*columns, RiskEntry.synonyms, RiskEntry.active, RiskEntry.position).order_by(
            RiskEntry.position, RiskEntry.code
        )
    ).all()
    with _lock:
        _state = _build(rows, engine, generation, (_state.version if _state else 0) + 1)
    return True


def reset() -> None:
    """Forget what was read: back to the packaged CSV until the next `refresh` (a new app)."""
    global _state
    with _lock:
        version = _state.version + 1 if _state is not None else 0
        _state = _build((), None, None, version)
