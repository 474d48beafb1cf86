"""Every text the SMS channel can send fits in three segments, in French and in English."""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select

from assistant import labels
from assistant.core.parsing import (
    Choice,
    Reprompt,
    parse_choice,
    parse_date,
    parse_email,
    parse_iban,
    parse_int,
    parse_multi_choice,
    parse_phone,
    parse_postcode,
    parse_siret,
    parse_text,
    parse_yes_no,
)
from assistant.core.segments import MAX_SEGMENTS, clip, fits, segments
from assistant.database import utcnow
from assistant.models import Member
from assistant.services import demo
from assistant.services.membership import otp
from assistant.services.prevention import naf, risk_catalogue, score
from assistant.sms import intents
from assistant.sms.conversation import JOURNEYS
from assistant.sms.prompts import prompt
from dialogs import visits as visit_journeys
from dialogs.adhesion import EMPLOYER, INDEPENDENT, PHONE_CODE, RATING
from dialogs.adhesion_questions import NAF_CHOICE
from dialogs.checkup import SCORE
from dialogs.declaration import DECLARATION
from dialogs.engine import Context
from dialogs.member_proof import MEMBER_PROOF
from dialogs.pdp import PDP_PROOF, PDP_REQUEST
from dialogs.pdp_consent import PDP_CONSENT
from dialogs.tele_consent import TELE_CONSENT

TEMPLATES = Path(__file__).resolve().parents[2] / "assistant" / "templates" / "sms"
LANGUAGES = ("fr", "en")
# The longest E.164 numbers (15 digits), French overseas and foreign mobiles included
LONG_PHONES = (None, "+33781234567", "+262692123456", "+861391234567890")
LONG_DOCTOR = "Dr Marie-Charlotte de La Rochefoucauld-Lévêque"
# Activities whose best NAF labels are long (they are cut in the list, the list must still fit)
LONG_ACTIVITIES = (
    "commerce de détail",
    "transport routier",
    "fabrication",
    "location",
    "boulangerie",
    "réparation",
    "commerce de gros",
    "activités des agences de voyage",
    "coiffeuse",
)

NO_STORE = Context()  # prompts read without a database: the packaged risk catalogue


def assert_short(text: str, where) -> None:
    assert text.strip(), f"empty text: {where}"
    assert "{{" not in text and "%(" not in text and "{%" not in text, (where, text)
    assert segments(text) <= MAX_SEGMENTS, (where, segments(text), len(text), text)


@pytest.fixture
def request_context(sms_app):
    with sms_app.app_context(), sms_app.test_request_context():
        yield


def doctor_names() -> list[str | None]:
    names = [name for _email, name, role, _centre in demo.STAFF if role == "doctor"]
    assert names, "the demo data has doctors"
    return [None, *names, LONG_DOCTOR]


def score_results():
    """Every possible score result: all answers, with and without employees."""
    keys = [q.key for q in score.QUESTIONS]
    for has_employees in (True, False):
        for values in itertools.product((True, False), repeat=len(keys)):
            yield score.compute(dict(zip(keys, values, strict=True)), has_employees)


def template_values() -> dict[str, list[dict]]:
    """Each template under assistant/templates/sms with the values that make it longest."""
    from assistant.services.membership.payment import Transfer

    results = list(score_results())
    assert any(result.levers for result in results)
    members = [
        SimpleNamespace(doctor=SimpleNamespace(full_name=name) if name else None)
        for name in doctor_names()
    ]
    return {
        "already_member": [{}],
        "callback": [{"phone": phone} for phone in LONG_PHONES],
        "declaration_done": [
            {"version": version, "unchanged": unchanged, "risks": ["x"] * count}
            for version in (1, 12345)
            for unchanged in (False, True)
            for count in (0, 120)
        ],
        "declaration_intro": [{}],
        "declaration_update_intro": [{"version": 12345}],
        "callback_ask": [{}],
        "contact_changed": [
            {"employer": "Société Coopérative Ouvrière de Production des Boulangers", **service}
            for service in ({"service_phone": "01 23 45 67 89"}, {"service_phone": LONG_PHONES[3]})
        ],
        "error": [{}],
        "expired": [{}],
        "join_intro": [{}],
        "join_company": [{}],
        "employer_password": [{"token": "x" * 32}],
        "members_only": [{}],
        "menu": [{}],
        "not_understood": [{}],
        "one_time_code": [{"code": "987654"}],
        # the employer's name cut at 30 characters (worker_consent.employer_name)
        "pdp_consent_ask": [
            {"employer": "Société Coopérative Ouvrière…", "scope": scope, "in_force": in_force}
            for scope in ("stage", "adjustments", "plan")
            for in_force in (True, False)
        ],
        "pdp_consent_chat": [{}],
        "pdp_consent_given": [{"employer": "Société Coopérative Ouvrière…"}],
        "pdp_consent_none": [{"in_force": True}, {"in_force": False}],
        "pdp_consent_unproven": [{}],
        "pdp_consent_withdrawn": [{"count": 0}, {"count": 3}],
        "proof_code": [
            {"code": "987654", "service_name": "Service de Santé au Travail Interentreprises"}
        ],
        "rating_done": [{}],
        "score_result": [
            {"result": result, "member": member} for result in results for member in (None, 7)
        ],
        "pdp_employer": [{}],
        "pdp_received": [
            {
                "answer_by": "mercredi 30 septembre",
                "asker": asker,
                "informed": informed,
                "suspended": not informed,
                "quiet": quiet,
            }
            for asker in ("employee", "independent", "employer")
            for informed in (True, False)
            for quiet in (True, False)
        ],
        "pdp_refused": [{"reason": "La fin de l'arrêt précède son début."}],
        "pdp_unknown": [{"service_phone": phone} for phone in ("01 23 45 67 89", LONG_PHONES[3])],
        "start": [{}],
        "stop": [{}],
        "tele_consent_ask": [{"in_force": True}, {"in_force": False}],
        "tele_consent_chat": [{}],
        "tele_consent_given": [{}],
        "tele_consent_unproven": [{}],
        "tele_consent_withdrawn": [{}],
        "too_many_codes": [{}],
        "transfer": [
            {"transfer": transfer}
            for transfer in (
                # the largest cotisation (100 000 employees), a holder of 40 characters
                Transfer(
                    "Service Interentreprises Santé Travail 9",
                    "FR76 3000 6000 0112 3456 7890 189",
                    "AGRIFRPPXXX",
                    "11 500 000,00 €",
                    "RF09ADH999999",
                ),
                Transfer("", "", "", "11 500 000,00 €", "RF09ADH999999"),  # no account set
            )
        ],
        "welcome": [{"member": member} for member in members],
        "welcome_subject": [{}],
        "which": [
            {"first": str(labels.INTENT[first]), "second": str(labels.INTENT[second])}
            for first, second in itertools.permutations(intents.LEXICON, 2)
        ],
    }


def test_every_sms_template_has_worst_case_values():
    # the visit_* templates have theirs next to their flows: tests/sms/test_visits_sms.py
    # (booking dialogue) and tests/services/test_notices.py (convocations, reminders)
    names = [p.stem for p in TEMPLATES.glob("*.txt") if not p.stem.startswith("visit_")]
    assert sorted(names) == sorted(template_values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_sms_template_fits_in_three_segments(request_context, language):
    with force_locale(language):
        for name, cases in template_values().items():
            for values in cases:
                text = render_template(f"sms/{name}.txt", **values).strip()
                assert_short(text, (name, language, values))


def test_templates_are_translated(request_context):
    for name in ("menu", "stop", "welcome_subject"):
        with force_locale("fr"):
            french = render_template(f"sms/{name}.txt").strip()
        with force_locale("en"):
            english = render_template(f"sms/{name}.txt").strip()
        assert french != english, name


def longest_risk_codes(language: str, count: int = 5) -> list[list[str]]:
    """The five risks whose labels are longest, and five led by those that force UCS-2."""
    by_length = sorted(risk_catalogue.packaged().values(), key=lambda r: -len(r.label(language)))
    longest = [r.code for r in by_length[:count]]
    wide = [r.code for r in by_length if not _gsm(r.label(language))]
    return [longest, list(dict.fromkeys(wide + longest))[:count]]


def _gsm(text: str) -> bool:
    try:
        text.encode("gsm03.38")
    except UnicodeEncodeError:
        return False
    return True


def realistic_answers(journey, question, language) -> list[dict]:
    """Answers before `question` that make its label and choices as long as they get."""
    if question is NAF_CHOICE:
        return [{"activity": activity} for activity in LONG_ACTIVITIES]
    if journey is PHONE_CODE:
        return [{"_phone": phone, "_adhesion": {}} for phone in LONG_PHONES if phone]
    if journey is DECLARATION and question.key == "risks_confirm":
        return [
            {"risks": {"text": "tout", "codes": codes}} for codes in longest_risk_codes(language)
        ]
    if journey is DECLARATION:
        return [{"_kind": "employer"}, {"_kind": "independent"}]
    if journey is SCORE:
        return [{}, {"has_staff": True}, {"has_staff": False}, {"_member": 1}]
    if journey is PDP_REQUEST and question.key == "about":  # a worker of several employers
        name = "Société Coopérative Ouvrière de Production des Boulangers de l'Est"
        return [{"_about": [[f"employee:{n}", f"{name} {n}"] for n in range(5)]}]
    if journey is PDP_REQUEST and question.key == "employee":
        return []  # the employer asks on the web only, from its list of employees
    return [{}]


def played_questions():
    for journey in (
        EMPLOYER,
        INDEPENDENT,
        SCORE,
        DECLARATION,
        RATING,
        PHONE_CODE,
        TELE_CONSENT,
        MEMBER_PROOF,
        PDP_REQUEST,
        PDP_PROOF,
        PDP_CONSENT,
    ):
        for question in journey.questions:
            if question.effect is not None:  # done by the engine, never asked
                continue
            yield pytest.param(journey, question, id=f"{journey.name}-{question.key}")


def test_the_sms_plays_these_journeys():
    # the visit journeys' questions and messages are checked beside their flows, with slots
    # (tests/sms/test_visits_sms.py)
    journeys = (EMPLOYER, INDEPENDENT, SCORE, DECLARATION, RATING, PHONE_CODE, TELE_CONSENT)
    journeys += (MEMBER_PROOF, PDP_REQUEST, PDP_PROOF, PDP_CONSENT)
    played = {journey.name for journey in journeys}
    assert set(JOURNEYS) == played | set(visit_journeys.JOURNEYS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("journey", "question"), list(played_questions()))
def test_every_question_prompt_fits(request_context, journey, question, language):
    with force_locale(language):
        for answers in realistic_answers(journey, question, language):
            assert_short(prompt(question, answers, NO_STORE), (journey.name, question.key, answers))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_activity_list_keeps_every_choice(request_context, language):
    with force_locale(language):
        for activity in LONG_ACTIVITIES:
            text = prompt(NAF_CHOICE, {"activity": activity}, NO_STORE)
            found = naf.search(activity)
            assert found, activity
            assert f"{len(found) + 1}. " in text, text  # "none of these" is still there


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_first_and_last_messages_of_a_journey_fit(request_context, language):
    """What the conversation sends whole: join intro + first question, welcome + rating."""
    with force_locale(language):
        intro = render_template("sms/join_intro.txt").strip()
        first = prompt(INDEPENDENT.next_question({"phone": "+33781234567"}), {}, NO_STORE)
        assert_short(f"{intro}\n{first}", "join intro")
        for name, answers in (
            ("declaration_intro", {"_kind": "employer"}),
            (
                "declaration_update_intro",
                {q.key: True for q in DECLARATION.questions if q.step != "risques"},
            ),
        ):
            intro = render_template(f"sms/{name}.txt", version=12345).strip()
            question = DECLARATION.next_question(answers)
            assert_short(f"{intro}\n{prompt(question, answers, NO_STORE)}", name)
        intro = render_template("sms/join_company.txt").strip()
        assert_short(f"{intro}\n{prompt(EMPLOYER.next_question({}), {}, NO_STORE)}", "join company")
        for name in doctor_names():
            member = SimpleNamespace(doctor=SimpleNamespace(full_name=name) if name else None)
            welcome = render_template("sms/welcome.txt", member=member).strip()
            assert_short(
                f"{welcome}\n{prompt(RATING.questions[0], {}, NO_STORE)}", ("welcome", name)
            )


# --- reprompts ------------------------------------------------------------------------------

BAD_ANSWERS = (
    "",
    "zzz qwx",
    "peut-être",
    "99",
    "01 23 45 67 89",  # a landline where a mobile is needed
    "31/02/1980",
    "01/01/1850",
    "x" * 600,
    "pas@",
    "FR00 1234",
)


def reprompt_reply(journey, question, answers, reprompt: Reprompt, context) -> str:
    """The reply as the conversation builds it: the message, then the choices again if any."""
    from assistant.sms.conversation import _short_reprompt_hint

    return "\n".join(
        part
        for part in (
            str(reprompt.message),
            _short_reprompt_hint(question, answers, reprompt, context),
        )
        if part
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reprompt_of_the_played_journeys_fits(sms_app, sms_db, sms_demo, language):
    existing_siret = sms_db.scalar(select(Member.siret).where(Member.siret.is_not(None)))
    now = utcnow()
    otp.issue(sms_db, "+33781234567", "adhesion", now)
    seen: set[str] = set()
    with sms_app.app_context(), sms_app.test_request_context(), force_locale(language):
        context = Context(session=sms_db, today=now.date())
        for journey in (
            EMPLOYER,
            INDEPENDENT,
            SCORE,
            DECLARATION,
            RATING,
            PHONE_CODE,
            TELE_CONSENT,
            PDP_REQUEST,
        ):
            for question in journey.questions:
                if question.effect is not None:  # done by the engine, never asked
                    continue
                for answers in realistic_answers(journey, question, language):
                    if journey is PHONE_CODE:
                        cases = [
                            dict(answers, _phone=phone)
                            for phone in ("+33781234567", "+33600000009")
                        ]
                    else:
                        cases = [answers]
                    bad = [*BAD_ANSWERS, existing_siret] if question.key == "siret" else BAD_ANSWERS
                    for case, raw in itertools.product(cases, bad):
                        try:
                            journey.accept(case, question, raw, context)
                        except Reprompt as reprompt:
                            reply = reprompt_reply(journey, question, case, reprompt, context)
                            assert_short(reply, (journey.name, question.key, raw))
                            seen.add(str(reprompt.message))
    sms_db.rollback()
    # the journeys' own checks were reached, not only the parsers
    assert any("déjà adhérente" in m or "already" in m for m in seen), seen
    assert len(seen) >= 14, seen


def parser_reprompts():
    catalogue = [Choice(r.code, r.label_fr, r.synonyms) for r in risk_catalogue.packaged().values()]
    yield lambda: parse_yes_no("bof")
    for count in (1, 2, 3, 4, 5, 30):
        choices = [Choice(str(n), str(n)) for n in range(1, count + 1)]
        yield lambda choices=choices: parse_choice("zzz", choices)
    yield lambda: parse_multi_choice("zzz, yyy", catalogue)
    yield lambda: parse_multi_choice(",", catalogue)
    yield lambda: parse_date("demain")
    yield lambda: parse_date("01/01/1850", earliest=parse_date("01/01/1900"))
    yield lambda: parse_int("beaucoup")
    yield lambda: parse_int("0", minimum=1, maximum=100_000)
    yield lambda: parse_postcode("7501")
    yield lambda: parse_phone("12")
    yield lambda: parse_phone("01 23 45 67 89")
    yield lambda: parse_email("nom@")
    yield lambda: parse_siret("123")
    yield lambda: parse_iban("FR00")
    yield lambda: parse_text("")
    yield lambda: parse_text("x" * 1000, max_length=1000 - 1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_parser_reprompt_fits(request_context, language):
    messages = set()
    with force_locale(language):
        for call in parser_reprompts():
            with pytest.raises(Reprompt) as raised:
                call()
            text = str(raised.value.message)
            assert_short(text, text)
            messages.add(text)
    assert len(messages) >= 17


# --- segments() -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("é" * 160, 1),  # é, è, à, ù, ì, ò, É are in the GSM 03.38 table
        ("éèàùÉ" * 32, 1),
        ("ê" + "a" * 69, 1),
        ("ê" + "a" * 70, 2),
        ("’" + "a" * 69, 1),
        ("\u202f" + "a" * 70, 2),
        ("ê" * 134, 2),
        ("ê" * 135, 3),
        ("ê" * 201, 3),
        ("ê" * 202, 4),
        ("€" * 80, 1),  # extension characters take two septets
        ("€" * 81, 2),
        ("a" * 159 + "€", 2),
        ("[" + "a" * 158, 1),
    ],
)
def test_segments(text, expected):
    assert segments(text) == expected


def test_emoji_take_two_ucs2_units():
    assert segments("😀" * 35) == 1
    assert segments("😀" * 36) == 2


@pytest.mark.parametrize(
    "text",
    [
        "a" * 2000,
        "ê" * 2000,
        "€" * 700,
        "😀" * 300,
        "Répondez " * 80,
        "a" * 458 + "ê",
        "ok",
    ],
)
def test_clip_always_fits(text):
    clipped = clip(text)
    assert fits(clipped)
    assert clipped == text or clipped.endswith("…")
    assert clipped.rstrip("…").rstrip() and text.startswith(clipped.rstrip("…").rstrip())


def test_expiry_default_is_a_day(sms_app):
    assert timedelta(seconds=sms_app.config["SMS_SESSION_IDLE"]) == timedelta(hours=24)
