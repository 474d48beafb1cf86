"""One-time codes: 6 digits, 10 minutes, 5 attempts, 3 codes per 15 minutes, only a hash kept."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from assistant.models import OneTimeCode
from assistant.services import otp
from assistant.services.otp import CodeCheck

PHONE = "+33612345678"
NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_issue_gives_six_digits(db):
    code = otp.issue(db, PHONE, "login", NOW)
    assert re.fullmatch(r"\d{6}", code)


def test_a_code_works_once(db):
    code = otp.issue(db, PHONE, "login", NOW)
    db.commit()  # read back from the database, as the next request would
    assert otp.verify(db, PHONE, "login", code, NOW + timedelta(minutes=1)) == CodeCheck.OK
    db.commit()
    assert otp.verify(db, PHONE, "login", code, NOW + timedelta(minutes=2)) == CodeCheck.EXPIRED


@pytest.mark.parametrize(
    ("phone", "purpose"), [(PHONE, "adhesion"), ("+33781234567", "login")], ids=["purpose", "phone"]
)
def test_a_code_proves_only_its_phone_and_purpose(db, phone, purpose):
    code = otp.issue(db, PHONE, "login", NOW)
    assert otp.verify(db, phone, purpose, code, NOW) == CodeCheck.EXPIRED


def test_typed_with_spaces(db):
    code = otp.issue(db, PHONE, "login", NOW)
    assert otp.verify(db, PHONE, "login", f" {code[:3]} {code[3:]} ", NOW) == CodeCheck.OK


def test_wrong_code_then_too_many_attempts(db):
    code = otp.issue(db, PHONE, "login", NOW)
    results = [otp.verify(db, PHONE, "login", other_code(code), NOW) for _ in range(5)]
    assert results == [CodeCheck.WRONG] * 4 + [CodeCheck.TOO_MANY]
    db.commit()
    # after 5 attempts, even the right code is refused
    assert otp.verify(db, PHONE, "login", code, NOW) == CodeCheck.TOO_MANY


def test_right_code_on_the_fifth_attempt(db):
    code = otp.issue(db, PHONE, "login", NOW)
    for _ in range(4):
        assert otp.verify(db, PHONE, "login", other_code(code), NOW) == CodeCheck.WRONG
    assert otp.verify(db, PHONE, "login", code, NOW) == CodeCheck.OK


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (timedelta(minutes=9, seconds=59), CodeCheck.OK),
        (timedelta(minutes=10), CodeCheck.EXPIRED),
        (timedelta(hours=2), CodeCheck.EXPIRED),
    ],
)
def test_code_expires_after_ten_minutes(db, after, expected):
    code = otp.issue(db, PHONE, "login", NOW)
    db.commit()
    assert otp.verify(db, PHONE, "login", code, NOW + after) == expected


def test_the_latest_code_counts(db):
    first = otp.issue(db, PHONE, "login", NOW)
    second = otp.issue(db, PHONE, "login", NOW + timedelta(minutes=1))
    if first != second:
        assert otp.verify(db, PHONE, "login", first, NOW + timedelta(minutes=2)) == CodeCheck.WRONG
    assert otp.verify(db, PHONE, "login", second, NOW + timedelta(minutes=2)) == CodeCheck.OK


def test_at_most_three_codes_in_fifteen_minutes(db):
    for minute in range(3):
        otp.issue(db, PHONE, "login", NOW + timedelta(minutes=minute))
    db.commit()
    with pytest.raises(otp.TooManyCodes):
        otp.issue(db, PHONE, "login", NOW + timedelta(minutes=14))
    with pytest.raises(otp.TooManyCodes):
        otp.issue(db, PHONE, "adhesion", NOW + timedelta(minutes=5))
    # another phone is not held back
    otp.issue(db, "+33781234567", "login", NOW + timedelta(minutes=5))
    # the first code leaves the window at 15 minutes
    otp.issue(db, PHONE, "login", NOW + timedelta(minutes=15, seconds=1))


def test_only_a_hash_is_stored(db):
    code = otp.issue(db, PHONE, "login", NOW)
    db.commit()
    row = db.execute(text("SELECT * FROM one_time_code")).one()
    assert all(code not in str(value) for value in row)
    stored = db.scalar(select(OneTimeCode))
    assert stored.code_hash != code and len(stored.code_hash) == 64
