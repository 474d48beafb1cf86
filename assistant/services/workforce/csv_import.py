"""Importing a member's workforce from a CSV file (see the columns in `employees`): lines parsed
and checked, employees added or updated by their natural key, a report line by line."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from assistant.core.parsing import fold
from assistant.core.text import _l
from assistant.database import utcnow
from assistant.models import Employee, Member
from assistant.services import audit
from assistant.services.prevention import risk_catalogue
from assistant.services.workforce.csv_lines import (
    COLUMNS,
    HEADERS,
    REQUIRED,
    encoding_of,
    header_key,
    parse_line,
    sniff_delimiter,
    text_lines,
)
from assistant.services.workforce.employee_values import (
    COMPARED,
    SITUATIONS,
)

BATCH_SIZE = 1000
PROGRESS_EVERY = 500
MAX_REPORTED_ERRORS = 200  # lines reported one by one; those after are counted


# --- CSV import -----------------------------------------------------------------------------


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
    report.encoding = encoding_of(data)

    def rows() -> Iterator[tuple[int, list[str]]]:
        """(line number, cells) of the non-blank lines, the header first."""
        reader = csv.reader(text_lines(data, report.encoding), delimiter=report.delimiter)
        for row in reader:
            if any(cell.strip() for cell in row):
                yield reader.line_num, row

    first_line = next((line for line in text_lines(data, report.encoding) if line.strip()), "")
    if not first_line:
        report.fatal = _l("Le fichier est vide.")
        return report
    report.delimiter = sniff_delimiter(first_line)
    header = next(rows())[1]
    columns: dict[int, str] = {}
    for index, name in enumerate(header):
        column = HEADERS.get(header_key(name))
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
    # one reading of the risk catalogue for the whole file, brought up to date first: the worker
    # that runs the imports serves no request, before which the app would have done it
    risks = risk_catalogue.of(session)
    risks.refresh(session)
    catalogue = risks.catalogue()
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
        values, errors = parse_line(cells, today, catalogue)
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
                known = existing.get(key)
                _keep_situations(values, known)
                compared = tuple(values[name] for name in COMPARED)
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
        audit.detail(
            "employees_csv",
            lines=report.total,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            errors=report.error_count,
        ),
    )
    return report


def _keep_situations(values: dict, known: tuple | None) -> None:
    """A situation whose column the file has not stays as it was (none for a new employee)."""
    for name, default in SITUATIONS.items():
        if name not in values:
            values[name] = known[1][COMPARED.index(name)] if known else default


def _tell_proven_mobiles(session: Session, member_id: int, retyped: dict[int, str | None]) -> None:
    """The file changed contact numbers: workers who proved a mobile are told (nothing moves)."""
    if not retyped:
        return
    from assistant.services.workforce import mobile_proof

    member = session.get(Member, member_id)
    ids = list(retyped)
    for start in range(0, len(ids), BATCH_SIZE):
        for employee in session.scalars(
            select(Employee).where(
                Employee.id.in_(ids[start : start + BATCH_SIZE]), Employee.worker_id.is_not(None)
            )
        ):
            mobile_proof.contact_changed(session, employee, retyped[employee.id], member.locale)
