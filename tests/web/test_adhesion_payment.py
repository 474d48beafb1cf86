"""Issue 15, "No dead end": the contract and its price are shown before the contract is
accepted, and a member paying by transfer is given the service's bank details and a payment
reference (thanks page, welcome e-mail, member space)."""

import re

import pytest
from sqlalchemy import select

from assistant.models import Member, OutboxMessage
from tests.conftest import make_app
from tests.web.helpers import EMAIL, EMPLOYER_STEPS, _walk, confirmation_link

DEMO_IBAN = "FR76 3000 6000 0112 3456 7890 189"
TRANSFER_STEPS = [
    *EMPLOYER_STEPS[:-2],
    ("paiement", {"payment_method": "transfer"}),
    EMPLOYER_STEPS[-1],
]


def plain(html: str) -> str:
    return re.sub(r"[\u00a0\u202f]", " ", html)


def test_the_contract_step_shows_the_price_and_a_link_to_the_contract(client, db, load_demo):
    load_demo(db)
    db.commit()
    _walk(client, "entreprise", EMPLOYER_STEPS[:-1])
    page = plain(client.get("/adhesion/entreprise/contrat").get_data(as_text=True))
    assert "440,00 € par an" in page  # 4 employees × 110 € (the rate in force)
    assert "110,00 €" in page and "4 salariés déclarés" in page
    assert 'href="/contrat#socle"' in page
    assert page.index("440,00 €") < page.index("J&#39;accepte le contrat")


def test_the_independents_contract_step_shows_its_own_price_and_offer(client, db, load_demo):
    load_demo(db)
    db.commit()
    steps = [
        (
            "identite",
            {"legal_name": "Nina Roux", "siret": "552 100 554 00013", "birth_date": "12/03/1980"},
        ),
        ("activite", {"activity": "coiffeuse"}),
        ("activite-choix", {"naf_code": "96.02A"}),
        ("coordonnees", {"postcode": "93200", "phone": "07 81 23 45 67", "email": ""}),
        ("risques", {}),
        ("prevention", {"q1_duerp": "non", "q3_action_plan": "non", "q5_representatives": "non"}),
        ("paiement", {"payment_method": "transfer"}),
    ]
    _walk(client, "independant", steps)
    response = client.get("/adhesion/independant/contrat")
    page = plain(response.get_data(as_text=True))
    assert response.status_code == 200 and "offre spécifique" in page
    assert "120,00 € par an" in page and "salariés déclarés" not in page
    assert 'href="/contrat#specifique"' in page


def test_the_contract_page_is_public_and_names_both_offers(client, db):
    page = client.get("/contrat").get_data(as_text=True)
    assert 'id="socle"' in page and 'id="specifique"' in page
    assert "un an au moins" in page and "règlement intérieur" in page
    assert 'href="/contrat"' in client.get("/offre").get_data(as_text=True)


def test_a_member_paying_by_transfer_gets_the_bank_details_and_a_reference(client, db, load_demo):
    from assistant.services.membership import payment

    load_demo(db)
    db.commit()
    _walk(client, "entreprise", TRANSFER_STEPS)
    done = client.post(
        "/adhesion/entreprise/confirmation",
        data={"password": "un-long-secret", "confirm": "un-long-secret"},
    )
    assert done.headers["Location"].endswith("/adhesion/merci")
    db.rollback()
    member = db.scalar(select(Member).where(Member.siret == "55210055400013"))
    reference = f"ADH{member.id:06d}"
    thanks = plain(client.get("/adhesion/merci").get_data(as_text=True))
    for expected in ("SPSTI Santé Travail", DEMO_IBAN, "AGRIFRPP", "440,00 €", reference):
        assert expected in thanks, expected
    found = re.search(r"RF\d\d" + reference, thanks).group(0)
    assert found == payment.reference(member)

    client.get(confirmation_link(db))  # the welcome is e-mailed once the address is proven
    db.rollback()
    welcome = db.scalar(
        select(OutboxMessage).where(
            OutboxMessage.recipient == EMAIL, OutboxMessage.subject.contains("Bienvenue")
        )
    )
    for expected in ("SPSTI Santé Travail", DEMO_IBAN, "AGRIFRPP", "440,00 €", found):
        assert expected in welcome.body, (expected, welcome.body)

    space = plain(client.get("/espace/").get_data(as_text=True))
    for expected in (DEMO_IBAN, "AGRIFRPP", found, "Payer votre cotisation par virement"):
        assert expected in space, expected


def test_a_member_paying_by_direct_debit_is_given_no_bank_details(client, db, load_demo):
    load_demo(db)
    db.commit()
    _walk(client, "entreprise", EMPLOYER_STEPS)
    client.post(
        "/adhesion/entreprise/confirmation",
        data={"password": "un-long-secret", "confirm": "un-long-secret"},
    )
    thanks = plain(client.get("/adhesion/merci").get_data(as_text=True))
    assert DEMO_IBAN not in thanks and "Référence de paiement" not in thanks


@pytest.mark.parametrize(
    "account",
    [
        {"SERVICE_IBAN": "FR76 3000 6000 0112 3456 7890 188"},  # wrong check digits
        {"SERVICE_BIC": "NOTABIC"},
        {"SERVICE_ACCOUNT_HOLDER": ""},  # an account without its holder
    ],
)
def test_a_wrong_bank_account_in_the_configuration_stops_the_app(tmp_path, database, account):
    with pytest.raises(RuntimeError):
        make_app(tmp_path, database, **account)


def test_the_bank_account_is_kept_compact(tmp_path, database):
    app = make_app(tmp_path, database, SERVICE_IBAN="fr76 3000 6000 0112 3456 7890 189")
    assert app.config["SERVICE_IBAN"] == "FR7630006000011234567890189"
