"""Rules of the suite itself: no test module imports another, markers and lint rules strict."""

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            # `from tests.web import test_adhesion` names the module in the imported names
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def test_no_test_module_imports_another():
    # Shared helpers live in conftest.py or a helpers module: importing a test module runs its
    # fixtures' and tests' definitions twice and ties one file's tests to another's.
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name
            for name in _imported_modules(path)
            if name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_")
        )
        for path in sorted(TESTS.rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_rule_sees_every_form_of_import(tmp_path):
    module = tmp_path / "test_x.py"
    module.write_text(
        "import tests.sms.test_chat\n"
        "from tests.web.test_adhesion import _walk\n"
        "from tests.web import test_workforce\n"
        "def f():\n    from tests.dialogs.test_engine import EMPLOYER_ANSWERS\n"
    )
    assert {
        "tests.sms.test_chat",
        "tests.web.test_adhesion",
        "tests.web.test_workforce",
        "tests.dialogs.test_engine",
    } <= _imported_modules(module)


def test_markers_are_declared_and_tests_linted_as_such():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "--strict-markers" in config["tool"]["pytest"]["ini_options"]["addopts"].split()
    lint = config["tool"]["ruff"]["lint"]
    assert {"PT", "C90"} <= set(lint["select"])
    assert lint["mccabe"]["max-complexity"] <= 25
