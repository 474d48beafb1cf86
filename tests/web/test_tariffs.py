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
        data={"kind": "employee", "amount": "108,50 €", "effective_from": "2026-01-01"},
    )
    assert response.status_code == 302
    rate = db.scalar(select(TariffRate))
    assert (rate.kind, rate.amount, rate.effective_from) == (
        "employee",
        Decimal("108.50"),
        date(2026, 1, 1),
    )
    assert "108,50\u00a0€" in client.get("/tarifs").get_data(as_text=True)
    assert db.scalar(select(AuditEntry).where(AuditEntry.record_type == "tariff_rate"))


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
    staff_login("admin")
    today = today_paris()
    for start in (today - timedelta(days=30), today + timedelta(days=30)):
        client.post(
            "/staff/tarifs",
            data={"kind": "employee", "amount": "100", "effective_from": start.isoformat()},
        )
    past, future = db.scalars(select(TariffRate).order_by(TariffRate.effective_from)).all()
    client.post(f"/staff/tarifs/{past.id}/supprimer")
    client.post(f"/staff/tarifs/{future.id}/supprimer")
    db.rollback()  # end the read transaction to see the app's commits
    assert [r.id for r in db.scalars(select(TariffRate))] == [past.id]


def test_public_page_shows_the_rate_in_force_and_the_next(client, db):
    from assistant.services.membership import tariffs

    today = today_paris()
    tariffs.set_rate(db, "test", "employee", Decimal("100"), today - timedelta(days=400))
    tariffs.set_rate(db, "test", "employee", Decimal("104"), today - timedelta(days=10))
    tariffs.set_rate(db, "test", "employee", Decimal("109"), today + timedelta(days=20))
    db.commit()
    page = client.get("/tarifs").get_data(as_text=True)
    assert "104,00\u00a0€" in page and "109,00\u00a0€" in page
    assert "100,00\u00a0€" not in page
    assert "Non encore fixée" in page  # no independent rate yet
