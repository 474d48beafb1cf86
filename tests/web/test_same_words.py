"""Issue 15: the web player words its own reprompts (SMS keeps its wording)."""

import re

from tests.web.helpers import EMPLOYER_STEPS, _walk, read

SMS_WORDING = re.compile(r"Répondez|Merci de répondre|OUI ou NON|numéro de 1 à")


def _errors(response) -> list[str]:
    return re.findall(r'<p class="error"[^>]*>([^<]+)<', read(response))


def test_web_forms_word_their_own_reprompts_not_the_sms_ones(client, db, load_demo):
    load_demo(db)
    db.commit()
    contact = dict(EMPLOYER_STEPS[3][1], headcount="beaucoup", city="")
    _walk(client, "entreprise", EMPLOYER_STEPS[:3])
    errors = _errors(client.post("/adhesion/entreprise/coordonnees", data=contact))
    assert errors == ["Remplissez ce champ.", "Indiquez un nombre, par exemple 12."]
    _walk(client, "entreprise", EMPLOYER_STEPS[3:7])
    refused = client.post("/adhesion/entreprise/contrat", data={"accept_contract": "non"})
    assert _errors(refused) == ["L'adhésion nécessite d'accepter le contrat : cochez « Oui »."]
    for response in (refused, client.post("/adhesion/entreprise/entreprise", data={})):
        assert not any(SMS_WORDING.search(error) for error in _errors(response))


def test_night_work_declared_as_a_risk_is_the_night_worker_flag_once(client, db, employer):
    from assistant.models import Employee
    from tests.factories import make_employee
    from tests.web.helpers import fresh, member_login

    night = make_employee(db, employer, exposures=["noise", "night_work"], night_worker=False)
    db.commit()
    member_login(client)
    page = read(client.get(f"/espace/effectifs/{night.id}"))
    assert 'value="night_work"' not in page  # not offered among the exposures
    assert re.search(r'<input checked[^>]*id="night_worker"', page)
    data = {
        "last_name": "Durand",
        "first_name": "Alex",
        "birth_date": "04/05/1990",
        "job": "Boulanger",
        "hire_date": "06/01/2020",
        "contract_type": "cdi",
        "exposures": ["noise"],
        "night_worker": "y",
    }
    assert client.post(f"/espace/effectifs/{night.id}", data=data).status_code == 302
    fresh(db)
    saved = db.get(Employee, night.id)
    assert saved.exposures == ["noise"] and saved.night_worker is True
