"""The Code du travail's calendar rules that `due` applies beside the follow-up table (issue 14).
Pure functions, no database:

- the mid-career visit (L4624-2-2): in the calendar year of the 45th birthday, possibly anticipated
  from the year of the 43rd (a visit held then counts); one missed stays due, overdue;
- the visit with the médecin du travail offered without delay after a disability, an invalidity
  pension (R4624-20) or a pregnancy, a recent birth or breastfeeding (R4624-19) is recorded, unless
  the worker declined it (`orientation`, from `HealthSituation.referral_offered_on`);
- a seasonal contract under 45 days of actual work: the collective prevention actions (D4625-22),
  not an individual visit;
- no new VIP at hiring after one within 5 years (3 for the workers of R4624-17) for the same job
  (R4624-15): the periodic follow-up runs from that earlier visit;
- an independent's newly declared risk opens the first visit's window from the declaration.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta

from assistant.services.followup import followup_categories
from assistant.services.followup.followup_categories import FollowUp
from assistant.services.followup.followup_table import Category, HealthFlags, Worker
from assistant.services.visits.visit_deadlines import MID_CAREER_AGE, Window, _window, add_months

MID_CAREER_EARLIEST_AGE = 43  # may be anticipated up to two years (L4624-2-2, CIAMT: "dès 43")
SEASONAL_CONTRACT = "saisonnier"
VIP_DISPENSE_MONTHS = 60  # R4624-15: a VIP within 5 years…
VIP_DISPENSE_PROTECTED_MONTHS = 36  # …or 3 for the workers of R4624-17
VIP_TYPES = frozenset({"vip_initiale", "vip_periodique"})
NOT_THE_SAME = frozenset({"inaptitude", "recommendations"})  # R4624-15 3°: measures, inaptitude
INITIAL_TYPES = frozenset({"vip_initiale", "sir_embauche"})
WEEK_WORKING_DAYS = 6  # at most 6 working days a week (weekly rest, L3132-1)


# ---------------------------------------------------------------- mid-career (L4624-2-2)


def mid_career_window(birth_date: date, age: int = MID_CAREER_AGE) -> Window:
    """From 1 January of the 43rd birthday's year (an anticipated visit), at the latest on
    31 December of the year of `age` (45 by default)."""
    earliest = min(age, MID_CAREER_EARLIEST_AGE)
    return _window(
        "mi_carriere",
        due_from=date(birth_date.year + earliest, 1, 1),
        due_by=date(birth_date.year + age, 12, 31),
        age=age,
    )


def mid_career_due(
    birth_date: date,
    hire_date: date,
    done: Iterable[tuple[date, str]],
    today: date,
    *,
    table_age_due: bool = False,
) -> Window | None:
    """The mid-career visit still due: listed from the year of the 45th birthday (or any year
    the follow-up table says, `table_age_due`), until a mid-career visit held from the year of
    the 43rd birthday on; overdue after the 45th year's end. A worker hired after that year never
    was the service's to see at mid-career: nothing is due."""
    window = mid_career_window(birth_date)
    if hire_date > window.due_by:
        return None
    if any(code == "mi_carriere" and day >= window.due_from for day, code in done):
        return None
    if today.year >= window.due_by.year or (table_age_due and today >= window.due_from):
        return window
    return None


# ---------------------------------------------------------------- referral (R4624-19, R4624-20)


def referral_window(offered_on: date) -> Window:
    """Without delay: from the day it was offered, at the latest `days` after (the data file)."""
    from assistant.services.visits.visit_deadlines import rule

    days = rule("orientation").days or 0
    return _window("orientation", due_from=offered_on, due_by=offered_on + timedelta(days=days))


def referral_due(
    offered_on: date | None,
    declined: bool,
    flags: HealthFlags | None,
    doctor_days: Iterable[date],
    hired_on: date | None = None,
) -> Window | None:
    """The visit with the médecin du travail still due: offered (`offered_on`) during this
    employment (on or after `hired_on`: a situation known before hiring is the first visit's,
    by the doctor for a disabled worker), not declined, one of the situations still true, and no
    visit held by the doctor (an `orientation` visit or any other one a doctor held,
    `doctor_days`) since the offer."""
    if offered_on is None or declined or flags is None:
        return None
    if hired_on is not None and offered_on < hired_on:
        return None
    if not (flags.pregnant or flags.invalidity_pension or flags.disabled):
        return None
    if any(day >= offered_on for day in doctor_days):
        return None
    return referral_window(offered_on)


# ---------------------------------------------------------------- seasonal (D4625-22)


def working_days_at_most(start: date, end: date) -> int:
    """The most days of actual work a contract from `start` to `end` (both counted) can hold:
    every day, at most 6 in a calendar week (weekly rest). Never under the real count, so a
    contract this says is under 45 days surely is."""
    if end < start:
        return 0
    total, day = 0, start
    while day <= end:
        week_end = min(end, day + timedelta(days=6 - day.weekday()))
        total += min((week_end - day).days + 1, WEEK_WORKING_DAYS)
        day = week_end + timedelta(days=1)
    return total


def seasonal_collective(worker: Worker, follow: FollowUp) -> FollowUp:
    """A seasonal worker hired for under 45 days of actual work gets the collective training and
    prevention actions the service organises (D4625-22), not an individual visit: a one-off
    collective information at the start of the activity. A stricter follow-up (SIA: night work, a
    minor; SIR) keeps its individual visits."""
    short = (
        worker.contract_type == SEASONAL_CONTRACT
        and worker.contract_days is not None
        and worker.contract_days < followup_categories.SHORT_CONTRACT_DAYS
    )
    if not short or follow.category not in (Category.SI, Category.VIP_COLLECTIVE):
        return follow
    return replace(
        follow,
        category=Category.VIP_COLLECTIVE,
        max_months=None,
        intermediate_months=None,
        before_assignment=True,
    )


# ---------------------------------------------------------------- earlier VIP (R4624-15)


def dispense_months(worker: Worker, today: date, flags: HealthFlags | None) -> int:
    known = followup_categories.facts(worker, today, flags)
    if followup_categories.PROTECTED_FACTS & known:
        return VIP_DISPENSE_PROTECTED_MONTHS
    return VIP_DISPENSE_MONTHS


def earlier_vip(
    hire_date: date,
    follow: FollowUp,
    months: int,
    earlier: Sequence[tuple[date, str, str | None]],
) -> tuple[date, str] | None:
    """The VIP of an earlier employment of the same person for the same job (the caller checks
    the job and the category) that spares a new one at hiring (R4624-15): the last one held
    within `months` before hiring, when no inaptitude nor individual measures were given in that
    time. `earlier`: (day, visit type, outcome kind) of the visits done in those employments.
    Only for an individual follow-up by VIP (SI, SIA)."""
    if follow.category not in (Category.SI, Category.SIA):
        return None
    since = add_months(hire_date, -months)
    recent = [item for item in earlier if since <= item[0] <= hire_date]
    if any(kind in NOT_THE_SAME for _, _, kind in recent):
        return None
    vips = sorted((day, code) for day, code, _ in recent if code in VIP_TYPES)
    return vips[-1] if vips else None


# ---------------------------------------------------------------- independents


def declared_since(adhesion: date, versions: Sequence[tuple[date, int]], current: int) -> date:
    """Since when an independent's follow-up is as strict as today (`current`, a category
    rank): the first of the last declarations that all give that rank; the adhesion when none
    differs (nothing newly declared). `versions`: (day, rank) of each risk declaration in order.
    The first declaration is compared with the adhesion's general case (the risks given at
    adhesion are not kept apart from it)."""
    since = adhesion
    previous = followup_categories.CATEGORY_RANK[Category.SI]
    for day, rank in versions:
        if rank >= current and previous < current:
            since = max(day, adhesion)
        previous = rank
    return since


def newly_declared(window: Window, declared_on: date, adhesion: date) -> Window:
    """The first visit of a follow-up a risk declared after adhesion requires: within the VIP
    initiale's months of the declaration (the independent is already at work: no "before
    assignment" to meet), never overdue the day after."""
    if declared_on <= adhesion:
        return window
    from assistant.services.visits.visit_deadlines import rule

    months = rule("nouveau_risque").months or 3
    return _window(
        "nouveau_risque",
        due_from=declared_on,
        due_by=add_months(declared_on, months),
        months=months,
    )
