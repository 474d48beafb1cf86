"""Two languages: French by default, English on request, choice sticky, formats by Babel."""

import pytest


def test_french_is_the_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Nos trois missions" in page


def test_accept_language_english(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Our three missions" in page


def test_unsupported_accept_language_falls_back_to_french(client):
    page = client.get("/", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    assert '<html lang="fr">' in page


def test_lang_parameter_sticks_in_the_session(client):
    assert '<html lang="en">' in client.get("/?lang=en").get_data(as_text=True)
    page = client.get("/offre", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert '<html lang="fr">' in client.get("/?lang=fr").get_data(as_text=True)
    assert '<html lang="fr">' in client.get("/pdp").get_data(as_text=True)


def test_unknown_lang_parameter_is_ignored(client):
    assert '<html lang="fr">' in client.get("/?lang=xx").get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "amount", "date"),
    [
        ("fr", "110,00\u00a0€", "1 janvier 2026"),
        ("en", "€110.00", "1 January 2026"),
    ],
)
def test_money_and_dates_follow_the_locale(client, db, lang, amount, date):
    from datetime import date as date_
    from decimal import Decimal

    from assistant.services.membership import tariffs

    tariffs.load_grid(db, "test", [("employee", Decimal("110"), date_(2026, 1, 1))])
    db.commit()
    page = client.get(f"/tarifs?lang={lang}").get_data(as_text=True)
    assert amount in page
    assert date in page


def test_two_processes_compiling_at_once_never_share_a_temporary_file(tmp_path):
    """Two test workers started on a fresh clone compile the catalogs at the same time: one
    renamed the other's temporary file away (FileNotFoundError)."""
    import shutil
    from concurrent.futures import ProcessPoolExecutor

    from assistant.i18n import TRANSLATIONS_DIR, compile_catalogs

    folder = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS_DIR, folder, ignore=shutil.ignore_patterns("*.mo"))
    with ProcessPoolExecutor(4) as pool:
        results = [pool.submit(compile_catalogs, folder) for _ in range(8)]
        for result in results:
            result.result()  # none raises
    assert (folder / "en" / "LC_MESSAGES" / "messages.mo").exists()
    assert not list(folder.rglob("*.tmp"))
