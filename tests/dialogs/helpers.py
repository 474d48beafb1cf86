"""Answers shared by the dialogue tests."""

from __future__ import annotations

EMPLOYER_ANSWERS = {
    "siret": "73282932000074",
    "legal_name": "Menuiserie Dupont",
    "activity": "menuisier",
    "naf_code": "43.32A",
    "address": "3 rue des Lilas",
    "postcode": "75011",
    "city": "Paris",
    "headcount": 4,
    "contact_name": "Jean Dupont",
    "email": "Jean.Dupont@dupont.fr",
    "phone": "+33612345678",
    "main_risks": ["wood_dust", "noise"],
    "q1_duerp": True,
    "q2_duerp_with_staff": False,
    "q3_action_plan": True,
    "q4_plan_reviewed": True,
    "q5_representatives": False,
    "q6_welcome": True,
    "payment_method": "sepa",
    "iban": "FR1420041010050500013M02606",
    "accept_contract": True,
}
