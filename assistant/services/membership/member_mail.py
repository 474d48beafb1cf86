"""E-mails to a member about its membership and documents (validated, refused, a fiche
d'entreprise published): to the member's contact address, in the member's language, through the
outbox (sent after the caller's commit)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from assistant.core import messages
from assistant.core import settings as service_settings
from assistant.models import Member
from assistant.services.messaging import outbox


def tell(session: Session, member: Member, template: str, **values) -> bool:
    """E-mail `mail/<template>.txt` (subject `mail/<template>_subject.txt`) to the member's contact
    address, in the member's language. False when the member has no e-mail address."""
    if not member.email:
        return False
    settings = service_settings.of(session)
    values |= {
        "member": member,
        "service_name": settings.service_name,
        "service_phone": settings.service_phone,
        "space_url": f"{settings.public_base_url}/espace/",
    }
    subject = messages.render(f"mail/{template}_subject.txt", member.locale, **values)
    body = messages.render(f"mail/{template}.txt", member.locale, **values)
    outbox.queue_email(session, member.email, subject, body)
    return True
