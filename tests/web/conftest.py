"""Fixtures shared by the web tests."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import select

from assistant.models import (
    Centre,
    StaffUser,
    WorkPattern,
)
from assistant.services import planning
from assistant.timeutil import today_paris


@pytest.fixture
def slots(app, db, make_staff):
    """A place and a doctor working every day 9:00–12:00 in 30-minute slots, 3 weeks."""
    email = make_staff("doctor")
    doctor = db.scalar(select(StaffUser).where(StaffUser.email == email))
    centre = Centre(name="Centre de Paris 11", kind="fixed", address="12 rue Oberkampf")
    db.add(centre)
    db.flush()
    today = today_paris()
    for weekday in range(7):
        db.add(
            WorkPattern(
                staff_id=doctor.id,
                centre_id=centre.id,
                weekday=weekday,
                starts=time(9),
                ends=time(12),
                slot_minutes=30,
                valid_from=today,
            )
        )
    db.flush()
    planning.generate_slots(db, today, 21)
    db.commit()
    return centre
