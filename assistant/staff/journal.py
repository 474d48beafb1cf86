"""The audit journal as its reader reads it: each row's action, record and detail in the staff
member's language, whatever the language of whoever acted. Details are codes or values
(`audit.detail`), worded here; older rows wrote some as English text, whose values are read back;
what a person typed (a reason, a search) is shown as typed."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from assistant import labels
from assistant.core.text import date_format
from assistant.services import audit
from assistant.staff.display import visit_label

# the details older rows wrote as text, and the values they hold
_WRITTEN = [
    ("queue", r"(?P<waiting>\d+) waiting, (?P<to_move>\d+) to move"),
    (
        "employees_csv",
        r"employees CSV: (?P<lines>\d+) lines, (?P<created>\d+) created, (?P<updated>\d+) "
        r"updated, (?P<unchanged>\d+) unchanged, (?P<errors>\d+) errors",
    ),
    ("slots_opened", r"(?P<since>\d{4}-\d\d-\d\d) \+(?P<weeks>\d+)w: (?P<created>\d+)"),
    ("member_version", r"member (?P<member>\d+),? v(?:ersion )?(?P<version>\d+)"),
    ("member", r"member (?P<member>\d+)"),
    ("employee", r"employee (?P<employee>\d+)"),
    ("adhesion", r"adhesion (?P<kind>\w+)"),
    ("role", r"role=(?P<role>\w+)"),
    ("advanced_practice", r"advanced_practice=(?P<value>True|False)"),
    ("period", r"(?P<start>\d{4}-\d\d-\d\d)\.\.(?P<end>\d{4}-\d\d-\d\d)"),
    ("week", r"(?P<year>\d{4})-W(?P<week>\d\d)"),
    ("day", r"(?P<date>\d{4}-\d\d-\d\d)"),
    ("tele_consent", r"member:(?P<member>\d+) (?P<channel>\w+)"),
]
_PATTERNS = [(code, re.compile(pattern)) for code, pattern in _WRITTEN]
_DATES = {"since", "start", "end", "date"}


def action(entry) -> str:
    if entry.record_type == "pdp_case" and entry.action in labels.PDP_JOURNAL:
        return str(labels.PDP_JOURNAL[entry.action])
    return str(labels.AUDIT_ACTION.get(entry.action, entry.action))


def record(entry) -> str:
    kind = str(labels.AUDIT_RECORD.get(entry.record_type, entry.record_type))
    return f"{kind} {entry.record_id}" if entry.record_id else kind


def detail(entry) -> str:
    text = entry.detail
    if not text:
        return ""
    values = audit.detail_values(text)
    if values is None:
        values = _read_back(text)
    if values is not None:
        return _worded(dict(values)) or text
    return _code(entry) or text


def _read_back(text: str) -> dict | None:
    for code, pattern in _PATTERNS:
        if found := pattern.fullmatch(text):
            return {"code": code, **found.groupdict()}
    return None


def _worded(values: dict) -> str | None:
    wording = labels.AUDIT_DETAIL_FORMAT.get(values.pop("code"))
    if wording is None:
        return None
    locale = str(get_locale() or "fr")
    for key, value in values.items():
        if key in _DATES:
            values[key] = format_date(date.fromisoformat(str(value)), date_format("medium", locale))
    if "kind" in values:
        values["kind"] = str(labels.MEMBER_KIND.get(values["kind"], values["kind"])).lower()
    if "role" in values:
        values["role"] = str(labels.ROLE.get(values["role"], values["role"]))
    if "value" in values:
        values["value"] = _("oui") if values["value"] in (True, "True") else _("non")
    if "channel" in values:
        values["channel"] = str(
            labels.TELE_CONSENT_CHANNEL.get(values["channel"], values["channel"])
        )
    try:
        return str(wording) % values
    except (KeyError, TypeError, ValueError):
        return None


def _code(entry) -> str | None:
    """A detail that is a code, read in the light of what was done to what."""
    text, kind = entry.detail, entry.record_type
    if kind == "visit_outcome" and text in labels.OUTCOME_KIND:
        return str(labels.OUTCOME_KIND[text])
    if kind == "inaptitude_step" and text in labels.INAPTITUDE_STEP:
        return str(labels.INAPTITUDE_STEP[text])
    if kind == "tele_consent" and text in labels.TELE_CONSENT_CHANNEL:
        return str(labels.TELE_CONSENT_CHANNEL[text])
    if kind == "visit" and entry.action == "create":
        return visit_label(text)
    if kind == "visit" and entry.action in ("book", "move") and text.isdigit():
        return str(labels.AUDIT_DETAIL_FORMAT["slot"]) % {"slot": text}
    if kind == "medical_note" and text.isdigit():
        return str(labels.AUDIT_DETAIL_FORMAT["note"]) % {"note": text}
    fixed = labels.AUDIT_DETAIL.get(text)
    return str(fixed) if fixed is not None else None
