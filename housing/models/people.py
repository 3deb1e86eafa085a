"""Young people in aftercare (the clients) and their cross-sector service path."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from housing.models.base import Base, Timestamped, UtcDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from housing.models.geography import County, Municipality
    from housing.models.users import User


class PlacementType(enum.StrEnum):
    """The care that preceded aftercare; it decides entitlement (Child Welfare Act 75 §)."""

    SUBSTITUTE_CARE = "substitute_care"  # sijaishuolto
    OPEN_CARE_PLACEMENT = "open_care_placement"  # avohuollon sijoitus, 37 §
    OTHER = "other"


class YoungPerson(Timestamped, Base):
    __tablename__ = "young_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_code: Mapped[str] = mapped_column(String(11), unique=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    birth_date: Mapped[date] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(1))  # "f", "m", "x" or unknown
    language: Mapped[str] = mapped_column(String(2), default="fi")  # language of service
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(200))
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipalities.code"))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    # Turvakielto: address and location only for the responsible worker and coordinator.
    non_disclosure: Mapped[bool] = mapped_column(Boolean, default=False)

    responsible_worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    placing_county_id: Mapped[str] = mapped_column(ForeignKey("counties.id"), index=True)
    residence_county_id: Mapped[str | None] = mapped_column(ForeignKey("counties.id"))

    placement_type: Mapped[PlacementType] = mapped_column(enum_type(PlacementType, "placement_type"))
    placement_start: Mapped[date | None] = mapped_column(Date)
    placement_end: Mapped[date | None] = mapped_column(Date)
    placed_alone: Mapped[bool] = mapped_column(Boolean, default=True)
    children_in_household: Mapped[int] = mapped_column(Integer, default=0)
    client_plan_date: Mapped[date | None] = mapped_column(Date)
    housing_lack_recorded_on: Mapped[date | None] = mapped_column(Date)  # 35 §: urgent
    notes: Mapped[str | None] = mapped_column(Text)

    responsible_worker: Mapped[User | None] = relationship(foreign_keys=[responsible_worker_id])
    placing_county: Mapped[County] = relationship(foreign_keys=[placing_county_id])
    residence_county: Mapped[County | None] = relationship(foreign_keys=[residence_county_id])
    municipality: Mapped[Municipality | None] = relationship()
    referrals: Mapped[list[ServiceReferral]] = relationship(
        back_populates="young_person", order_by="ServiceReferral.referred_on.desc()"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ReferralStatus(enum.StrEnum):
    """Shown as planned, referred, started, ended and refused (``vocabulary.REFERRAL_STATUSES``)."""

    PLANNED = "planned"
    REFERRED = "referred"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DECLINED = "declined"


# A referral still on its way: these are watched for progress (``rules.referral_stalled``).
OPEN_REFERRAL_STATUSES = frozenset({ReferralStatus.PLANNED, ReferralStatus.REFERRED, ReferralStatus.IN_PROGRESS})


class ServiceReferral(Timestamped, Base):
    """One step of the young person's cross-sector service path (so no one falls between).

    ``housing.services.referrals`` is the only writer: every change of status is a step
    (``ServiceReferralStep``) with the day it happened, who recorded it and when.
    """

    __tablename__ = "service_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(
        ForeignKey("young_people.id", ondelete="CASCADE"), index=True
    )
    service: Mapped[str] = mapped_column(String(40))  # a code of housing.vocabulary.REFERRAL_SERVICES
    provider: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[ReferralStatus] = mapped_column(enum_type(ReferralStatus, "referral_status"))
    referred_on: Mapped[date | None] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    # The latest day anything happened (added, a step, a follow-up): no progress for
    # ``rules.REFERRAL_NO_PROGRESS_LIMIT`` flags the referral on the worker's front page.
    last_progress_on: Mapped[date] = mapped_column(Date)
    refusal_reason: Mapped[str | None] = mapped_column(String(40))  # housing.vocabulary.REFERRAL_REFUSAL_REASONS
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    young_person: Mapped[YoungPerson] = relationship(back_populates="referrals")
    steps: Mapped[list[ServiceReferralStep]] = relationship(
        back_populates="referral", order_by="(ServiceReferralStep.happened_on, ServiceReferralStep.id)",
        cascade="all, delete-orphan",
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES


class ServiceReferralStep(Base):
    """What happened on a referral: the step, the status it left, the day, who recorded it and when."""

    __tablename__ = "service_referral_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("service_referrals.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(20))  # housing.vocabulary.REFERRAL_STEPS
    status: Mapped[ReferralStatus] = mapped_column(enum_type(ReferralStatus, "referral_step_status"))
    happened_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    referral: Mapped[ServiceReferral] = relationship(back_populates="steps")
    recorded_by: Mapped[User | None] = relationship()
