"""Visit types, who may perform them and the regulatory deadlines (SPEC 4.6), as pure functions.

Two data files hold what staff may read and change:

* `visit_types.csv` — one row per visit type: labels, the staff roles that may perform it, the
  modalities it allows (on site, mobile centre, teleconsultation), its length, who may ask for it,
  whether it is always hidden from the employer (pré-reprise), and the texts of the convocation;
* `visit_deadlines.csv` — one row per deadline rule: its parameters (months after hiring, days
  after the return to work, the shortest absence that requires or allows the visit) and the
  sentence shown to users in French and English, which is built from those same parameters.

The code decides which rule applies (the Code du travail's logic); the numbers and the texts are
data. Dates are calendar dates; the planning's times are local to Europe/Paris and returned in
UTC, correct across the changes to and from summer time. No database, no Flask.
"""

from __future__ import annotations

import calendar
import csv
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from assistant.services.followup.followup_categories import FollowUp
from assistant.services.followup.followup_table import Category, Performer

DATA = Path(__file__).resolve().parents[2] / "data"
TYPES_FILE = DATA / "visit_types.csv"
DEADLINES_FILE = DATA / "visit_deadlines.csv"

TYPE_COLUMNS = (
    "code",
    "label_fr",
    "label_en",
    "performers",
    "modalities",
    "minutes",
    "requesters",
    "confidential",
    "objectives_fr",
    "objectives_en",
    "conduct_fr",
    "conduct_en",
)
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

PERFORMERS = frozenset({"doctor", "nurse"})  # staff roles (models.staff.Role) that see patients
MODALITIES = frozenset({"on_site", "mobile", "tele"})  # models.visit.Modality
REQUESTERS = frozenset({"employer", "employee", "independent", "staff"})

# The codes the rules below rely on; the table may add others (visits on request of a new kind).
REQUIRED_TYPES = (
    "vip_initiale",
    "vip_periodique",
    "sir_embauche",
    "sir_periodique",
    "sir_intermediaire",
    "reprise",
    "pre_reprise",
    "liaison",
    "mi_carriere",
    "demande",
    "post_exposition",
    "vip_collective",
)
# Visits of the individual follow-up: the periodic clock runs from the last of them. A reprise,
# a visit on request or a mid-career visit does not reset it (R4624-16, R4624-28).
FOLLOW_UP_TYPES = frozenset(
    {"vip_initiale", "vip_periodique", "sir_embauche", "sir_periodique", "sir_intermediaire"}
)
SIR_TYPES = frozenset({"sir_embauche", "sir_periodique", "sir_intermediaire"})
SIR_EXAMS = frozenset({"sir_embauche", "sir_periodique"})  # aptitude examinations by the doctor

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
)
MID_CAREER_AGE = 45  # by default, the year of the 45th birthday (L4624-2-2)
PARIS = "Europe/Paris"


class VisitRulesError(ValueError):
    """A visit data file cannot be used; the message names the file, line and key."""


# ---------------------------------------------------------------- visit types


@dataclass(frozen=True)
class VisitType:
    code: str
    label_fr: str
    label_en: str
    performers: frozenset[str]  # staff roles allowed to perform it: "doctor", "nurse"
    modalities: frozenset[str]  # "on_site", "mobile", "tele"
    minutes: int  # a slot fits when it lasts at least this long
    requesters: frozenset[str]  # "employer", "employee", "independent", "staff"
    confidential: bool  # always hidden from the employer (pré-reprise)
    objectives_fr: str
    objectives_en: str
    conduct_fr: str
    conduct_en: str

    def label(self, locale: str) -> str:
        return _in(locale, self.label_fr, self.label_en)

    def objectives(self, locale: str) -> str:
        return _in(locale, self.objectives_fr, self.objectives_en)

    def conduct(self, locale: str) -> str:
        return _in(locale, self.conduct_fr, self.conduct_en)


def _in(locale: str, french: str, english: str) -> str:
    return english if str(locale).startswith("en") else french


def visit_types() -> dict[str, VisitType]:
    """The visit types of the data file, in file order (parsed once)."""
    return _default_types()


@cache
def _default_types() -> dict[str, VisitType]:
    return load_visit_types(TYPES_FILE)


def load_visit_types(path: str | os.PathLike) -> dict[str, VisitType]:
    """Read and check a visit types file (the default one is read once by `visit_types`)."""
    source = Path(path)
    types: dict[str, VisitType] = {}
    for where, values in _rows(source, TYPE_COLUMNS, "code"):
        try:
            visit_type = _parse_type(values)
        except ValueError as error:
            raise VisitRulesError(f"{where}: {error}") from None
        if visit_type.code in types:
            raise VisitRulesError(f"{where}: duplicate code")
        types[visit_type.code] = visit_type
    missing = [code for code in REQUIRED_TYPES if code not in types]
    if missing:
        raise VisitRulesError(f"{source.name}: missing visit type(s) {', '.join(missing)}")
    return types


def _parse_type(values: dict[str, str]) -> VisitType:
    for column in TYPE_COLUMNS:
        if column != "confidential" and not values[column]:
            raise ValueError(f"{column} is empty")
    performers = _set(values, "performers", PERFORMERS)
    if "doctor" not in performers:
        raise ValueError("the médecin du travail may perform every visit: add doctor")
    return VisitType(
        code=values["code"],
        label_fr=values["label_fr"],
        label_en=values["label_en"],
        performers=performers,
        modalities=_set(values, "modalities", MODALITIES),
        minutes=_whole(values, "minutes", low=5),
        requesters=_set(values, "requesters", REQUESTERS),
        confidential=_yes_no(values, "confidential"),
        objectives_fr=values["objectives_fr"],
        objectives_en=values["objectives_en"],
        conduct_fr=values["conduct_fr"],
        conduct_en=values["conduct_en"],
    )


def get(code: str) -> VisitType:
    try:
        return visit_types()[code]
    except KeyError:
        raise ValueError(f"unknown visit type {code!r}") from None


def may_perform(role: str, code: str) -> bool:
    return str(role) in get(code).performers


def allows(code: str, modality: str) -> bool:
    return str(modality) in get(code).modalities


def performers_for(
    code: str, follow: FollowUp | None = None, *, first: bool = False
) -> frozenset[str]:
    """Who may perform this visit for this worker: the type's performers, narrowed to the doctor
    when the follow-up asks for the médecin du travail (electrical work, CACES…) or, for a disabled
    worker, for the first visit (`first`). Only the follow-up visits are narrowed."""
    allowed = get(code).performers
    if follow is None or code not in FOLLOW_UP_TYPES:
        return allowed
    if follow.performed_by is Performer.DOCTOR or (
        follow.performed_by is Performer.DOCTOR_FIRST and first
    ):
        return allowed & {"doctor"}
    return allowed


# ---------------------------------------------------------------- deadline rules


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
        return _in(locale, self.text_fr, self.text_en) % (known | values)


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
    for where, values in _rows(source, DEADLINE_COLUMNS, "rule"):
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
        before_assignment=_yes_no(values, "before_assignment"),
        months=_whole(values, "months", low=1, optional=True),
        days=_whole(values, "days", low=0, optional=True),
        min_days=_whole(values, "min_days", low=0, optional=True),
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


# ---------------------------------------------------------------- reading the files


def _rows(source: Path, columns: Sequence[str], key: str):
    try:
        handle = source.open(encoding="utf-8", newline="")
    except OSError as error:
        raise VisitRulesError(f"{source}: cannot read ({error})") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise VisitRulesError(f"{source.name}: missing column(s) {', '.join(missing)}")
        for row in reader:
            where = f"{source.name}, line {reader.line_num} ({key} {row.get(key)!r})"
            if None in row:
                raise VisitRulesError(f"{where}: too many fields (an unquoted comma?)")
            short = [c for c in columns if row[c] is None]
            if short:
                raise VisitRulesError(f"{where}: too few fields (missing {', '.join(short)})")
            yield where, {c: row[c].strip() for c in columns}


def _set(values: dict[str, str], column: str, allowed: frozenset[str]) -> frozenset[str]:
    items = frozenset(item.strip() for item in values[column].split(";"))
    unknown = sorted(items - allowed)
    if unknown:
        raise ValueError(
            f"{column}: unknown {', '.join(map(repr, unknown))} "
            f"(expected some of {', '.join(sorted(allowed))}, separated by ;)"
        )
    return items


def _whole(values: dict[str, str], column: str, *, low: int, optional: bool = False):
    value = values[column]
    if not value and optional:
        return None
    if not value.isdigit() or int(value) < low:
        raise ValueError(f"{column} {value!r} is not a whole number of at least {low}")
    return int(value)


def _yes_no(values: dict[str, str], column: str) -> bool:
    folded = values[column].lower()
    if folded in {"yes", "oui", "true", "1"}:
        return True
    if folded in {"no", "non", "false", "0", ""}:
        return False
    raise ValueError(f"{column} {values[column]!r} is not yes or no")


# ---------------------------------------------------------------- windows


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


def pre_reprise(stoppage_start: date, today: date) -> Window | None:
    """The pre-return visit, allowed during a stoppage of more than 30 days (from its 31st day)."""
    return _during_stoppage("pre_reprise", stoppage_start, today)


def liaison(stoppage_start: date, today: date) -> Window | None:
    """The liaison meeting, allowed during a stoppage of more than 30 days (from its 31st day)."""
    return _during_stoppage("liaison", stoppage_start, today)


def _during_stoppage(key: str, stoppage_start: date, today: date) -> Window | None:
    threshold = rule(key).min_days or 1
    if stoppage_days(stoppage_start, today) < threshold:
        return None
    # no deadline: it must happen before the return to work, a date not known here
    return _window(key, due_from=stoppage_start + timedelta(days=threshold - 1))


def mid_career(birth_date: date, age: int = MID_CAREER_AGE) -> Window:
    """The calendar year in which the worker turns `age` (born 29 February: that year too)."""
    year = birth_date.year + age
    return _window("mi_carriere", due_from=date(year, 1, 1), due_by=date(year, 12, 31), age=age)


def post_exposure() -> Window:
    """As soon as possible after the end of the exposure: no date the service can compute."""
    return _window("post_exposition")


def on_request() -> Window:
    """A visit on request has no regulatory deadline."""
    return _window("demande")


# ---------------------------------------------------------------- the visits to plan


@dataclass(frozen=True)
class Due:
    visit_type: str
    window: Window

    def overdue(self, today: date) -> bool:
        return self.window.overdue(today)


@cache
def _type_order() -> dict[str, int]:
    return {code: index for index, code in enumerate(visit_types())}


def urgency(due: Due, today: date) -> tuple:
    """Sort key, most urgent first: by deadline, none last, then by type. Overdue visits come
    first because their deadline is before today, every other one's on or after it; `today` is
    part of the signature so that a future rule (a grace period…) needs no caller change."""
    by = due.window.due_by
    return (
        by is None,
        by or date.max,
        due.window.due_from or date.min,
        _type_order().get(due.visit_type, len(_type_order())),
    )


def due_visits(
    *,
    hire_date: date,
    birth_date: date,
    contract_type: str,
    follow: FollowUp,
    done: Sequence[tuple[date, str]],
    open_types: Collection[str],
    today: date,
) -> list[Due]:
    """The visits to plan for one worker, most urgent first.

    The follow-up visit: the initial one when no follow-up visit of the worker's regime was done
    (an SIR worker needs an aptitude examination, a VIP does not count; a collective information
    does not count for an individual follow-up), else the periodic one after the last. Plus the
    mid-career visit in its year unless done that year, and the post-exposure visit when the
    follow-up says the exposure ended and none was done. Types in `open_types` (already requested
    or booked) are left out.
    """
    found: list[Due] = []
    basis = _basis_types(follow.category)
    history = sorted((day, code) for day, code in done if code in basis)
    if not history:
        found.append(Due(*initial_visit(hire_date, follow, contract_type)))
    else:
        last_day, last_type = history[-1]
        exams = [day for day, code in history if code in SIR_EXAMS]
        following = periodic(last_day, last_type, follow, last_exam=exams[-1] if exams else None)
        if following is not None:
            found.append(Due(*following))

    ages = {today.year - birth_date.year} if follow.mid_career_due else set()
    if today.year - birth_date.year == MID_CAREER_AGE:
        ages.add(MID_CAREER_AGE)
    for age in ages:
        window = mid_career(birth_date, age)
        if not any(code == "mi_carriere" and day.year == window.due_by.year for day, code in done):
            found.append(Due("mi_carriere", window))

    if "end_of_exposure" in follow.rules and not any(c == "post_exposition" for _, c in done):
        found.append(Due("post_exposition", post_exposure()))

    found = [due for due in found if due.visit_type not in open_types]
    return sorted(found, key=lambda due: urgency(due, today))


def _basis_types(category: Category) -> frozenset[str]:
    if category is Category.SIR:
        return SIR_TYPES
    if category is Category.VIP_COLLECTIVE:
        return FOLLOW_UP_TYPES | {"vip_collective"}
    return FOLLOW_UP_TYPES


# ---------------------------------------------------------------- local times


def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)  # ZoneInfo keeps its own cache of zones


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def _to_utc(naive: datetime, zone: ZoneInfo) -> datetime:
    """A local wall-clock time in UTC; an ambiguous one (the repeated hour) is the first."""
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def slot_times(
    day: date, starts: time, ends: time, minutes: int, tz: str = PARIS
) -> list[tuple[datetime, datetime]]:
    """The slots of a local session on `day`, in UTC: every `minutes` of wall-clock time from
    `starts`, each lasting `minutes`, the last ending at or before `ends`.

    On the spring change a start that does not exist (02:00–02:59 in Paris) is skipped, and so
    is one that would overlap the slot before it; on the autumn change a repeated time is taken
    the first time it occurs (fold=0). A session ending inside the skipped hour ends when the
    clock jumps.
    """
    if minutes <= 0:
        raise ValueError("minutes must be positive")
    zone = _zone(tz)
    first = datetime.combine(day, starts)
    last = datetime.combine(day, ends)
    end_limit = last
    while not _exists(end_limit, zone):  # inside the skipped hour: the clock jumps forward
        end_limit += timedelta(minutes=1)
    session_end = _to_utc(end_limit, zone)
    step = timedelta(minutes=minutes)
    slots: list[tuple[datetime, datetime]] = []
    local = first
    while local + step <= last:
        if _exists(local, zone):
            begin = _to_utc(local, zone)
            end = begin + step
            if end > session_end:
                break
            if not slots or begin >= slots[-1][1]:
                slots.append((begin, end))
        local += step
    return slots


def reminder_at(starts_at: datetime, days_before: int = 2, tz: str = PARIS) -> datetime:
    """The same local wall-clock time `days_before` calendar days earlier, in UTC (a time that
    does not exist that day is taken with the offset before the change, i.e. one hour later)."""
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be timezone-aware")
    zone = _zone(tz)
    local = starts_at.astimezone(zone).replace(tzinfo=None, fold=0)
    return _to_utc(local - timedelta(days=days_before), zone)
