"""Reading the visit data files that staff may read and change (`visit_types.csv`,
`visit_deadlines.csv`): each row checked column by column, its values parsed (lists separated by
`;`, whole numbers, yes/no), and a `VisitRulesError` naming the file, the line and the row's key
when a file cannot be used; each file has a French and an English column for every text
(`in_locale` picks one). The tables themselves are built in `visit_type_table` and
`visit_deadlines`. No database, no Flask.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data"


class VisitRulesError(ValueError):
    """A visit data file cannot be used; the message names the file, line and key."""


def in_locale(locale: str, french: str, english: str) -> str:
    return english if str(locale).startswith("en") else french


def read_rows(source: Path, columns: Sequence[str], key: str, optional: Sequence[str] = ()):
    """The rows of a rules file, checked: every column of `columns`; those of `optional` are
    read as "" when the file has not got them."""
    try:
        handle = source.open(encoding="utf-8", newline="")
    except OSError as error:
        raise VisitRulesError(f"{source}: cannot read ({error})") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise VisitRulesError(f"{source.name}: missing column(s) {', '.join(missing)}")
        for row in reader:
            where = f"{source.name}, line {reader.line_num} ({key} {row.get(key)!r})"
            if None in row:
                raise VisitRulesError(f"{where}: too many fields (an unquoted comma?)")
            short = [c for c in columns if row[c] is None]
            if short:
                raise VisitRulesError(f"{where}: too few fields (missing {', '.join(short)})")
            values = {c: row[c].strip() for c in columns}
            values.update({c: (row.get(c) or "").strip() for c in optional})
            yield where, values


def parse_set(values: dict[str, str], column: str, allowed: frozenset[str]) -> frozenset[str]:
    items = frozenset(item.strip() for item in values[column].split(";"))
    unknown = sorted(items - allowed)
    if unknown:
        raise ValueError(
            f"{column}: unknown {', '.join(map(repr, unknown))} "
            f"(expected some of {', '.join(sorted(allowed))}, separated by ;)"
        )
    return items


def parse_whole(values: dict[str, str], column: str, *, low: int, optional: bool = False):
    value = values[column]
    if not value and optional:
        return None
    if not value.isdigit() or int(value) < low:
        raise ValueError(f"{column} {value!r} is not a whole number of at least {low}")
    return int(value)


def parse_yes_no(values: dict[str, str], column: str) -> bool:
    folded = values[column].lower()
    if folded in {"yes", "oui", "true", "1"}:
        return True
    if folded in {"no", "non", "false", "0", ""}:
        return False
    raise ValueError(f"{column} {values[column]!r} is not yes or no")
