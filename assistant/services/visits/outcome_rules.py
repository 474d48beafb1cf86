"""Which document closes which visit, and who receives it (Code du travail, issue 14).

- An SIR aptitude exam ends with an avis d'aptitude or d'inaptitude (R4624-25), never an
  attestation; a VIP with an attestation de suivi (R4624-14): no aptitude outside SIR.
- A reprise by the doctor: an avis when the worker is in SIR, else an attestation; an inaptitude
  always possible (R4624-32). A visit on request: the same, the attestation first.
- A pré-reprise gives recommendations only (R4624-30), for the worker alone.
- The attestation d'absence de contre-indication médicale (ACI, décret 2025-355), or its refusal,
  is handed to the worker, valid 5 years; the employer never receives it from the service.
- A post-exposure visit ends with the état des expositions, for the worker (L4624-2-1).
- Mid-career, orientation, intermediate SIR visits: an attestation de suivi; a collective
  information or a rendez-vous de liaison: an attestation de présence.
No database here but the worker's follow-up, read for a reprise or a visit on request."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import object_session

from assistant.models import MemberKind, OutcomeKind, Role, Visit
from assistant.services.followup.followup_table import Category

K = OutcomeKind
AVIS = frozenset({K.APTITUDE, K.INAPTITUDE})
# the médecin du travail's alone
DOCTOR_ONLY = frozenset(
    {K.APTITUDE, K.INAPTITUDE, K.RECOMMENDATIONS, K.NO_CONTRAINDICATION, K.CONTRAINDICATION}
    | {K.EXPOSURES}
)
# documents the employer receives (and the worker too); the others go to the worker alone
FOR_EMPLOYER = frozenset({K.ATTESTATION, K.APTITUDE, K.INAPTITUDE, K.PRESENCE})
# medical decisions contestable before the conseil de prud'hommes (L4624-7); proposals too
CONTESTABLE = frozenset({K.APTITUDE, K.INAPTITUDE, K.CONTRAINDICATION})
ACI = frozenset({K.NO_CONTRAINDICATION, K.CONTRAINDICATION})
# documents that print no next due date (the ACI has its own validity)
NO_NEXT_DUE = ACI | {K.EXPOSURES}
ACI_VALID_YEARS = 5

BY_TYPE: dict[str, tuple[OutcomeKind, ...]] = {
    "vip_initiale": (K.ATTESTATION,),
    "vip_periodique": (K.ATTESTATION,),
    "sir_embauche": (K.APTITUDE, K.INAPTITUDE),
    "sir_periodique": (K.APTITUDE, K.INAPTITUDE),
    "sir_intermediaire": (K.ATTESTATION,),
    "pre_reprise": (K.RECOMMENDATIONS,),
    "liaison": (K.PRESENCE,),
    "mi_carriere": (K.ATTESTATION,),
    "post_exposition": (K.EXPOSURES,),
    "vip_collective": (K.PRESENCE,),
    "aci": (K.NO_CONTRAINDICATION, K.CONTRAINDICATION),
    "orientation": (K.ATTESTATION,),
}


def _in_sir(visit: Visit) -> bool:
    from assistant.services.visits.next_due import follow_up_of

    session = object_session(visit)
    follow = follow_up_of(session, visit) if session is not None else None
    return follow is not None and follow.category is Category.SIR


def kinds_of_visit(visit: Visit) -> tuple[OutcomeKind, ...]:
    """The documents this visit may end with, the usual one first, whoever records it."""
    if visit.visit_type == "reprise":
        return (K.APTITUDE, K.INAPTITUDE) if _in_sir(visit) else (K.ATTESTATION, K.INAPTITUDE)
    if visit.visit_type == "demande":
        sir = _in_sir(visit)
        return (K.ATTESTATION, *((K.APTITUDE,) if sir else ()), K.INAPTITUDE)
    return BY_TYPE.get(visit.visit_type, (K.ATTESTATION,))


def kinds_for(role: str, visit: Visit) -> list[str]:
    """The documents this professional may issue after this visit, the usual one first."""
    if str(role) == Role.DOCTOR:
        return list(kinds_of_visit(visit))
    if str(role) == Role.NURSE:
        return [kind for kind in kinds_of_visit(visit) if kind not in DOCTOR_ONLY]
    return []


def for_employer(kind: str) -> bool:
    return kind in FOR_EMPLOYER


def independents_own(visit: Visit) -> bool:
    """An independent worker's own visit: they are the worker, every document is theirs."""
    return visit.employee_id is None and visit.member.kind == MemberKind.INDEPENDENT


def employer_may_read(visit: Visit) -> bool:
    """Whether the member's space may show this visit's document to the member: an employer
    reads the documents the law addresses to them, never a confidential visit's; an independent
    reads all their own."""
    if visit.outcome is None:
        return False
    if independents_own(visit):
        return True
    return not visit.confidential and for_employer(visit.outcome.kind)


def valid_until(kind: str, day: date) -> date | None:
    """The attestation d'absence de contre-indication is valid 5 years from the visit."""
    if kind != K.NO_CONTRAINDICATION:
        return None
    try:
        return day.replace(year=day.year + ACI_VALID_YEARS)
    except ValueError:  # 29 February
        return date(day.year + ACI_VALID_YEARS, 2, 28)
