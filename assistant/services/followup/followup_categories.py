"""The follow-up category engine (SPEC 4.4): which individual follow-up a worker needs, and how
often, from the rows of the rules table that match their situation (`followup_table`). When
several rows apply the strictest wins (SIR > SIA > SI > collective VIP, then the shortest
periodicity); rows of category `ALL` (mid-career, post-exposure) say a visit is due whatever the
category, and count neither for `otherwise` nor for the strictest-rule choice; a row may also ask
for a visit besides the follow-up (`also_due`: the attestation d'absence de contre-indication of a
machinery driver); the legal ceilings of the Code du travail are enforced here, in code, whatever a
staff-edited table says."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from assistant.services.followup.followup_table import (
    EMPLOYER_FLAGS,
    HEALTH_FLAGS,
    Category,
    Document,
    FollowUpRulesError,
    HealthFlags,
    Performer,
    Rule,
    Worker,
    load_rules,
)

SHORT_CONTRACT_DAYS = 45

# Legal ceilings (Code du travail R4624-16, R4624-17, R4624-28), not staff-editable.
VIP_CEILING_MONTHS = 60
PROTECTED_CEILING_MONTHS = 36  # disabled, invalidity pension, night workers
SIR_CEILING_MONTHS = 48
SIR_INTERMEDIATE_MONTHS = 24  # intermediate visit by a health professional
YEARLY_MONTHS = 12  # a yearly examination, with no intermediate visit
PROTECTED_FACTS = frozenset(
    {"health:disabled", "health:invalidity_pension", "flag:night_worker", "risk:night_work"}
)
# Situations whose examination is yearly by law: a worker classified in category A (R4451-82,
# which also waives the intermediate visit) and a minor on regulated work (R4153-40 5°: an avis
# d'aptitude each year). Each is a set of facts that must all hold.
YEARLY_FACTS = (frozenset({"flag:radiation_cat_a"}), frozenset({"minor", "flag:regulated_work"}))
# A classified worker (R4451-57) is exposed to ionising radiation, declared as a risk or not.
CLASSIFIED_FLAGS = frozenset({"radiation_cat_a", "radiation_cat_b"})


CATEGORY_RANK = {
    Category.VIP_COLLECTIVE: 0,
    Category.SI: 1,
    Category.SIA: 2,
    Category.SIR: 3,
}
PERFORMER_RANK = {performer: rank for rank, performer in enumerate(Performer)}


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
    also_due: tuple[str, ...] = ()  # visits the rows ask for besides the follow-up (ALSO_DUE)
    exposure_ended_on: date | None = None  # a post-exposure visit is due from that day

    @property
    def aci_needed(self) -> bool:
        """An attestation d'absence de contre-indication médicale is needed (décret 2025-355:
        driving machinery under an autorisation de conduite, live electrical work)."""
        return "aci" in self.also_due

    @property
    def post_exposure_due(self) -> bool:
        """A post-exposure (or end-of-career) visit is due, once (L4624-2-1, R4624-28-1)."""
        return "post_exposition" in self.also_due


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
    if any(getattr(worker, name) for name in CLASSIFIED_FLAGS):
        found.add("risk:radiation")
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
    return any(r.also_due == "mi_carriere" for r in applicable_rules(worker, today, None, rules))


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
    also_due = tuple(dict.fromkeys(r.also_due for r in applied if r.also_due is not None))
    return FollowUp(
        category=strictest.category,
        max_months=months,
        intermediate_months=intermediate,
        before_assignment=any(r.before_assignment for r in deciding),
        performed_by=max((r.performed_by for r in deciding), key=PERFORMER_RANK.__getitem__),
        delivers=strictest.delivers,
        rules=tuple(r.key for r in applied),
        mid_career_due="mi_carriere" in also_due,
        also_due=also_due,
        exposure_ended_on=worker.exposure_ended_on if "post_exposition" in also_due else None,
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
    known = set(known)
    if PROTECTED_FACTS & known:
        # personal ceiling: applies in any category (an SIR worker on nights included)
        ceiling = min(ceiling, PROTECTED_CEILING_MONTHS)
    yearly = any(situation <= known for situation in YEARLY_FACTS)
    if yearly:
        ceiling = min(ceiling, YEARLY_MONTHS)
    if months is None and category is Category.VIP_COLLECTIVE:
        return None, None  # one collective session at the start of a contract under 45 days
    months = ceiling if months is None else min(months, ceiling)
    intermediate = None
    if category is Category.SIR and months > SIR_INTERMEDIATE_MONTHS and not yearly:
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
