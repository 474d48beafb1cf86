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


class LazyText(LazyProxy):
    """Text translated when shown, which keeps its French source for the documents (a PDF is an
    official French document, whatever the language of the page that prints it)."""

    __slots__ = ("_source",)

    def __init__(self, string: str, **variables) -> None:
        super().__init__(lambda: _translator(string, **variables), enable_cache=False)
        object.__setattr__(self, "_source", (string, variables))

    @property
    def french(self) -> str:
        string, variables = self._source
        return _untranslated(string, **variables)


def lazy_gettext(string: str, **variables) -> LazyText:
    return LazyText(string, **variables)


_l = lazy_gettext


def french(text) -> str:
    """The French of a text: the source of a lazy text, whatever the language of the moment."""
    return text.french if isinstance(text, LazyText) else str(text)


def lazy_risk_label(risk) -> LazyProxy:
    """A catalogue entry's label in the language of the moment (labels are data, not msgids)."""
    return LazyProxy(lambda: risk.label(_locale()), enable_cache=False)


_locale_getter = None


def install_locale(getter) -> None:
    global _locale_getter
    _locale_getter = getter


def _locale() -> str:
    return str(_locale_getter() or "fr") if _locale_getter else "fr"


def current_locale() -> str:
    """The language of the moment ("fr" outside a request), for data that carries its English."""
    return _locale()


# English dates as written in Europe ("27 Nov 2026, 04:46"), not Babel's "en", which is American
# ("11/27/26, 4:46 AM"). French keeps Babel's own formats.
_ENGLISH_DATES = {
    "short": "dd/MM/y",
    "medium": "d MMM y",
    "long": "d MMMM y",
    "full": "EEEE d MMMM y",
}
_ENGLISH_TIMES = {"short": "HH:mm", "medium": "HH:mm:ss", "long": "HH:mm:ss z"}


def date_format(fmt: str, locale: str) -> str:
    """The Babel format or pattern for a date ("short" … "full") in that language."""
    return _ENGLISH_DATES.get(fmt, fmt) if str(locale).startswith("en") else fmt


def time_format(fmt: str, locale: str) -> str:
    return _ENGLISH_TIMES.get(fmt, fmt) if str(locale).startswith("en") else fmt


def datetime_format(fmt: str, locale: str) -> str:
    """A date and a time: "27 Nov 2026, 04:46" in English for "short"."""
    if not str(locale).startswith("en") or fmt not in _ENGLISH_DATES:
        return fmt
    day = _ENGLISH_DATES["medium" if fmt == "short" else fmt]
    return f"{day}, {_ENGLISH_TIMES['short']}"
