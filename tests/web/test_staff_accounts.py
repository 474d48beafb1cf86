"""The staff accounts the administrator keeps: a nurse in advanced practice (IPA), who holds the
mid-career visit with the médecin du travail (L4624-2-2)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assistant.models import AuditEntry, Role, StaffUser
from tests.factories import make_staff_user
from tests.web.helpers import fresh, read


@pytest.mark.parametrize("role", list(Role))
def test_only_the_administrator_keeps_the_accounts(client, db, staff_login, role):
    nurse = make_staff_user(db, "nurse")
    db.commit()
    staff_login(role)
    expected = 200 if role == Role.ADMIN else 403
    assert client.get("/staff/comptes").status_code == expected
    assert client.get(f"/staff/comptes/{nurse.id}").status_code == expected
    response = client.post(f"/staff/comptes/{nurse.id}", data={"advanced_practice": "y"})
    assert response.status_code == (302 if role == Role.ADMIN else 403)


def test_L4624_2_2_the_administrator_marks_a_nurse_in_advanced_practice(client, db, staff_login):
    nurse = make_staff_user(db, "nurse", name="Hugo Ipa")
    db.commit()
    staff_login("admin")
    assert "Infirmier en pratique avancée (IPA)" in read(client.get(f"/staff/comptes/{nurse.id}"))
    response = client.post(f"/staff/comptes/{nurse.id}", data={"advanced_practice": "y"})
    assert response.status_code == 302
    fresh(db)
    assert db.get(StaffUser, nurse.id).advanced_practice is True
    listing = read(client.get("/staff/comptes"))
    assert "Hugo Ipa" in listing and ">IPA<" in listing
    (entry,) = db.scalars(
        select(AuditEntry).where(
            AuditEntry.record_type == "staff_user", AuditEntry.action == "update"
        )
    ).all()
    assert entry.record_id == str(nurse.id) and entry.detail == "advanced_practice=True"
    client.post(f"/staff/comptes/{nurse.id}", data={})  # unticked
    fresh(db)
    assert db.get(StaffUser, nurse.id).advanced_practice is False


def test_L4624_2_2_only_a_nurse_practises_in_advanced_practice(client, db, staff_login):
    secretary = make_staff_user(db, "secretary")
    db.commit()
    staff_login("admin")
    response = client.post(f"/staff/comptes/{secretary.id}", data={"advanced_practice": "y"})
    assert response.status_code == 400
    assert "Seul un infirmier peut exercer en pratique avancée." in read(response)
    fresh(db)
    assert db.get(StaffUser, secretary.id).advanced_practice is False
    assert client.get("/staff/comptes/2147483647").status_code == 404
