"""Languages: the locale chosen for a request, and the catalogs compiled when they are stale."""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, request, session

from assistant.core import messages

TRANSLATIONS_DIR = messages.TRANSLATIONS


def select_locale() -> str:
    """The explicit choice (?lang=, kept in the session), then Accept-Language, then French."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def compile_catalogs(directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Compile every messages.po whose .mo is missing or older; returns the files written.
    A .mo in a folder this process may not write is kept: an installed wheel's, built with it."""
    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and (
            mo_path.stat().st_mtime >= po_path.stat().st_mtime
            or not os.access(mo_path.parent, os.W_OK)
        ):
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        # one temporary file per process: two workers compiling at once never share it
        tmp_path = mo_path.with_suffix(f".mo.{os.getpid()}.tmp")
        with tmp_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        tmp_path.replace(mo_path)  # atomic, so concurrent workers never read half a file
        written.append(mo_path)
    return written
