"""Rules of the suite itself: no test module imports another, one set of factories and shared
fixtures, markers and lint rules strict."""

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


def _fixtures(path: Path) -> set[str]:
    """The names of the fixtures a module defines (`@pytest.fixture`, with or without options)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if ast.unparse(target) in ("pytest.fixture", "fixture"):
                    names.add(node.name)
    return names


def test_the_shared_fixtures_are_defined_once():
    # `employer`, `employee`, `plan`... live in tests/conftest.py: a module or a sub-conftest
    # that defined its own would quietly give the same name another shape.
    shared = _fixtures(TESTS / "conftest.py")
    assert {"employer", "member", "other", "employee", "plan", "today_plan", "slots"} <= shared
    redefined = {
        str(path.relative_to(ROOT)): sorted(_fixtures(path) & shared)
        for path in sorted(TESTS.rglob("*.py"))
        if path != TESTS / "conftest.py"
    }
    assert {path: names for path, names in redefined.items() if names} == {}


def test_the_rules_see_fixtures_and_rows_however_written(tmp_path):
    module = tmp_path / "test_x.py"
    module.write_text(
        "import pytest\nfrom pytest import fixture\n"
        "@pytest.fixture\ndef employer(db): return models.Member(siret='1')\n"
        "@pytest.fixture(autouse=True)\ndef plan(db): return WorkPattern()\n"
        "@fixture\ndef slots(db): create_staff(db)\n"
        "def helper(): return Employee()\n"
    )
    assert _fixtures(module) == {"employer", "plan", "slots"}
    assert _rows_built(module) == {"Member", "WorkPattern", "create_staff", "Employee"}


# The rows a test sets up come from tests/factories.py (members, employees, staff, places, weekly
# sessions, slots). These modules build some themselves because the rows are their subject:
# unsaved objects for rules decided on plain objects, the workforce service and the rows that
# break its constraints, the weekly sessions a planning test changes through the pages.
ROW_MAKERS = {"Member", "MemberUser", "Employee", "StaffUser", "Centre", "WorkPattern", "Slot"}
ROW_MAKERS |= {"create_staff", "add_employee"}
OWN_ROWS = {
    "tests/services/test_audit.py": {"StaffUser"},
    "tests/services/test_care_team.py": {"Member", "StaffUser", "Slot"},
    "tests/services/test_workforce.py": {"Employee", "add_employee"},
    "tests/web/test_staff_planning.py": {"WorkPattern"},
}


def _rows_built(path: Path) -> set[str]:
    built = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ROW_MAKERS:
                built.add(name)
    return built


def test_rows_are_set_up_by_the_factories():
    built = {
        str(path.relative_to(ROOT)): _rows_built(path)
        for path in sorted(TESTS.rglob("*.py"))
        if path != TESTS / "factories.py"
    }
    extra = {
        path: sorted(names - OWN_ROWS.get(path, set()))
        for path, names in built.items()
        if names - OWN_ROWS.get(path, set())
    }
    assert extra == {}


def test_markers_are_declared_and_tests_linted_as_such():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "--strict-markers" in config["tool"]["pytest"]["ini_options"]["addopts"].split()
    lint = config["tool"]["ruff"]["lint"]
    assert {"PT", "C90"} <= set(lint["select"])
    assert lint["mccabe"]["max-complexity"] <= 25
