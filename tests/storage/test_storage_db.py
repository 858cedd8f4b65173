"""Migrations on SQLite and PostgreSQL, the database URL, and instants stored in UTC."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import get_args

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from duixian.domain.registry_terms import KINDS, QUALIFICATIONS, SECTORS
from duixian.errors import InputError
from duixian.rulebook.wzb_2019_76.case import Industry, PartyKind, QualificationKind
from duixian.storage import migrate
from duixian.storage.db import ENV_URL, Database, resolve_url
from duixian.storage.models import Base, Party
from duixian.storage.timestamps import SHANGHAI, shown

TABLES = {"parties", "party_qualifications", "party_mujun_ratings", "party_incidents", "audit_log",
          "audit_chain_head", "alembic_version", "applications", "application_attachments",
          "application_events", "publicities", "publicity_items", "objections", "funds", "fund_entries",
          "payment_batches", "payments", "clawbacks", "debarments"}  # fmt: skip


def test_upgrade_creates_the_schema_the_models_describe(db_url: str) -> None:
    database = Database(db_url)
    assert migrate.current_revision(database) is None
    with pytest.raises(InputError, match="duixian db upgrade"):
        migrate.require_current(database)
    assert migrate.upgrade(database) == migrate.head_revision()
    assert migrate.upgrade(database) == migrate.head_revision()  # again: nothing to do, no error
    migrate.require_current(database)
    assert set(inspect(database.engine).get_table_names()) == TABLES
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []  # migrations and models agree
    database.dispose()


def test_migrations_go_down_and_up_again(db: Database) -> None:
    config = migrate.alembic_config(db.url)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
    assert migrate.upgrade(db) == migrate.head_revision()


def test_instants_are_stored_in_utc_and_read_back_equal(db: Database) -> None:
    in_wenzhou = dt.datetime(2020, 3, 1, 9, 30, 15, 123456, tzinfo=SHANGHAI)
    with db.transaction() as session:
        session.add(
            Party(uscc="A" * 18, name="n", kind="enterprise", district="鹿城区", ownership="private",
                  legal_form="company", created_at=in_wenzhou, updated_at=in_wenzhou)
        )  # fmt: skip
    with db.transaction() as session:
        party = session.query(Party).one()
    assert party.created_at == in_wenzhou
    assert party.created_at.utcoffset() == dt.timedelta(0)
    assert party.created_at.hour == 1  # 09:30 in Wenzhou is 01:30 UTC
    assert shown(party.created_at) == "2020-03-01 09:30:15（北京时间）"


def test_naive_instants_are_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive"), db.transaction() as session:
        session.add(
            Party(uscc="B" * 18, name="n", kind="enterprise", district="鹿城区", ownership="private",
                  legal_form="company", created_at=dt.datetime(2020, 1, 1))
        )  # fmt: skip


def test_the_url_comes_from_option_then_environment_then_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv(ENV_URL, raising=False)
    assert resolve_url() == f"sqlite:///{tmp_path / 'data' / 'duixian' / 'duixian.db'}"
    monkeypatch.setenv(ENV_URL, "postgresql+psycopg://u@h/db")
    assert resolve_url() == "postgresql+psycopg://u@h/db"
    assert resolve_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    with pytest.raises(InputError, match="不支持"):
        Database("mysql://u@h/db")


def test_registry_vocabulary_is_the_case_models() -> None:
    assert set(KINDS) == set(get_args(PartyKind))
    assert set(QUALIFICATIONS) == set(get_args(QualificationKind))
    assert set(SECTORS) == set(get_args(Industry))


def test_migrations_ship_inside_the_package() -> None:
    assert (migrate.MIGRATIONS / "env.py").is_file()
    assert list((migrate.MIGRATIONS / "versions").glob("0001_*.py"))
    assert migrate.MIGRATIONS.is_relative_to(Path(migrate.__file__).parent)
