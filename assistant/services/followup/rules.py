"""Follow-up category engine (SPEC 4.4): which individual follow-up a worker needs, and how often.

The rules are data (`assistant/data/followup_rules.csv`, CIAMT's table by default): each row says
which situations it matches and the category, maximum periodicity, performer and document it
implies. When several rows apply the strictest wins (SIR > SIA > SI > collective VIP, then the
shortest periodicity); the legal ceilings of the Code du travail are enforced here, in code,
whatever a staff-edited table says.

Health data stay apart. Pregnancy (or breastfeeding, recent delivery), an invalidity pension and a
recognised disability are personal health information: the employer's declaration (`Worker`) has
no field for them and the rules only see them through the separate `HealthFlags` argument, which
a caller fills from what the worker or the health staff said — never from the employer's form or
CSV import. A risk code or employer flag can never be read as a health situation: the two live in
separate namespaces (`flag:…`/`risk:…` versus `health:…`).

The `matches` column of the table: alternatives separated by `;`, each a set of conditions all of
which must hold, joined by `&`. Conditions:

* `risk:<code>` — an exposure from the risk catalogue as shipped (`risks.csv`: the table and
  the catalogue are released together);
* `flag:<name>` — an employer-declared flag of `Worker` (`night_worker`, `regulated_work`…);
* `health:<name>` — a `HealthFlags` field (`pregnant`, `invalidity_pension`, `disabled`);
* `contract:<type>` — the contract type (`cdi`, `cdd`, `interim`, `saisonnier`, `apprenti`,
  `short`);
* `minor` — under 18 on the day of the computation;
* `under_45_days` — a contract of fewer than 45 days of actual work (`contract_days` given);
* `turns:<n>` — the worker has (or will have) their n-th birthday in the current calendar year;
* `otherwise` — no other category rule applies (the general case).

Rows of category `ALL` (mid-career) do not change the category: they say a visit is due whatever
the category, and count neither for `otherwise` nor for the strictest-rule choice.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path

from assistant.services.prevention import risk_catalogue

DATA = Path(__file__).resolve().parents[2] / "data" / "followup_rules.csv"

COLUMNS = (
    "key",
    "matches",
    "category",
    "max_months",
    "before_assignment",
    "performed_by",
    "delivers",
    "label_fr",
    "label_en",
)
CONTRACT_TYPES = frozenset({"cdi", "cdd", "interim", "saisonnier", "apprenti", "short"})
SHORT_CONTRACT_DAYS = 45

# Legal ceilings (Code du travail R4624-16, R4624-17, R4624-28), not staff-editable.
VIP_CEILING_MONTHS = 60
PROTECTED_CEILING_MONTHS = 36  # disabled, invalidity pension, night workers
SIR_CEILING_MONTHS = 48
SIR_INTERMEDIATE_MONTHS = 24  # intermediate visit by a health professional
PROTECTED_FACTS = frozenset(
    {"health:disabled", "health:invalidity_pension", "flag:night_worker", "risk:night_work"}
)


class Category(StrEnum):
    SIR = "SIR"  # suivi individuel renforcé
    SIA = "SIA"  # suivi individuel adapté
    SI = "SI"  # suivi individuel (VIP)
    VIP_COLLECTIVE = "VIP_COLLECTIVE"
    ALL = "ALL"  # a visit due whatever the category (mid-career)


class Performer(StrEnum):
    PLURIDISCIPLINARY_TEAM = "pluridisciplinary_team"
    HEALTH_PROFESSIONAL = "health_professional"  # doctor or nurse under protocol
    DOCTOR_FIRST = "doctor_first"  # the médecin du travail for the first visit, then either
    DOCTOR = "doctor"  # the médecin du travail


class Document(StrEnum):
    ATTESTATION = "attestation"  # attestation de suivi
    AVIS_APTITUDE = "avis_aptitude"
    AVIS_APTITUDE_OR_ATTESTATION = "avis_aptitude_or_attestation"
    ATTESTATION_PRESENCE = "attestation_presence"
    ETAT_EXPOSITIONS = "etat_expositions"  # state of past exposures (post-exposure visit)


CATEGORY_RANK = {
    Category.VIP_COLLECTIVE: 0,
    Category.SI: 1,
    Category.SIA: 2,
    Category.SIR: 3,
}
PERFORMER_RANK = {performer: rank for rank, performer in enumerate(Performer)}


class FollowUpRulesError(ValueError):
    """The rules table cannot be used; the message names the file, line and key."""


@dataclass(frozen=True)
class HealthFlags:
    """Personal health situations: from the worker or the health staff, never from the employer."""

    pregnant: bool = False  # also breastfeeding or recently delivered
    invalidity_pension: bool = False
    disabled: bool = False  # travailleur handicapé (RQTH…)


@dataclass(frozen=True)
class Worker:
    """What the employer declares about an employee (no health data, see the module docstring)."""

    birth_date: date
    hire_date: date | None = None
    contract_type: str = "cdi"
    contract_days: int | None = None  # days of actual work, for seasonal and short contracts
    exposures: frozenset[str] = field(default_factory=frozenset)  # risk catalogue codes
    night_worker: bool = False
    regulated_work: bool = False  # travaux réglementés (a minor on them is SIR)
    sir_employer: bool = False  # SIR category 3 proposed by the employer
    radiation_cat_a: bool = False  # ionising radiation: the catalogue has no A/B split
    radiation_cat_b: bool = False
    end_of_exposure: bool = False

    def __post_init__(self):
        if self.contract_type not in CONTRACT_TYPES:
            raise ValueError(
                f"unknown contract type {self.contract_type!r} "
                f"(expected one of {', '.join(sorted(CONTRACT_TYPES))})"
            )
        if self.contract_days is not None and self.contract_days < 0:
            raise ValueError("contract_days cannot be negative")
        object.__setattr__(self, "exposures", frozenset(self.exposures))


EMPLOYER_FLAGS = frozenset(f.name for f in fields(Worker) if f.type in ("bool", bool))
HEALTH_FLAGS = frozenset(f.name for f in fields(HealthFlags))


@dataclass(frozen=True)
class Rule:
    key: str
    matches: tuple[frozenset[str], ...]  # any alternative whose conditions all hold
    category: Category
    max_months: int | None  # None: an event (before assignment, start of activity…), no period
    before_assignment: bool
    performed_by: Performer
    delivers: Document
    label_fr: str
    label_en: str

    def label(self, locale: str) -> str:
        return self.label_en if str(locale).startswith("en") else self.label_fr

    def applies_to(self, facts: frozenset[str]) -> bool:
        return any(alternative <= facts for alternative in self.matches)


@dataclass(frozen=True)
class FollowUp:
    category: Category
    max_months: int | None  # None only for a one-off collective VIP (contract under 45 days)
    intermediate_months: int | None  # SIR: intermediate visit by a health professional
    before_assignment: bool
    performed_by: Performer
    delivers: Document
    rules: tuple[str, ...]  # keys of the rows that applied, in table order
    mid_career_due: bool  # a mid-career visit falls in the current year


# ---------------------------------------------------------------- the table


def load_rules(path: str | os.PathLike | None = None) -> tuple[Rule, ...]:
    """The rules table from a CSV file (the default table when no path is given).

    Cached per file and modification time, so a table staff edit is read again.
    """
    source = Path(path) if path is not None else DATA
    try:
        mtime = source.stat().st_mtime_ns
    except OSError as error:
        raise FollowUpRulesError(f"{source}: cannot read the follow-up rules ({error})") from None
    return _load(source.resolve(), mtime)


@cache
def _load(source: Path, mtime: int) -> tuple[Rule, ...]:
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise FollowUpRulesError(f"{source.name}: missing column(s) {', '.join(missing)}")
        rules: list[Rule] = []
        for row in reader:
            where = f"{source.name}, line {reader.line_num} (key {row.get('key')!r})"
            try:
                rule = _parse_row(row)
            except ValueError as error:
                raise FollowUpRulesError(f"{where}: {error}") from None
            if any(r.key == rule.key for r in rules):
                raise FollowUpRulesError(f"{where}: duplicate key")
            rules.append(rule)
    if not rules:
        raise FollowUpRulesError(f"{source.name}: no rules")
    return tuple(rules)


def implications(code: str) -> list[Rule]:
    """The rules an exposure to this risk code triggers (category, periodicity, label), in table
    order; none means the general individual follow-up."""
    condition = f"risk:{code}"
    return [
        rule
        for rule in load_rules()
        if any(condition in alternative for alternative in rule.matches)
    ]


def _parse_row(row: dict) -> Rule:
    if None in row:
        raise ValueError("too many fields (an unquoted comma in a label?)")
    values = {c: (row[c] or "").strip() if row[c] is not None else None for c in COLUMNS}
    empty = [c for c, v in values.items() if v is None]
    if empty:
        raise ValueError(f"too few fields (missing {', '.join(empty)})")
    for column in ("key", "matches", "category", "performed_by", "delivers", "label_fr"):
        if not values[column]:
            raise ValueError(f"{column} is empty")
    return Rule(
        key=values["key"],
        matches=_parse_matches(values["matches"]),
        category=_choice(Category, "category", values["category"]),
        max_months=_months(values["max_months"]),
        before_assignment=_yes_no(values["before_assignment"]),
        performed_by=_choice(Performer, "performed_by", values["performed_by"]),
        delivers=_choice(Document, "delivers", values["delivers"]),
        label_fr=values["label_fr"],
        label_en=values["label_en"] or values["label_fr"],
    )


def _choice(enum, column: str, value: str):
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise ValueError(f"{column} {value!r} is not one of {allowed}") from None


def _months(value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or int(value) == 0:
        raise ValueError(f"max_months {value!r} is not a positive whole number of months")
    return int(value)


def _yes_no(value: str) -> bool:
    folded = value.lower()
    if folded in {"yes", "true", "1", "oui"}:
        return True
    if folded in {"no", "false", "0", "non", ""}:
        return False
    raise ValueError(f"before_assignment {value!r} is not yes or no")


def _parse_matches(text: str) -> tuple[frozenset[str], ...]:
    alternatives = []
    for alternative in text.split(";"):
        conditions = frozenset(c.strip() for c in alternative.split("&"))
        if "" in conditions:
            raise ValueError(f"matches {text!r} has an empty condition")
        for condition in conditions:
            _check_condition(condition)
        alternatives.append(conditions)
    return tuple(alternatives)


def _check_condition(condition: str) -> None:
    if condition in {"minor", "under_45_days", "otherwise"}:
        return
    kind, _, name = condition.partition(":")
    known = {
        "flag": EMPLOYER_FLAGS,
        "health": HEALTH_FLAGS,
        "contract": CONTRACT_TYPES,
    }
    if kind == "risk" and name:
        if name in risk_catalogue.packaged_codes():
            return
        raise ValueError(f"unknown risk code {name!r} in matches")
    if kind == "turns" and name.isdigit():
        return
    if kind in known and name in known[kind]:
        return
    raise ValueError(f"unknown condition {condition!r} in matches")


# ---------------------------------------------------------------- the worker's situation


def age_on(birth_date: date, today: date) -> int:
    """Completed years. Born on 29 February: a year older on 1 March in a non-leap year."""
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


def is_minor(worker: Worker, today: date) -> bool:
    """Under 18 on `today`; on the day of the 18th birthday the worker is no longer a minor."""
    return age_on(worker.birth_date, today) < 18


def facts(worker: Worker, today: date, health: HealthFlags | None = None) -> frozenset[str]:
    """The conditions that hold for this worker today, in the vocabulary of `matches`."""
    found = {f"risk:{code}" for code in worker.exposures}
    found |= {f"flag:{name}" for name in EMPLOYER_FLAGS if getattr(worker, name)}
    if health is not None:
        found |= {f"health:{name}" for name in HEALTH_FLAGS if getattr(health, name)}
    found.add(f"contract:{worker.contract_type}")
    if is_minor(worker, today):
        found.add("minor")
    # unknown length: no lighter short-contract regime, the general follow-up applies
    if worker.contract_days is not None and worker.contract_days < SHORT_CONTRACT_DAYS:
        found.add("under_45_days")
    found.add(f"turns:{today.year - worker.birth_date.year}")
    return frozenset(found)


def applicable_rules(
    worker: Worker,
    today: date,
    health: HealthFlags | None = None,
    rules: Sequence[Rule] | None = None,
) -> tuple[Rule, ...]:
    rules = load_rules() if rules is None else tuple(rules)
    known = facts(worker, today, health)
    matched = [r for r in rules if not _is_otherwise(r) and r.applies_to(known)]
    if not any(r.category is not Category.ALL for r in matched):
        matched += [r for r in rules if _is_otherwise(r)]
    order = {rule.key: index for index, rule in enumerate(rules)}
    return tuple(sorted(matched, key=lambda r: order[r.key]))


def _is_otherwise(rule: Rule) -> bool:
    return any("otherwise" in alternative for alternative in rule.matches)


def mid_career_due(
    worker: Worker,
    today: date,
    rules: Sequence[Rule] | None = None,
) -> bool:
    """Whether a mid-career visit falls in today's year (by default, the 45th birthday's year)."""
    return any(r.category is Category.ALL for r in applicable_rules(worker, today, None, rules))


# ---------------------------------------------------------------- the decision


def follow_up(
    worker: Worker,
    today: date,
    health: HealthFlags | None = None,
    rules: Sequence[Rule] | None = None,
) -> FollowUp:
    """The worker's follow-up: the strictest applicable rule, within the legal ceilings.

    Every applicable periodicity is a maximum, so the shortest one is kept; a visit before
    assignment is due if any rule asks for it; the most qualified performer any rule asks for.
    """
    applied = applicable_rules(worker, today, health, rules)
    deciding = [r for r in applied if r.category is not Category.ALL]
    if not deciding:
        raise FollowUpRulesError("the rules table has no general case ('otherwise') row")
    strictest = min(deciding, key=_strictness)
    periods = [r.max_months for r in deciding if r.max_months is not None]
    months = min(periods) if periods else None
    known = facts(worker, today, health)
    months, intermediate = _within_ceilings(strictest.category, months, known)
    return FollowUp(
        category=strictest.category,
        max_months=months,
        intermediate_months=intermediate,
        before_assignment=any(r.before_assignment for r in deciding),
        performed_by=max((r.performed_by for r in deciding), key=PERFORMER_RANK.__getitem__),
        delivers=strictest.delivers,
        rules=tuple(r.key for r in applied),
        mid_career_due=len(deciding) < len(applied),
    )


def _strictness(rule: Rule):
    """Sort key, strictest first: category, shorter period, before assignment, performer."""
    return (
        -CATEGORY_RANK[rule.category],
        rule.max_months if rule.max_months is not None else float("inf"),
        not rule.before_assignment,
        -PERFORMER_RANK[rule.performed_by],
    )


def _within_ceilings(
    category: Category, months: int | None, known: Iterable[str]
) -> tuple[int | None, int | None]:
    ceiling = SIR_CEILING_MONTHS if category is Category.SIR else VIP_CEILING_MONTHS
    if PROTECTED_FACTS & set(known):
        # personal ceiling: applies in any category (an SIR worker on nights included)
        ceiling = min(ceiling, PROTECTED_CEILING_MONTHS)
    if months is None and category is Category.VIP_COLLECTIVE:
        return None, None  # one collective session at the start of a contract under 45 days
    months = ceiling if months is None else min(months, ceiling)
    intermediate = None
    if category is Category.SIR and months > SIR_INTERMEDIATE_MONTHS:
        intermediate = SIR_INTERMEDIATE_MONTHS
    return months, intermediate


def distribution(
    followups: Iterable[FollowUp],
) -> dict[Category, int]:
    """How many workers in each category (for the employer's chart), strictest first."""
    counts = {category: 0 for category in CATEGORY_RANK}
    for item in followups:
        counts[item.category] += 1
    return dict(sorted(counts.items(), key=lambda kv: -CATEGORY_RANK[kv[0]]))
