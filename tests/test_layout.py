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


# ---------------------------------------------------------------- label maps (issue 13)

LABELS_PACKAGE = ROOT / "assistant" / "labels"  # one package: its __init__ and a module per area
LABELS_MODULE = LABELS_PACKAGE / "__init__.py"
TRANSLATORS = {"_", "_l", "gettext", "lazy_gettext"}


def _is_translated(node) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) in TRANSLATORS


def label_maps_in(source: str) -> list[str]:
    """The label maps a module defines: a module-level `*_LABELS = …`, or a dict (anywhere) of
    two entries or more whose values are all translated text, `{code: _l("…"), …}`."""
    tree = ast.parse(source)
    found = []
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found += [_name(t) for t in targets if _name(t).endswith("LABELS")]
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and len(node.values) >= 2:
            if all(_is_translated(value) for value in node.values):
                found.append(f"dict at line {node.lineno}")
    return found


def template_label_maps_in(source: str) -> list[str]:
    """The same in a Jinja template: `{% set kinds = {'a': _("…"), 'b': _("…")} %}`."""
    from jinja2 import Environment, nodes

    tree = Environment(extensions=["jinja2.ext.i18n"]).parse(source)
    return [
        f"dict at line {node.lineno}"
        for node in tree.find_all(nodes.Dict)
        if len(node.items) >= 2
        and all(
            isinstance(item.value, nodes.Call) and getattr(item.value.node, "name", "") == "_"
            for item in node.items
        )
    ]


def test_every_label_map_is_in_labels_py():
    """One map per thing, one wording for it: `assistant/labels/` (its areas re-exported by its
    `__init__`), which every user imports as `labels`."""
    elsewhere = {
        str(path.relative_to(ROOT)): found
        for folder in ("assistant", "dialogs", "forms")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.parent != LABELS_PACKAGE
        and (found := label_maps_in(path.read_text(encoding="utf-8")))
    }
    elsewhere |= {
        str(path.relative_to(ROOT)): found
        for path in sorted((ROOT / "assistant" / "templates").rglob("*"))
        if path.suffix in (".html", ".txt")
        and (found := template_label_maps_in(path.read_text(encoding="utf-8")))
    }
    assert elsewhere == {}


def test_the_label_map_check_sees_a_map():
    assert label_maps_in(LABELS_MODULE.read_text(encoding="utf-8"))  # the real ones
    planted = (
        'KIND = {Kind.A: _l("Un"), Kind.B: _l("Deux")}\n'
        'CONTRACT_LABELS = {"cdi": "CDI"}\n'
        "def label(code):\n"
        '    return {"SIR": _("Renforcé"), "SI": _("Simple")}.get(code, code)\n'
    )
    assert label_maps_in(planted) == ["CONTRACT_LABELS", "dict at line 1", "dict at line 4"]
    assert label_maps_in('ATTRS = {"inputmode": "numeric", "autocomplete": "off"}\n') == []
    template = '{% set kinds = {"a": _("Un"), "b": _("Deux")} %}{{ kinds[kind] }}'
    assert template_label_maps_in(template) == ["dict at line 1"]


# --- the house's plan (issue 13) ------------------------------------------------------------

MAX_LINES = 400
MAX_SUMMARY = 100  # the one line a package's docstring starts with
# migrations are history, written once and never edited: their length is the schema's
NOT_MODULES = ("assistant/migrations/",)


def python_modules():
    for folder in ("assistant", "dialogs", "forms"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if not relative.startswith(NOT_MODULES):
                yield relative, path


def packages():
    for folder in ("assistant", "dialogs", "forms"):
        yield from sorted((ROOT / folder).rglob("__init__.py"))


def test_no_module_is_over_400_lines():
    long = {
        name: count
        for name, path in python_modules()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_each_package_says_in_one_line_what_lives_there():
    unsaid = []
    for path in packages():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstring = ast.get_docstring(tree, clean=False) or ""
        first = docstring.split("\n", 1)[0]
        if not first or len(first) > MAX_SUMMARY:
            unsaid.append(path.relative_to(ROOT).as_posix())
    assert unsaid == []


def test_the_readme_tree_names_every_package():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tree = readme.split("## Where things are", 1)[1].split("\n## ", 1)[0]
    missing = [
        path.parent.relative_to(ROOT).as_posix()
        for path in packages()
        if f"{path.parent.name}/" not in tree
    ]
    assert missing == []
