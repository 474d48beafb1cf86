"""A built wheel is a working install: built from the sources as `pip install .` builds it, and
installed in a fresh virtual environment that sees the dependencies but not this checkout, it
migrates a database with `flask db upgrade` and serves the home page, in both languages, from the
templates and compiled catalogs it carries. Where an app keeps its instance folder, too."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

from sqlalchemy import make_url

from assistant.extensions import db
from tests.conftest import make_app

ROOT = Path(__file__).resolve().parents[1]

# what the wheel must carry besides the modules
SHIPPED = [
    "assistant/templates/public/home.html",
    "assistant/templates/sms/error.txt",
    "assistant/translations/fr/LC_MESSAGES/messages.mo",
    "assistant/translations/en/LC_MESSAGES/messages.mo",
    "assistant/migrations/env.py",
    "assistant/migrations/script.py.mako",
    "assistant/migrations/versions/0001_initial_schema.py",
    "assistant/data/risks.csv",
    "assistant/data/fonts/DejaVuSans.ttf",
    "assistant/static/css/site.css",
]

# run by the installed package, in the fresh environment
RENDER = """
import json
from sqlalchemy import inspect
import assistant
from assistant.app import create_app
from assistant.extensions import db

app = create_app()
pages = {lang: app.test_client().get("/?lang=" + lang) for lang in ("fr", "en")}
with app.app_context():
    tables = inspect(db.engine).get_table_names()
    db.engine.dispose()
print(json.dumps({
    "package": assistant.__file__,
    "template": app.jinja_env.get_template("public/home.html").filename,
    "instance": app.instance_path,
    "tables": tables,
    "pages": {lang: [p.status_code, p.get_data(as_text=True)] for lang, p in pages.items()},
}))
"""


def _run(*command, **options) -> str:
    result = subprocess.run(command, capture_output=True, text=True, **options)
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _sources(destination: Path) -> Path:
    """What a build reads (pyproject's packages, setup.py, the README), without the catalogs a
    checkout compiles at start-up: the wheel's .mo files must come from its own build."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    destination.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, destination / name)
    for pattern in config["tool"]["setuptools"]["packages"]["find"]["include"]:
        package = pattern.rstrip("*").rstrip(".")
        ignore = shutil.ignore_patterns("__pycache__", "*.mo", "*.mo.tmp")
        shutil.copytree(ROOT / package, destination / package, ignore=ignore)
    return destination


def _build_wheel(tmp_path: Path) -> Path:
    """The wheel, built with this environment's setuptools and Babel (no download)."""
    source = _sources(tmp_path / "source")
    dist = tmp_path / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-cache-dir"]
    _run(*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", dist, source)
    (wheel,) = dist.glob("spsti_assistant-*.whl")
    return wheel


def _fresh_environment(tmp_path: Path, wheel: Path) -> tuple[Path, Path]:
    """A new virtual environment with the wheel installed: its python and site-packages. The
    dependencies come from this one's site-packages (a path in a .pth file: the .pth files found
    there, such as an editable install's of this checkout, are not run)."""
    home = tmp_path / "venv"
    venv.create(home, symlinks=True, with_pip=False)
    python = home / "bin" / "python"
    site = Path(sysconfig.get_path("purelib", vars={"base": home, "platbase": home}))
    ours = dict.fromkeys(sysconfig.get_path(key) for key in ("purelib", "platlib"))
    (site / "dependencies.pth").write_text("".join(f"{path}\n" for path in ours))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-cache-dir"]
    _run(*pip, "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel)
    return python, site


def test_the_built_wheel_migrates_and_serves_the_home_page(tmp_path, database):
    wheel = _build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        assert set(SHIPPED) <= set(archive.namelist())

    python, site = _fresh_environment(tmp_path, wheel)
    url, options = database
    if options:  # a PostgreSQL schema of this test's own, named in the URL
        url = make_url(url).update_query_dict({"options": options["connect_args"]["options"]})
        url = url.render_as_string(hide_password=False)
    environ = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    environ.pop("INSTANCE_PATH", None)
    environ |= {"APP_ENV": "production", "SECRET_KEY": "s" * 32, "DATABASE_URL": url}
    run = {"cwd": tmp_path, "env": environ}  # away from the checkout, which is not importable
    _run(python, "-I", "-m", "flask", "--app", "assistant.app", "db", "upgrade", **run)
    found = json.loads(_run(python, "-I", "-c", RENDER, **run))

    package = site / "assistant"
    assert Path(found["package"]).is_relative_to(package)
    assert Path(found["template"]) == package / "templates" / "public" / "home.html"
    assert not Path(found["instance"]).is_relative_to(site)
    assert "alembic_version" in found["tables"] and "visit" in found["tables"]
    french, english = found["pages"]["fr"], found["pages"]["en"]
    assert french[0] == 200 and '<html lang="fr">' in french[1]
    assert "Nos trois missions" in french[1]
    assert english[0] == 200 and "Our three missions" in english[1]  # the wheel's .mo


def _app_instance(tmp_path, database) -> Path:
    app = make_app(tmp_path, database)
    with app.app_context():
        db.engine.dispose()
    return Path(app.instance_path)


def test_a_checkout_keeps_its_instance_folder_beside_the_package(tmp_path, database, monkeypatch):
    monkeypatch.delenv("INSTANCE_PATH", raising=False)
    assert _app_instance(tmp_path, database) == ROOT / "instance"


def test_the_instance_folder_may_be_set(tmp_path, database, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "elsewhere"))
    assert _app_instance(tmp_path, database) == tmp_path / "elsewhere"
