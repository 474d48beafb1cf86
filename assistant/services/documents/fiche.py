"""The versions of the fiche d'entreprise (SPEC 4.3): drafting, editing, publishing.

A member has versions 1, 2, 3…; at most one of them is a draft, the others are published and are
never changed again (the service refuses, and so does a mapper hook on the model). A new draft is
a new version that starts from the last published text, with the parts we can compute (identity,
workforce, exposures, score) refreshed from what the member declared (`fiche_prefill`). The plan
is data (`fiche_plan`), the due dates are in `fiche_due`, the PDF in `fiche_render`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.core.text import _l
from assistant.core.timeutil import PARIS
from assistant.models import FicheEntreprise, FicheStatus, Member
from assistant.services import audit
from assistant.services.documents.fiche_due import french_date, paris_day
from assistant.services.documents.fiche_plan import REQUIRED_SECTIONS, SECTION_KEYS, Section
from assistant.services.documents.fiche_prefill import REGULATORY_REMINDER, declared_facts
from assistant.services.membership import member_mail

SECTION_MAX_CHARS = 8000


class FicheError(ValueError):
    """A change the rules do not allow; `message` is fit to show."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def versions(session: Session, member_id: int) -> list[FicheEntreprise]:
    """A member's versions, newest first."""
    return list(
        session.scalars(
            select(FicheEntreprise)
            .where(FicheEntreprise.member_id == member_id)
            .order_by(FicheEntreprise.version.desc())
        )
    )


def published_versions(session: Session, member_id: int) -> list[FicheEntreprise]:
    return [f for f in versions(session, member_id) if f.is_published]


def get_published(session: Session, member_id: int, version: int) -> FicheEntreprise | None:
    """What the employer may download: its own member's published version, or nothing."""
    return session.scalar(
        select(FicheEntreprise).where(
            FicheEntreprise.member_id == member_id,
            FicheEntreprise.version == version,
            FicheEntreprise.status == FicheStatus.PUBLISHED,
        )
    )


def _get(session: Session, fiche_id: int) -> FicheEntreprise:
    fiche = session.get(FicheEntreprise, fiche_id)
    if fiche is None:
        raise FicheError(_l("Cette fiche d'entreprise n'existe pas."))
    return fiche


def draft_from_declarations(session: Session, actor, member_id: int) -> FicheEntreprise:
    """Start the next version: the last published text, refreshed from the member's data."""
    member = session.get(Member, member_id)
    if member is None:
        raise FicheError(_l("Cet adhérent n'existe pas."))
    existing = versions(session, member_id)
    if any(not f.is_published for f in existing):
        raise FicheError(_l("Une version est déjà en cours de rédaction."))
    last_published = next((f for f in existing if f.is_published), None)
    first_published = next((f for f in reversed(existing) if f.is_published), None)
    content = {key: "" for key in SECTION_KEYS}
    if last_published is not None:
        content.update({k: v for k, v in last_published.content.items() if k in content})
    content["rappel_reglementaire"] = content["rappel_reglementaire"] or REGULATORY_REMINDER
    today = paris_day(datetime.now(PARIS))
    prefill = declared_facts(session, member, actor, today)
    if first_published is not None:
        prefill["date_creation"] = french_date(paris_day(first_published.published_at))
    content.update({key: value for key, value in prefill.items() if value})
    fiche = FicheEntreprise(
        member_id=member.id,
        version=(existing[0].version + 1) if existing else 1,
        status=FicheStatus.DRAFT,
        content=content,
        author_id=getattr(actor, "id", None),
    )
    session.add(fiche)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "fiche_entreprise",
        fiche.id,
        f"member {member.id} v{fiche.version}",
    )
    return fiche


def update_draft(session: Session, actor, fiche_id: int, changes: dict[str, str]) -> list[str]:
    """Change some sections of a draft; returns the keys that changed."""
    fiche = _get(session, fiche_id)
    if fiche.is_published:
        raise FicheError(_l("Une version publiée ne peut plus être modifiée."))
    content = dict(fiche.content)
    changed = []
    for key, value in changes.items():
        if key not in SECTION_KEYS:
            raise FicheError(_l("Rubrique inconnue : %(key)s", key=key))
        text = (value or "").replace("\r\n", "\n").strip()
        if len(text) > SECTION_MAX_CHARS:
            raise FicheError(
                _l("Une rubrique compte au plus %(count)s caractères.", count=SECTION_MAX_CHARS)
            )
        if content.get(key, "") != text:
            content[key] = text
            changed.append(key)
    if changed:
        fiche.content = content  # a new dict: JSON columns do not track in-place changes
        audit.record(
            session, actor, "update", "fiche_entreprise", fiche.id, ", ".join(changed)[:500]
        )
        session.flush()
    return changed


def missing_to_publish(fiche: FicheEntreprise) -> list[Section]:
    """The required sections (`required` in the plan) a version still leaves empty."""
    return [s for s in REQUIRED_SECTIONS if not (fiche.content.get(s.key) or "").strip()]


def publish(session: Session, actor, fiche_id: int, now: datetime) -> FicheEntreprise:
    """Publish a draft to the employer's space; from now on it never changes."""
    fiche = _get(session, fiche_id)
    if fiche.is_published:
        raise FicheError(_l("Cette version est déjà publiée."))
    missing = missing_to_publish(fiche)
    if missing:
        raise FicheError(
            _l(
                "Publication refusée : ces rubriques sont vides : %(sections)s.",
                sections=" ; ".join(str(_l(section.heading)) for section in missing),
            )
        )
    fiche.content = {**fiche.content, "date_mise_a_jour": french_date(paris_day(now))}
    if not fiche.content.get("date_creation"):
        fiche.content = {**fiche.content, "date_creation": french_date(paris_day(now))}
    fiche.status = FicheStatus.PUBLISHED
    fiche.published_at = now
    session.flush()
    audit.record(
        session,
        actor,
        "publish",
        "fiche_entreprise",
        fiche.id,
        f"member {fiche.member_id} v{fiche.version}",
    )
    member = session.get(Member, fiche.member_id)
    member_mail.tell(session, member, "fiche_published", version=fiche.version)
    return fiche
