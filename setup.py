"""The one build step pyproject.toml cannot say: a wheel carries the catalogs compiled (.mo).

In a checkout, assistant/i18n.py compiles them at start-up; an installed package may be read-only
then, so the wheel ships them built from the same .po files (tests/test_wheel.py checks it)."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

TRANSLATIONS = Path("assistant") / "translations"


class BuildPyWithCatalogs(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads the checkout, compiled at start-up
            return
        source = Path(__file__).resolve().parent
        for po_path in sorted((source / TRANSLATIONS).glob("*/LC_MESSAGES/messages.po")):
            mo_path = Path(self.build_lib) / po_path.relative_to(source).with_suffix(".mo")
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=po_path.parent.parent.name)
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


setup(cmdclass={"build_py": BuildPyWithCatalogs})
