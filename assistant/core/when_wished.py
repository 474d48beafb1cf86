"""When a person would rather come, as they write it in a text message (SMS, chat), in French or
English, leniently (typos, accents, case): a weekday ("mardi", "tuesday"), a date ("le 3
décembre", "3/12", "03/12/2026", "December 3"), "demain", "semaine prochaine" / "next week",
"matin" / "morning", "après-midi" / "afternoon", "plus tard" / "later", and their combinations
("mardi après-midi", "la semaine prochaine le matin").

`parse_wish` reads the words into a `Wish` (plain values, kept as JSON between two messages);
`Wish.window` turns it, on a given day, into the `Window` of days and half-days the slots
offered must fall in. Pure: no database, no clock of its own."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from rapidfuzz import fuzz, process

from assistant.core.parsing import MONTHS, fold
from assistant.core.timeutil import PARIS

WEEKDAYS = {
    "lundi": 0,
    "mardi": 1,
    "mercredi": 2,
    "jeudi": 3,
    "vendredi": 4,
    "samedi": 5,
    "dimanche": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
# words of a part of the day, or of a moment; several words are read as one ("apres midi")
PHRASES = {
    "apres midi": "afternoon",
    "apres-midi": "afternoon",
    "apresmidi": "afternoon",
    "aprem": "afternoon",
    "aprems": "afternoon",
    "afternoon": "afternoon",
    "pm": "afternoon",
    "soir": "afternoon",
    "evening": "afternoon",
    "matin": "morning",
    "matinee": "morning",
    "morning": "morning",
    "am": "morning",
    "semaine prochaine": "next_week",
    "semaine d apres": "next_week",
    "semaine suivante": "next_week",
    "next week": "next_week",
    "plus tard": "later",
    "later": "later",
    "apres": "later",
    "after": "later",
    "demain": "tomorrow",
    "tomorrow": "tomorrow",
    "apres demain": "after_tomorrow",
    "apres-demain": "after_tomorrow",
}
NOON = time(12)
MOST_HALF_DAYS = 2 * 366  # how far `Window.next_moment` looks for a half-day that fits


@dataclass(frozen=True)
class Wish:
    """What the person asked for; a date's missing year is found on the day it is read."""

    day: int | None = None
    month: int | None = None
    year: int | None = None
    weekday: int | None = None  # 0 is Monday
    in_days: int | None = None  # 1 tomorrow, 2 the day after
    next_week: bool = False
    part: str | None = None  # "morning" or "afternoon"
    later: bool = False  # later than the slots just offered

    def as_json(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value not in (None, False)}

    @classmethod
    def from_json(cls, values: dict) -> Wish:
        return cls(**values)

    def window(self, today: date, after: datetime | None = None) -> Window:
        """The days and half-days asked for, read on `today`; `after`: the last slot offered
        (what "plus tard" is later than)."""
        first = last = None
        if self.day is not None and self.month is not None:
            first = last = _next_date(today, self.day, self.month, self.year)
        elif self.in_days is not None:
            first = last = today + timedelta(days=self.in_days)
        elif self.next_week:
            first = today + timedelta(days=7 - today.weekday())
            last = first + timedelta(days=6)
        if self.weekday is not None and last is None:  # the next one from there
            first = (first or today) + timedelta(
                days=(self.weekday - (first or today).weekday()) % 7
            )
        start = datetime.combine(first or today, time(0), PARIS)
        if self.later and after is not None:
            start = max(start, after.astimezone(PARIS) + timedelta(minutes=1))
        return Window(start=start, last=last, weekday=self.weekday, part=self.part)


@dataclass(frozen=True)
class Window:
    """From `start`, up to the day `last` (included) when given, on one weekday and in one part
    of the day when given: where the slots offered are looked for."""

    start: datetime
    last: date | None = None
    weekday: int | None = None
    part: str | None = None

    def fits(self, moment: datetime) -> bool:
        local = moment.astimezone(PARIS)
        if local < self.start or (self.last is not None and local.date() > self.last):
            return False
        if self.weekday is not None and local.weekday() != self.weekday:
            return False
        if self.part == "morning" and local.time() >= NOON:
            return False
        return not (self.part == "afternoon" and local.time() < NOON)

    def next_moment(self, moment: datetime) -> datetime | None:
        """The first moment from `moment` on that fits (a slot from there may), or None when
        none can any more."""
        local = max(moment.astimezone(PARIS), self.start)
        for _ in range(MOST_HALF_DAYS):
            if self.last is not None and local.date() > self.last:
                return None
            if self.fits(local):
                return local
            local = _next_half_day(local)
        return None


def _next_half_day(local: datetime) -> datetime:
    if local.time() < NOON:
        return datetime.combine(local.date(), NOON, PARIS)
    return datetime.combine(local.date() + timedelta(days=1), time(0), PARIS)


def _next_date(today: date, day: int, month: int, year: int | None) -> date | None:
    """The date, this year or next when no year is given (the next one to come)."""
    if year is not None:
        year = year + 2000 if year < 100 else year
        try:
            return date(year, month, day)
        except ValueError:
            return None
    for candidate in (today.year, today.year + 1):
        try:
            found = date(candidate, month, day)
        except ValueError:
            continue
        if found >= today:
            return found
    return None


def _month_word(word: str) -> int | None:
    if len(word) < 3 or word.isdigit():
        return None
    best = process.extractOne(word, list(MONTHS), scorer=fuzz.ratio, score_cutoff=80)
    return MONTHS[best[0]] if best else None


def _weekday_word(word: str) -> int | None:
    if len(word) < 4:
        return None
    if word in WEEKDAYS:
        return WEEKDAYS[word]
    best = process.extractOne(word, list(WEEKDAYS), scorer=fuzz.ratio, score_cutoff=80)
    return WEEKDAYS[best[0]] if best else None


def _phrase(words: list[str], at: int) -> tuple[str, int] | None:
    """The phrase starting at word `at` (two words first), typos allowed in long words."""
    for size in (3, 2, 1):
        piece = " ".join(words[at : at + size])
        if len(words) - at < size:
            continue
        if piece in PHRASES:
            return PHRASES[piece], size
        if len(piece) >= 5:
            best = process.extractOne(piece, list(PHRASES), scorer=fuzz.ratio, score_cutoff=85)
            if best is not None and best[0].count(" ") == size - 1:
                return PHRASES[best[0]], size
    return None


DATE_NUMBERS = re.compile(
    r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"  # 2026-12-03
    r"|\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?\b"  # 3/12, 03/12/2026, 3.12.26
)
DAY_MONTH = re.compile(r"\b(\d{1,2})(?:er|st|nd|rd|th)? ([a-z]{3,})\b\.?(?: (\d{4})\b)?")
MONTH_DAY = re.compile(r"\b([a-z]{3,})\.? (\d{1,2})(?:st|nd|rd|th)?\b(?: (\d{4})\b)?")


def _date_in(text: str) -> tuple[dict, str]:
    """The date written in `text` ({day, month, year}) and the text without it."""
    if m := DATE_NUMBERS.search(text):
        if m.group(1):
            found = {"year": int(m.group(1)), "month": int(m.group(2)), "day": int(m.group(3))}
        else:
            year = int(m.group(6)) if m.group(6) else None
            found = {"day": int(m.group(4)), "month": int(m.group(5)), "year": year}
        if 1 <= found["month"] <= 12 and 1 <= found["day"] <= 31:
            return found, text[: m.start()] + " " + text[m.end() :]
    for pattern, day_at, month_at in ((DAY_MONTH, 1, 2), (MONTH_DAY, 2, 1)):
        for m in pattern.finditer(text):
            month = _month_word(m.group(month_at))
            day = int(m.group(day_at))
            if month is not None and 1 <= day <= 31:
                year = int(m.group(3)) if m.group(3) else None
                return {"day": day, "month": month, "year": year}, (
                    text[: m.start()] + " " + text[m.end() :]
                )
    return {}, text


def parse_wish(raw: str) -> Wish | None:
    """The wish written in `raw`, or None when it names no day, date or moment."""
    text = fold(raw).replace("'", " ")
    values, text = _date_in(text)
    words = [w for w in re.split(r"[\s,;:!?]+", text.replace("-", " ")) if w]
    found = False
    at = 0
    while at < len(words):
        phrase = _phrase(words, at)
        if phrase is not None:
            meaning, size = phrase
            at += size
            found = True
            if meaning in ("morning", "afternoon"):
                values["part"] = meaning
            elif meaning == "next_week":
                values["next_week"] = True
            elif meaning == "later":
                values["later"] = True
            elif meaning == "tomorrow":
                values["in_days"] = 1
            elif meaning == "after_tomorrow":
                values["in_days"] = 2
            continue
        weekday = _weekday_word(words[at])
        if weekday is not None:
            values["weekday"] = weekday
            found = True
        at += 1
    if not values and not found:
        return None
    return Wish(**values)
