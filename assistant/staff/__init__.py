"""The back-office (/staff): login, members, planning, queue, visits, fiches, health, tariffs."""

from assistant.staff import (  # noqa: F401  (each registers its routes on bp)
    account,
    admin,
    fiche,
    health,
    members,
    menu,
    outcomes,
    pdp,
    pdp_cases,
    pdp_consent,
    planning,
    planning_agenda,
    planning_closures,
    planning_sessions,
    pre_reprise,
    queue,
    risks,
    tasks,
    tele_consent,
    workers,
)
from assistant.staff.blueprint import bp

__all__ = ["bp"]
