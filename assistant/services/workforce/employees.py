"""A member's workforce: declare, change and end employees, and import them from a CSV file.

Every function takes the member's id and works only on that member's employees: an employee of
another member is "not found", never read or changed.

CSV import (`import_csv`)
-------------------------
One line per employee, a header line first. Columns, in any order (headers are matched without
regard to case, accents, spaces, `_` or `-`, and common variants are accepted, e.g. "Prénom",
"Date de naissance", "Type de contrat"):

=================  ===========  ======================================================
column             required     content
=================  ===========  ======================================================
nom                yes          last name
prenom             yes          first name
date_naissance     yes          birth date: 12/03/1980, 12-3-80, 1980-03-12, 12 mars 1980…
poste              yes          job title
date_embauche      yes          hire date (same formats)
contrat            yes          CDI, CDD, intérim, saisonnier, apprenti (apprentissage),
                                contrat court (< 45 days)
fin_contrat        no           end of contract (same formats), empty for a CDI
expositions        no           risk codes, labels or synonyms of assistant/data/risks.csv,
                                separated by `|` or `,` (e.g. ``bruit|chemical``)
travail_de_nuit    no           oui / non (also 1 / 0, x, yes / no); empty means non
=================  ===========  ======================================================

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
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from assistant.core.parsing import Reprompt, fold, parse_date, parse_phone
from assistant.core.text import _l
from assistant.database import utcnow
from assistant.models import ContractType, Employee, Member
from assistant.services import audit
from assistant.services.prevention import risks

BATCH_SIZE = 1000
PROGRESS_EVERY = 500
MAX_REPORTED_ERRORS = 200  # lines reported one by one; those after are counted
EARLIEST_BIRTH = date(1900, 1, 1)
NAME_MAX = 100
JOB_MAX = 200

# the fields an import compares and may change (the natural key aside)
COMPARED = (
    "last_name",
    "first_name",
    "job",
    "hire_date",
    "contract_type",
    "contract_end",
    "exposures",
    "night_worker",
)
EDITABLE = (*COMPARED, "birth_date", "phone")


class WorkforceError(ValueError):
    """A change that cannot be made; `message` is fit to show."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class EmployeeNotFound(WorkforceError):
    pass


class DuplicateEmployee(WorkforceError):
    pass


# --- values ---------------------------------------------------------------------------------

_CONTRACTS = {
    ContractType.CDI: (
        "cdi",
        "contrat a duree indeterminee",
        "duree indeterminee",
        "indetermine",
        "permanent",
    ),
    ContractType.CDD: ("cdd", "contrat a duree determinee", "duree determinee", "determine"),
    ContractType.INTERIM: (
        "interim",
        "interimaire",
        "travail temporaire",
        "temporaire",
        "intérimaire",
        "mission d interim",
        "ctt",
    ),
    ContractType.SAISONNIER: ("saisonnier", "saisonniere", "contrat saisonnier", "saison"),
    ContractType.APPRENTI: (
        "apprenti",
        "apprentie",
        "apprentissage",
        "contrat d apprentissage",
        "contrat apprentissage",
        "alternance",
    ),
    ContractType.SHORT: (
        "short",
        "contrat court",
        "court",
        "cdd court",
        "moins de 45 jours",
        "contrat de moins de 45 jours",
    ),
}
CONTRACT_WORDS = {fold(word): kind.value for kind, words in _CONTRACTS.items() for word in words}

YES = {"oui", "o", "yes", "y", "1", "x", "vrai", "true"}
NO = {"", "non", "n", "no", "0", "faux", "false", "-"}


def parse_contract(raw: str) -> str:
    """`CDI`, `cdd`, `Intérim`, `saisonnier`, `apprentissage`, `contrat court` → a ContractType."""
    text = fold(raw)
    kind = CONTRACT_WORDS.get(text) or CONTRACT_WORDS.get(re.sub(r"^contrat (d |de )?", "", text))
    if kind is None:
        raise Reprompt(_l("type de contrat non reconnu"))
    return kind


def _risk_words() -> dict[str, str]:
    return _risk_words_of(risks.version())


@cache
def _risk_words_of(_version: int) -> dict[str, str]:
    """The words of one version of the catalogue (a new version after every edit)."""
    words: dict[str, str] = {}
    for risk in risks.catalogue().values():
        for word in (fold(risk.code), fold(risk.label_fr), fold(risk.label_en), *risk.synonyms):
            words.setdefault(word, risk.code)
        words.setdefault(fold(risk.code.replace("_", " ")), risk.code)
    return words


def exposure_code(raw: str) -> str | None:
    """A catalogue code from its code, label or synonym (typos tolerated), or None."""
    return _exposure_code(raw, risks.version())


@lru_cache(maxsize=4096)
def _exposure_code(raw: str, _version: int) -> str | None:
    text = fold(raw)
    if not text:
        return None
    if text in _risk_words():
        return _risk_words()[text]
    found = risks.match(raw, limit=1)
    return found[0].code if found else None


def catalogue_order(codes: Iterable[str]) -> list[str]:
    """Codes without repeats, in catalogue order (so that a re-ordered cell is no change)."""
    order = {code: i for i, code in enumerate(risks.catalogue())}
    return sorted(set(codes), key=lambda code: order.get(code, len(order)))


def parse_exposures(raw: str) -> tuple[list[str], list[str]]:
    """(codes, pieces not found) of a cell like `bruit|chemical` or `Bruit, Amiante`."""
    codes, unknown = [], []
    for piece in re.split(r"[|,;]", raw or ""):
        if not piece.strip():
            continue
        code = exposure_code(piece.strip())
        if code is None:
            unknown.append(piece.strip())
        else:
            codes.append(code)
    return catalogue_order(codes), unknown


def check_exposures(codes: Iterable[str]) -> list[str]:
    codes = list(codes or [])
    unknown = [code for code in codes if code not in risks.catalogue()]
    if unknown:
        raise WorkforceError(
            _l("Exposition inconnue : %(codes)s", codes=", ".join(sorted(map(str, unknown))))
        )
    return catalogue_order(codes)


# --- one employee at a time -----------------------------------------------------------------


def get_employee(session: Session, member_id: int, employee_id: int) -> Employee:
    """The employee if it belongs to this member; EmployeeNotFound otherwise."""
    employee = session.get(Employee, employee_id)
    if employee is None or employee.member_id != member_id:
        raise EmployeeNotFound(
            _l(
                "Salarié %(employee)s introuvable pour cet adhérent.",
                employee=employee_id,
            )
        )
    return employee


def list_employees(
    session: Session, member_id: int, include_left: bool = False, today: date | None = None
) -> list[Employee]:
    """The member's employees by name; without those who have left (before `today`) unless asked."""
    query = select(Employee).where(Employee.member_id == member_id)
    if not include_left:
        today = today or date.today()
        query = query.where((Employee.left_on.is_(None)) | (Employee.left_on > today))
    query = query.order_by(Employee.last_name_folded, Employee.first_name_folded, Employee.id)
    return list(session.scalars(query))


def _natural_key_taken(
    session: Session, member_id: int, last: str, first: str, birth: date, but: int | None = None
) -> bool:
    query = select(Employee.id).where(
        Employee.member_id == member_id,
        Employee.last_name_folded == fold(last),
        Employee.first_name_folded == fold(first),
        Employee.birth_date == birth,
    )
    if but is not None:
        query = query.where(Employee.id != but)
    return session.scalar(query.limit(1)) is not None


def _check_dates(birth_date: date, hire_date: date) -> None:
    """The same plausibility rules as the CSV import, for the form."""
    from assistant.core.timeutil import today_paris

    if not EARLIEST_BIRTH <= birth_date <= today_paris():
        raise WorkforceError(_l("La date de naissance n'est pas plausible."))
    if hire_date < birth_date:
        raise WorkforceError(_l("La date d'embauche précède la date de naissance."))


def _check_fields(values: dict) -> dict:
    for name, limit in (("last_name", NAME_MAX), ("first_name", NAME_MAX), ("job", JOB_MAX)):
        if name in values:
            text = " ".join(str(values[name] or "").split())
            if not text:
                raise WorkforceError(_l("Champ obligatoire : %(field)s", field=name))
            values[name] = text[:limit]
    if "contract_type" in values:
        try:
            values["contract_type"] = ContractType(values["contract_type"]).value
        except ValueError:
            raise WorkforceError(_l("Type de contrat non reconnu.")) from None
    if "exposures" in values:
        values["exposures"] = check_exposures(values["exposures"])
    if "night_worker" in values:
        values["night_worker"] = bool(values["night_worker"])
    if values.get("phone"):
        try:
            values["phone"] = parse_phone(values["phone"])
        except Reprompt:
            raise WorkforceError(_l("Numéro de mobile non reconnu.")) from None
    elif "phone" in values:
        values["phone"] = None
    return values


def add_employee(
    session: Session,
    actor,
    member_id: int,
    *,
    last_name: str,
    first_name: str,
    birth_date: date,
    job: str,
    hire_date: date,
    contract_type: str,
    contract_end: date | None = None,
    exposures: Iterable[str] = (),
    night_worker: bool = False,
    phone: str | None = None,
) -> Employee:
    values = _check_fields(
        {
            "last_name": last_name,
            "first_name": first_name,
            "job": job,
            "contract_type": contract_type,
            "exposures": list(exposures),
            "night_worker": night_worker,
            "phone": phone,
        }
    )
    _check_dates(birth_date, hire_date)
    if contract_end is not None and contract_end < hire_date:
        raise WorkforceError(_l("La fin du contrat précède l'embauche."))
    if _natural_key_taken(
        session, member_id, values["last_name"], values["first_name"], birth_date
    ):
        raise DuplicateEmployee(_l("Ce salarié est déjà déclaré."))
    employee = Employee(
        member_id=member_id,
        birth_date=birth_date,
        hire_date=hire_date,
        contract_end=contract_end,
        last_name_folded=fold(values["last_name"]),
        first_name_folded=fold(values["first_name"]),
        **values,
    )
    session.add(employee)
    session.flush()
    audit.record(session, actor, "create", "employee", employee.id, f"member {member_id}")
    return employee


def update_employee(
    session: Session, actor, member_id: int, employee_id: int, **changes
) -> Employee:
    """Change some of EDITABLE; the audit entry names the fields that changed (not their values)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    employee = get_employee(session, member_id, employee_id)
    changes = _check_fields(dict(changes))
    changed = sorted(name for name, value in changes.items() if getattr(employee, name) != value)
    if not changed:
        return employee
    merged = {name: changes.get(name, getattr(employee, name)) for name in EDITABLE}
    _check_dates(merged["birth_date"], merged["hire_date"])
    if merged["contract_end"] is not None and merged["contract_end"] < merged["hire_date"]:
        raise WorkforceError(_l("La fin du contrat précède l'embauche."))
    if {"last_name", "first_name", "birth_date"} & set(changed) and _natural_key_taken(
        session,
        member_id,
        merged["last_name"],
        merged["first_name"],
        merged["birth_date"],
        but=employee.id,
    ):
        raise DuplicateEmployee(_l("Ce salarié est déjà déclaré."))
    old_phone = employee.phone
    for name in changed:
        setattr(employee, name, changes[name])
    if "phone" in changed:
        # a contact, never the identity: nothing moves, but the worker's proven mobile is told
        from assistant.services.workforce import identity

        member = session.get(Member, member_id)
        identity.contact_changed(session, employee, old_phone, member.locale if member else "fr")
    employee.last_name_folded = fold(employee.last_name)
    employee.first_name_folded = fold(employee.first_name)
    session.flush()
    audit.record(session, actor, "update", "employee", employee.id, ", ".join(changed))
    return employee


def leave_employee(
    session: Session, actor, member_id: int, employee_id: int, left_on: date
) -> Employee:
    """The employee left the company on `left_on` (kept for the history, no longer followed)."""
    employee = get_employee(session, member_id, employee_id)
    if left_on < employee.hire_date:
        raise WorkforceError(_l("La date de départ précède l'embauche."))
    employee.left_on = left_on
    session.flush()
    audit.record(session, actor, "leave", "employee", employee.id, left_on.isoformat())
    return employee


# --- CSV import -----------------------------------------------------------------------------

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
}
REQUIRED = ("nom", "prenom", "date_naissance", "poste", "date_embauche", "contrat")


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


HEADERS = {_header_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}


@dataclass
class LineError:
    line: int
    messages: list  # one per field, each a str or a lazy string

    def __str__(self) -> str:
        return str(
            _l(
                "ligne %(line)s : %(messages)s",
                line=self.line,
                messages=" ; ".join(str(m) for m in self.messages),
            )
        )


@dataclass
class ImportReport:
    total: int = 0  # data lines read (blank lines aside)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[LineError] = field(default_factory=list)  # the first MAX_REPORTED_ERRORS
    error_count: int = 0  # all the lines in error
    fatal: object = None  # a message when the file could not be imported at all
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def ok(self) -> bool:
        return self.fatal is None and not self.errors

    def messages(self) -> list[str]:
        messages = ([str(self.fatal)] if self.fatal else []) + [str(e) for e in self.errors]
        if (more := self.error_count - len(self.errors)) > 0:
            messages.append(str(_l("… et %(count)s autres lignes en erreur.", count=_number(more))))
        return messages


def _number(count: int) -> str:
    """50 000 in French, 50,000 in English."""
    from babel.numbers import format_decimal

    from assistant.core.text import _locale

    return format_decimal(count, locale=_locale())


CHUNK = 64 * 1024


def _encoding_of(data: bytes) -> str:
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


def _text_lines(data: bytes, encoding: str) -> Iterator[str]:
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


def _parse_line(cells: dict[str, str], today: date) -> tuple[dict | None, list]:
    """(values, errors) of one data line; values is None when a field is wrong."""
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
    codes, unknown = parse_exposures(cells.get("expositions", ""))
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
    return (None if errors else values), errors


def _existing(session: Session, member_id: int) -> dict[tuple, tuple]:
    """Natural key → (id, compared values, mobile) of every employee of the member, in one
    query."""
    rows = session.execute(
        select(
            Employee.last_name_folded,
            Employee.first_name_folded,
            Employee.birth_date,
            Employee.id,
            Employee.phone,
            *(getattr(Employee, name) for name in COMPARED),
        ).where(Employee.member_id == member_id)
    )
    return {(r[0], r[1], r[2]): (r[3], tuple(r[5:]), r[4]) for r in rows}


def import_csv(
    session: Session,
    actor,
    member_id: int,
    data: bytes,
    progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
    max_lines: int | None = None,
) -> ImportReport:
    """Import a workforce file (see the module docstring); adds and flushes, does not commit.

    The file is read twice as a stream, never held as text nor as a list of lines: once to
    know its encoding and count its lines (a file past `max_lines` imports nothing), once to
    import it. Memory grows with the member's employees, not with the file."""
    today = today or date.today()
    report = ImportReport()
    report.encoding = _encoding_of(data)

    def rows() -> Iterator[tuple[int, list[str]]]:
        """(line number, cells) of the non-blank lines, the header first."""
        reader = csv.reader(_text_lines(data, report.encoding), delimiter=report.delimiter)
        for row in reader:
            if any(cell.strip() for cell in row):
                yield reader.line_num, row

    first_line = next((line for line in _text_lines(data, report.encoding) if line.strip()), "")
    if not first_line:
        report.fatal = _l("Le fichier est vide.")
        return report
    report.delimiter = sniff_delimiter(first_line)
    header = next(rows())[1]
    columns: dict[int, str] = {}
    for index, name in enumerate(header):
        column = HEADERS.get(_header_key(name))
        if column and column not in columns.values():
            columns[index] = column
        elif name.strip():
            report.ignored_columns.append(name.strip())
    missing = [column for column in REQUIRED if column not in columns.values()]
    if missing:
        report.fatal = _l(
            "Colonnes obligatoires manquantes : %(missing)s. La première ligne doit nommer les "
            "colonnes %(expected)s ; rien n'a été importé.",
            missing=", ".join(missing),
            expected=";".join(COLUMNS),
        )
        return report

    total = sum(1 for _ in rows()) - 1
    if max_lines is not None and total > max_lines:
        report.fatal = _l(
            "Le fichier compte %(count)s lignes de salariés ; un import en prend %(max)s au "
            "plus. Découpez-le en plusieurs fichiers ; rien n'a été importé.",
            count=_number(total),
            max=_number(max_lines),
        )
        return report
    report.total = total
    existing = _existing(session, member_id)
    seen: dict[tuple, int] = {}
    retyped: dict[int, str | None] = {}  # employee id → the contact number the file replaced
    to_insert: list[dict] = []
    to_update: list[dict] = []
    now = utcnow()

    def flush(final: bool = False) -> None:
        if to_insert and (final or len(to_insert) >= BATCH_SIZE):
            session.execute(insert(Employee), to_insert)
            to_insert.clear()
        if to_update and (final or len(to_update) >= BATCH_SIZE):
            session.execute(update(Employee), to_update)
            to_update.clear()
            # told with the batch that changed the numbers: an import run again after its
            # worker died finds those lines unchanged, and must not have lost the notices
            _tell_proven_mobiles(session, member_id, retyped)
            retyped.clear()

    lines = rows()
    next(lines)  # the header
    done = 0
    for line, row in lines:
        done += 1
        if done > total:  # the file changed between the two readings: keep to the count
            break
        cells = {column: row[i] if i < len(row) else "" for i, column in columns.items()}
        values, errors = _parse_line(cells, today)
        if values is not None:
            key = (fold(values["last_name"]), fold(values["first_name"]), values["birth_date"])
            if key in seen:
                errors = [
                    _l(
                        "même salarié que la ligne %(first)s (nom, prénom et date de naissance) : "
                        "ligne ignorée",
                        first=seen[key],
                    )
                ]
            else:
                seen[key] = line
                compared = tuple(values[name] for name in COMPARED)
                known = existing.get(key)
                if known is not None and "phone" in values:
                    if values["phone"] is None:
                        values["phone"] = known[2]  # an empty cell forgets nothing
                    compared += (values["phone"],)
                    known = (known[0], (*known[1], known[2]))
                if key not in existing:
                    to_insert.append(
                        {
                            **values,
                            "member_id": member_id,
                            "last_name_folded": key[0],
                            "first_name_folded": key[1],
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                    report.created += 1
                elif known[1] != compared:
                    to_update.append(
                        {"id": known[0], **values, "updated_at": now},
                    )
                    report.updated += 1
                    old_phone = existing[key][2]
                    if "phone" in values and values["phone"] != old_phone:
                        retyped[known[0]] = old_phone
                else:
                    report.unchanged += 1
        if errors:
            report.error_count += 1
            if len(report.errors) < MAX_REPORTED_ERRORS:
                report.errors.append(LineError(line, errors))
        flush()
        if progress and (done % PROGRESS_EVERY == 0 or done == report.total):
            progress(done, report.total)
    flush(final=True)
    audit.record(
        session,
        actor,
        "import",
        "member",
        member_id,
        f"employees CSV: {report.total} lines, {report.created} created, "
        f"{report.updated} updated, {report.unchanged} unchanged, {report.error_count} errors",
    )
    return report


def _tell_proven_mobiles(session: Session, member_id: int, retyped: dict[int, str | None]) -> None:
    """The file changed contact numbers: workers who proved a mobile are told (nothing moves)."""
    if not retyped:
        return
    from assistant.services.workforce import identity

    member = session.get(Member, member_id)
    ids = list(retyped)
    for start in range(0, len(ids), BATCH_SIZE):
        for employee in session.scalars(
            select(Employee).where(
                Employee.id.in_(ids[start : start + BATCH_SIZE]), Employee.worker_id.is_not(None)
            )
        ):
            identity.contact_changed(session, employee, retyped[employee.id], member.locale)


# --- follow-up of each employee -------------------------------------------------------------


def worker_of(employee: Employee):
    """What the category engine needs, from the employer's declaration only (no health data)."""
    from assistant.services.followup.rules import Worker

    days = None
    if employee.contract_end is not None:
        days = (employee.contract_end - employee.hire_date).days + 1
    return Worker(
        birth_date=employee.birth_date,
        hire_date=employee.hire_date,
        contract_type=employee.contract_type,
        contract_days=days,
        exposures=frozenset(employee.exposures or ()),
        night_worker=employee.night_worker,
    )


def first_visit_due(employee: Employee, follow) -> date:
    """When the first visit is due, no visit having been recorded yet (the visit rules: before
    assignment when the follow-up says so, else within 3 months of hiring, 2 for apprentices)."""
    from assistant.services.visits import visit_rules

    return visit_rules.initial_visit(employee.hire_date, follow, employee.contract_type)[1].due_by
