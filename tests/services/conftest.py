"""Fixtures of the visit service tests: the small planning, an employer and its employee."""

import pytest

from tests.conftest import make_member
from tests.services.planning_fixtures import make_employee, make_planning


@pytest.fixture
def plan(db):
    """The doctor Mon–Fri 9:00–12:00 and the nurse's teleconsultations, two weeks from MONDAY."""
    return make_planning(db)


@pytest.fixture
def employer(db):
    return make_member(db, "73282932000074")


@pytest.fixture
def employee(db, employer):
    return make_employee(db, employer)
