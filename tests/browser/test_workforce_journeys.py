"""An employer's workforce in Chromium: by hand, from a 500-line CSV, in English, walled off."""

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.cli import run_one_import
from assistant.core.timeutil import today_paris
from assistant.models import Employee, Member
from assistant.services.demo import DEMO_PASSWORD
from tests.factories import OTHER_SIRET, make_employee, make_member

pytestmark = pytest.mark.browser

EMPLOYER_EMAIL = "contact@boulangerie-dupont.fr"
DEMO_SIRET = "73282932000074"
CATEGORIES_FR = [
    "Suivi individuel renforcé (SIR)",
    "Suivi individuel adapté (SIA)",
    "Suivi individuel (VIP)",
    "VIP collective (contrats courts)",
]


def sign_in(page, email=EMPLOYER_EMAIL, password=DEMO_PASSWORD):
    page.goto("/espace/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/espace/$"))


def fr_date(day: date) -> str:
    """A date as the workforce table shows it (Babel's medium format)."""
    return format_date(day, "medium", locale="fr")


def fr_typed(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def chart_counts(page) -> dict[str, int]:
    """The bar chart's labels and counts, read from the SVG's text elements."""
    svg = page.locator("figure svg")
    expect(svg).to_be_visible()
    texts = svg.locator("text").all_text_contents()
    return {label: int(count) for label, count in zip(texts[::2], texts[1::2], strict=True)}


def employee_rows(page):
    return page.locator("table tbody tr").filter(has=page.get_by_role("link"))


def before(page) -> tuple[int, dict[str, int]]:
    """(employees listed, chart counts) before the test adds its own (the demo may have some)."""
    if page.locator("figure svg").count() == 0:
        expect(employee_rows(page)).to_have_count(0)
        return 0, dict.fromkeys(CATEGORIES_FR, 0)
    return employee_rows(page).count(), chart_counts(page)


def plus(counts: dict[str, int], *added: int) -> dict[str, int]:
    return {label: n + more for (label, n), more in zip(counts.items(), added, strict=True)}


def employee_row(page, name):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))


def demo_member_id(live_app) -> int:
    with live_app.session() as session:
        return session.scalar(select(Member.id).where(Member.siret == DEMO_SIRET))


def fill_employee(page, *, last, first, birth, job, hired, contract="CDI"):
    page.get_by_label("Nom", exact=True).fill(last)
    page.get_by_label("Prénom", exact=True).fill(first)
    page.get_by_label("Date de naissance").fill(birth)
    page.get_by_label("Poste", exact=True).fill(job)
    page.get_by_label("Date d'embauche").fill(hired)
    page.get_by_label("Contrat", exact=True).select_option(label=contract)


def save(page):
    page.get_by_role("button", name="Enregistrer", exact=True).click()


# --- 1. by hand -------------------------------------------------------------------------------


def test_employer_declares_edits_and_ends_employees_by_hand(page, live_app):
    today = today_paris()
    last_month_start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    # hired on the 1st of last month, CDI: the first visit is due 3 months later, still ahead
    durand_due = date(
        last_month_start.year + (last_month_start.month + 2) // 12,
        (last_month_start.month + 2) % 12 + 1,
        1,
    )
    sign_in(page)
    page.get_by_role("link", name="Mes salariés", exact=True).click()
    expect(page).to_have_url(re.compile(r"/espace/effectifs$"))
    expect(page.get_by_role("heading", level=1, name="Mes salariés")).to_be_visible()
    listed, counts = before(page)

    # A birth date that does not exist: the error is in French, next to the field; nothing lost.
    page.get_by_role("link", name="Ajouter un salarié").click()
    expect(page.get_by_role("heading", level=1, name="Ajouter un salarié")).to_be_visible()
    fill_employee(
        page,
        last="Durand",
        first="Élodie",
        birth="31/02/1985",
        job="Vendeuse",
        hired=fr_typed(last_month_start),
        contract="CDD",
    )
    page.get_by_label("Bruit").check()
    save(page)
    birth = page.get_by_label("Date de naissance")
    expect(birth).to_have_attribute("aria-invalid", "true")
    expect(birth).to_have_attribute("aria-describedby", "birth_date-error")
    expect(page.locator("#birth_date-error")).to_have_text(
        "Date non reconnue. Écrivez-la comme 12/03/1980."
    )
    expect(birth).to_have_value("31/02/1985")
    expect(page.get_by_label("Nom", exact=True)).to_have_value("Durand")
    expect(page.get_by_label("Prénom", exact=True)).to_have_value("Élodie")
    expect(page.get_by_label("Poste", exact=True)).to_have_value("Vendeuse")
    expect(page.get_by_label("Date d'embauche")).to_have_value(fr_typed(last_month_start))
    expect(page.get_by_label("Contrat", exact=True)).to_have_value("cdd")
    expect(page.get_by_label("Bruit")).to_be_checked()
    expect(page.get_by_label("Nom", exact=True)).not_to_have_attribute("aria-invalid", "true")

    # Corrected as people type it; the contract was meant to be a CDI.
    birth.fill("12 mars 1985")
    page.get_by_label("Contrat", exact=True).select_option(label="CDI")
    save(page)
    expect(page).to_have_url(re.compile(r"/espace/effectifs$"))
    expect(page.get_by_role("status")).to_have_text("Salarié ajouté.")

    # A night baker (SIA, seen before taking up the post) and a worker exposed to asbestos (SIR).
    page.get_by_role("link", name="Ajouter un salarié").click()
    fill_employee(
        page,
        last="Bernard",
        first="Karim",
        birth="03/07/1990",
        job="Boulanger",
        hired="01/09/2025",
    )
    page.get_by_label("Travailleur de nuit").check()
    save(page)
    expect(page.get_by_role("status")).to_have_text("Salarié ajouté.")

    page.get_by_role("link", name="Ajouter un salarié").click()
    fill_employee(
        page,
        last="Caron",
        first="Julie",
        birth="22/11/1978",
        job="Agent de rénovation",
        hired=fr_typed(last_month_start),
    )
    page.get_by_label("Amiante").check()
    save(page)
    expect(page.get_by_role("status")).to_have_text("Salarié ajouté.")

    # The list: most urgent first, each with its category and first-visit date.
    rows = employee_rows(page)
    expect(rows).to_have_count(listed + 3)
    names = [row.get_by_role("link").inner_text() for row in rows.all()]
    ours = [name for name in names if name in ("Karim Bernard", "Julie Caron", "Élodie Durand")]
    assert ours == ["Karim Bernard", "Julie Caron", "Élodie Durand"], names
    bernard, caron, durand = (
        employee_row(page, name) for name in ("Karim Bernard", "Julie Caron", "Élodie Durand")
    )
    expect(bernard).to_contain_text("SIA")
    expect(bernard).to_contain_text(fr_date(date(2025, 9, 1)))
    expect(bernard).to_contain_text("en retard")
    expect(caron).to_contain_text("SIR")
    expect(caron).to_contain_text(fr_date(last_month_start))  # before taking up the post
    expect(durand).to_contain_text("CDI")
    expect(durand).to_contain_text("Vendeuse")
    expect(durand).to_contain_text(fr_date(durand_due))
    expect(durand).not_to_contain_text("en retard")
    assert chart_counts(page) == plus(counts, 1, 1, 1, 0)

    # A change of job: the form shows what was saved, the list the new job.
    employee_row(page, "Élodie Durand").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1, name="Élodie Durand")).to_be_visible()
    expect(page.get_by_label("Date de naissance")).to_have_value("12/03/1985")
    expect(page.get_by_label("Contrat", exact=True)).to_have_value("cdi")
    expect(page.get_by_label("Bruit")).to_be_checked()
    page.get_by_label("Poste", exact=True).fill("Responsable de boutique")
    save(page)
    expect(page.get_by_role("status")).to_have_text("Salarié mis à jour.")
    expect(durand).to_contain_text("Responsable de boutique")
    expect(durand).not_to_contain_text("Vendeuse")

    # Julie Caron leaves today: no longer followed, no longer counted.
    employee_row(page, "Julie Caron").get_by_role("link").click()
    page.get_by_label("Date de départ").fill(fr_typed(today))
    page.get_by_role("button", name="Enregistrer le départ").click()
    expect(page.get_by_role("status")).to_have_text("Départ enregistré.")
    expect(page).to_have_url(re.compile(r"/espace/effectifs$"))
    expect(rows).to_have_count(listed + 2)
    expect(page.get_by_role("link", name="Julie Caron")).to_have_count(0)
    assert chart_counts(page) == plus(counts, 0, 1, 1, 0)

    with live_app.session() as session:
        stored = {
            e.last_name: e
            for e in session.scalars(
                select(Employee).where(Employee.member_id == demo_member_id(live_app))
            )
        }
    assert stored["Caron"].left_on == today
    assert stored["Durand"].birth_date == date(1985, 3, 12)
    assert stored["Durand"].job == "Responsable de boutique"
    assert stored["Durand"].exposures == ["noise"]
    assert stored["Bernard"].night_worker and stored["Bernard"].left_on is None


# --- 2. a CSV file from Excel -----------------------------------------------------------------

HEADER = (
    "Nom;Prénom;Date de naissance;Poste;Date d'embauche;Contrat;Fin de contrat;Expositions;"
    "Travail de nuit"
)
LAST_NAMES = [
    "Lefèvre", "Dupré", "Garçon", "Hébert", "Mélenchon", "Noël", "Périer", "Bézier", "Rousseau",
    "Thérond", "Vallée", "Écuyer", "Fabre", "Gérard", "Hôtel", "Jaurès", "Lemaître", "Mercier",
    "Nadaud", "Ollivier",
]  # fmt: skip
FIRST_NAMES = [
    "Hélène", "Jérôme", "Chloé", "Zoé", "Noémie", "Anaïs", "Loïc", "François", "Cécile", "Éric",
    "Agnès", "Benoît", "Céline", "Danièle", "Étienne", "Gaëlle", "Hervé", "Inès", "Joël", "Léa",
    "Maël", "Nathalie", "Océane", "Pénélope", "Raphaël",
]  # fmt: skip
CSV_LINES = 500
# data line index → (column to spoil, bad value); file line = index + 2 (the header is line 1)
BAD = {
    7: ("birth", "31/02/1990"),
    53: ("hired", "hier"),
    101: ("contract", "stage"),
    150: ("last", ""),
    222: ("birth", "12/13/1985"),
    260: ("contract", "CDX"),
    333: ("first", ""),
    404: ("birth", "01/01/2090"),
    450: ("last", " "),
    499: ("contract", "freelance"),
}


def workforce_csv() -> tuple[bytes, int]:
    """(500 lines as Excel writes them in France, how many good lines are exposed to asbestos)."""
    lines = [HEADER]
    asbestos = 0
    for i in range(CSV_LINES):
        hired = date(2020, 1, 6) + timedelta(days=3 * i)
        row = {
            "last": LAST_NAMES[i % len(LAST_NAMES)],
            "first": FIRST_NAMES[i // len(LAST_NAMES)],
            "birth": f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1960 + i % 40}",
            "job": ["Boulanger", "Pâtissière", "Vendeur", "Livreur", "Agent d'entretien"][i % 5],
            "hired": hired.strftime("%d/%m/%Y"),
            "contract": ["CDI", "CDD", "Intérim", "saisonnier", "apprentissage"][i % 5],
            "end": "",
            "exposures": "",
            "night": "oui" if i % 17 == 0 else "non",
        }
        if row["contract"] != "CDI":
            row["end"] = (hired + timedelta(days=180)).strftime("%d/%m/%Y")
        if i % 23 == 0:
            row["exposures"] = "amiante"
        elif i % 3 == 0:
            row["exposures"] = "bruit|port de charges"
        if i in BAD:
            column, value = BAD[i]
            row[column] = value
        elif row["exposures"] == "amiante":
            asbestos += 1
        lines.append(";".join(row.values()))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252"), asbestos


def upload(page, data: bytes, live_app):
    page.goto("/espace/effectifs")
    page.get_by_label("Fichier CSV des salariés").set_input_files(
        files=[{"name": "effectifs.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page).to_have_url(re.compile(r"/espace/effectifs/import/\d+$"))
    expect(page.get_by_role("heading", level=1, name="Import des salariés")).to_be_visible()
    # The upload only queued the import: the page shows its progress while a worker runs it,
    # and reloads itself once it is done.
    expect(page.locator("progress")).to_have_count(1)
    with live_app.app.app_context():
        assert run_one_import() is not None
    summary = page.get_by_role("status")
    expect(summary).to_contain_text("ligne(s).", timeout=30_000)
    expect(page.locator("progress")).to_have_count(0)
    # What the progress bar polls says the same.
    job = page.evaluate(
        "url => fetch(url, {headers: {Accept: 'application/json'}}).then(r => r.json())", page.url
    )
    assert job == {"status": "done", "done": CSV_LINES, "total": CSV_LINES}
    return summary


def reported_lines(page) -> dict[int, str]:
    items = page.locator("ul.errors li").all_text_contents()
    found = {}
    for item in items:
        match = re.fullmatch(r"ligne (\d+) : (.+)", item.strip())
        assert match, item
        found[int(match.group(1))] = match.group(2)
    return found


def test_employer_imports_500_lines_from_excel_and_again_without_duplicates(page, live_app):
    data, asbestos = workforce_csv()
    assert "Lefèvre".encode("cp1252") in data
    good = CSV_LINES - len(BAD)
    sign_in(page)
    page.goto("/espace/effectifs")
    listed, counts = before(page)

    summary = upload(page, data, live_app)
    expect(summary).to_have_text(
        f"{good} salarié(s) ajouté(s), 0 mis à jour, 0 inchangé(s), sur {CSV_LINES} ligne(s)."
    )
    expect(page.get_by_role("heading", level=2, name="Lignes à corriger")).to_be_visible()
    errors = reported_lines(page)
    assert sorted(errors) == sorted(index + 2 for index in BAD)
    assert errors[9] == "date de naissance « 31/02/1990 » non reconnue"
    assert errors[55] == "date d'embauche « hier » non reconnue"
    assert errors[103].startswith("type de contrat « stage » non reconnu (CDI, CDD")
    assert errors[152] == "nom manquant"
    assert errors[335] == "prénom manquant"
    assert errors[406] == "date de naissance « 01/01/2090 » non plausible"
    assert errors[501].startswith("type de contrat « freelance » non reconnu")
    expect(page.get_by_text("Colonnes ignorées")).to_have_count(0)

    page.get_by_role("link", name="Mes salariés").click()
    expect(employee_rows(page)).to_have_count(listed + good)
    after = chart_counts(page)
    assert sum(after.values()) == sum(counts.values()) + good
    sir = "Suivi individuel renforcé (SIR)"
    assert after[sir] == counts[sir] + asbestos
    # Accents survived Windows-1252: the first data line is Hélène Lefèvre, baker on a CDI.
    first = employee_row(page, "Hélène Lefèvre")
    expect(first).to_contain_text("Boulanger")
    expect(first).to_contain_text("CDI")
    expect(employee_row(page, "Hélène Dupré")).to_contain_text("Pâtissière")

    # The same file again: nobody added, nothing changed, the same lines to correct.
    summary = upload(page, data, live_app)
    expect(summary).to_have_text(
        f"0 salarié(s) ajouté(s), 0 mis à jour, {good} inchangé(s), sur {CSV_LINES} ligne(s)."
    )
    assert sorted(reported_lines(page)) == sorted(index + 2 for index in BAD)
    page.get_by_role("link", name="Mes salariés").click()
    expect(employee_rows(page)).to_have_count(listed + good)
    assert chart_counts(page) == after


# --- 3. in English ----------------------------------------------------------------------------


def test_the_workforce_page_in_english(page, live_app):
    with live_app.session() as session:
        make_employee(
            session,
            session.get(Member, demo_member_id(live_app)),
            first_name="Élodie",
            birth_date=date(1985, 3, 12),
            job="Vendeuse",
            hire_date=date(2026, 3, 2),
            contract_type="cdd",
            contract_end=date(2026, 12, 31),
        )
        session.commit()
    sign_in(page)
    page.goto("/espace/effectifs?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1, name="My employees")).to_be_visible()
    expect(page.get_by_role("heading", name="Distribution by follow-up type")).to_be_visible()
    expect(page.get_by_role("heading", name="Employees and next visit")).to_be_visible()
    expect(page.get_by_role("heading", name="Import a file")).to_be_visible()
    expect(page.get_by_role("link", name="Add an employee")).to_be_visible()
    expect(page.get_by_role("columnheader", name="First visit before")).to_be_visible()
    assert "Individual follow-up (VIP)" in chart_counts(page)
    row = employee_row(page, "Élodie Durand")
    expect(row).to_contain_text("2 Jun 2026")  # a European English date
    main = page.locator("main").inner_text()
    for french in ("Mes salariés", "Répartition", "Ajouter un salarié", "Importer", "en retard"):
        assert french not in main, french

    # The choice sticks: the form is in English too, errors included.
    page.get_by_role("link", name="Add an employee").click()
    page.get_by_label("Last name").fill("Smith")
    page.get_by_label("Date of birth").fill("31/02/1985")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#birth_date-error")).to_contain_text("Date not recognised")


# --- 5. one member never reaches another's employees -----------------------------------------


def test_an_employer_cannot_open_or_end_another_members_employee(page, live_app):
    with live_app.session() as session:
        other = make_member(session, OTHER_SIRET)
        theirs = make_employee(
            session,
            other,
            last_name="Secret",
            first_name="Salarié",
            birth_date=date(1980, 1, 1),
            job="Comptable",
            hire_date=date(2020, 1, 1),
        )
        mine = make_employee(
            session,
            session.get(Member, demo_member_id(live_app)),
            first_name="Élodie",
            birth_date=date(1985, 3, 12),
            job="Vendeuse",
            hire_date=date(2024, 1, 15),
        )
        session.commit()
        theirs_id, mine_id = theirs.id, mine.id

    sign_in(page)
    response = page.goto(f"/espace/effectifs/{theirs_id}")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1, name="Page introuvable")).to_be_visible()
    expect(page.get_by_text("Secret")).to_have_count(0)
    expect(page.get_by_text("Comptable")).to_have_count(0)

    # Even a real form, CSRF token and all, aimed at their employee's departure is refused.
    page.goto(f"/espace/effectifs/{mine_id}")
    leave = page.locator("form", has=page.get_by_role("button", name="Enregistrer le départ"))
    leave.evaluate(
        "(form, url) => form.setAttribute('action', url)",
        f"/espace/effectifs/{theirs_id}/depart",
    )
    page.get_by_label("Date de départ").fill("01/06/2026")
    with page.expect_response(re.compile(rf"/effectifs/{theirs_id}/depart$")) as answer:
        page.get_by_role("button", name="Enregistrer le départ").click()
    assert answer.value.status == 404
    expect(page.get_by_role("heading", level=1, name="Page introuvable")).to_be_visible()

    page.goto("/espace/effectifs")
    expect(page.get_by_role("link", name="Élodie Durand")).to_be_visible()
    expect(page.get_by_role("link", name="Secret Salarié")).to_have_count(0)
    with live_app.session() as session:
        assert session.get(Employee, theirs_id).left_on is None
        assert session.get(Employee, mine_id).left_on is None
