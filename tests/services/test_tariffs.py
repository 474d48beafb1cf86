"""The tariff service: rate on a date and the amount due."""

from datetime import date
from decimal import Decimal

import pytest

from assistant.services.membership import tariffs


def test_rate_on_a_date_and_amount_due(db):
    tariffs.set_rate(db, "test", "employee", Decimal("110"), date(2026, 1, 1))
    tariffs.set_rate(db, "test", "employee", Decimal("115"), date(2027, 1, 1))
    assert tariffs.rate_on(db, "employee", date(2025, 12, 31)) is None
    assert tariffs.rate_on(db, "employee", date(2026, 12, 31)).amount == Decimal("110")
    assert tariffs.rate_on(db, "employee", date(2027, 1, 1)).amount == Decimal("115")
    assert tariffs.amount_due(db, "employee", 6, date(2026, 6, 1)) == Decimal("660.00")
    with pytest.raises(tariffs.TariffError):
        tariffs.amount_due(db, "independent", 1, date(2026, 6, 1))


def test_unknown_kind_and_negative_amounts_are_refused(db):
    with pytest.raises(tariffs.TariffError):
        tariffs.set_rate(db, "test", "robot", Decimal("1"), date(2026, 1, 1))
    with pytest.raises(tariffs.TariffError):
        tariffs.set_rate(db, "test", "employee", Decimal("-1"), date(2026, 1, 1))
