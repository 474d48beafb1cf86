"""The values an employee may take and how typed text becomes one (contracts, yes/no, exposures
named by code, label or synonym), the limits of each field and the errors of workforce edits."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

from assistant.core.parsing import Reprompt, fold
from assistant.core.text import _l
from assistant.models import ContractType
from assistant.services.prevention.risk_catalogue import Catalogue

EARLIEST_BIRTH = date(1900, 1, 1)
NAME_MAX = 100
JOB_MAX = 200

REASON_MAX = 2000
# an end of exposure (or of career) may be declared ahead, up to this far (the post-exposure visit
# is due "before retirement"); further, it is a typing mistake
EXPOSURE_END_AHEAD = timedelta(days=366)
RADIATION_CATEGORIES = ("A", "B")

# what else the employer declares that changes the follow-up (no health data), with the value of
# an employee who has none of it: a CSV file without one of these columns leaves it as it is
SITUATIONS = {
    "regulated_work": False,
    "radiation_category": None,
    "sir_employer": False,
    "sir_employer_reason": None,
    "heavy_loads": False,
    "exposure_ended_on": None,
    "working_days": None,
}

# The catalogue's risk "night work" is, for an employee, the flag night_worker (travailleur de
# nuit, L3122-5): the employee form asks it once, as the flag; an employee whose exposures hold
# the risk (an older entry) shows the flag ticked, and the form's save keeps the flag only. The
# follow-up rule night_worker matches either.
NIGHT_WORK = "night_work"

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
    *SITUATIONS,
)
EDITABLE = (*COMPARED, "birth_date", "phone")


class WorkforceError(ValueError):
    """A change that cannot be made; `message` is fit to show. `errors` gives every error
    found, each with the field it is about, (field, message), when there are such."""

    def __init__(self, message, errors: Iterable[tuple[str, object]] = ()):
        super().__init__(str(message))
        self.message = message
        self.errors = list(errors)


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


@lru_cache(maxsize=8)
def _risk_words(catalogue: Catalogue) -> dict[str, str]:
    """The words of one reading of the catalogue (a new reading after every edit)."""
    words: dict[str, str] = {}
    for risk in catalogue.values():
        for word in (fold(risk.code), fold(risk.label_fr), fold(risk.label_en), *risk.synonyms):
            words.setdefault(word, risk.code)
        words.setdefault(fold(risk.code.replace("_", " ")), risk.code)
    return words


@lru_cache(maxsize=4096)
def exposure_code(raw: str, catalogue: Catalogue) -> str | None:
    """A catalogue code from its code, label or synonym (typos tolerated), or None."""
    text = fold(raw)
    if not text:
        return None
    if text in _risk_words(catalogue):
        return _risk_words(catalogue)[text]
    found = catalogue.match(raw, limit=1)
    return found[0].code if found else None


def catalogue_order(codes: Iterable[str], catalogue: Catalogue) -> list[str]:
    """Codes without repeats, in catalogue order (so that a re-ordered cell is no change)."""
    order = {code: i for i, code in enumerate(catalogue)}
    return sorted(set(codes), key=lambda code: order.get(code, len(order)))


def parse_exposures(raw: str, catalogue: Catalogue) -> tuple[list[str], list[str]]:
    """(codes, pieces not found) of a cell like `bruit|chemical` or `Bruit, Amiante`, read with
    the app's catalogue (`risk_catalogue.of(session).catalogue()`)."""
    codes, unknown = [], []
    for piece in re.split(r"[|,;]", raw or ""):
        if not piece.strip():
            continue
        code = exposure_code(piece.strip(), catalogue)
        if code is None:
            unknown.append(piece.strip())
        else:
            codes.append(code)
    return catalogue_order(codes, catalogue), unknown


def check_exposures(codes: Iterable[str], catalogue: Catalogue) -> list[str]:
    codes = list(codes or [])
    unknown = [code for code in codes if code not in catalogue]
    if unknown:
        raise WorkforceError(
            _l("Exposition inconnue : %(codes)s", codes=", ".join(sorted(map(str, unknown))))
        )
    return catalogue_order(codes, catalogue)


# --- the employer's declared situations -----------------------------------------------------


def normalise_situations(values: dict) -> dict:
    """The situations in `values` in their stored form (a reason only with the SIR list)."""
    for name in ("regulated_work", "sir_employer", "heavy_loads"):
        if name in values:
            values[name] = bool(values[name])
    if "radiation_category" in values:
        values["radiation_category"] = (values["radiation_category"] or "").strip().upper() or None
    if "sir_employer_reason" in values:
        reason = " ".join(str(values["sir_employer_reason"] or "").split())
        values["sir_employer_reason"] = reason[:REASON_MAX] or None
    if "sir_employer" in values and not values["sir_employer"]:
        values["sir_employer_reason"] = None  # no list, nothing to justify
    if values.get("working_days") in ("", None) and "working_days" in values:
        values["working_days"] = None
    return values


def calendar_days(hire_date: date, contract_end: date | None) -> int | None:
    """Days of the contract, both ends counted; None without an end date."""
    if contract_end is None:
        return None
    return (contract_end - hire_date).days + 1


def date_errors(values: dict, today: date) -> list[tuple[str, object]]:
    """(field, message) for each date of the employee that cannot be (the same plausibility
    rules as the CSV import): the birth, the hiring after it, the contract's end after that."""
    errors: list[tuple[str, object]] = []
    born, hired, end = (values.get(k) for k in ("birth_date", "hire_date", "contract_end"))
    if born is not None and not EARLIEST_BIRTH <= born <= today:
        errors.append(("birth_date", _l("La date de naissance n'est pas plausible.")))
    elif born is not None and hired is not None and hired < born:
        errors.append(("hire_date", _l("La date d'embauche précède la date de naissance.")))
    if end is not None and hired is not None and end < hired:
        errors.append(("contract_end", _l("La fin du contrat précède l'embauche.")))
    return errors


def employee_errors(values: dict, today: date) -> list[tuple[str, object]]:
    """Every (field, message) of an employee whose `values` are whole: dates and situations."""
    return date_errors(values, today) + situation_errors(values, today)


def situation_errors(values: dict, today: date) -> list[tuple[str, object]]:
    """(field, message) for each declared situation that cannot be, `values` holding the whole
    employee (hire_date and contract_end included)."""
    errors: list[tuple[str, object]] = []
    if values.get("radiation_category") not in (None, *RADIATION_CATEGORIES):
        errors.append(
            (
                "radiation_category",
                _l("Catégorie de rayonnements ionisants non reconnue (A, B ou aucune)."),
            )
        )
    if values.get("sir_employer") and not values.get("sir_employer_reason"):
        errors.append(
            (
                "sir_employer_reason",
                _l(
                    "Justifiez par écrit pourquoi ce poste est sur votre liste de suivi "
                    "renforcé (article R4624-23 III du Code du travail)."
                ),
            )
        )
    hired, ended = values.get("hire_date"), values.get("exposure_ended_on")
    if ended is not None and hired is not None and ended < hired:
        errors.append(("exposure_ended_on", _l("La fin d'exposition précède l'embauche.")))
    elif ended is not None and ended > today + EXPOSURE_END_AHEAD:
        errors.append(
            (
                "exposure_ended_on",
                _l("La fin d'exposition est trop lointaine : un an à l'avance au plus."),
            )
        )
    days = values.get("working_days")
    if days is not None:
        limit = calendar_days(hired, values.get("contract_end")) if hired else None
        if days < 1:
            errors.append(
                ("working_days", _l("Le nombre de jours de travail effectif doit être positif."))
            )
        elif limit is not None and days > limit:
            errors.append(
                (
                    "working_days",
                    _l(
                        "Le contrat ne compte que %(days)s jours calendaires : pas plus de jours "
                        "de travail effectif.",
                        days=limit,
                    ),
                )
            )
    return errors
