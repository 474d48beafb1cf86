"""The follow-up rules table (SPEC 4.4): `assistant/data/followup_rules.csv` (CIAMT's table by
default) read and checked, each row saying which situations it matches (`matches`, see
`_parse_matches`) and the category, maximum periodicity, performer and document it implies; the
vocabulary of those situations, what the employer declares (`Worker`) kept apart from personal
health situations (`HealthFlags`); a visit a row asks for besides the follow-up (the optional
`also_due` column: mid-career, post-exposure, attestation d'absence de contre-indication); and what
exposure to a risk code implies (`implications`, with what else it needs: `conditions`)."""

from __future__ import annotations

import csv
import os
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
# Optional column (a table without it still loads): a visit the row asks for besides the
# follow-up visits; a row of category ALL without one asks for the mid-career visit.
ALSO_DUE_COLUMN = "also_due"
ALSO_DUE = frozenset({"mi_carriere", "post_exposition", "aci"})  # the visits `due` can schedule
CONTRACT_TYPES = frozenset({"cdi", "cdd", "interim", "saisonnier", "apprenti", "short"})


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


class FollowUpRulesError(ValueError):
    """The rules table cannot be used; the message names the file, line and key."""


@dataclass(frozen=True)
class HealthFlags:
    """Personal health situations: from the worker or the health staff, never from the employer.

    Pregnancy (or breastfeeding, recent delivery), an invalidity pension and a recognised
    disability are personal health information: the employer's declaration (`Worker`) has no
    field for them and the rules only see them through this separate argument, which a caller
    fills from what the worker or the health staff said — never from the employer's form or CSV
    import. A risk code or employer flag can never be read as a health situation: the two live
    in separate namespaces (`flag:…`/`risk:…` versus `health:…`)."""

    pregnant: bool = False  # also breastfeeding or recently delivered
    invalidity_pension: bool = False
    disabled: bool = False  # travailleur handicapé (RQTH…)


@dataclass(frozen=True)
class Worker:
    """What the employer declares about an employee (no health data, see `HealthFlags`)."""

    birth_date: date
    hire_date: date | None = None
    contract_type: str = "cdi"
    contract_days: int | None = None  # days of actual work, for seasonal and short contracts
    exposures: frozenset[str] = field(default_factory=frozenset)  # risk catalogue codes
    night_worker: bool = False
    regulated_work: bool = False  # travaux réglementés (a minor on them is SIR)
    sir_employer: bool = False  # SIR category 3 proposed by the employer
    radiation_cat_a: bool = False  # classified worker, R4451-57 (the catalogue has no A/B split)
    radiation_cat_b: bool = False
    heavy_loads: bool = False  # manual handling of loads over 55 kg (R4541-9)
    end_of_exposure: bool = False  # exposure or career ended: a post-exposure visit (L4624-2-1)
    exposure_ended_on: date | None = None

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
    also_due: str | None = None  # a visit of `ALSO_DUE` the row asks for besides the follow-up

    def label(self, locale: str) -> str:
        return self.label_en if str(locale).startswith("en") else self.label_fr

    def applies_to(self, facts: frozenset[str]) -> bool:
        return any(alternative <= facts for alternative in self.matches)


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
        header = reader.fieldnames or ()
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise FollowUpRulesError(f"{source.name}: missing column(s) {', '.join(missing)}")
        rules: list[Rule] = []
        for row in reader:
            where = f"{source.name}, line {reader.line_num} (key {row.get('key')!r})"
            try:
                rule = _parse_row(row, ALSO_DUE_COLUMN in header)
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
    order, some only with other conditions (`conditions`: radiation for a classified worker);
    none means the general individual follow-up."""
    condition = f"risk:{code}"
    return [
        rule
        for rule in load_rules()
        if any(condition in alternative for alternative in rule.matches)
    ]


def conditions(rule: Rule, code: str) -> frozenset[str]:
    """What else must hold for an exposure to this risk code to trigger the rule, in the
    vocabulary of `matches` (empty: the exposure alone is enough); the fewest of its
    alternatives naming the risk."""
    condition = f"risk:{code}"
    found = [alt - {condition} for alt in rule.matches if condition in alt]
    return min(found, key=len) if found else frozenset()


def _parse_row(row: dict, with_also_due: bool = False) -> Rule:
    if None in row:
        raise ValueError("too many fields (an unquoted comma in a label?)")
    columns = (*COLUMNS, ALSO_DUE_COLUMN) if with_also_due else COLUMNS
    values = {c: (row[c] or "").strip() if row[c] is not None else None for c in columns}
    empty = [c for c, v in values.items() if v is None]
    if empty:
        raise ValueError(f"too few fields (missing {', '.join(empty)})")
    for column in ("key", "matches", "category", "performed_by", "delivers", "label_fr"):
        if not values[column]:
            raise ValueError(f"{column} is empty")
    category = _choice(Category, "category", values["category"])
    also_due = values.get(ALSO_DUE_COLUMN) or None
    if also_due is not None and also_due not in ALSO_DUE:
        raise ValueError(f"also_due {also_due!r} is not one of {', '.join(sorted(ALSO_DUE))}")
    if also_due is None and category is Category.ALL:
        also_due = "mi_carriere"
    return Rule(
        key=values["key"],
        matches=_parse_matches(values["matches"]),
        category=category,
        max_months=_months(values["max_months"]),
        before_assignment=_yes_no(values["before_assignment"]),
        performed_by=_choice(Performer, "performed_by", values["performed_by"]),
        delivers=_choice(Document, "delivers", values["delivers"]),
        label_fr=values["label_fr"],
        label_en=values["label_en"] or values["label_fr"],
        also_due=also_due,
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
    """The `matches` column: alternatives separated by `;`, each a set of conditions all of
    which must hold, joined by `&`. Conditions:

    * `risk:<code>` — an exposure from the risk catalogue as shipped (`risks.csv`: the table and
      the catalogue are released together);
    * `flag:<name>` — an employer-declared flag of `Worker` (`night_worker`, `regulated_work`…);
      a worker classified in category A or B also has `risk:radiation`;
    * `health:<name>` — a `HealthFlags` field (`pregnant`, `invalidity_pension`, `disabled`);
    * `contract:<type>` — the contract type (`cdi`, `cdd`, `interim`, `saisonnier`, `apprenti`,
      `short`);
    * `minor` — under 18 on the day of the computation;
    * `under_45_days` — a contract of fewer than 45 days of actual work (`contract_days` given);
    * `turns:<n>` — the worker has (or will have) their n-th birthday in the current calendar
      year;
    * `otherwise` — no other category rule applies (the general case).
    """
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
