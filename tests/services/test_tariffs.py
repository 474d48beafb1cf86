"""The tariff service: rate on a date and the amount due."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from assistant.models import AuditEntry, TariffRate
from assistant.services.membership import tariffs

TODAY = date(2026, 11, 23)


def test_rate_on_a_date_and_amount_due(db):
    tariffs.load_grid(db, "test", [("employee", Decimal("110"), date(2026, 1, 1))])
    tariffs.set_rate(db, "test", "employee", Decimal("115"), date(2027, 1, 1), TODAY)
    assert tariffs.rate_on(db, "employee", date(2025, 12, 31)) is None
    assert tariffs.rate_on(db, "employee", date(2026, 12, 31)).amount == Decimal("110")
    assert tariffs.rate_on(db, "employee", date(2027, 1, 1)).amount == Decimal("115")
    assert tariffs.amount_due(db, "employee", 6, date(2026, 6, 1)) == Decimal("660.00")
    with pytest.raises(tariffs.TariffError):
        tariffs.amount_due(db, "independent", 1, date(2026, 6, 1))


def test_unknown_kind_and_negative_amounts_are_refused(db):
    with pytest.raises(tariffs.TariffError):
        tariffs.set_rate(db, "test", "robot", Decimal("1"), date(2027, 1, 1), TODAY)
    with pytest.raises(tariffs.TariffError):
        tariffs.set_rate(db, "test", "employee", Decimal("-1"), date(2027, 1, 1), TODAY)


def test_a_rate_in_force_is_never_rewritten_from_a_past_date(db):
    """The defect: 110 € in force became 90 € from a past date, the audit kept no old amount."""
    tariffs.load_grid(db, "test", [("employee", Decimal("110"), date(2026, 1, 1))])
    for start in (date(2026, 1, 1), date(2026, 6, 1), TODAY):
        with pytest.raises(tariffs.FutureDateRequired):
            tariffs.set_rate(db, "admin", "employee", Decimal("90"), start, TODAY)
    assert [r.amount for r in db.scalars(select(TariffRate))] == [Decimal("110")]
    assert tariffs.amount_due(db, "employee", 1, TODAY) == Decimal("110.00")


def test_a_change_is_a_new_rate_from_a_future_date_with_old_and_new_in_the_audit(db):
    tariffs.load_grid(db, "test", [("employee", Decimal("110"), date(2026, 1, 1))])
    rate = tariffs.set_rate(db, "admin", "employee", Decimal("90"), date(2027, 1, 1), TODAY)
    assert tariffs.rate_on(db, "employee", TODAY).amount == Decimal("110")
    assert tariffs.rate_on(db, "employee", date(2027, 1, 1)).amount == Decimal("90")
    # a rate still to come may be corrected: the audit says from what to what
    tariffs.set_rate(db, "admin", "employee", Decimal("95"), date(2027, 1, 1), TODAY)
    details = db.scalars(
        select(AuditEntry.detail)
        .where(AuditEntry.record_type == "tariff_rate", AuditEntry.record_id == str(rate.id))
        .order_by(AuditEntry.id)
    ).all()
    assert "90.00 from 2027-01-01" in details[0] and "110.00 from 2026-01-01" in details[0]
    assert "90.00 -> 95.00" in details[1]


def test_the_opening_grid_is_loaded_once(db):
    tariffs.load_grid(db, "test", [("employee", Decimal("110"), date(2026, 1, 1))])
    with pytest.raises(tariffs.TariffError):
        tariffs.load_grid(db, "test", [("employee", Decimal("90"), date(2026, 6, 1))])
