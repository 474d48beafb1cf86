"""When a visit is due (SPEC 4.6): the deadline rules, read once from `visit_deadlines.csv`
(their parameters — months after hiring, days after the return to work, the shortest absence that
requires or allows the visit — and the sentence shown to users, built from those same
parameters), and the windows they give: the first visit after hiring, the next periodic one, the
reprise after an absence, the pré-reprise and liaison during a stoppage, the mid-career visit. The
code decides which rule applies (the Code du travail's logic); the numbers and the texts are data.
Dates are calendar dates. No database, no Flask.
"""

from __future__ import annotations

import calendar
import os
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from assistant.services.followup.followup_categories import FollowUp
from assistant.services.followup.followup_table import Category
from assistant.services.visits.visit_csv import (
    DATA,
    VisitRulesError,
    in_locale,
    parse_whole,
    parse_yes_no,
    read_rows,
)
from assistant.services.visits.visit_type_table import (
    FOLLOW_UP_TYPES,
    SIR_EXAMS,
    SIR_TYPES,
    get,
    visit_types,
)

DEADLINES_FILE = DATA / "visit_deadlines.csv"
DEADLINE_COLUMNS = (
    "rule",
    "visit_type",
    "before_assignment",
    "months",
    "days",
    "min_days",
    "text_fr",
    "text_en",
)

REPRISE_RULES = {  # absence cause → deadline rule (R4624-31)
    "maternity": "reprise_maternite",
    "occupational_disease": "reprise_maladie_professionnelle",
    "work_accident": "reprise_accident_travail",
    "illness": "reprise_maladie",
}
ABSENCE_CAUSES = tuple(REPRISE_RULES)
REQUIRED_RULES = (
    "vip_initiale",
    "vip_initiale_apprenti",
    "vip_initiale_avant_affectation",
    "sir_embauche",
    "vip_collective",
    "vip_periodique",
    "sir_periodique",
    "sir_intermediaire",
    *REPRISE_RULES.values(),
    "pre_reprise",
    "liaison",
    "mi_carriere",
    "post_exposition",
    "demande",
    "orientation",
    "nouveau_risque",
)
MID_CAREER_AGE = 45  # by default, the year of the 45th birthday (L4624-2-2)


@dataclass(frozen=True)
class DeadlineRule:
    key: str
    visit_type: str
    before_assignment: bool
    months: int | None
    days: int | None
    min_days: int | None  # the shortest absence (in days) that requires or allows the visit
    text_fr: str
    text_en: str

    def text(self, locale: str, **values) -> str:
        known = {"months": self.months, "days": self.days, "min_days": self.min_days}
        known = {name: value for name, value in known.items() if value is not None}
        return in_locale(locale, self.text_fr, self.text_en) % (known | values)


def deadline_rules() -> dict[str, DeadlineRule]:
    """The deadline rules of the data file, in file order (parsed once)."""
    return _default_rules()


@cache
def _default_rules() -> dict[str, DeadlineRule]:
    return load_deadline_rules(DEADLINES_FILE, visit_types())


def load_deadline_rules(
    path: str | os.PathLike, types: Collection[str] | None = None
) -> dict[str, DeadlineRule]:
    source = Path(path)
    known_types = visit_types() if types is None else types
    rules: dict[str, DeadlineRule] = {}
    for where, values in read_rows(source, DEADLINE_COLUMNS, "rule"):
        try:
            rule = _parse_rule(values, known_types)
        except ValueError as error:
            raise VisitRulesError(f"{where}: {error}") from None
        if rule.key in rules:
            raise VisitRulesError(f"{where}: duplicate rule")
        rules[rule.key] = rule
    missing = [key for key in REQUIRED_RULES if key not in rules]
    if missing:
        raise VisitRulesError(f"{source.name}: missing rule(s) {', '.join(missing)}")
    for key in ("vip_initiale", "vip_initiale_apprenti"):
        if rules[key].months is None and not rules[key].before_assignment:
            raise VisitRulesError(f"{source.name}: rule {key} needs months")
    for key in REPRISE_RULES.values():
        if rules[key].days is None:
            raise VisitRulesError(f"{source.name}: rule {key} needs days")
    return rules


def _parse_rule(values: dict[str, str], types: Collection[str]) -> DeadlineRule:
    for column in ("rule", "visit_type", "text_fr", "text_en"):
        if not values[column]:
            raise ValueError(f"{column} is empty")
    if values["visit_type"] not in types:
        raise ValueError(f"unknown visit type {values['visit_type']!r}")
    rule = DeadlineRule(
        key=values["rule"],
        visit_type=values["visit_type"],
        before_assignment=parse_yes_no(values, "before_assignment"),
        months=parse_whole(values, "months", low=1, optional=True),
        days=parse_whole(values, "days", low=0, optional=True),
        min_days=parse_whole(values, "min_days", low=0, optional=True),
        text_fr=values["text_fr"],
        text_en=values["text_en"],
    )
    probe = {"months": 1, "days": 1, "min_days": 1, "age": 1}
    for locale in ("fr", "en"):
        try:
            rule.text(locale, **probe)
        except (KeyError, ValueError, TypeError) as error:
            raise ValueError(f"text_{locale} has a bad placeholder ({error})") from None
    return rule


def rule(key: str) -> DeadlineRule:
    try:
        return deadline_rules()[key]
    except KeyError:
        raise ValueError(f"unknown deadline rule {key!r}") from None


@dataclass(frozen=True)
class Window:
    """When a visit is due: from `due_from` (None: now), at the latest `due_by` (None: no legal
    deadline), and which rule says so (a row of `visit_deadlines.csv`)."""

    due_from: date | None
    due_by: date | None
    before_assignment: bool
    rule: str
    params: tuple[tuple[str, int], ...] = ()  # values for the rule's text (months, age…)

    def overdue(self, today: date) -> bool:
        return self.due_by is not None and today > self.due_by

    def explanation(self, locale: str) -> str:
        return rule(self.rule).text(locale, **dict(self.params))


def _window(key: str, due_from=None, due_by=None, **params: int) -> Window:
    return Window(
        due_from=due_from,
        due_by=due_by,
        before_assignment=rule(key).before_assignment,
        rule=key,
        params=tuple(sorted(params.items())),
    )


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's end: 31 January + 1 month
    is 28 February (29 in a leap year)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def initial_visit(hire_date: date, follow: FollowUp, contract_type: str) -> tuple[str, Window]:
    """The first visit after hiring: the SIR aptitude examination before assignment; the collective
    information at the start of a short contract; else the VIP initiale, before assignment when the
    follow-up says so (night workers, minors), otherwise within 3 months (apprentices: 2)."""
    if follow.category is Category.SIR:
        return "sir_embauche", _window("sir_embauche", due_by=hire_date)
    if follow.category is Category.VIP_COLLECTIVE:
        return "vip_collective", _window("vip_collective", due_by=hire_date)
    if follow.before_assignment:
        return "vip_initiale", _window("vip_initiale_avant_affectation", due_by=hire_date)
    key = "vip_initiale_apprenti" if contract_type == "apprenti" else "vip_initiale"
    months = rule(key).months
    return "vip_initiale", _window(key, due_by=add_months(hire_date, months), months=months)


def periodic(
    last_visit: date, last_type: str, follow: FollowUp, *, last_exam: date | None = None
) -> tuple[str, Window] | None:
    """The next follow-up visit after the last one (a type of `FOLLOW_UP_TYPES`).

    SI/SIA: a VIP périodique at most `max_months` after the last visit. SIR with an intermediate
    visit: after an aptitude examination, the intermediate visit at `intermediate_months`; after
    the intermediate visit, the next examination `max_months` after the last examination
    (`last_exam`; when unknown, `max_months - intermediate_months` after the intermediate visit).
    A worker now in SIR whose last visit was a VIP needs the aptitude examination, before
    assignment to the post (no date known here: `due_by` None). Collective VIP: None.
    """
    get(last_type)
    if follow.category is Category.VIP_COLLECTIVE or follow.max_months is None:
        return None
    if last_type not in FOLLOW_UP_TYPES:
        # a reprise, a visit on request, a collective information… do not start the clock
        raise ValueError(f"a {last_type} visit does not set the periodic follow-up")
    months, intermediate = follow.max_months, follow.intermediate_months
    if follow.category is not Category.SIR:
        due = add_months(last_visit, months)
        return "vip_periodique", _window("vip_periodique", due_by=due, months=months)
    if last_type not in SIR_TYPES:
        return "sir_embauche", _window("sir_embauche")
    if last_type in SIR_EXAMS and intermediate:
        due = add_months(last_visit, intermediate)
        return "sir_intermediaire", _window("sir_intermediaire", due_by=due, months=intermediate)
    if last_type == "sir_intermediaire" and intermediate:
        due = (
            add_months(last_exam, months)
            if last_exam is not None
            else add_months(last_visit, months - intermediate)
        )
    else:
        due = add_months(last_visit, months)
    return "sir_periodique", _window("sir_periodique", due_by=due, months=months)


def reprise(return_date: date, cause: str, absence_days: int) -> Window | None:
    """The return-to-work visit: on the day of return and within 8 days, after maternity leave or
    an occupational disease whatever the length, after ≥ 30 days for a work accident and ≥ 60 days
    for any other illness or accident; None when no visit is required."""
    if cause not in REPRISE_RULES:
        raise ValueError(f"unknown absence cause {cause!r} (expected one of {ABSENCE_CAUSES})")
    if absence_days < 0:
        raise ValueError("absence_days cannot be negative")
    key = REPRISE_RULES[cause]
    found = rule(key)
    if absence_days < (found.min_days or 0):
        return None
    return _window(key, due_from=return_date, due_by=return_date + timedelta(days=found.days))


def stoppage_days(stoppage_start: date, today: date) -> int:
    """Days of stoppage so far, both ends counted: started today = 1 day."""
    return (today - stoppage_start).days + 1


def pre_reprise(
    stoppage_start: date, today: date, expected_days: int | None = None
) -> Window | None:
    """The pre-return visit, allowed during a stoppage of more than 30 days: from its 31st day,
    or as soon as it is known to last longer (`expected_days`, its expected length) (R4624-29)."""
    return _during_stoppage("pre_reprise", stoppage_start, today, expected_days)


def liaison(stoppage_start: date, today: date, expected_days: int | None = None) -> Window | None:
    """The liaison meeting, allowed during a stoppage of more than 30 days: from its 31st day, or
    as soon as it is known to last longer (`expected_days`) (L1226-1-3, R4624-29)."""
    return _during_stoppage("liaison", stoppage_start, today, expected_days)


def _during_stoppage(
    key: str, stoppage_start: date, today: date, expected_days: int | None = None
) -> Window | None:
    threshold = rule(key).min_days or 1
    if expected_days is not None and expected_days >= threshold:
        # known to last long enough: it may be asked at once
        return _window(key, due_from=stoppage_start)
    if stoppage_days(stoppage_start, today) < threshold:
        return None
    # no deadline: it must happen before the return to work, a date not known here
    return _window(key, due_from=stoppage_start + timedelta(days=threshold - 1))


def mid_career(birth_date: date, age: int = MID_CAREER_AGE) -> Window:
    """The calendar year in which the worker turns `age` (born 29 February: that year too)."""
    year = birth_date.year + age
    return _window("mi_carriere", due_from=date(year, 1, 1), due_by=date(year, 12, 31), age=age)


def post_exposure(ended_on: date | None = None) -> Window:
    """From the end of the exposure (or of the career), "dans les meilleurs délais" (R4624-28-1):
    the law sets no number, the deadline rule's `months` is the service's own (1 by default).
    Without a known end date, no date the service can compute."""
    if ended_on is None:
        return _window("post_exposition")
    months = rule("post_exposition").months
    due_by = add_months(ended_on, months) if months else None
    return _window("post_exposition", due_from=ended_on, due_by=due_by, months=months or 0)


def no_contraindication(due_by: date) -> Window:
    """The attestation d'absence de contre-indication médicale (décret 2025-355): before the
    employer issues the authorisation, then again when it expires (`due_by` either way)."""
    return _window("aci", due_by=due_by, months=rule("aci").months or 0)


def on_request() -> Window:
    """A visit on request has no regulatory deadline."""
    return _window("demande")
