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
