"""Free text matched to NAF codes and to the risk catalogue; the data files behind them."""

import csv

import pytest

from assistant.services.prevention import naf, risk_catalogue


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("plombier", "43.22A"),
        ("coiffeur", "96.02A"),
        ("coifeur", "96.02A"),  # typo
        ("Coiffeuse", "96.02A"),
        ("boulangerie", "10.71C"),
        ("menuisier", "43.32A"),
        # the examples the adhesion journeys give in their hints
        ("plomberie", "43.22A"),
        ("agence de voyages", "79.11Z"),
        ("infirmière libérale", "86.90D"),
        ("taxi", "49.32Z"),
    ],
)
def test_activity_found_first(text, code):
    assert naf.search(text)[0].code == code


@pytest.mark.parametrize(("text", "code"), [("boulanger", "10.71C"), ("maçon", "43.99C")])
def test_activity_among_the_three_proposed(text, code):
    found = naf.search(text)
    assert len(found) == 3
    assert code in [activity.code for activity in found]


@pytest.mark.parametrize("typed", ["1071c", "10.71C", "10.71 C", " 1071C "])
def test_code_typed_directly(typed):
    assert [activity.code for activity in naf.search(typed)] == ["10.71C"]


@pytest.mark.parametrize("text", ["xqzw vbnk", "", "   ", "de la", "99.99Z"])
def test_nothing_found(text):
    assert naf.search(text) == []


@pytest.mark.parametrize(
    ("typed", "code"), [("1071c", "10.71C"), ("43.22 a", "43.22A"), ("9999Z", None), ("", None)]
)
def test_normalise_code(typed, code):
    assert naf.normalise_code(typed) == code


def test_nomenclature_has_the_732_sub_classes():
    nomenclature = naf.nomenclature()
    assert len(nomenclature) == 732
    assert nomenclature["10.71C"].label == "Boulangerie et boulangerie-pâtisserie"


def test_every_synonym_points_to_existing_codes():
    for word, codes in naf._synonyms().items():
        assert codes, word
        assert set(codes) <= set(naf.nomenclature()), word


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("je respire de la poussière de bois", "wood_dust"),
        ("port de charges", "manual_handling"),
        ("je porte des charges lourdes", "manual_handling"),
        ("travail de nuit", "night_work"),
        ("je conduis un chariot élévateur", "machinery"),
        ("stress au travail", "psychosocial"),
        ("AMIANTE", "asbestos"),
    ],
)
def test_risk_matched_first(text, code):
    assert risk_catalogue.packaged().match(text)[0].code == code


@pytest.mark.parametrize("text", ["", "   "])
def test_no_risk_in_empty_text(text):
    assert risk_catalogue.packaged().match(text) == []


def test_risk_catalogue_rows_are_well_formed():
    """A label with an unquoted comma shifts the columns and loses the synonyms."""
    with risk_catalogue.DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(risk_catalogue.packaged()) == 23
    for row in rows:
        assert None not in row and None not in row.values(), row["code"]
        assert row["label_fr"] and row["label_en"] and row["synonyms"], row["code"]
    psychosocial = risk_catalogue.packaged()["psychosocial"]
    assert psychosocial.label("fr") == "Risques psychosociaux (stress, violence)"
    assert psychosocial.label("en") == "Psychosocial risks (stress, violence)"
    assert "stress" in psychosocial.synonyms


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("plumber", "43.22A"),
        ("baker", "10.71C"),
        ("hairdresser", "96.02A"),
        ("electrician", "43.21A"),
        ("bricklayer", "43.99C"),
        ("painter", "43.34Z"),
        ("roofer", "43.91B"),
        ("cleaner", "81.21Z"),
        ("taxi driver", "49.32Z"),
        ("nurse", "86.90D"),
    ],
)
def test_a_trade_typed_in_english_finds_its_activity_first(typed, code):
    """Issue 15: "plumber" found the wholesale of plumbing supplies (46.74B), not plumbing."""
    assert naf.search(typed)[0].code == code


def test_every_naf_class_has_its_nace_rev2_english_title():
    """Issue 15: NAF labels stayed French in English; NAF has no English, NACE Rev. 2 has (615
    classes, one for each four-digit prefix of the 732 sous-classes)."""
    with (naf.DATA_DIR / "nace_rev2_en.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len({row["code"] for row in rows}) == 615
    assert {row["code"] for row in rows} == {code[:5] for code in naf.nomenclature()}
    assert all(row["label"].strip() == row["label"] and row["label"] for row in rows)


def test_a_naf_label_in_english_is_the_title_of_its_nace_class():
    plumbing = naf.nomenclature()["43.22A"]
    assert plumbing.label_in("en") == "Plumbing, heat and air-conditioning installation"
    assert plumbing.label_in("fr") == plumbing.label
    assert naf.label("10.71C", "en") == (
        "Manufacture of bread; manufacture of fresh pastry goods and cakes"
    )
    assert naf.label("10.71C", "fr") == "Boulangerie et boulangerie-pâtisserie"
    assert naf.label("99.99Z", "en") is None
