"""The dialogue engine playing the adhesion journeys one message at a time, as SMS will."""

import pytest

from assistant.core.parsing import Reprompt
from dialogs.adhesion import EMPLOYER, INDEPENDENT
from dialogs.engine import AGAIN, Context
from tests.dialogs.helpers import EMPLOYER_ANSWERS
from tests.factories import make_member

NO_STORE = Context()

# (question expected next, what the person types)
EMPLOYER_SMS = [
    ("siret", "732 829 320 00074"),
    ("legal_name", "  Menuiserie   Dupont "),
    ("activity", "menuisier"),
    ("naf_code", "1"),
    ("address", "3 rue des Lilas"),
    ("postcode", "75 011"),
    ("city", "Paris"),
    ("headcount", "4"),
    ("contact_name", "Jean Dupont"),
    ("email", "Jean.Dupont@Dupont.fr"),
    ("phone", "06 12 34 56 78"),
    ("main_risks", "bois, bruit"),
    ("q1_duerp", "ouii"),
    ("q2_duerp_with_staff", "nn"),
    ("q3_action_plan", "OUI "),
    ("q4_plan_reviewed", "o"),
    ("q5_representatives", "non"),
    ("q6_welcome", "Oui!"),
    ("payment_method", "1"),
    ("iban", "FR14 2004 1010 0505 0001 3M02 606"),
    ("accept_contract", "oui"),
]


def play(journey, messages, answers=None, context=NO_STORE):
    """Feed one message per question; return the answers and the keys asked, in order."""
    answers = dict(answers or {})
    asked = []
    for raw in messages:
        question = journey.next_question(answers)
        assert question is not None, f"journey over before {raw!r}"
        asked.append(question.key)
        answers = journey.accept(answers, question, raw, context)
    return answers, asked


def answers_before(key):
    """The employer's answers just before `key` is asked."""
    index = [k for k, _ in EMPLOYER_SMS].index(key)
    answers, _ = play(EMPLOYER, [raw for _, raw in EMPLOYER_SMS[:index]])
    assert EMPLOYER.next_question(answers).key == key
    return answers


def test_employer_journey_over_sms():
    answers, asked = play(EMPLOYER, [raw for _, raw in EMPLOYER_SMS])
    assert asked == [key for key, _ in EMPLOYER_SMS]
    assert answers == EMPLOYER_ANSWERS
    assert EMPLOYER.next_question(answers) is None
    assert EMPLOYER.complete(answers)


INDEPENDENT_SMS = [
    "Marie Curie",
    "73282932000074",
    "1er mars 1980",
    "coiffeuse",
    "1",
    "69003",
    "0781234567",
    "",  # e-mail is optional
    "0",
    "oui",
    "oui",
    "oui",
    "virement",
    "oui",
]


def test_independent_journey_never_asks_employee_questions():
    answers, asked = play(INDEPENDENT, INDEPENDENT_SMS)
    assert INDEPENDENT.complete(answers)
    assert asked == [
        "legal_name",
        "siret",
        "birth_date",
        "activity",
        "naf_code",
        "postcode",
        "phone",
        "email",
        "main_risks",
        "q1_duerp",
        "q3_action_plan",
        "q4_plan_reviewed",
        "payment_method",
        "accept_contract",
    ]
    assert answers["birth_date"] == "1980-03-01"
    assert answers["naf_code"] == "96.02A"
    assert answers["email"] is None
    assert answers["main_risks"] == []
    assert answers["payment_method"] == "transfer"
    assert "iban" not in answers


@pytest.mark.parametrize(
    ("key", "raw", "next_key"),
    [
        ("q1_duerp", "non", "q3_action_plan"),  # Q2 only after a yes to Q1
        ("q1_duerp", "oui", "q2_duerp_with_staff"),
        ("q3_action_plan", "non", "q5_representatives"),  # Q4 only after a yes to Q3
        ("q3_action_plan", "oui", "q4_plan_reviewed"),
        ("payment_method", "1", "iban"),  # IBAN only for SEPA
        ("payment_method", "prélèvement", "iban"),
        ("payment_method", "2", "accept_contract"),
        ("payment_method", "virement", "accept_contract"),
    ],
)
def test_conditions(key, raw, next_key):
    answers = EMPLOYER.accept(answers_before(key), EMPLOYER.question(key), raw, NO_STORE)
    assert EMPLOYER.next_question(answers).key == next_key


@pytest.mark.parametrize(
    ("key", "raw", "dropped", "changed"),
    [
        ("q1_duerp", "non", {"q2_duerp_with_staff"}, {"q1_duerp": False}),
        ("q3_action_plan", "non", {"q4_plan_reviewed"}, {"q3_action_plan": False}),
        ("payment_method", "virement", {"iban"}, {"payment_method": "transfer"}),
        ("q5_representatives", "oui", set(), {"q5_representatives": True}),
        ("headcount", "12", set(), {"headcount": 12}),
    ],
)
def test_changing_an_earlier_answer_drops_what_no_longer_applies(key, raw, dropped, changed):
    answers = EMPLOYER.accept(EMPLOYER_ANSWERS, EMPLOYER.question(key), raw, NO_STORE)
    assert set(EMPLOYER_ANSWERS) - set(answers) == dropped
    expected = {k: v for k, v in EMPLOYER_ANSWERS.items() if k not in dropped} | changed
    assert answers == expected
    assert EMPLOYER.complete(answers)


def test_changing_back_asks_the_dependent_question_again():
    answers = EMPLOYER.accept(EMPLOYER_ANSWERS, EMPLOYER.question("q1_duerp"), "non", NO_STORE)
    answers = EMPLOYER.accept(answers, EMPLOYER.question("q1_duerp"), "oui", NO_STORE)
    assert EMPLOYER.next_question(answers).key == "q2_duerp_with_staff"


@pytest.mark.parametrize("raw", ["4", "aucune", "Autre", "chercher à nouveau"])
def test_again_on_the_naf_choice_goes_back_to_the_activity(raw):
    answers = answers_before("naf_code")
    naf_question = EMPLOYER.question("naf_code")
    assert naf_question.options(answers, NO_STORE)[-1].value == AGAIN

    answers = EMPLOYER.accept(answers, naf_question, raw, NO_STORE)
    assert "activity" not in answers and "naf_code" not in answers
    assert EMPLOYER.next_question(answers).key == "activity"

    answers, asked = play(EMPLOYER, ["plombier", "1"], answers)
    assert asked == ["activity", "naf_code"]
    assert answers["naf_code"] == "43.22A"


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("siret", "732 829 320 00075", "SIRET non valide"),
        ("legal_name", "   ", "Merci de répondre par un texte."),
        ("activity", "xqzw vbnk", "Nous n'avons pas reconnu cette activité"),
        ("naf_code", "9", "Répondez par un numéro de 1 à 4."),
        ("postcode", "7501", "Code postal non reconnu"),
        ("headcount", "0", "Répondez par un nombre entre 1 et 100000."),
        ("headcount", "beaucoup", "Répondez par un nombre, par exemple 12."),
        ("email", "jean.dupont", "Adresse e-mail non reconnue"),
        ("phone", "01 42 68 53 00", "Il nous faut un numéro de mobile"),
        # words no risk of the catalogue is in (issue 15: no "Répondez par un numéro de 1 à 23"
        # to a question whose list is never shown)
        ("main_risks", "banane", "Nous n'avons reconnu aucun risque"),
        ("q1_duerp", "bof", "Répondez OUI ou NON."),
        ("payment_method", "chèque", "Répondez 1 ou 2."),
        ("iban", "FR15 2004 1010 0505 0001 3M02 606", "IBAN non valide"),
        ("accept_contract", "non", "L'adhésion nécessite d'accepter le contrat."),
        ("accept_contract", "peut-être", "Répondez OUI ou NON."),
    ],
)
def test_a_reprompt_leaves_the_answers_unchanged(key, raw, message):
    answers = answers_before(key)
    kept = dict(answers)
    with pytest.raises(Reprompt) as caught:
        EMPLOYER.accept(answers, EMPLOYER.question(key), raw, NO_STORE)
    assert str(caught.value.message).startswith(message)
    assert answers == kept
    assert EMPLOYER.next_question(answers).key == key


@pytest.mark.parametrize("journey", [EMPLOYER, INDEPENDENT], ids=lambda j: j.name)
def test_siret_of_an_existing_member_is_refused(db, journey):
    make_member(db, legal_name="Déjà Adhérente SARL")
    db.commit()
    question = journey.question("siret")
    answers = {"legal_name": "Marie Curie"} if journey is INDEPENDENT else {}

    with pytest.raises(Reprompt) as caught:
        journey.accept(answers, question, "732 829 320 00074", Context(session=db))
    assert "déjà adhérente" in str(caught.value.message)
    assert "73282932000074" in str(caught.value.message)

    # another establishment of the same company is welcome
    other = journey.accept(answers, question, "732 829 320 00066", Context(session=db))
    assert other["siret"] == "73282932000066"


def test_accept_value_checks_and_stores_a_value_a_player_already_read():
    # the web player reads its radio buttons itself; the journey's own check still decides
    answers = answers_before("accept_contract")
    contract = EMPLOYER.question("accept_contract")
    with pytest.raises(Reprompt, match="accepter le contrat"):
        EMPLOYER.accept_value(answers, contract, False, NO_STORE)
    done = EMPLOYER.accept_value(answers, contract, True, NO_STORE)
    assert done["accept_contract"] is True and EMPLOYER.complete(done)
    # a changed earlier value drops the answers that no longer apply, as a typed one does
    method = EMPLOYER.question("payment_method")
    assert "iban" not in EMPLOYER.accept_value(done, method, "transfer", NO_STORE)
