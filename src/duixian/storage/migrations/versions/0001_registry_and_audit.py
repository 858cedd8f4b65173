"""The registry (parties, qualifications, 亩均 ratings, incidents) and the hash-chained audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-01
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
GENESIS = "0" * 64  # the "previous hash" of the first audit entry


def _timestamps() -> list[sa.Column[dt.datetime]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _party_child(name: str, *items: SchemaItem) -> None:
    op.create_table(
        name,
        sa.Column("id", ID, nullable=False),
        sa.Column("party_id", ID, nullable=False),
        *items,
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["party_id"], ["parties.id"], name=op.f(f"fk_{name}_party_id_parties"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_party_id"), name, ["party_id"])


def upgrade() -> None:
    op.create_table(
        "parties",
        sa.Column("id", ID, nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("government_guarantor", sa.Boolean(), nullable=False),
        sa.Column("district", sa.String(16), nullable=False),
        sa.Column("ownership", sa.String(16), nullable=False),
        sa.Column("legal_form", sa.String(32), nullable=False),
        sa.Column("industry", sa.String(40), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("revenue_fen", sa.BigInteger(), nullable=True),
        sa.Column("total_assets_fen", sa.BigInteger(), nullable=True),
        sa.Column("size_class", sa.String(8), nullable=True),
        sa.Column("size_class_basis", sa.Text(), nullable=True),
        *_timestamps(),
        sa.CheckConstraint(
            "revenue_fen IS NULL OR revenue_fen >= 0", name=op.f("ck_parties_revenue_not_negative")
        ),
        sa.CheckConstraint(
            "total_assets_fen IS NULL OR total_assets_fen >= 0", name=op.f("ck_parties_assets_not_negative")
        ),
        sa.CheckConstraint(
            "employees IS NULL OR employees >= 0", name=op.f("ck_parties_employees_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parties")),
        sa.UniqueConstraint("uscc", name=op.f("uq_parties_uscc")),
    )
    _party_child(
        "party_qualifications",
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.CheckConstraint("valid_to >= valid_from", name=op.f("ck_party_qualifications_valid_range")),
        sa.UniqueConstraint("party_id", "kind", "valid_from", name=op.f("uq_party_qualifications_party_id")),
    )
    _party_child(
        "party_mujun_ratings",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("mujun_class", sa.String(1), nullable=False),
        sa.CheckConstraint(
            "mujun_class IN ('A', 'B', 'C', 'D')", name=op.f("ck_party_mujun_ratings_mujun_class")
        ),
        sa.UniqueConstraint("party_id", "year", name=op.f("uq_party_mujun_ratings_party_id")),
    )
    _party_child(
        "party_incidents",
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(16), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.UniqueConstraint("party_id", "kind", "year", "area", name=op.f("uq_party_incidents_party_id")),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity_type", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    op.create_index("ix_audit_log_entity", "audit_log", ["entity_type", "entity_id"])
    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_chain_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    op.bulk_insert(head, [{"id": 1, "last_seq": 0, "last_hash": GENESIS}])


def downgrade() -> None:
    op.drop_table("audit_chain_head")
    op.drop_index("ix_audit_log_entity", table_name="audit_log")
    op.drop_table("audit_log")
    for name in ("party_incidents", "party_mujun_ratings", "party_qualifications"):
        op.drop_index(op.f(f"ix_{name}_party_id"), table_name=name)
        op.drop_table(name)
    op.drop_table("parties")
