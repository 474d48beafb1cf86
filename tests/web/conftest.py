"""Fixtures shared by the web tests."""

import pytest

from tests.conftest import make_daily_planning


@pytest.fixture
def slots(db):
    """A place and a doctor working every day 9:00–12:00 in 30-minute slots, 3 weeks."""
    return make_daily_planning(db)
