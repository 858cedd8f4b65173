"""The tables, as SQLAlchemy 2.0 typed declarative models.

Money columns are BigInteger fen (``*_fen``); instants are :class:`UtcDateTime`. The registry holds
parties (enterprises and institutions) and what the rules read about them; the audit log holds every
state change. Later tables (applications, decisions, payments) subclass the same :class:`Base`, so one
Alembic history covers them all. Constraint names follow ``NAMING`` so migrations can name them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from duixian.storage.timestamps import UtcDateTime, utc_now

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A surrogate key: 64-bit on PostgreSQL; on SQLite only INTEGER PRIMARY KEY is the auto-numbered rowid.
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utc_now, onupdate=utc_now)


class Party(Timestamped, Base):
    """An enterprise or an institution (bank, guarantor, insurer …), one row per USCC.

    The fields are those 76号's ``Party`` reads (g1, g4), so a case can be built from the registry.
    """

    __tablename__ = "parties"
    __table_args__ = (
        CheckConstraint("revenue_fen IS NULL OR revenue_fen >= 0", name="revenue_not_negative"),
        CheckConstraint("total_assets_fen IS NULL OR total_assets_fen >= 0", name="assets_not_negative"),
        CheckConstraint("employees IS NULL OR employees >= 0", name="employees_not_negative"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))  # PartyKind of 76号: enterprise, bank, guarantor …
    government_guarantor: Mapped[bool] = mapped_column(Boolean, default=False)  # 政府性融资担保机构
    district: Mapped[str] = mapped_column(String(16))  # one of Wenzhou's 12 divisions, or 市外
    ownership: Mapped[str] = mapped_column(String(16))  # private (民营, g4), state, hmt, foreign
    legal_form: Mapped[str] = mapped_column(String(32))  # company, individual_business …
    industry: Mapped[str | None] = mapped_column(String(40))  # sector of 300号 第四条
    employees: Mapped[int | None] = mapped_column(Integer)
    revenue_fen: Mapped[int | None] = mapped_column(BigInteger)
    total_assets_fen: Mapped[int | None] = mapped_column(BigInteger)
    size_class: Mapped[str | None] = mapped_column(String(8))  # large, medium, small, micro
    size_class_basis: Mapped[str | None] = mapped_column(Text)  # registered, or how it was classified

    qualifications: Mapped[list[Qualification]] = relationship(
        back_populates="party", cascade="all, delete-orphan", order_by="Qualification.valid_from"
    )
    mujun_ratings: Mapped[list[MujunRating]] = relationship(
        back_populates="party", cascade="all, delete-orphan", order_by="MujunRating.year"
    )
    incidents: Mapped[list[Incident]] = relationship(
        back_populates="party", cascade="all, delete-orphan", order_by="Incident.year"
    )


class Qualification(Timestamped, Base):
    """A recognition with its validity (国家高新技术企业 2019-12-04 – 2022-12-03 …)."""

    __tablename__ = "party_qualifications"
    __table_args__ = (
        UniqueConstraint("party_id", "kind", "valid_from"),
        CheckConstraint("valid_to >= valid_from", name="valid_range"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # QualificationKind of 76号
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)

    party: Mapped[Party] = relationship(back_populates="qualifications")


class MujunRating(Timestamped, Base):
    """亩均论英雄 result of one year (A–D)."""

    __tablename__ = "party_mujun_ratings"
    __table_args__ = (
        UniqueConstraint("party_id", "year"),
        CheckConstraint("mujun_class IN ('A', 'B', 'C', 'D')", name="mujun_class"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    mujun_class: Mapped[str] = mapped_column(String(1))

    party: Mapped[Party] = relationship(back_populates="mujun_ratings")


class Incident(Timestamped, Base):
    """A 重大责任事故 (安全生产、食品安全、环境污染) or 较大群体性事件 in a year (g1 reads the years)."""

    __tablename__ = "party_incidents"
    __table_args__ = (UniqueConstraint("party_id", "kind", "year", "area"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # major_accident, mass_incident
    year: Mapped[int] = mapped_column(Integer)
    area: Mapped[str] = mapped_column(String(16), default="")  # 安全生产, 食品安全, 环境污染, or ''
    occurred_on: Mapped[dt.date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")

    party: Mapped[Party] = relationship(back_populates="incidents")


class AuditEntry(Base):
    """One state change. ``hash`` = SHA-256(prev_hash + canonical JSON of the entry); see domain.audit.

    ``payload`` is kept as the exact canonical JSON text that was hashed, not as a JSON column that a
    database may re-serialise.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity_type", "entity_id"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The single row naming the chain's last entry. Appending locks it (SELECT … FOR UPDATE), so two
    transactions never take the same sequence number; verify also checks the log ends where it says."""

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
