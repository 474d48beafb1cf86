"""Lazily translated text for layers that must not import Flask (dialogues, services).

`_l("Répondez OUI ou NON.")` is translated when it is shown, in the language of that moment.
The application installs its translator (Flask-Babel's gettext) at start-up; without one, the
French source text is used, formatted with its named placeholders.
"""

from __future__ import annotations

from babel.support import LazyProxy


def _untranslated(string: str, **variables) -> str:
    return string % variables if variables else string


_translator = _untranslated


def install(translator) -> None:
    global _translator
    _translator = translator


def lazy_gettext(string: str, **variables) -> LazyProxy:
    return LazyProxy(lambda: _translator(string, **variables), enable_cache=False)


_l = lazy_gettext


def lazy_risk_label(risk) -> LazyProxy:
    """A catalogue entry's label in the language of the moment (labels are data, not msgids)."""
    return LazyProxy(lambda: risk.label(_locale()), enable_cache=False)


_locale_getter = None


def install_locale(getter) -> None:
    global _locale_getter
    _locale_getter = getter


def _locale() -> str:
    return str(_locale_getter() or "fr") if _locale_getter else "fr"
