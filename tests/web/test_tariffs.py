"""The tariff grid: edited by an administrator, published on the public page."""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from assistant.core.timeutil import today_paris
from assistant.models import AuditEntry, TariffRate


def test_admin_adds_a_rate_with_a_french_decimal_comma(client, db, staff_login):
    staff_login("admin")
    response = client.post(
        "/staff/tarifs",
        data={"kind": "employee", "amount": "108,50 €", "effective_from": "2027-01-01"},
    )
    assert response.status_code == 302
    rate = db.scalar(select(TariffRate))
    assert (rate.kind, rate.amount, rate.effective_from) == (
        "employee",
        Decimal("108.50"),
        date(2027, 1, 1),
    )
    assert "108,50\u00a0€" in client.get("/tarifs").get_data(as_text=True)
    assert db.scalar(select(AuditEntry).where(AuditEntry.record_type == "tariff_rate"))


def test_a_rate_in_force_cannot_be_rewritten_from_a_past_date(client, db, staff_login, demo_data):
    """The defect: 110 € became 90 € from a past date, the public page changed, members were
    still billed 110 €, the audit kept no old amount."""
    db.commit()
    staff_login("admin")
    for start in ("2026-01-01", "2026-06-01", today_paris().isoformat()):
        response = client.post(
            "/staff/tarifs", data={"kind": "employee", "amount": "90", "effective_from": start}
        )
        assert response.status_code == 400, start
        page = response.get_data(as_text=True)
        assert 'id="effective_from-error"' in page
        assert "Un tarif en vigueur ne se modifie pas" in page and "23/11/2026" in page
    db.rollback()
    amounts = db.scalars(select(TariffRate.amount).where(TariffRate.kind == "employee")).all()
    assert sorted(amounts) == [Decimal("110.00"), Decimal("115.00")]
    public = client.get("/tarifs").get_data(as_text=True)
    assert "110,00\u00a0€" in public and "90,00\u00a0€" not in public


def test_a_change_is_a_new_future_rate_and_the_audit_keeps_old_and_new(
    client, db, staff_login, demo_data
):
    db.commit()
    staff_login("admin")
    start = (today_paris() + timedelta(days=10)).isoformat()
    for amount in ("90", "92"):
        response = client.post(
            "/staff/tarifs", data={"kind": "employee", "amount": amount, "effective_from": start}
        )
        assert response.status_code == 302
    public = client.get("/tarifs").get_data(as_text=True)
    assert "110,00\u00a0€" in public and "92,00\u00a0€" in public  # in force, then announced
    db.rollback()
    new = db.scalar(select(TariffRate).where(TariffRate.amount == Decimal("92")))
    details = db.scalars(
        select(AuditEntry.detail)
        .where(AuditEntry.record_type == "tariff_rate", AuditEntry.record_id == str(new.id))
        .order_by(AuditEntry.id)
    ).all()
    assert "until then: 110.00 from 2026-01-01" in details[0]
    assert "90.00 -> 92.00" in details[1]


def test_bad_amount_gets_a_field_error_and_keeps_the_rest(client, staff_login):
    staff_login("admin")
    response = client.post(
        "/staff/tarifs",
        data={"kind": "independent", "amount": "cent euros", "effective_from": "2027-01-01"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="amount-error"' in page
    assert 'value="2027-01-01"' in page
    assert '<option selected value="independent">' in page


def test_negative_amount_refused(client, staff_login):
    staff_login("admin")
    response = client.post(
        "/staff/tarifs", data={"kind": "employee", "amount": "-3", "effective_from": "2027-01-01"}
    )
    assert "Le montant doit être compris entre 0 et 100 000 €." in response.get_data(as_text=True)


def test_same_date_replaces_the_amount(client, db, staff_login):
    staff_login("admin")
    for amount in ("100", "101"):
        client.post(
            "/staff/tarifs",
            data={"kind": "employee", "amount": amount, "effective_from": "2027-01-01"},
        )
    rates = db.scalars(select(TariffRate)).all()
    assert [r.amount for r in rates] == [Decimal("101.00")]


def test_only_future_rates_can_be_deleted(client, db, staff_login):
    from assistant.services.membership import tariffs

    today = today_paris()
    tariffs.load_grid(db, "test", [("employee", Decimal("100"), today - timedelta(days=30))])
    tariffs.set_rate(db, "test", "employee", Decimal("100"), today + timedelta(days=30), today)
    db.commit()
    staff_login("admin")
    past, future = db.scalars(select(TariffRate).order_by(TariffRate.effective_from)).all()
    client.post(f"/staff/tarifs/{past.id}/supprimer")
    client.post(f"/staff/tarifs/{future.id}/supprimer")
    db.rollback()  # end the read transaction to see the app's commits
    assert [r.id for r in db.scalars(select(TariffRate))] == [past.id]


def test_public_page_shows_the_rate_in_force_and_the_next(client, db):
    from assistant.services.membership import tariffs

    today = today_paris()
    tariffs.load_grid(
        db,
        "test",
        [
            ("employee", Decimal("100"), today - timedelta(days=400)),
            ("employee", Decimal("104"), today - timedelta(days=10)),
        ],
    )
    tariffs.set_rate(db, "test", "employee", Decimal("109"), today + timedelta(days=20), today)
    db.commit()
    page = client.get("/tarifs").get_data(as_text=True)
    assert "104,00\u00a0€" in page and "109,00\u00a0€" in page
    assert "100,00\u00a0€" not in page
    assert "Non encore fixée" in page  # no independent rate yet
