"""The redemption tables: applications and their history, publicity and objections, funds, payment
batches, payments and clawbacks.

Money is BigInteger fen; instants are UTC (:class:`UtcDateTime`). ``effective_on`` is the business date
an action is taken as of (the application window, the publicity period and the payment schedule are
judged on it); ``at`` is the wall-clock instant it was recorded. Every change to these rows is made in a
transaction opened by ``domain.audit.writing`` and recorded in the audit log in that same transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from duixian.storage.models import Base, Id, Party, Timestamped
from duixian.storage.timestamps import UtcDateTime, utc_now


class Application(Timestamped, Base):
    """One application for one provision (a rule id such as ``wzb-2019-76.c1``) for one year concerned.

    ``facts`` is the canonical JSON of the document's case (the same format ``duixian calc`` reads,
    without ``document``), as submitted; ``facts_sha256`` is its hash. At each decision the amount, its
    explanation (canonical JSON) and the rulebook version are frozen here and never recomputed.
    """

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint("granted_fen IS NULL OR granted_fen >= 0", name="granted_not_negative"),
        Index("ix_applications_scope", "party_id", "document", "year"),
        Index("ix_applications_state", "state"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # SQ-2020-000001
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    document: Mapped[str] = mapped_column(String(32))  # wzb-2019-76
    provision: Mapped[str] = mapped_column(String(48))  # wzb-2019-76.c1
    year: Mapped[int] = mapped_column(Integer)  # the year concerned
    state: Mapped[str] = mapped_column(String(24))  # domain.workflow.State
    facts: Mapped[str] = mapped_column(Text)
    facts_sha256: Mapped[str] = mapped_column(String(64))
    submitted_on: Mapped[dt.date | None] = mapped_column(Date)  # business date of (last) submission
    # Frozen at the decision (approve or reject); see domain.assessment.
    computed_fen: Mapped[int | None] = mapped_column(BigInteger)  # what the rules give, ledger aside
    granted_fen: Mapped[int | None] = mapped_column(BigInteger)  # what this application is granted
    explanation: Mapped[str | None] = mapped_column(Text)  # canonical JSON
    rulebook_version: Mapped[str | None] = mapped_column(String(64))
    quota_units: Mapped[int] = mapped_column(Integer, default=0)  # e.g. a5's IPs counted to the 30
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("funds.id"), index=True)  # set on approval
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    pay_from: Mapped[dt.date | None] = mapped_column(Date)  # payment schedule (g2): not before this
    pay_by: Mapped[dt.date | None] = mapped_column(Date)

    party: Mapped[Party] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="ApplicationEvent.id"
    )


class Attachment(Base):
    """A supporting document, stored with its content and SHA-256."""

    __tablename__ = "application_attachments"
    __table_args__ = (UniqueConstraint("application_id", "sha256"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utc_now)

    application: Mapped[Application] = relationship(back_populates="attachments")


class ApplicationEvent(Base):
    """One transition of an application (the readable history; the audit log is the tamper-evident copy)."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(32))  # domain.workflow.Action
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, default="")
    effective_on: Mapped[dt.date] = mapped_column(Date)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utc_now)

    application: Mapped[Application] = relationship(back_populates="events")


class Publicity(Timestamped, Base):
    """A public notice of decided applications (公示), open from ``starts_on`` to ``ends_on`` inclusive."""

    __tablename__ = "publicities"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="period_ordered"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # GS-2020-0001
    document: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    period_basis: Mapped[str] = mapped_column(Text)  # the clause that sets the period, or who chose it
    closed_on: Mapped[dt.date | None] = mapped_column(Date)

    items: Mapped[list[PublicityItem]] = relationship(
        back_populates="publicity", cascade="all, delete-orphan", order_by="PublicityItem.id"
    )


class PublicityItem(Base):
    __tablename__ = "publicity_items"
    __table_args__ = (UniqueConstraint("publicity_id", "application_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    publicity_id: Mapped[int] = mapped_column(ForeignKey("publicities.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    granted_fen: Mapped[int] = mapped_column(BigInteger)  # the amount as publicised

    publicity: Mapped[Publicity] = relationship(back_populates="items")
    application: Mapped[Application] = relationship()


class Objection(Base):
    """An objection (异议) raised during publicity, and its outcome."""

    __tablename__ = "objections"
    __table_args__ = (CheckConstraint("outcome IN ('upheld', 'dismissed')", name="outcome"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    raised_by: Mapped[str] = mapped_column(String(100))
    grounds: Mapped[str] = mapped_column(Text)
    raised_on: Mapped[dt.date] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(16))
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)


class Fund(Timestamped, Base):
    """Money a provision is paid from. A limited fund (c10's 500,000,000 risk compensation fund, a yearly
    pool) pays nothing past its balance; an open fund (city finance's budget line) records what it paid.
    The balance is the sum of the fund's entries, so it is always explainable from them."""

    __tablename__ = "funds"
    __table_args__ = (CheckConstraint("kind IN ('limited', 'open')", name="kind"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # wzb-2019-76.c10.fund
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(32))  # funding source: 市财政, or a district's finance
    year: Mapped[int | None] = mapped_column(Integer)  # a yearly pool's year
    basis: Mapped[str] = mapped_column(Text)  # the clause (and words) that set it up

    entries: Mapped[list[FundEntry]] = relationship(
        back_populates="fund", cascade="all, delete-orphan", order_by="FundEntry.id"
    )


class FundEntry(Base):
    """A movement of money in or out of a fund, signed fen: allocation (+), payment (−), clawback (+,
    money recovered), carry_out (−) / carry_in (+) between yearly pools. The balance is their sum;
    what is committed but unpaid is the granted amounts of the fund's approved, unpaid applications, so
    ``available = balance − committed`` and a limited fund approves nothing past it."""

    __tablename__ = "fund_entries"
    __table_args__ = (Index("ix_fund_entries_application", "application_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utc_now)

    fund: Mapped[Fund] = relationship(back_populates="entries")


class PaymentBatch(Timestamped, Base):
    """Payments of one fund through one payer (市财政局, or a district finance bureau for D3's district
    enterprises). A batch is executed in one transaction: all its payments are recorded, or none."""

    __tablename__ = "payment_batches"
    __table_args__ = (CheckConstraint("state IN ('open', 'paid')", name="state"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # ZF-2020-0001
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    payer: Mapped[str] = mapped_column(String(32))  # 温州市财政局, 瑞安市财政局 …
    state: Mapped[str] = mapped_column(String(8), default="open")
    scheduled_on: Mapped[dt.date] = mapped_column(Date)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)

    payments: Mapped[list[Payment]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="Payment.id"
    )


class Payment(Base):
    """One application's payment. ``application_id`` is unique: an application is paid at most once,
    whatever retries or concurrent clicks happen (the database refuses a second row)."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("application_id"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("payment_batches.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    payee_uscc: Mapped[str] = mapped_column(String(18))
    paid_on: Mapped[dt.date | None] = mapped_column(Date)

    batch: Mapped[PaymentBatch] = relationship(back_populates="payments")
    application: Mapped[Application] = relationship()


class Clawback(Base):
    """Money recovered from a paid application (追回), and whether the party is barred from later years."""

    __tablename__ = "clawbacks"
    __table_args__ = (
        UniqueConstraint("application_id"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    grounds: Mapped[str] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(Text)  # the clause that orders recovery (and any bar)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utc_now)


class Debarment(Base):
    """A party barred from a document's awards from a year on (e.g. D3: 取消以后年度申报资格)."""

    __tablename__ = "debarments"
    __table_args__ = (UniqueConstraint("party_id", "document"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    document: Mapped[str] = mapped_column(String(32))
    from_year: Mapped[int] = mapped_column(Integer)
    clawback_id: Mapped[int | None] = mapped_column(ForeignKey("clawbacks.id"))
    basis: Mapped[str] = mapped_column(Text)
