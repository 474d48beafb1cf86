"""Reading a workforce CSV file: its encoding and separator, the columns its headers name, and each
line checked and turned into an employee's values (or the errors of its fields).

One line per employee, a header line first. Columns, in any order (headers are matched without
regard to case, accents, spaces, `_` or `-`, and common variants are accepted, e.g. "Prénom",
"Date de naissance", "Type de contrat"):

===================  ========  ======================================================
column               required  content
===================  ========  ======================================================
nom                  yes       last name
prenom               yes       first name
date_naissance       yes       birth date: 12/03/1980, 12-3-80, 1980-03-12, 12 mars 1980…
poste                yes       job title
date_embauche        yes       hire date (same formats)
contrat              yes       CDI, CDD, intérim, saisonnier, apprenti (apprentissage),
                               contrat court (< 45 days)
fin_contrat          no        end of contract (same formats), empty for a CDI
expositions          no        risk codes, labels or synonyms of assistant/data/risks.csv,
                               separated by `|` or `,` (e.g. ``bruit|chemical``)
travail_de_nuit      no        oui / non (also 1 / 0, x, yes / no); empty means non
portable             no        the employee's mobile (an empty cell keeps a known one)
travaux_reglementes  no        oui / non: a minor assigned to regulated work
rayonnements         no        A or B: classified for ionising radiation (R4451-57)
sir_employeur        no        oui / non: on the employer's own SIR list (R4624-23 III)…
sir_justification    no        … with its written justification (required with oui)
charges_55kg         no        oui / non: manual handling of loads over 55 kg (R4541-9)
fin_exposition       no        the day the exposure to particular risks (or the career) ended
jours_travailles     no        days of actual work of a short or seasonal contract
===================  ========  ======================================================

The optional columns from `travaux_reglementes` on (the employer's declared situations) change
nothing when the file has no such column: an older file re-imported keeps what the form set.

The separator is `;` or `,` (detected from the header line); the file is UTF-8 (with or without
BOM) or Windows-1252 (what Excel writes in France). Other columns are ignored. An example is
`assistant/data/exemple_effectifs.csv`.

An employee is identified by member, last name, first name (both compared without case or
accents) and birth date: importing the same file again changes nothing, and a line whose
employee exists already updates it only where something differs. A bad line is reported with
its line number and a message per field and does not stop the others; a file without one of
the required columns imports nothing. The departure date (`left_on`) is never touched by an
import.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from datetime import date

from assistant.core.parsing import Reprompt, fold, parse_date, parse_phone
from assistant.core.text import _l
from assistant.services.prevention.risk_catalogue import Catalogue
from assistant.services.workforce.employee_values import (
    EARLIEST_BIRTH,
    JOB_MAX,
    NAME_MAX,
    NO,
    YES,
    normalise_situations,
    parse_contract,
    parse_exposures,
    situation_errors,
)

COLUMNS = {
    "nom": ("nom", "nom de famille", "nom d usage", "nom salarie", "last name", "surname"),
    "prenom": ("prenom", "prenoms", "first name", "given name"),
    "date_naissance": (
        "date naissance",
        "date de naissance",
        "naissance",
        "ne le",
        "ne e le",
        "ddn",
        "birth date",
        "date of birth",
    ),
    "poste": ("poste", "poste occupe", "intitule du poste", "emploi", "metier", "fonction", "job"),
    "date_embauche": (
        "date embauche",
        "date d embauche",
        "embauche",
        "date entree",
        "date d entree",
        "entree",
        "hire date",
    ),
    "contrat": ("contrat", "type contrat", "type de contrat", "nature du contrat", "contract"),
    "fin_contrat": (
        "fin contrat",
        "fin de contrat",
        "date fin contrat",
        "date de fin de contrat",
        "date de fin",
        "date fin",
        "fin",
        "contract end",
    ),
    "expositions": (
        "expositions",
        "exposition",
        "risques",
        "risques professionnels",
        "expositions professionnelles",
        "exposures",
    ),
    "travail_de_nuit": (
        "travail de nuit",
        "travailleur de nuit",
        "nuit",
        "de nuit",
        "night worker",
        "night work",
    ),
    "portable": (
        "portable",
        "mobile",
        "telephone",
        "telephone portable",
        "numero de portable",
        "tel",
        "phone",
        "mobile phone",
    ),
    "travaux_reglementes": (
        "travaux reglementes",
        "travaux reglementes mineur",
        "mineur travaux reglementes",
        "regulated work",
    ),
    "rayonnements": (
        "rayonnements",
        "rayonnements ionisants",
        "categorie rayonnements",
        "categorie rayonnements ionisants",
        "radiation",
        "radiation category",
        "ionising radiation",
        "ionizing radiation",
    ),
    "sir_employeur": (
        "sir employeur",
        "liste sir employeur",
        "suivi renforce employeur",
        "sir",
        "employer sir",
        "employer sir list",
    ),
    "sir_justification": (
        "sir justification",
        "justification sir",
        "motif sir",
        "justification",
        "sir reason",
    ),
    "charges_55kg": (
        "charges 55kg",
        "charges 55 kg",
        "charges plus 55 kg",
        "charges de plus de 55 kg",
        "port de charges plus de 55 kg",
        "charges lourdes",
        "heavy loads",
        "loads over 55 kg",
    ),
    "fin_exposition": (
        "fin exposition",
        "fin d exposition",
        "date fin exposition",
        "date de fin d exposition",
        "fin de carriere",
        "end of exposure",
        "exposure ended",
    ),
    "jours_travailles": (
        "jours travailles",
        "jours de travail",
        "jours de travail effectif",
        "nombre de jours travailles",
        "working days",
    ),
}
REQUIRED = ("nom", "prenom", "date_naissance", "poste", "date_embauche", "contrat")


def header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


HEADERS = {header_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}


CHUNK = 64 * 1024


def encoding_of(data: bytes) -> str:
    """UTF-8 when the whole file decodes as such (read by chunks: no copy), else cp1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), CHUNK):
            decoder.decode(view[start : start + CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def text_lines(data: bytes, encoding: str) -> Iterator[str]:
    """The file's lines, decoded one at a time (never the whole text at once)."""
    if encoding == "utf-8":
        stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    else:  # cp1252 leaves five bytes undefined: replace them rather than refuse the file
        stream = io.TextIOWrapper(io.BytesIO(data), encoding="cp1252", errors="replace", newline="")
    return iter(stream)


def sniff_delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") >= header_line.count(",") else ","


def _date(raw: str, label, errors: list, earliest: date | None, latest: date | None):
    if not raw.strip():
        errors.append(_l("%(field)s manquante", field=label))
        return None
    try:
        value = parse_date(raw)
    except Reprompt:
        errors.append(_l("%(field)s « %(value)s » non reconnue", field=label, value=raw.strip()))
        return None
    if (earliest and value < earliest) or (latest and value > latest):
        errors.append(_l("%(field)s « %(value)s » non plausible", field=label, value=raw.strip()))
        return None
    return value


def _text(raw: str, label, limit: int, errors: list) -> str | None:
    text = " ".join(raw.split())
    if not text:
        errors.append(_l("%(field)s manquant", field=label))
        return None
    if len(text) > limit:
        errors.append(
            _l("%(field)s trop long (%(limit)s caractères au plus)", field=label, limit=limit)
        )
        return None
    return text


def parse_line(
    cells: dict[str, str], today: date, catalogue: Catalogue
) -> tuple[dict | None, list]:
    """(values, errors) of one data line, its exposures read with this reading of the risk
    catalogue; values is None when a field is wrong."""
    errors: list = []
    values = {
        "last_name": _text(cells.get("nom", ""), _l("nom"), NAME_MAX, errors),
        "first_name": _text(cells.get("prenom", ""), _l("prénom"), NAME_MAX, errors),
        "birth_date": _date(
            cells.get("date_naissance", ""), _l("date de naissance"), errors, EARLIEST_BIRTH, today
        ),
        "job": _text(cells.get("poste", ""), _l("poste"), JOB_MAX, errors),
        "hire_date": _date(
            cells.get("date_embauche", ""), _l("date d'embauche"), errors, EARLIEST_BIRTH, None
        ),
        "contract_type": None,
        "contract_end": None,
        "exposures": [],
        "night_worker": False,
    }
    contract = cells.get("contrat", "").strip()
    if not contract:
        errors.append(_l("type de contrat manquant"))
    else:
        try:
            values["contract_type"] = parse_contract(contract)
        except Reprompt:
            errors.append(
                _l(
                    "type de contrat « %(value)s » non reconnu (CDI, CDD, intérim, saisonnier, "
                    "apprenti, contrat court)",
                    value=contract,
                )
            )
    end = cells.get("fin_contrat", "").strip()
    if end:
        values["contract_end"] = _date(end, _l("fin de contrat"), errors, EARLIEST_BIRTH, None)
        hired = values["hire_date"]
        if values["contract_end"] and hired and values["contract_end"] < hired:
            errors.append(
                _l("fin de contrat « %(value)s » antérieure à la date d'embauche", value=end)
            )
    if (born := values["birth_date"]) and (hired := values["hire_date"]) and hired < born:
        errors.append(_l("date d'embauche antérieure à la date de naissance"))
    codes, unknown = parse_exposures(cells.get("expositions", ""), catalogue)
    values["exposures"] = codes
    for piece in unknown:
        errors.append(_l("exposition « %(value)s » inconnue du catalogue des risques", value=piece))
    night = fold(cells.get("travail_de_nuit", ""))
    if night in YES:
        values["night_worker"] = True
    elif night not in NO:
        errors.append(
            _l(
                "travail de nuit « %(value)s » non reconnu (oui ou non)",
                value=cells["travail_de_nuit"].strip(),
            )
        )
    if "portable" in cells:  # the column is optional; an empty cell keeps what is known
        raw = cells["portable"].strip()
        values["phone"] = None
        if raw:
            try:
                values["phone"] = parse_phone(raw)
            except Reprompt:
                errors.append(_l("mobile « %(value)s » non reconnu", value=raw))
    _situations(cells, values, today, errors)
    return (None if errors else values), errors


def _yes_no(cells: dict[str, str], column: str, label, errors: list) -> bool | None:
    raw = cells[column].strip()
    if fold(raw) in YES:
        return True
    if fold(raw) in NO:
        return False
    errors.append(_l("%(field)s « %(value)s » non reconnu (oui ou non)", field=label, value=raw))
    return None


RADIATION_WORDS = {"a": "A", "b": "B", "categorie a": "A", "categorie b": "B", "cat a": "A"}
RADIATION_WORDS["cat b"] = "B"


def _situations(cells: dict[str, str], values: dict, today: date, errors: list) -> None:
    """The employer's declared situations of the columns the file has (see the docstring)."""
    for column, name, label in (
        ("travaux_reglementes", "regulated_work", _l("travaux réglementés")),
        ("sir_employeur", "sir_employer", _l("liste SIR de l'employeur")),
        ("charges_55kg", "heavy_loads", _l("charges de plus de 55 kg")),
    ):
        if column in cells:
            values[name] = _yes_no(cells, column, label, errors)
    if "rayonnements" in cells:
        raw = cells["rayonnements"].strip()
        if fold(raw) in NO:
            values["radiation_category"] = None
        elif fold(raw) in RADIATION_WORDS:
            values["radiation_category"] = RADIATION_WORDS[fold(raw)]
        else:
            errors.append(
                _l("rayonnements ionisants « %(value)s » non reconnu (A, B ou vide)", value=raw)
            )
    if "sir_employeur" in cells:  # the justification goes with the list (alone, it is ignored)
        values["sir_employer_reason"] = cells.get("sir_justification", "")
    if "fin_exposition" in cells:
        raw = cells["fin_exposition"].strip()
        values["exposure_ended_on"] = (
            _date(raw, _l("fin d'exposition"), errors, EARLIEST_BIRTH, None) if raw else None
        )
    if "jours_travailles" in cells:
        raw = cells["jours_travailles"].strip()
        values["working_days"] = None
        if raw:
            if raw.isdigit():
                values["working_days"] = int(raw)
            else:
                errors.append(
                    _l("jours travaillés « %(value)s » non reconnu (un nombre)", value=raw)
                )
    if not errors:
        normalise_situations(values)
        errors.extend(message for _field, message in situation_errors(values, today))
