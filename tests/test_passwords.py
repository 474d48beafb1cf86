"""Accounts are hashed with werkzeug's scrypt in production, cheaply in this suite."""

import subprocess
import sys

from sqlalchemy import select

from assistant.models import StaffUser
from assistant.services.membership.login_limit import DUMMY_HASH


def test_production_hashes_with_the_method_of_the_dummy_hash():
    # a fresh interpreter: this suite's conftest lowers the cost in its own process
    script = "from assistant.passwords import hash_password; print(hash_password('x'))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out.split("$")[0] == DUMMY_HASH.split("$")[0] == "scrypt:32768:8:1"


def test_the_suite_hashes_cheaply(make_staff, db):
    email = make_staff("doctor")
    user = db.scalar(select(StaffUser).where(StaffUser.email == email))
    assert user.password_hash.startswith("pbkdf2:sha256:1$")
    assert user.check_password("correct-horse-battery")
