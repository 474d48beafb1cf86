"""An unknown e-mail costs a login the same password hashing as a known one, so response times
do not tell which accounts exist. Measured by counting the key-derivation calls (the work that
takes the time) instead of timing, which would be flaky."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from assistant import passwords
from assistant.models import MemberUser
from assistant.services import demo
from assistant.services.membership.staff import authenticate
from tests.factories import PASSWORD, make_staff_user


@pytest.fixture(autouse=True)
def production_hashing(monkeypatch):
    """Accounts hashed as in production (the suite hashes cheaply elsewhere)."""
    monkeypatch.setattr(passwords, "method", passwords.PRODUCTION_METHOD)


@pytest.fixture
def scrypt_calls(monkeypatch):
    """The parameters of every scrypt derivation (the standard library's, called by werkzeug)."""
    calls = []
    real = hashlib.scrypt

    def counted(password, *, salt, n, r, p, maxmem=0, dklen=64):
        calls.append((n, r, p))
        return real(password, salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=dklen)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    return calls


def _staff_login(db, email, password="wrong-password"):
    return authenticate(db, email, password, "192.0.2.1", 5, timedelta(minutes=15))


def test_staff_login_hashes_as_much_for_an_unknown_account(db, scrypt_calls):
    make_staff_user(db, "doctor", "dr@test.fr")
    db.flush()
    scrypt_calls.clear()
    assert _staff_login(db, "dr@test.fr").user is None
    known = list(scrypt_calls)
    scrypt_calls.clear()
    assert _staff_login(db, "personne@test.fr").user is None
    assert known and scrypt_calls == known  # same number of derivations, same cost parameters


def test_staff_login_hashes_as_much_for_a_disabled_account(db, scrypt_calls):
    user = make_staff_user(db, "nurse", "old@test.fr")
    user.active = False
    db.flush()
    scrypt_calls.clear()
    assert _staff_login(db, "old@test.fr", PASSWORD).user is None
    assert len(scrypt_calls) == 1


def test_member_login_hashes_as_much_for_an_unknown_account(client, db, scrypt_calls):
    demo.load(db)
    db.commit()
    assert db.scalar(select(MemberUser).where(MemberUser.email == "contact@boulangerie-dupont.fr"))
    scrypt_calls.clear()
    client.post(
        "/espace/connexion",
        data={"email": "contact@boulangerie-dupont.fr", "password": "wrong-password"},
    )
    known = list(scrypt_calls)
    scrypt_calls.clear()
    client.post(
        "/espace/connexion", data={"email": "personne@test.fr", "password": "wrong-password"}
    )
    assert known and scrypt_calls == known
