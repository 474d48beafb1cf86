"""One-time codes: 6 digits, 10 minutes, 5 attempts, 3 codes per 15 minutes, only a hash kept."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from assistant.database import make_engine
from assistant.models import OneTimeCode
from assistant.services.membership import otp
from assistant.services.membership.otp import CodeCheck

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


# --- caps per address and overall, one message, a counter that cannot be lost ----------------


def test_at_most_ten_codes_per_address(db):
    for number in range(10):
        otp.issue(db, f"+336000000{number:02d}", "login", NOW, ip="192.0.2.7")
    with pytest.raises(otp.TooManyCodes):
        otp.issue(db, "+33600000099", "login", NOW + timedelta(minutes=1), ip="192.0.2.7")
    otp.issue(db, "+33600000099", "login", NOW + timedelta(minutes=1), ip="192.0.2.8")
    otp.issue(db, "+33600000098", "login", NOW + timedelta(minutes=15, seconds=1), ip="192.0.2.7")


def test_a_cap_on_all_codes_together(db):
    limits = otp.CodeLimits(per_phone=3, per_ip=10, overall=4)
    for number in range(4):
        phone, ip = f"+336000000{number:02d}", f"192.0.2.{number}"
        otp.issue(db, phone, "login", NOW, ip=ip, limits=limits)
    with pytest.raises(otp.TooManyCodes):
        otp.issue(db, "+33600000099", "login", NOW, ip="198.51.100.1", limits=limits)


def test_limits_come_from_the_configuration():
    config = {"OTP_MAX_PER_PHONE": 2, "OTP_MAX_PER_IP": 6, "OTP_MAX_OVERALL": 50}
    limits = otp.CodeLimits.from_config(config)
    assert limits == otp.CodeLimits(per_phone=2, per_ip=6, overall=50)


def test_wrong_and_expired_codes_get_one_message():
    """Known and unknown numbers (which never had a code) must read the same answer."""
    assert otp.CHECK_MESSAGES[CodeCheck.WRONG] == otp.CHECK_MESSAGES[CodeCheck.EXPIRED]


RACERS = 20


def test_parallel_guesses_are_all_counted(app, database):
    """20 connections guess at the same instant: only 5 guesses are ever compared, the counter
    reaches exactly 5, and no guess fails on a lock."""
    url, options = database
    engine = make_engine(url, poolclass=NullPool, **options)  # one real connection per thread
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    with sessions() as session:
        code = otp.issue(session, PHONE, "login", NOW)
        session.commit()
    start = threading.Barrier(RACERS)

    def guess(_number) -> str:
        with sessions() as session:
            start.wait()
            result = otp.verify(session, PHONE, "login", other_code(code), NOW)
            session.commit()
            return result

    with ThreadPoolExecutor(RACERS) as pool:
        results = list(pool.map(guess, range(RACERS)))
    assert results.count(CodeCheck.WRONG) == otp.MAX_ATTEMPTS - 1
    assert results.count(CodeCheck.TOO_MANY) == RACERS - otp.MAX_ATTEMPTS + 1
    with sessions() as session:
        assert session.scalar(select(OneTimeCode.attempts)) == otp.MAX_ATTEMPTS
        assert otp.verify(session, PHONE, "login", code, NOW) == CodeCheck.TOO_MANY
    engine.dispose()


def test_a_code_used_elsewhere_meanwhile_is_not_used_twice(db, app):
    other = app.extensions["database"]["sessionmaker"]()
    code = otp.issue(db, PHONE, "login", NOW)
    db.commit()
    assert otp.verify(other, PHONE, "login", code, NOW) == CodeCheck.OK
    other.commit()
    assert otp.verify(db, PHONE, "login", code, NOW) == CodeCheck.EXPIRED
    other.close()
