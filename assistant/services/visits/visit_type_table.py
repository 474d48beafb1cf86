"""The visit types (SPEC 4.6), read once from `visit_types.csv`: one row per type with its
labels, the staff roles that may perform it, the modalities it allows (on site, mobile centre,
teleconsultation), its length, who may ask for it, whether it is always hidden from the employer
(pré-reprise), and the texts of the convocation. Also which types make up the individual follow-up
and the SIR, and who may perform a follow-up visit for a given worker (the doctor alone when the
follow-up asks for the médecin du travail). No database, no Flask.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from assistant.services.followup.followup_categories import FollowUp
from assistant.services.followup.followup_table import Performer
from assistant.services.visits.visit_csv import (
    DATA,
    VisitRulesError,
    in_locale,
    parse_set,
    parse_whole,
    parse_yes_no,
    read_rows,
)

TYPES_FILE = DATA / "visit_types.csv"

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
# the same words for another audience (may be empty: the worker's words then): an independent is
# not hired nor has an employer; the employer reads of its employee's visit
AUDIENCE_COLUMNS = (
    "label_independent_fr",
    "label_independent_en",
    "objectives_employer_fr",
    "objectives_employer_en",
    "conduct_employer_fr",
    "conduct_employer_en",
    "conduct_independent_fr",
    "conduct_independent_en",
)
AUDIENCES = ("worker", "employer", "independent")

# staff roles (models.staff.Role) that see patients, and `ipa`: a nurse in advanced practice
# (`StaffUser.advanced_practice`), who holds the mid-career visit with the doctor (L4624-2-2)
PERFORMERS = frozenset({"doctor", "nurse", "ipa"})
MODALITIES = frozenset({"on_site", "mobile", "tele"})  # models.visit.Modality
REQUESTERS = frozenset({"employer", "employee", "independent", "staff"})

# The codes the deadline rules rely on; the table may add others (visits on request of a new kind).
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


@dataclass(frozen=True)
class VisitType:
    code: str
    label_fr: str
    label_en: str
    performers: frozenset[str]  # who may perform it: "doctor", "nurse", "ipa" (advanced practice)
    modalities: frozenset[str]  # "on_site", "mobile", "tele"
    minutes: int  # a slot fits when it lasts at least this long
    requesters: frozenset[str]  # "employer", "employee", "independent", "staff"
    confidential: bool  # always hidden from the employer (pré-reprise)
    objectives_fr: str
    objectives_en: str
    conduct_fr: str
    conduct_en: str
    # audience -> (fr, en) where it has words of its own (AUDIENCE_COLUMNS)
    labels_for: dict = field(default_factory=dict, compare=False)
    objectives_for: dict = field(default_factory=dict, compare=False)
    conduct_for: dict = field(default_factory=dict, compare=False)

    def label(self, locale: str, audience: str = "worker") -> str:
        """The name of the visit for the worker (and the employer), or for an independent
        (`audience="independent"`: not hired, e.g. "début d'activité")."""
        fr, en = self.labels_for.get(audience, (self.label_fr, self.label_en))
        return in_locale(locale, fr, en)

    def objectives(self, locale: str, audience: str = "worker") -> str:
        fr, en = self.objectives_for.get(audience, (self.objectives_fr, self.objectives_en))
        return in_locale(locale, fr, en)

    def conduct(self, locale: str, audience: str = "worker") -> str:
        fr, en = self.conduct_for.get(audience, (self.conduct_fr, self.conduct_en))
        return in_locale(locale, fr, en)


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
    for where, values in read_rows(source, TYPE_COLUMNS, "code", optional=AUDIENCE_COLUMNS):
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
    performers = parse_set(values, "performers", PERFORMERS)
    if "doctor" not in performers:
        raise ValueError("the médecin du travail may perform every visit: add doctor")
    return VisitType(
        code=values["code"],
        label_fr=values["label_fr"],
        label_en=values["label_en"],
        performers=performers,
        modalities=parse_set(values, "modalities", MODALITIES),
        minutes=parse_whole(values, "minutes", low=5),
        requesters=parse_set(values, "requesters", REQUESTERS),
        confidential=parse_yes_no(values, "confidential"),
        objectives_fr=values["objectives_fr"],
        objectives_en=values["objectives_en"],
        conduct_fr=values["conduct_fr"],
        conduct_en=values["conduct_en"],
        labels_for=_for_audience(values, "label", "independent"),
        objectives_for=_for_audience(values, "objectives", "employer"),
        conduct_for={
            **_for_audience(values, "conduct", "employer"),
            **_for_audience(values, "conduct", "independent"),
        },
    )


def _for_audience(values: dict[str, str], what: str, audience: str) -> dict:
    """{audience: (fr, en)} when the file words it for this audience (both languages)."""
    fr, en = values.get(f"{what}_{audience}_fr", ""), values.get(f"{what}_{audience}_en", "")
    if bool(fr) != bool(en):
        raise ValueError(f"{what}_{audience}: give both languages or neither")
    return {audience: (fr, en)} if fr else {}


def audience_of(visit) -> str:
    """Who a visit's words are for when shown to its own worker: an independent (no employee)
    or an employee."""
    return "independent" if visit.employee_id is None else "worker"


def get(code: str) -> VisitType:
    try:
        return visit_types()[code]
    except KeyError:
        raise ValueError(f"unknown visit type {code!r}") from None


def may_perform(role: str, code: str, advanced_practice: bool = False) -> bool:
    """May a professional of this role perform this visit (a nurse in advanced practice where
    the type says `ipa`)?"""
    performers = get(code).performers
    return str(role) in performers or (
        "ipa" in performers and str(role) == "nurse" and advanced_practice
    )


def allows(code: str, modality: str) -> bool:
    return str(modality) in get(code).modalities


def performers_for(
    code: str, follow: FollowUp | None = None, *, first: bool = False
) -> frozenset[str]:
    """Who may perform this visit for this worker: the type's performers, narrowed to the doctor
    when the follow-up asks for the médecin du travail (an SIR examination) or, for a disabled
    worker, for the first visit (`first`). Only the follow-up visits are narrowed, never the SIR
    intermediate visit, which any health professional may perform (R4624-28)."""
    allowed = get(code).performers
    if follow is None or code not in FOLLOW_UP_TYPES - {"sir_intermediaire"}:
        return allowed
    if follow.performed_by is Performer.DOCTOR or (
        follow.performed_by is Performer.DOCTOR_FIRST and first
    ):
        return allowed & {"doctor"}
    return allowed
