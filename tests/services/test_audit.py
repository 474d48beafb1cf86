"""The audit log records who did what to which record, inside the caller's transaction."""

from assistant.models import StaffUser
from assistant.services import audit


def test_record_and_read_back(db):
    user = StaffUser(email="a@b.fr", full_name="A", role="doctor", password_hash="x")
    db.add(user)
    db.flush()
    audit.record(db, user, "read", "member", 42, "fiche", ip="127.0.0.1")
    audit.record(db, None, "update", "member", 42)
    db.commit()
    entries = audit.entries_for(db, "member", 42)
    assert [(e.actor, e.action) for e in entries] == [
        ("system", "update"),
        (f"staff:{user.id}", "read"),
    ]
    assert entries[1].at.tzinfo is not None


def test_entries_vanish_with_a_rolled_back_change(db):
    audit.record(db, "phone:+33600000000", "create", "member", 1)
    db.rollback()
    assert audit.entries_for(db, "member", 1) == []
