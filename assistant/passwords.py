"""Password hashing for every account (staff and members), with one method named here."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

# werkzeug's default (scrypt, n=2**15), which login_limit.DUMMY_HASH matches. The test suite
# alone lowers it (tests/conftest.py): hashing is most of the cost of building an account there.
PRODUCTION_METHOD = "scrypt"
method = PRODUCTION_METHOD


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=method)


def password_matches(password_hash: str | None, password: str) -> bool:
    return bool(password_hash) and check_password_hash(password_hash, password)


class SignIn:
    """What Flask-Login reads of a signed-in row (its `UserMixin` protocol), written without
    importing Flask: the models stay importable by the worker and the services alone. The row
    says whether it is active and gives its id with a prefix telling staff and members apart."""

    is_anonymous = False
    __hash__ = object.__hash__  # defining __eq__ would otherwise remove it

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return self.is_active

    def get_id(self) -> str:
        return f"{self.login_prefix}:{self.id}"

    def __eq__(self, other):
        if isinstance(other, SignIn):
            return self.get_id() == other.get_id()
        return NotImplemented
