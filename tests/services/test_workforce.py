"""The workforce store: employees per member, audited changes, and the lenient CSV import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from assistant.models import AuditEntry, Employee
from assistant.services import audit
from assistant.services.workforce import csv_import, employee_values
from assistant.services.workforce import employees as workforce
from tests.factories import prove_mobile

TODAY = date(2026, 11, 23)
HEADER = (
    "nom;prenom;date_naissance;poste;date_embauche;contrat;fin_contrat;expositions;travail_de_nuit"
)
GOOD = [
    "Dupont;Marie;12/03/1980;Boulangère;01/09/2015;CDI;;bruit|port de charges;oui",
    "Martin;Lucas;1999-07-21;Vendeur;15/01/2024;CDD;14/07/2025;;non",
    "Nguyen;Thi;05/11/2001;Apprentie;01/09/2023;apprentissage;31/08/2025;chaleur;",
]
EXAMPLE = Path(workforce.__file__).resolve().parents[2] / "data" / "exemple_effectifs.csv"


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode(encoding)


def add(db, member, **overrides):
    values = {
        "last_name": "Dupont",
        "first_name": "Marie",
        "birth_date": date(1980, 3, 12),
        "job": "Boulangère",
        "hire_date": date(2015, 9, 1),
        "contract_type": "cdi",
        "exposures": ["noise"],
        **overrides,
    }
    return workforce.add_employee(db, "member:1", member.id, **values)


def employees(db, member) -> list[Employee]:
    return workforce.list_employees(db, member.id, include_left=True)


# --- one employee at a time -----------------------------------------------------------------


def test_add_update_leave_are_audited(db, member):
    employee = add(db, member, exposures=["night_work", "noise", "noise"])
    assert employee.last_name_folded == "dupont"
    assert employee.exposures == ["noise", "night_work"]  # catalogue order, no repeats
    assert employee.created_at.tzinfo is not None

    workforce.update_employee(db, "member:1", member.id, employee.id, job="Chef boulangère")
    workforce.update_employee(db, "member:1", member.id, employee.id, job="Chef boulangère")
    workforce.leave_employee(db, "member:1", member.id, employee.id, date(2026, 6, 30))
    db.commit()

    assert employee.job == "Chef boulangère" and employee.left_on == date(2026, 6, 30)
    entries = audit.entries_for(db, "employee", employee.id)
    assert [(e.action, e.detail) for e in reversed(entries)] == [
        ("create", f"member {member.id}"),
        ("update", "job"),  # the second, identical update changed nothing and is not logged
        ("leave", "2026-06-30"),
    ]
    assert {e.actor for e in entries} == {"member:1"}
    assert workforce.list_employees(db, member.id, today=TODAY) == []
    assert employees(db, member) == [employee]


def test_add_refuses_a_duplicate_a_bad_contract_and_an_unknown_exposure(db, member):
    add(db, member)
    with pytest.raises(employee_values.DuplicateEmployee):
        add(db, member, last_name="DUPONT", first_name="marie", job="Autre")
    with pytest.raises(employee_values.WorkforceError):
        add(db, member, first_name="Paul", contract_type="freelance")
    with pytest.raises(employee_values.WorkforceError, match="teleportation"):
        add(db, member, first_name="Paul", exposures=["teleportation"])
    with pytest.raises(employee_values.WorkforceError):
        add(db, member, first_name="Paul", contract_end=date(2000, 1, 1))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"birth_date": date(2090, 1, 1)}, "naissance n'est pas plausible"),
        ({"birth_date": date(1899, 12, 31)}, "naissance n'est pas plausible"),
        ({"hire_date": date(1979, 12, 31)}, "embauche précède la date de naissance"),
    ],
)
def test_the_form_path_refuses_implausible_dates_like_the_import(db, member, changes, message):
    with pytest.raises(employee_values.WorkforceError) as refused:
        add(db, member, **changes)
    assert message in str(refused.value.message)
    employee = add(db, member)
    with pytest.raises(employee_values.WorkforceError):
        workforce.update_employee(db, "member:1", member.id, employee.id, **changes)


def test_the_database_keeps_the_natural_key_and_the_contract_types(db, member):
    add(db, member)
    db.commit()
    row = {
        "member_id": member.id,
        "last_name": "Dupont",
        "first_name": "Marie",
        "last_name_folded": "dupont",
        "first_name_folded": "marie",
        "birth_date": date(1980, 3, 12),
        "job": "x",
        "hire_date": date(2020, 1, 1),
        "contract_type": "cdi",
    }
    db.add(Employee(**row))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()
    db.add(Employee(**{**row, "first_name_folded": "paul", "contract_type": "freelance"}))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_a_member_never_reads_or_changes_another_members_employee(db, member, other):
    theirs = add(db, other, first_name="Paul")
    mine = add(db, member)
    assert employees(db, member) == [mine]
    assert employees(db, other) == [theirs]
    with pytest.raises(employee_values.EmployeeNotFound):
        workforce.get_employee(db, member.id, theirs.id)
    with pytest.raises(employee_values.EmployeeNotFound):
        workforce.update_employee(db, "member:1", member.id, theirs.id, job="Piraté")
    with pytest.raises(employee_values.EmployeeNotFound):
        workforce.leave_employee(db, "member:1", member.id, theirs.id, TODAY)
    with pytest.raises(employee_values.EmployeeNotFound):
        workforce.get_employee(db, member.id, 999_999)
    db.commit()
    db.refresh(theirs)
    assert theirs.job == "Boulangère" and theirs.left_on is None
    assert audit.entries_for(db, "employee", theirs.id)[0].action == "create"
    # the same person may work for both members: the natural key is per member
    assert add(db, other).member_id == other.id


def test_employees_go_with_their_member(db, member):
    add(db, member)
    db.commit()
    db.delete(member)
    db.commit()
    assert db.scalar(select(func.count()).select_from(Employee)) == 0


# --- CSV import -----------------------------------------------------------------------------


def import_(db, member, data: bytes, **kwargs) -> csv_import.ImportReport:
    report = csv_import.import_csv(db, "member:1", member.id, data, today=TODAY, **kwargs)
    db.commit()
    return report


def test_import_semicolons_utf8(db, member):
    report = import_(db, member, csv_bytes(*GOOD))
    assert report.ok, report.messages()
    assert (report.total, report.created, report.updated, report.errors) == (3, 3, 0, [])
    assert report.delimiter == ";" and report.encoding == "utf-8"
    dupont, martin, nguyen = employees(db, member)
    assert (dupont.first_name, dupont.job, dupont.contract_type) == ("Marie", "Boulangère", "cdi")
    assert dupont.exposures == ["noise", "manual_handling"] and dupont.night_worker is True
    assert (martin.birth_date, martin.contract_end) == (date(1999, 7, 21), date(2025, 7, 14))
    assert martin.exposures == [] and martin.night_worker is False
    assert nguyen.contract_type == "apprenti" and nguyen.exposures == ["heat_cold"]
    entry = audit.entries_for(db, "member", member.id)[0]
    assert entry.action == "import" and audit.detail_values(entry.detail)["created"] == 3


def test_import_commas_with_quoted_exposures(db, member):
    data = csv_bytes(
        'Dupont,Marie,12/03/1980,Boulangère,01/09/2015,CDI,,"bruit, amiante",non',
        "Martin,Lucas,21/07/1999,Vendeur,15/01/2024,cdd,14/07/2025,,",
        header=HEADER.replace(";", ","),
    )
    report = import_(db, member, data)
    assert report.ok, report.messages()
    assert report.delimiter == "," and report.created == 2
    assert employees(db, member)[0].exposures == ["noise", "asbestos"]


def test_import_utf8_with_bom(db, member):
    report = import_(db, member, b"\xef\xbb\xbf" + csv_bytes(*GOOD))
    assert report.ok, report.messages()
    assert report.created == 3 and report.encoding == "utf-8"
    assert employees(db, member)[0].last_name == "Dupont"  # the BOM is not part of "nom"


def test_import_windows_1252_with_accents_and_lenient_headers(db, member):
    header = (
        "NOM;Prénom;Date de naissance;Poste occupé;Date d'embauche;Type de contrat;Fin de contrat"
    )
    data = csv_bytes(
        "Lefèvre;Jérôme;3 février 1975;Livreur;02/05/2022;Intérim;30/06/2025",
        "Garcìa;Inès;18.06.2004;Aide saisonnière;01/07/2025;Saisonnier;31/08/2025",
        "Petit;Hugo;29/02/1996;Nettoyage;10/03/2025;contrat court;20/04/2025",
        header=header,
        encoding="cp1252",
    )
    assert "é".encode("cp1252") in data
    report = import_(db, member, data)
    assert report.ok, report.messages()
    assert report.encoding == "cp1252" and report.created == 3
    garcia, lefevre, petit = employees(db, member)
    assert (lefevre.last_name, lefevre.first_name, lefevre.job) == ("Lefèvre", "Jérôme", "Livreur")
    assert lefevre.birth_date == date(1975, 2, 3) and lefevre.contract_type == "interim"
    assert (garcia.first_name, garcia.job, garcia.contract_type) == (
        "Inès",
        "Aide saisonnière",
        "saisonnier",
    )
    assert petit.contract_type == "short"


def test_missing_required_columns_import_nothing(db, member):
    data = csv_bytes("Dupont;Marie;Boulangère", header="nom;prenom;poste")
    report = import_(db, member, data)
    assert report.fatal is not None and report.created == 0
    assert "date_naissance" in str(report.fatal) and "contrat" in str(report.fatal)
    assert report.messages() == [str(report.fatal)]
    assert employees(db, member) == []
    assert import_(db, member, b"").fatal is not None


def test_bad_lines_are_reported_per_field_and_good_lines_kept(db, member):
    data = csv_bytes(
        GOOD[0],
        "Bernard;Paul;31/02/1990;Maçon;01/01/2020;CDI;;;",  # line 3
        "Roux;Léa;01/01/1990;Comptable;01/01/2020;freelance;;;",  # line 4
        "Faure;Jean;01/01/1990;Peintre;01/01/2020;CDI;;bruit|téléportation;",  # line 5
        GOOD[1],
        ";Anne;hier;;01/01/2020;CDD;01/01/2019;;peut-être",  # line 7: five problems
        "Blanc;Tom;01/01/2030;Stagiaire;01/01/2020;CDI;;;",  # line 8: born in the future
        GOOD[2],
    )
    report = import_(db, member, data)
    assert report.created == 3 and report.total == 8
    assert [e.line for e in report.errors] == [3, 4, 5, 7, 8]
    messages = report.messages()
    assert messages[0] == "ligne 3 : date de naissance « 31/02/1990 » non reconnue"
    assert messages[1].startswith("ligne 4 : type de contrat « freelance » non reconnu")
    assert messages[2] == (
        "ligne 5 : exposition « téléportation » inconnue du catalogue des risques"
    )
    assert len(report.errors[3].messages) == 5, messages[3]
    for words in ("nom manquant", "« hier » non reconnue", "poste manquant", "fin de contrat"):
        assert words in messages[3]
    assert "travail de nuit « peut-être »" in messages[3]
    assert "non plausible" in messages[4]
    assert [e.last_name for e in employees(db, member)] == ["Dupont", "Martin", "Nguyen"]


def test_duplicates_inside_the_file_are_reported(db, member):
    data = csv_bytes(GOOD[0], GOOD[1], "DUPONT;marie;1980-03-12;Autre poste;01/01/2020;CDD;;;")
    report = import_(db, member, data)
    assert report.created == 2
    assert report.messages() == [
        "ligne 4 : même salarié que la ligne 2 (nom, prénom et date de naissance) : ligne ignorée"
    ]
    assert employees(db, member)[0].job == "Boulangère"


def test_reimport_is_idempotent_and_updates_only_what_changed(db, member):
    data = csv_bytes(*GOOD)
    assert import_(db, member, data).created == 3
    stamps = {e.id: e.updated_at for e in employees(db, member)}

    again = import_(db, member, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    db.expire_all()
    assert {e.id: e.updated_at for e in employees(db, member)} == stamps

    changed = GOOD[1].replace("Vendeur", "Responsable de rayon")
    reordered = GOOD[0].replace("bruit|port de charges", "manutention, Bruit")
    third = import_(db, member, csv_bytes(reordered, changed, GOOD[2]))
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    db.expire_all()
    dupont, martin, _ = employees(db, member)
    assert martin.job == "Responsable de rayon" and martin.updated_at > stamps[martin.id]
    assert dupont.updated_at == stamps[dupont.id]
    assert db.scalar(select(func.count()).select_from(Employee)) == 3


def test_import_never_touches_another_member(db, member, other):
    import_(db, other, csv_bytes(*GOOD))
    report = import_(db, member, csv_bytes(GOOD[0].replace("Boulangère", "Caissière")))
    assert report.created == 1 and report.updated == 0
    assert [e.job for e in employees(db, other)][0] == "Boulangère"


def test_progress_is_called_every_500_lines(db, member):
    lines = [f"Nom{i};Prénom{i};01/01/1990;Poste;01/01/2020;CDI;;;" for i in range(1, 1201)]
    calls = []
    report = import_(
        db, member, csv_bytes(*lines), progress=lambda done, total: calls.append((done, total))
    )
    assert report.created == 1200 and report.ok
    assert calls == [(500, 1200), (1000, 1200), (1200, 1200)]


def test_the_example_file_imports_cleanly(db, member):
    report = import_(db, member, EXAMPLE.read_bytes())
    assert report.ok, report.messages()
    assert report.created == report.total == 9
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == 1
    by_name = {e.last_name: e for e in employees(db, member)}
    assert by_name["Roux"].regulated_work and by_name["Bernard"].radiation_category == "B"
    assert by_name["Petit"].sir_employer and by_name["Petit"].sir_employer_reason
    assert by_name["Lefèvre"].heavy_loads and by_name["Garcia"].working_days == 40
    assert by_name["Leroy"].exposure_ended_on == date(2026, 6, 30)


def test_the_employees_mobile_is_kept_in_international_form(db, member):
    employee = add(db, member, phone="06 11 22 33 44")
    assert employee.phone == "+33611223344"
    workforce.update_employee(db, "member:1", member.id, employee.id, phone="")
    assert employee.phone is None
    with pytest.raises(employee_values.WorkforceError) as refused:
        workforce.update_employee(db, "member:1", member.id, employee.id, phone="12")
    assert "mobile" in str(refused.value.message)


def test_import_an_optional_mobile_column_that_never_forgets_a_known_number(db, member):
    header = HEADER + ";Téléphone portable"
    report = import_(
        db,
        member,
        csv_bytes(GOOD[0] + ";06 11 22 33 44", GOOD[1] + ";", GOOD[2] + ";12", header=header),
    )
    assert [e.line for e in report.errors] == [4]
    assert "mobile « 12 » non reconnu" in report.messages()[0]
    dupont, martin = employees(db, member)
    assert (dupont.phone, martin.phone) == ("+33611223344", None)
    # a file without the column, or with the cell empty, keeps the number
    assert import_(db, member, csv_bytes(*GOOD[:2])).unchanged == 2
    again = import_(db, member, csv_bytes(GOOD[0] + ";", header=header))
    assert again.unchanged == 1
    changed = import_(db, member, csv_bytes(GOOD[0] + ";+33 6 99 88 77 66", header=header))
    assert changed.updated == 1
    db.expire_all()
    assert employees(db, member)[0].phone == "+33699887766"


def test_a_new_contact_number_tells_the_proven_mobile_by_form_and_by_file(db, member):
    """Issue 11: the employer's edit never moves the identity; the worker's proven mobile is
    told when the contact number changes (never the new number)."""
    from assistant.models import OutboxMessage

    header = HEADER + ";Téléphone portable"
    import_(db, member, csv_bytes(GOOD[0] + ";06 11 22 33 44", header=header))
    dupont = employees(db, member)[0]
    prove_mobile(db, dupont, "+33700000001")
    import_(db, member, csv_bytes(GOOD[0] + ";06 45 45 45 45", header=header))
    workforce.update_employee(db, "member:1", member.id, dupont.id, phone="06 46 46 46 46")
    sent = db.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).all()
    assert [m.recipient for m in sent] == ["+33700000001", "+33700000001"]
    assert all("numéro de contact" in m.body for m in sent)
    db.expire_all()
    assert employees(db, member)[0].worker.phone == "+33700000001"


def test_an_import_run_again_after_dying_mid_way_has_told_the_proven_mobile_once(db, member):
    """A worker killed mid-import commits what it did batch by batch: the notice of a changed
    number goes with the batch that changed it, since the import run again finds it unchanged."""
    from assistant.models import OutboxMessage

    class WorkerDied(Exception):
        pass

    header = HEADER + ";Téléphone portable"
    lines = [f"Nom{n};Léa;12/03/1990;Vendeuse;01/09/2024;CDI;;;non;" for n in range(1200)]
    lines[0] += "06 11 22 33 44"
    import_(db, member, csv_bytes(*lines, header=header))
    first = db.scalar(select(Employee).where(Employee.last_name == "Nom0"))
    prove_mobile(db, first, "+33700000001")
    db.commit()
    changed = csv_bytes(*[line.replace(";Vendeuse;", ";Vendeur;") for line in lines], header=header)
    changed = changed.replace(b"06 11 22 33 44", b"06 45 45 45 45")

    def dies_after_the_first_batch(done: int, _total: int) -> None:
        db.commit()  # each chunk committed, as the job's worker does
        if done == csv_import.BATCH_SIZE:  # the first batch is written and committed
            raise WorkerDied

    with pytest.raises(WorkerDied):
        import_(db, member, changed, progress=dies_after_the_first_batch)
    db.rollback()
    again = import_(db, member, changed)
    assert (again.updated, again.unchanged) == (200, 1000)
    sent = db.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).all()
    assert [m.recipient for m in sent] == ["+33700000001"]


# --- limits: lines per import, memory ------------------------------------------------------------


def test_a_file_past_the_line_cap_imports_nothing(db, member):
    lines = [f"Nom{n};Léa;12/03/1990;Vendeuse;01/09/2024;CDI;;;non" for n in range(11)]
    report = import_(db, member, csv_bytes(*lines), max_lines=10)
    assert report.fatal is not None and report.imported == 0
    assert "11 lignes" in str(report.fatal) and "10 au plus" in str(report.fatal)
    assert employees(db, member) == []
    report = import_(db, member, csv_bytes(*lines[:10]), max_lines=10)
    assert report.created == 10 and report.fatal is None


def test_the_import_streams_its_file_with_bounded_memory(db, member):
    import tracemalloc

    bad = "Martin;Léa;31/02/1990;Vendeuse;01/09/2024;CDI;;;non"
    data = csv_bytes(*([bad] * 60_000))  # 3 MB, every line wrong
    tracemalloc.start()
    try:
        report = import_(db, member, data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.total == 60_000 and report.error_count == 60_000
    assert len(report.errors) == csv_import.MAX_REPORTED_ERRORS  # the first ones, then a count
    assert "59 800 autres lignes" in report.messages()[-1].replace("\u202f", " ").replace(
        "\xa0", " "
    )
    assert peak < 4 * 2**20, f"{peak / 2**20:.1f} MB traced for a 3 MB file"
