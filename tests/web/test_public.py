"""Public pages (SPEC 4.1) in both languages."""

import pytest

PAGES = ["/", "/offre", "/independants", "/lieux", "/rendez-vous", "/pdp", "/tarifs"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_public_pages_render_in_both_languages(client, url, lang):
    response = client.get(f"{url}?lang={lang}")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.get_data(as_text=True)


def test_home_names_the_three_missions(client):
    page = client.get("/").get_data(as_text=True)
    for mission in (
        "Prévenir les risques professionnels",
        "Suivre la santé des salariés",
        "Prévenir la désinsertion professionnelle",
    ):
        assert mission in page


def test_places_list_centres_of_each_kind_with_hours(client, db, load_demo):

    load_demo(db)
    db.commit()
    page = client.get("/lieux").get_data(as_text=True)
    for label in ("Centre fixe", "Centre mobile", "Téléconsultation", "lundi", "08:30"):
        assert label in page
    english = client.get("/lieux?lang=en").get_data(as_text=True)
    assert "Mobile centre" in english and "Monday" in english


def test_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_static_assets_are_served_locally(client):
    page = client.get("/").get_data(as_text=True)
    assert "http://" not in page.split("<body")[0] and "https://" not in page.split("<body")[0]
    with client.get("/static/css/site.css") as response:
        assert response.status_code == 200
