"""The plan of the fiche d'entreprise (SPEC 4.3), read once from `assistant/data/fiche_plan.toml`.

The plan is the "quatre pages" of the cahier des charges (annex 5.2): four parts and the covering
letter, each a list of numbered headings. The headings are those of the cahier des charges, in
French, because the fiche is an official French document given to the employer; the back-office
shows them translated: they are msgids of the catalogs, which `extract_headings` (named in
babel.cfg) finds in the data file as the Python extractor finds `_l(...)` in the sources.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

PLAN_FILE = Path(__file__).resolve().parents[2] / "data" / "fiche_plan.toml"


@dataclass(frozen=True)
class Section:
    key: str
    heading: str  # French, as in the cahier des charges
    required: bool = False  # a version is not published while it is empty


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    sections: tuple[Section, ...]


def read_plan(path: Path = PLAN_FILE) -> tuple[Part, ...]:
    """The parts of the file, in order, each with its sections in order."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(
        Part(
            part["key"],
            part["title"],
            tuple(
                Section(section["key"], section["heading"], section.get("required", False))
                for section in part["sections"]
            ),
        )
        for part in data["part"]
    )


PLAN: tuple[Part, ...] = read_plan()
SECTION_KEYS = tuple(section.key for part in PLAN for section in part.sections)
REQUIRED_SECTIONS = tuple(section for part in PLAN for section in part.sections if section.required)


def extract_headings(fileobj, keywords, comment_tags, options):
    """Babel extractor of the plan file: each title and heading, as a message to translate."""
    lines = fileobj.read().decode("utf-8").splitlines()
    data = tomllib.loads("\n".join(lines))
    texts = [
        text
        for part in data["part"]
        for text in (part["title"], *(section["heading"] for section in part["sections"]))
    ]
    for text in texts:
        quoted = f'"{text}"'
        lineno = next((n for n, line in enumerate(lines, start=1) if quoted in line), 0)
        yield lineno, None, text, []
