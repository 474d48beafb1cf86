"""How the back-office journal words each audited row (`assistant/staff/journal.py`): the
actions, the records and the details, translated when the page is shown."""

from assistant.core.text import _l

# ---------------------------------------------------------------- the audit journal

# what was done (`AuditEntry.action`)
AUDIT_ACTION = {
    "read": _l("Consultation des données"),
    "search": _l("Recherche"),
    "create": _l("Création"),
    "update": _l("Modification"),
    "delete": _l("Suppression"),
    "publish": _l("Publication"),
    "import": _l("Import"),
    "login": _l("Connexion"),
    "login_failed": _l("Connexion refusée"),
    "logout": _l("Déconnexion"),
    "confirm_email": _l("Adresse e-mail confirmée"),
    "validate": _l("Validation"),
    "refuse": _l("Refus"),
    "book": _l("Réservation"),
    "move": _l("Déplacement"),
    "cancel": _l("Annulation"),
    "no_show": _l("Absence non excusée"),
    "done": _l("Terminé"),
    "generate": _l("Ouverture de créneaux"),
    "grant": _l("Accès accordé"),
    "end": _l("Fin"),
    "leave": _l("Départ"),
    "proof_start": _l("Preuve du mobile demandée"),
    "proof": _l("Mobile prouvé"),
    "phone_change": _l("Changement de mobile"),
    "opt_out": _l("SMS refusés (STOP)"),
    "opt_in": _l("SMS acceptés à nouveau"),
    "give": _l("Accord donné"),
    "withdraw": _l("Accord retiré"),
}

# what it was done to (`AuditEntry.record_type`)
AUDIT_RECORD = {
    "member": _l("Adhérent"),
    "employee": _l("Salarié"),
    "worker": _l("Travailleur"),
    "visit": _l("Visite"),
    "visit_outcome": _l("Résultat de visite"),
    "visit_queue": _l("File d'attente"),
    "medical_note": _l("Note médicale"),
    "inaptitude_step": _l("Procédure d'inaptitude"),
    "health_situation": _l("Situation de santé"),
    "health_access": _l("Accès hors équipe"),
    "tele_consent": _l("Accord de téléconsultation"),
    "fiche_entreprise": _l("Fiche d'entreprise"),
    "risk_declaration": _l("Déclaration des risques"),
    "risk_entry": _l("Catalogue des risques"),
    "staff_user": _l("Compte du service"),
    "staff_task": _l("Tâche"),
    "tariff_rate": _l("Tarif"),
    "centre": _l("Lieu"),
    "work_pattern": _l("Semaine type"),
    "absence": _l("Absence"),
    "slot": _l("Créneaux"),
    "agenda": _l("Agenda"),
    "phone_profile": _l("Mobile"),
    "pdp_case": _l("Dossier PDP"),
}

# the details stored as a fixed word (the page read, the document downloaded…): the stored
# text is the code, for the rows written before as for new ones
AUDIT_DETAIL = {
    "espace": _l("page d'accueil de l'espace"),
    "visites": _l("liste des visites"),
    "effectifs": _l("liste des salariés"),
    "créneaux": _l("créneaux proposés"),
    "risk declarations": _l("déclarations des risques"),
    "attestation pdf": _l("attestation d'adhésion (PDF)"),
    "pdf": _l("document PDF"),
    "document pdf": _l("document de fin de visite (PDF)"),
    "ordonnance pdf": _l("ordonnance de prévention (PDF)"),
    "espace salarié": _l("espace salarié"),
    "fiche administrative": _l("fiche administrative"),
    "suivi": _l("suivi du salarié"),
    "mobile": _l("mobile du salarié"),
    "visites à organiser": _l("visites à organiser"),
    "à enregistrer": _l("résultats à enregistrer"),
    "assignment": _l("placement de la visite"),
    "referral declined": _l("orientation refusée"),
    "active": _l("activé"),
    "inactive": _l("désactivé"),
    "saved": _l("enregistré sans changement"),
    "sms": _l("par SMS"),
}

# the details made of values (`audit.detail(code, **values)`, or the same values read from the
# text of older rows), each worded with its values
AUDIT_DETAIL_FORMAT = {
    "queue": _l("%(waiting)s en attente, %(to_move)s à déplacer"),
    "employees_csv": _l(
        "import CSV des salariés : %(lines)s lignes, %(created)s créés, %(updated)s mis à "
        "jour, %(unchanged)s inchangés, %(errors)s en erreur"
    ),
    "slots_opened": _l("%(created)s créneaux ouverts sur %(weeks)s semaines à partir du %(since)s"),
    "member": _l("adhérent n° %(member)s"),
    "member_version": _l("adhérent n° %(member)s, version %(version)s"),
    "employee": _l("salarié n° %(employee)s"),
    "adhesion": _l("adhésion : %(kind)s"),
    "role": _l("rôle : %(role)s"),
    "advanced_practice": _l("pratique avancée : %(value)s"),
    "period": _l("du %(start)s au %(end)s"),
    "week": _l("semaine %(week)s de %(year)s"),
    "day": _l("le %(date)s"),
    "slot": _l("créneau n° %(slot)s"),
    "note": _l("note n° %(note)s"),
    "tele_consent": _l("adhérent n° %(member)s, %(channel)s"),
}
