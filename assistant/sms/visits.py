"""How the visit journeys (`dialogs/visits.py`) read by SMS and in the chat: the `RDV PRE-REPRISE`
keyword, slots in a few words (`short_when`, `place_name`), and messages that name slots rendered
with place names cut shorter and shorter until they fit in three segments (`say_fitting`).

The journeys name slots and visits by id in their messages' values; `values_for` loads them and
turns a visit type's code into its label, in the language of the turn.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from babel.dates import format_date
from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from rapidfuzz import fuzz
from sqlalchemy.orm import Session

from assistant.core import messages
from assistant.core.parsing import fold
from assistant.core.segments import fits
from assistant.core.timeutil import PARIS
from assistant.models import Slot, Visit
from assistant.services.visits import visit_type_table

PLACE_WIDTHS = (40, 34, 28, 24, 20, 16, 12)  # place names are cut until the message fits
BOOK_WORDS = ("rdv", "rendez-vous", "rendezvous", "appointment")
PRE_REPRISE_WORDS = ("prereprise", "prerepris", "prereprise", "prereturn")
REPRISE_WORDS = ("reprise", "repris", "returntowork")  # exactly: "reprise" is close to "prereprise"


# --- what the person typed --------------------------------------------------------------------


def command(text: str) -> tuple[str, str | None] | None:
    """A booking command the keyword matcher does not know: `RDV PRE-REPRISE` (and variants
    such as `rdv pré reprise`, `RDV PREREPRISE`) → ("book", "pre_reprise"); `RDV REPRISE` →
    ("book", "reprise")."""
    words = fold(text).strip(" .!").split()
    if len(words) < 2 or words[0] not in BOOK_WORDS:
        return None
    rest = re.sub(r"[^a-z]", "", "".join(words[1:]))
    if rest in REPRISE_WORDS:
        return ("book", "reprise")
    if any(rest == word or fuzz.ratio(rest, word) >= 80 for word in PRE_REPRISE_WORDS):
        return ("book", "pre_reprise")
    return None


# --- how a slot reads in an SMS ---------------------------------------------------------------


def _plain(text: str) -> str:
    """Babel's French formats use (narrow) no-break spaces: outside GSM-7, they would make the
    whole message UCS-2 (70 characters a segment instead of 160)."""
    return text.replace("\u202f", " ").replace("\xa0", " ").replace("\u2019", "'")


def short_when(starts_at: datetime) -> str:
    """`lun. 7 déc. 9h30` / `Mon 7 Dec 9:30`, in Paris time."""
    local = starts_at.astimezone(PARIS)
    day = format_date(local.date(), "EEE d MMM", locale=str(get_locale() or "fr"))
    hour = _("%(hour)sh%(minute)s", hour=local.hour, minute=f"{local.minute:02d}")
    return _plain(f"{day} {hour}")


def place_name(slot: Slot, width: int = PLACE_WIDTHS[0]) -> str:
    """The place's name, cut at a word when longer than `width` (no "…": it is not GSM-7)."""
    name = _plain(" ".join((slot.centre.name or "").split()))
    if len(name) > width:
        cut = name[:width]
        if " " in cut[width // 2 :] and name[width] != " ":
            cut = cut.rsplit(" ", 1)[0]
        name = cut.rstrip(" ,;:-–(")
    return name


def slot_line(slot: Slot, width: int = PLACE_WIDTHS[0]) -> str:
    return f"{short_when(slot.starts_at)}, {place_name(slot, width)}"


def say(template: str, **values) -> str:
    """A reply from `templates/sms/`, in the request's language, with the service's name and
    phone: rendered by the one environment of SMS and e-mail texts (assistant/core/messages.py)."""
    config = current_app.config
    return messages.render(
        f"sms/{template}.txt",
        get_locale(),
        service_name=config["SERVICE_NAME"],
        service_phone=config["SERVICE_PHONE"],
        **values,
    )


def say_fitting(template: str, slot: Slot | None = None, slots=(), **values) -> str:
    """Render a template naming a slot (`when`, `place`) or listing slots (`lines`), with place
    names cut shorter and shorter until the message fits in three segments."""
    text = ""
    for width in PLACE_WIDTHS:
        if slot is not None:
            values.update(when=short_when(slot.starts_at), place=place_name(slot, width))
        if slots:
            values.update(lines=[slot_line(s, width) for s in slots], count=len(slots))
        text = say(template, **values)
        if fits(text) or (slot is None and not slots):
            break
    return text


def values_for(session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    """A message's values as the text player shows them: `slot`, `slots` and `visit` named by
    id are loaded, `kind` (a visit type's code) becomes its label (an independent's own with
    `named`) and `current` (the slot a
    move leaves) its short date."""
    found = dict(values)
    if isinstance(found.get("slot"), int):
        found["slot"] = session.get(Slot, found["slot"])
    if found.get("slots"):
        found["slots"] = [session.get(Slot, slot_id) for slot_id in found["slots"]]
    if isinstance(found.get("visit"), int):
        found["visit"] = session.get(Visit, found["visit"])
    named = found.pop("named", None) or "worker"  # an independent's words (not a hiring)
    if isinstance(found.get("kind"), str):
        kind = visit_type_table.get(found["kind"])
        found["kind"] = kind.label(str(get_locale() or "fr"), named)
    if isinstance(found.get("token"), str):  # a journey handed over to the web (adhesion)
        path = url_for("public.adhesion_handover", token=found["token"])
        found["link"] = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path
    if isinstance(found.get("answer_by"), str):  # the day the PDP cell gets back by
        day = date.fromisoformat(found["answer_by"])
        found["answer_by"] = _plain(
            format_date(day, "EEEE d MMMM", locale=str(get_locale() or "fr"))
        )
    if isinstance(found.get("current"), int):
        found["current"] = short_when(session.get(Slot, found["current"]).starts_at)
    return found
