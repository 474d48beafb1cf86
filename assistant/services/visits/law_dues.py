"""Visits the follow-up asks for besides the periodic ones, each due once or on its own clock
(`due.due_visits` adds them): the post-exposure or end-of-career visit (L4624-2-1, R4624-28-1)
and the attestation d'absence de contre-indication médicale of a machinery driver or a live
electrical worker (décret 2025-355). Pure functions of the follow-up and the visits done; no
database, no Flask."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from assistant.models import OutcomeKind, Visit, VisitStatus
from assistant.services.followup.followup_categories import FollowUp
from assistant.services.visits import visit_deadlines
from assistant.services.visits.visit_deadlines import Window, add_months

ACI_IN_FORCE = date(2025, 10, 1)  # décret 2025-355: the attestation replaces the SIR examination
ISSUED = (OutcomeKind.NO_CONTRAINDICATION, OutcomeKind.CONTRAINDICATION)

# a done `aci` visit: (day, outcome kind, valid until)
AciOutcome = tuple[date, str, date | None]


def post_exposure_due(
    follow: FollowUp, done: Sequence[tuple[date, str]]
) -> list[tuple[str, Window]]:
    """One post-exposure visit, from the day the exposure (or the career) ended: a visit already
    done, whenever, counts."""
    if not follow.post_exposure_due or any(code == "post_exposition" for _, code in done):
        return []
    return [("post_exposition", visit_deadlines.post_exposure(follow.exposure_ended_on))]


def aci_due(
    follow: FollowUp, hire_date: date, outcomes: Sequence[AciOutcome]
) -> list[tuple[str, Window]]:
    """The examination d'absence de contre-indication, when the follow-up needs one: before
    assignment (the hire date, not before the decree came into force) while none was done, else
    when the last attestation expires (its `valid_until`, else the deadline rule's months —
    5 years — after the examination).

    After a contraindication, the next examination is due on the same clock (5 years after it):
    the attestation is handed to the worker, so the employer must not learn the outcome from a
    date that would differ; the worker, the doctor or the employer may ask for a new examination
    sooner (a visit of this type on request) when the situation changes."""
    if not follow.aci_needed:
        return []
    issued = sorted((item for item in outcomes if item[1] in ISSUED), key=lambda item: item[0])
    if not issued:
        return [("aci", visit_deadlines.no_contraindication(max(hire_date, ACI_IN_FORCE)))]
    day, kind, valid_until = issued[-1]
    if kind == OutcomeKind.CONTRAINDICATION:
        valid_until = None  # not an attestation: nothing is valid until a date
    months = visit_deadlines.rule("aci").months or 60
    return [("aci", visit_deadlines.no_contraindication(valid_until or add_months(day, months)))]


def aci_outcomes(visits: Iterable[Visit], day_of: Callable[[Visit], date]) -> list[AciOutcome]:
    """The done `aci` visits with their outcome, for `aci_due` (`day_of`: the day it took place)."""
    return [
        (day_of(visit), visit.outcome.kind, visit.outcome.valid_until)
        for visit in visits
        if visit.visit_type == "aci" and visit.status == VisitStatus.DONE and visit.outcome
    ]
