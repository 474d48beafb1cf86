"""The dialogue engine and its journeys know no channel: `dialogs/` imports neither Flask nor a
blueprint package (SPEC 2, issue 12). Read from the sources, so that a lazy import counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DIALOGS = Path(__file__).resolve().parents[2] / "dialogs"
FORBIDDEN = (
    "flask",
    "flask_babel",
    "flask_login",
    "flask_wtf",
    "werkzeug",
    "twilio",
    "assistant.sms",
    "assistant.public",
    "assistant.member",
    "assistant.staff",
    "assistant.employee",
    "assistant.dev",
    "assistant.views",
)


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", sorted(DIALOGS.glob("*.py")), ids=lambda p: p.name)
def test_dialogs_import_no_channel(path):
    found = {
        name
        for name in imported(path)
        for banned in FORBIDDEN
        if name == banned or name.startswith(f"{banned}.")
    }
    assert not found, f"{path.name} imports {sorted(found)}"


def test_the_check_sees_an_import():
    sample = DIALOGS.parent / "assistant" / "sms" / "visits.py"
    assert "flask" in imported(sample)


@pytest.mark.parametrize("path", sorted(DIALOGS.glob("*.py")), ids=lambda p: p.name)
def test_no_dialogs_module_is_over_400_lines(path):
    """A newcomer reads a module whole: a journey that grows gets a module of its own beside it."""
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400
