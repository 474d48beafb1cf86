"""Where things live (issue 13): every WTForms form is in `forms/`, none in a view module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(base: ast.expr) -> str:
    return getattr(base, "id", getattr(base, "attr", ""))


def forms_defined_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and any(_name(b) == "FlaskForm" for b in node.bases)
    ]


def test_every_form_is_in_the_forms_package():
    elsewhere = {
        str(path.relative_to(ROOT)): names
        for folder in ("assistant", "dialogs")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if (names := forms_defined_in(path))
    }
    assert elsewhere == {}
    assert forms_defined_in(ROOT / "forms" / "employee.py")  # the rule can see a form
