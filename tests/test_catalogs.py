"""The catalogs: every string of the sources is translated into English, placeholders intact."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from markupsafe import escape

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "assistant" / "translations"
# The same keywords as `make translations-extract`: pybabel's defaults plus the lazy ones.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
FIX = (
    "run `make translations-update`, "
    "then translate in assistant/translations/en/LC_MESSAGES/messages.po"
)

PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
PUBLIC_PAGES = ["/", "/offre", "/independants", "/lieux", "/rendez-vous", "/pdp", "/tarifs"]


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


@pytest.fixture(scope="module")
def extracted() -> Catalog:
    """What `pybabel extract -F babel.cfg` finds in the sources today."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    assert len(catalog) > 0, "nothing extracted: is babel.cfg right?"
    return catalog


def _read(locale: str) -> Catalog:
    path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po_file:
        return read_po(po_file, locale=locale)


@pytest.fixture(scope="module")
def english() -> Catalog:
    return _read("en")


def _where(message) -> str:
    return ", ".join(f"{path}:{line}" for path, line in message.locations)


def test_every_source_string_has_an_english_translation(extracted, english):
    untranslated = []
    for message in extracted:
        if not message.id:
            continue
        translation = english.get(message.id, message.context)
        if translation is None:
            problem = "not in the English catalog"
        elif translation.fuzzy:
            problem = "fuzzy"
        elif not all(_strings(translation)):
            problem = "empty translation"
        else:
            continue
        untranslated.append(f"{_ids(message)[0]!r} ({_where(message)}): {problem}")
    assert not untranslated, f"{len(untranslated)} string(s) without English ({FIX}):\n" + (
        "\n".join(untranslated)
    )


def test_template_lists_exactly_the_source_strings(extracted):
    with (TRANSLATIONS / "messages.pot").open("rb") as pot_file:
        template = read_po(pot_file)
    in_sources = {(m.id, m.context) for m in extracted if m.id}
    in_template = {(m.id, m.context) for m in template if m.id}
    assert in_sources == in_template, (
        f"assistant/translations/messages.pot is stale ({FIX}): "
        f"new {sorted(map(str, in_sources - in_template))}, "
        f"gone {sorted(map(str, in_template - in_sources))}"
    )


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_catalogs_have_no_fuzzy_entries(locale):
    fuzzy = [_ids(m)[0] for m in _read(locale) if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries in the {locale} catalog (check and unflag them): {fuzzy}"


def test_english_keeps_the_placeholders_and_tags_of_the_french(english):
    wrong = []
    for message in english:
        if not message.id or not all(_strings(message)):
            continue
        for source in _ids(message):
            for translation in _strings(message):
                if Counter(PLACEHOLDER.findall(source)) != Counter(
                    PLACEHOLDER.findall(translation)
                ):
                    wrong.append(f"{source!r} → {translation!r}: placeholders differ")
                if sorted(HTML_TAG.findall(source)) != sorted(HTML_TAG.findall(translation)):
                    wrong.append(f"{source!r} → {translation!r}: HTML tags differ")
                # formatting with variables would fail on a lone % (write %% for a percent)
                if message.python_format and "%" in PLACEHOLDER.sub("", translation).replace(
                    "%%", ""
                ):
                    wrong.append(f"{source!r} → {translation!r}: stray %")
    assert not wrong, "\n".join(wrong)


def test_home_page_in_english(client):
    page = client.get("/?lang=en").get_data(as_text=True)
    for text in ("Our three missions", "Preventing occupational risks", "Skip to content"):
        assert text in page
    assert "Nos trois missions" not in page


def test_places_in_english_name_centre_kinds_and_days(client, db, load_demo):

    load_demo(db)
    db.commit()
    page = client.get("/lieux?lang=en").get_data(as_text=True)
    for text in ("Mobile centre", "Fixed centre", "Teleconsultation", "Monday", "Opening hours"):
        assert text in page
    assert "lundi" not in page


def test_tariffs_in_english_with_an_announced_change(client, db):
    from assistant.core.timeutil import today_paris
    from assistant.services.membership import tariffs

    today = today_paris()
    tariffs.load_grid(db, "test", [("employee", Decimal("110"), today - timedelta(days=30))])
    tariffs.set_rate(db, "test", "employee", Decimal("115"), today + timedelta(days=30), today)
    db.commit()
    page = client.get("/tarifs?lang=en").get_data(as_text=True)
    for text in ("Membership fee schedule", "Announced changes", "Per employee per year"):
        assert text in page


def _french_fragments(english: Catalog) -> list[str]:
    """Pieces of French source text whose English differs, split at their placeholders."""
    fragments = set()
    for message in english:
        if not message.id or _ids(message) == _strings(message):
            continue
        for source in _ids(message):
            for piece in PLACEHOLDER.split(source)[::2]:
                piece = piece.strip(" :;,.!?")
                if len(piece) >= 4:
                    fragments.add(piece)
    return sorted(fragments)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_english_public_pages_show_no_french_from_the_catalog(client, db, english, url):
    from assistant.core.timeutil import today_paris
    from assistant.services.membership import tariffs

    # a current and an announced rate, so that every line of /tarifs is drawn
    today = today_paris()
    tariffs.load_grid(db, "test", [("independent", Decimal("120"), today - timedelta(days=1))])
    tariffs.set_rate(db, "test", "independent", Decimal("125"), today + timedelta(days=1), today)
    db.commit()
    page = client.get(f"{url}?lang=en").get_data(as_text=True)
    left = [
        fragment
        for fragment in _french_fragments(english)
        if any(
            re.search(rf"(?<!\w){re.escape(form)}(?!\w)", page)
            for form in {fragment, str(escape(fragment))}
        )
    ]
    assert not left, f"French text on {url}?lang=en: {left}"
