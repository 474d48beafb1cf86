"""SMS and e-mail texts rendered from the Jinja templates, without Flask: one environment per
language, with the web pages' catalogs. The SMS replies (web process) and the notices (worker)
both render here, so a text reads the same whichever process sends it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

# inside the package, so that an installed wheel has them
PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE / "templates"
TRANSLATIONS = PACKAGE / "translations"


def language(locale: object) -> str:
    """ "en" for any English locale, else French (the service's language)."""
    return "en" if str(locale or "fr").startswith("en") else "fr"


@cache
def _translations(locale: str) -> NullTranslations:
    return Translations.load(str(TRANSLATIONS), [locale], domain="messages")


@cache
def _environment(locale: str) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        extensions=["jinja2.ext.i18n"],
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # the texts ship with the code: no stat of the file at every message
    )
    environment.policies["ext.i18n.trimmed"] = True
    # the web pages' filters that texts use, in the text's language
    environment.filters["score"] = lambda value: format_decimal(value, "0.#", locale=locale)
    environment.install_gettext_translations(_translations(locale), newstyle=True)
    return environment


def render(template: str, locale: object, **values) -> str:
    """A text template (`sms/…` or `mail/…`) in `locale`, stripped of surrounding blank lines."""
    return _environment(language(locale)).get_template(template).render(**values).strip()
