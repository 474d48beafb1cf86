"""The back-office menu: which pages each role sees. An entry is shown only to the roles its
view lets in (its `role_required`), so a link never leads to a 403; `only` narrows further where
two pages do one job (the planners' planning, the professionals' own agenda)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from flask_login import current_user

from assistant.core.text import _l
from assistant.models import Role, StaffUser
from assistant.staff.access import HEALTH
from assistant.staff.blueprint import bp

# the cell's queue: a nurse or an IPRP opens it only once added to a case, so not from the menu
PDP_LIST = (Role.PDP, Role.DOCTOR, Role.ADMIN, Role.SECRETARY)


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: object  # a lazy string
    only: frozenset[str] | None = None  # None: every role the view allows


MENU = (
    Entry("staff.dashboard", _l("Tableau de bord")),
    Entry("staff.member_search", _l("Adhérents")),
    Entry("staff.fiches_due", _l("Fiches d'entreprise")),
    Entry("staff.planning_overview", _l("Planning")),
    Entry("staff.planning_agenda", _l("Mon agenda"), frozenset(HEALTH)),
    Entry("staff.visit_queue", _l("File d'attente")),
    Entry("staff.outcomes_to_record", _l("Visites à clore")),
    Entry("staff.organised_by_the_service", _l("À organiser")),
    Entry("staff.pending_members", _l("Adhésions à valider")),
    Entry("staff.pdp_queue", _l("Cellule PDP"), frozenset(PDP_LIST)),
    Entry("staff.tasks", _l("Rappels")),
    Entry("staff.staff_accounts_list", _l("Comptes")),
    Entry("staff.tariff_grid", _l("Tarifs")),
    Entry("staff.risk_catalogue", _l("Catalogue des risques")),
    Entry("staff.audit_log", _l("Journal d'accès")),
)

OPEN_TO_ALL_STAFF = {"staff.dashboard"}


def entries_for(role: str) -> list[Entry]:
    """The menu of `role`, in order."""
    views = current_app.view_functions
    shown = []
    for entry in MENU:
        allowed = getattr(views[entry.endpoint], "allowed_roles", None)
        if entry.endpoint not in OPEN_TO_ALL_STAFF and (allowed is None or role not in allowed):
            continue
        if entry.only is not None and role not in entry.only:
            continue
        shown.append(entry)
    return shown


@bp.app_context_processor
def _staff_menu():
    def staff_menu() -> list[tuple[str, str]]:
        """(url, label) of the signed-in staff member's menu; empty for anyone else."""
        if not isinstance(current_user, StaffUser):
            return []
        return [(url_for(e.endpoint), str(e.label)) for e in entries_for(current_user.role)]

    return {"staff_menu": staff_menu}
