"""A visit request is created in one place, `visit_requests.request_visit` (issue 12): no other
module of the application constructs a `Visit` row. Read from the sources, so that any new copy
fails."""

from __future__ import annotations

import re
from pathlib import Path

ASSISTANT = Path(__file__).resolve().parents[2] / "assistant"
THE_SERVICE = ASSISTANT / "services" / "visits" / "visit_requests.py"
CONSTRUCTED = re.compile(r"(?<!\w)Visit\(")  # Visit(…) and models.Visit(…), not ShownVisit(


def constructions(path: Path) -> list[int]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        number
        for number, line in enumerate(lines, start=1)
        if CONSTRUCTED.search(line) and not line.lstrip().startswith(("class ", "#"))
    ]


def test_the_pattern_sees_a_construction_and_not_its_lookalikes(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "class Visit(Base):\n"
        "    pass\n"
        "row = ShownVisit(visit)\n"
        "twin = models.Visit(member_id=1)\n"
        "visit = Visit(member_id=1)\n",
        encoding="utf-8",
    )
    assert constructions(sample) == [4, 5]


def test_no_visit_row_is_constructed_outside_the_request_service():
    found = {
        str(path.relative_to(ASSISTANT)): lines
        for path in sorted(ASSISTANT.rglob("*.py"))
        if path != THE_SERVICE and (lines := constructions(path))
    }
    assert found == {}
    assert constructions(THE_SERVICE), "visit_requests.request_visit no longer builds the row?"
