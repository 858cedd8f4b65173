"""Applications and their history, publicity and objections, funds, payment batches, payments, clawbacks
and debarments.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 01:11:14.509182
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "funds",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('limited', 'open')", name=op.f("ck_funds_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funds")),
        sa.UniqueConstraint("code", name=op.f("uq_funds_code")),
    )
    op.create_table(
        "publicities",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("document", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("period_basis", sa.Text(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_publicities_period_ordered")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publicities")),
        sa.UniqueConstraint("number", name=op.f("uq_publicities_number")),
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("party_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("document", sa.String(length=32), nullable=False),
        sa.Column("provision", sa.String(length=48), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("facts_sha256", sa.String(length=64), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("computed_fen", sa.BigInteger(), nullable=True),
        sa.Column("granted_fen", sa.BigInteger(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("rulebook_version", sa.String(length=64), nullable=True),
        sa.Column("quota_units", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("pay_from", sa.Date(), nullable=True),
        sa.Column("pay_by", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "granted_fen IS NULL OR granted_fen >= 0", name=op.f("ck_applications_granted_not_negative")
        ),
        sa.ForeignKeyConstraint(["fund_id"], ["funds.id"], name=op.f("fk_applications_fund_id_funds")),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"], name=op.f("fk_applications_party_id_parties")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("number", name=op.f("uq_applications_number")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applications_fund_id"), ["fund_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_party_id"), ["party_id"], unique=False)
        batch_op.create_index("ix_applications_scope", ["party_id", "document", "year"], unique=False)
        batch_op.create_index("ix_applications_state", ["state"], unique=False)

    op.create_table(
        "payment_batches",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("payer", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("scheduled_on", sa.Date(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('open', 'paid')", name=op.f("ck_payment_batches_state")),
        sa.ForeignKeyConstraint(["fund_id"], ["funds.id"], name=op.f("fk_payment_batches_fund_id_funds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_batches")),
        sa.UniqueConstraint("number", name=op.f("uq_payment_batches_number")),
    )
    with op.batch_alter_table("payment_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_batches_fund_id"), ["fund_id"], unique=False)

    op.create_table(
        "application_attachments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_attachments_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_attachments")),
        sa.UniqueConstraint(
            "application_id", "sha256", name=op.f("uq_application_attachments_application_id")
        ),
    )
    with op.batch_alter_table("application_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_attachments_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "application_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=24), nullable=True),
        sa.Column("to_state", sa.String(length=24), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_events_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_events")),
    )
    with op.batch_alter_table("application_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_events_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "clawbacks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_clawbacks_amount_positive")),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_clawbacks_application_id_applications")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clawbacks")),
        sa.UniqueConstraint("application_id", name=op.f("uq_clawbacks_application_id")),
    )
    op.create_table(
        "fund_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("fund_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_fund_entries_application_id_applications")
        ),
        sa.ForeignKeyConstraint(["fund_id"], ["funds.id"], name=op.f("fk_fund_entries_fund_id_funds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_entries")),
    )
    with op.batch_alter_table("fund_entries", schema=None) as batch_op:
        batch_op.create_index("ix_fund_entries_application", ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fund_entries_fund_id"), ["fund_id"], unique=False)

    op.create_table(
        "objections",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("raised_by", sa.String(length=100), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.CheckConstraint("outcome IN ('upheld', 'dismissed')", name=op.f("ck_objections_outcome")),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_objections_application_id_applications")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objections")),
    )
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_objections_application_id"), ["application_id"], unique=False)

    op.create_table(
        "payments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("batch_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("payee_uscc", sa.String(length=18), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_payments_application_id_applications")
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["payment_batches.id"],
            name=op.f("fk_payments_batch_id_payment_batches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("application_id", name=op.f("uq_payments_application_id")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_batch_id"), ["batch_id"], unique=False)

    op.create_table(
        "publicity_items",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("publicity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("granted_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_publicity_items_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["publicity_id"],
            ["publicities.id"],
            name=op.f("fk_publicity_items_publicity_id_publicities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publicity_items")),
        sa.UniqueConstraint("publicity_id", "application_id", name=op.f("uq_publicity_items_publicity_id")),
    )
    with op.batch_alter_table("publicity_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_publicity_items_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_publicity_items_publicity_id"), ["publicity_id"], unique=False)

    op.create_table(
        "debarments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("party_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("document", sa.String(length=32), nullable=False),
        sa.Column("from_year", sa.Integer(), nullable=False),
        sa.Column("clawback_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clawback_id"], ["clawbacks.id"], name=op.f("fk_debarments_clawback_id_clawbacks")
        ),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"], name=op.f("fk_debarments_party_id_parties")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debarments")),
        sa.UniqueConstraint("party_id", "document", name=op.f("uq_debarments_party_id")),
    )
    with op.batch_alter_table("debarments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_debarments_party_id"), ["party_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("debarments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_debarments_party_id"))

    op.drop_table("debarments")
    with op.batch_alter_table("publicity_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publicity_items_publicity_id"))
        batch_op.drop_index(batch_op.f("ix_publicity_items_application_id"))

    op.drop_table("publicity_items")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_batch_id"))

    op.drop_table("payments")
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objections_application_id"))

    op.drop_table("objections")
    with op.batch_alter_table("fund_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_entries_fund_id"))
        batch_op.drop_index("ix_fund_entries_application")

    op.drop_table("fund_entries")
    op.drop_table("clawbacks")
    with op.batch_alter_table("application_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_events_application_id"))

    op.drop_table("application_events")
    with op.batch_alter_table("application_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_attachments_application_id"))

    op.drop_table("application_attachments")
    with op.batch_alter_table("payment_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_batches_fund_id"))

    op.drop_table("payment_batches")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_state")
        batch_op.drop_index("ix_applications_scope")
        batch_op.drop_index(batch_op.f("ix_applications_party_id"))
        batch_op.drop_index(batch_op.f("ix_applications_fund_id"))

    op.drop_table("applications")
    op.drop_table("publicities")
    op.drop_table("funds")
