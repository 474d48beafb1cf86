"""Password hashing for every account (staff and members), with one method named here."""

from __future__ import annotations

from werkzeug.security import generate_password_hash

# werkzeug's default (scrypt, n=2**15), which login_limit.DUMMY_HASH matches. The test suite
# alone lowers it (tests/conftest.py): hashing is most of the cost of building an account there.
PRODUCTION_METHOD = "scrypt"
method = PRODUCTION_METHOD


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=method)
