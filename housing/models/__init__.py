"""All models, imported here so the metadata is complete for Alembic and the app."""

from housing.models.allocation import (
    AllocationPolicy,
    AllocationRound,
    Offer,
    OfferStatus,
    Proposal,
    ProposalDecision,
    RoundStatus,
)
from housing.models.applications import (
    OPEN_STATUSES,
    Application,
    ApplicationEdit,
    ApplicationStatus,
    ApplicationStatusChange,
    LocationWish,
    application_not_with,
)
from housing.models.audit import AuditEvent, EndedSession, LoginThrottle
from housing.models.base import Base, utcnow
from housing.models.geography import County, CountyKind, Municipality
from housing.models.jobs import BackgroundJob, JobStatus
from housing.models.people import (
    OPEN_REFERRAL_STATUSES,
    PlacementType,
    ReferralStatus,
    ServiceReferral,
    ServiceReferralStep,
    YoungPerson,
)
from housing.models.support import (
    ScheduledVisit,
    ScheduleStatus,
    ShiftPattern,
    StaffAbsence,
    SupportPlan,
    VisitOutcome,
    VisitRecord,
    VisitRecordVersion,
    WeeklySchedule,
)
from housing.models.tenancies import MoveKind, MoveRequest, MoveStatus, Tenancy
from housing.models.units import Place, Unit, UnitType
from housing.models.users import Role, RoleChangeRequest, RoleChangeStatus, User, user_units

__all__ = [
    "AllocationPolicy", "AllocationRound", "Application", "ApplicationEdit", "ApplicationStatus",
    "ApplicationStatusChange", "AuditEvent",
    "OPEN_STATUSES", "OPEN_REFERRAL_STATUSES",
    "BackgroundJob", "JobStatus",
    "Base", "County", "CountyKind", "EndedSession", "LocationWish", "LoginThrottle", "MoveKind", "MoveRequest",
    "MoveStatus", "Municipality", "Offer", "OfferStatus", "Place", "PlacementType", "Proposal",
    "ProposalDecision", "ReferralStatus", "Role", "RoundStatus", "ScheduleStatus", "ScheduledVisit",
    "ServiceReferral", "ServiceReferralStep", "ShiftPattern", "StaffAbsence", "SupportPlan", "Tenancy", "Unit",
    "UnitType",
    "User", "VisitOutcome", "YoungPerson", "VisitRecord", "VisitRecordVersion", "WeeklySchedule",
    "application_not_with", "user_units", "RoleChangeRequest", "RoleChangeStatus", "utcnow",
]
