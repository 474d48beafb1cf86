"""When a person would rather come, read from a text message (issue 15: "plutôt la semaine
prochaine" got "Répondez 1, 2 ou 3"): days, dates, parts of the day, "plus tard", in French and
English, with typos, accents and any case."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from assistant.core.timeutil import PARIS
from assistant.core.when_wished import Wish, parse_wish

TODAY = date(2026, 11, 23)  # the fixed clock's Monday


@pytest.mark.parametrize(
    ("text", "wish"),
    [
        ("mardi", Wish(weekday=1)),
        ("Mardi", Wish(weekday=1)),
        ("MARDII", Wish(weekday=1)),
        ("tuesday", Wish(weekday=1)),
        ("Tusday", Wish(weekday=1)),
        ("mercredi prochain", Wish(weekday=2)),
        ("vendedi", Wish(weekday=4)),
        ("le 3 décembre", Wish(day=3, month=12)),
        ("le 3 decembre", Wish(day=3, month=12)),
        ("3 déc.", Wish(day=3, month=12)),
        ("3/12", Wish(day=3, month=12)),
        ("03/12/2026", Wish(day=3, month=12, year=2026)),
        ("December 3", Wish(day=3, month=12)),
        ("december 3rd", Wish(day=3, month=12)),
        ("1er décembre", Wish(day=1, month=12)),
        ("plutôt la semaine prochaine", Wish(next_week=True)),
        ("semaine prochaine svp", Wish(next_week=True)),
        ("semaine prochiane", Wish(next_week=True)),
        ("next week", Wish(next_week=True)),
        ("après-midi", Wish(part="afternoon")),
        ("apres midi", Wish(part="afternoon")),
        ("l'aprèm", Wish(part="afternoon")),
        ("in the afternoon", Wish(part="afternoon")),
        ("le matin", Wish(part="morning")),
        ("Morning please", Wish(part="morning")),
        ("plus tard", Wish(later=True)),
        ("plus tar", Wish(later=True)),
        ("later", Wish(later=True)),
        ("demain", Wish(in_days=1)),
        ("mardi après-midi", Wish(weekday=1, part="afternoon")),
        ("la semaine prochaine le matin", Wish(next_week=True, part="morning")),
        ("next week in the morning", Wish(next_week=True, part="morning")),
        ("jeudi 3/12 matin", Wish(day=3, month=12, weekday=3, part="morning")),
        ("plus tard l'après-midi", Wish(later=True, part="afternoon")),
    ],
)
def test_a_wish_is_read_in_french_and_english_leniently(text, wish):
    assert parse_wish(text) == wish


@pytest.mark.parametrize("text", ["2", "12", "zzz", "peut-être", "le cinq", "bof", "", "merci"])
def test_no_day_no_moment_is_no_wish(text):
    assert parse_wish(text) is None


def paris(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=PARIS)


def test_next_week_runs_from_monday_to_sunday():
    window = Wish(next_week=True, part="morning").window(TODAY)
    assert window.start == paris(30, 0) and window.last == date(2026, 12, 6)
    assert window.fits(paris(30, 9)) and not window.fits(paris(30, 14))
    assert not window.fits(paris(27, 9)) and not window.fits(paris(7, 9, month=12))
    assert window.next_moment(paris(30, 13)) == paris(1, 0, month=12)
    assert window.next_moment(paris(6, 13, month=12)) is None


def test_a_weekday_in_the_afternoon_jumps_to_the_next_one():
    window = Wish(weekday=1, part="afternoon").window(TODAY)
    assert window.next_moment(paris(23, 8)) == paris(24, 12)
    assert window.next_moment(paris(24, 15)) == paris(24, 15)
    assert window.next_moment(paris(25, 9)) == paris(1, 12, month=12)


def test_a_date_without_a_year_is_the_next_to_come():
    assert Wish(day=3, month=12).window(TODAY).last == date(2026, 12, 3)
    assert Wish(day=2, month=1).window(TODAY).last == date(2027, 1, 2)
    assert Wish(day=20, month=11).window(TODAY).last == date(2027, 11, 20)


def test_later_is_after_the_slots_offered():
    offered_last = paris(24, 10)
    window = Wish(later=True).window(TODAY, after=offered_last)
    assert not window.fits(offered_last) and window.fits(paris(24, 11))


def test_a_wish_keeps_as_json():
    wish = Wish(weekday=1, part="afternoon", later=True)
    assert Wish.from_json(wish.as_json()) == wish
