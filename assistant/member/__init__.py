"""The member's space (/espace): login, score, workforce, declaration, visits, fiches, documents."""

from assistant.member import (  # noqa: F401  (each registers its routes on bp)
    account,
    declaration,
    documents_visits,
    email_proof,
    fiche,
    pdp,
    pdp_letters,
    tele_consent,
    visit_booking,
    visit_common,
    visit_requests,
    visits,
    workforce,
)
from assistant.member.blueprint import bp

__all__ = ["bp"]
