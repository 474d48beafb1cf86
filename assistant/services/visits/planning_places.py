"""The places where visits happen (fixed centres, mobile centres, teleconsultation), as staff
create and change them. A place closed, or of another kind (so another modality), loses its future
slots, the visits still booked in them returned to be moved; opened again, or of another kind,
its professionals' slots are generated again up to the horizon the planning had. Each change says
what it did in a `PlanningChange`; none commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.core.timeutil import PARIS
from assistant.models import Centre, Slot, WorkPattern
from assistant.services import audit
from assistant.services.visits.planning import (
    PlanningChange,
    regenerate,
    slot_horizon,
    withdraw_slots,
)


@dataclass(frozen=True)
class Place:
    """What staff say of a place."""

    name: str
    kind: str
    address: str | None = None
    postcode: str | None = None
    city: str | None = None
    phone: str | None = None
    active: bool = True

    def apply_to(self, centre: Centre) -> None:
        centre.name = self.name
        centre.kind = self.kind
        centre.address = self.address
        centre.postcode = self.postcode
        centre.city = self.city
        centre.phone = self.phone
        centre.active = self.active


def create_centre(session: Session, actor, place: Place) -> Centre:
    centre = Centre()
    place.apply_to(centre)
    session.add(centre)
    session.flush()
    audit.record(session, actor, "create", "centre", centre.id)
    return centre


def update_centre(
    session: Session, actor, centre: Centre, place: Place, now: datetime
) -> PlanningChange:
    """Change a place. Closed, or of another kind (so another modality), it loses its future
    slots; opened again, or of another kind, its professionals' slots are generated again up to
    the horizon the planning had."""
    was_active, old_kind = centre.active, centre.kind
    horizon = slot_horizon(session)
    place.apply_to(centre)
    change = PlanningChange()
    if (was_active and not centre.active) or old_kind != centre.kind:
        future = list(
            session.scalars(select(Slot).where(Slot.centre_id == centre.id, Slot.starts_at > now))
        )
        change = withdraw_slots(session, future)
    if centre.active and (not was_active or old_kind != centre.kind):
        session.flush()
        staff_ids = session.scalars(
            select(WorkPattern.staff_id).where(WorkPattern.centre_id == centre.id).distinct()
        ).all()
        today = now.astimezone(PARIS).date()
        for staff_id in staff_ids:
            change += PlanningChange(created=regenerate(session, staff_id, horizon, today))
    audit.record(
        session, actor, "update", "centre", centre.id, "active" if centre.active else "inactive"
    )
    return change
