"""The store's tables, one module per aggregate; importing this package registers them all."""

from assistant.database import Base
from assistant.models.audit import AuditEntry
from assistant.models.declaration import RiskDeclaration
from assistant.models.dialogue import DialogueState
from assistant.models.fiche import FicheEntreprise, FicheStatus
from assistant.models.health import HealthSituation
from assistant.models.member import (
    Member,
    MemberKind,
    MemberStatus,
    MemberUser,
    OneTimeCode,
    PaymentMethod,
    ScoreRecord,
)
from assistant.models.outbox import OutboxChannel, OutboxMessage, OutboxStatus
from assistant.models.pdp import (
    PdpAction,
    PdpCase,
    PdpCaseMember,
    PdpConsent,
    PdpDisclosure,
    PdpReview,
)
from assistant.models.risk import RiskEntry
from assistant.models.service import Centre, CentreKind, OpeningHours
from assistant.models.sms import ChatLine, InboundSms, PhoneProfile, StaffTask
from assistant.models.staff import HealthAccessGrant, LoginFailure, Role, StaffUser
from assistant.models.tariff import TariffKind, TariffRate
from assistant.models.visit import (
    Absence,
    InaptitudeStep,
    InaptitudeStepDone,
    MedicalNote,
    Modality,
    OutcomeKind,
    Slot,
    TeleConsent,
    Visit,
    VisitOutcome,
    VisitStatus,
    WorkPattern,
)
from assistant.models.worker import Worker
from assistant.models.workforce import ContractType, Employee, ImportJob

__all__ = [
    "PdpAction",
    "PdpCase",
    "PdpCaseMember",
    "PdpConsent",
    "PdpDisclosure",
    "PdpReview",
    "Worker",
    "TeleConsent",
    "InaptitudeStep",
    "InaptitudeStepDone",
    "WorkPattern",
    "VisitStatus",
    "VisitOutcome",
    "Visit",
    "Slot",
    "RiskEntry",
    "OutcomeKind",
    "Modality",
    "MedicalNote",
    "Absence",
    "AuditEntry",
    "Base",
    "Centre",
    "ChatLine",
    "ContractType",
    "DialogueState",
    "Employee",
    "FicheEntreprise",
    "FicheStatus",
    "CentreKind",
    "HealthAccessGrant",
    "HealthSituation",
    "ImportJob",
    "InboundSms",
    "LoginFailure",
    "Member",
    "MemberKind",
    "MemberStatus",
    "MemberUser",
    "OneTimeCode",
    "OpeningHours",
    "OutboxChannel",
    "OutboxMessage",
    "OutboxStatus",
    "PaymentMethod",
    "PhoneProfile",
    "RiskDeclaration",
    "Role",
    "ScoreRecord",
    "StaffTask",
    "StaffUser",
    "TariffKind",
    "TariffRate",
]
