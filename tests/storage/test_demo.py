"""`duixian demo load` on a fresh SQLite file and on PostgreSQL: every workflow state is there, the
data says it is synthetic, the audit log verifies, the same seed gives the same data, and a second
load is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from duixian.cli import app
from duixian.domain import demo, workflow
from duixian.domain.demo_data import LABEL
from duixian.domain.registry_cells import uscc as checked_uscc
from duixian.domain.registry_terms import DISTRICTS
from duixian.storage import migrate
from duixian.storage.db import Database
from duixian.storage.models import AuditEntry, Party
from duixian.storage.redemption import Application, Debarment, Payment, PaymentBatch

runner = CliRunner(env={"DUIXIAN_ACTOR": None, "DUIXIAN_DATABASE_URL": None})


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output.replace("\n", "")


def _applications(session: Session) -> list[tuple[str, str, str, int | None, str]]:
    rows = session.execute(
        select(
            Application.number, Application.provision, Application.state, Application.granted_fen, Party.uscc
        )
        .join(Party, Party.id == Application.party_id)
        .order_by(Application.number)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_demo_load_fills_a_fresh_database_with_every_state(db_url: str) -> None:
    code, output = _run("demo", "load", "--db", db_url, "--size", "5")
    assert code == 2 and "--size" in output

    code, output = _run("demo", "load", "--db", db_url, "--seed", "11", "--size", "24")
    assert code == 0, output
    assert "已载入合成示例数据（虚构，不是真实企业）" in output and "申请 24 件" in output
    assert "哈希链校验完整" in output and "瑞安市财政局" in output
    code, output = _run("audit", "verify", "--db", db_url)
    assert code == 0 and "审计日志完整" in output, output

    database = Database(db_url)
    try:
        with database.snapshot() as session:
            _assert_states_and_documents(session)
            _assert_labelled_synthetic(session)
            _assert_paid_as_granted(session)
        code, output = _run("demo", "load", "--db", db_url)
        assert code == 2 and "已有 24 件申请" in output and "新文件" in output, output
        with database.snapshot() as session:
            assert session.scalar(select(func.count()).select_from(Application)) == 24
    finally:
        database.dispose()


def _assert_states_and_documents(session: Session) -> None:
    applications = _applications(session)
    assert len(applications) == 24
    assert {state for _, _, state, _, _ in applications} == set(get_args(workflow.State))
    documents = {provision.rsplit(".", 1)[0] for _, provision, _, _, _ in applications}
    assert documents == {"wzb-2019-76", "wzjk-2019-71", "wswl-2019-130"}
    # the 130号 round clawed back for 截留 bars its implementer from 2021 (五（二）, the default reading)
    [barred] = session.scalars(select(Debarment)).all()
    assert (barred.document, barred.from_year) == ("wswl-2019-130", 2021)


def _assert_labelled_synthetic(session: Session) -> None:
    parties = session.scalars(select(Party)).all()
    assert parties and all(p.name.startswith(LABEL) for p in parties)
    assert all(checked_uscc(p.uscc) == p.uscc for p in parties)  # the check character is valid
    assert {p.district for p in parties} <= set(DISTRICTS) - {"市外"}
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    loads = [json.loads(e.payload) for e in entries if e.action == "demo.load"]
    assert [(p["label"], p["synthetic"], p["seed"], p["size"]) for p in loads] == [(LABEL, True, 11, 24)]
    # every change is a synthetic user's, or the ledger's own (a fund created on first use)
    assert {e.actor for e in entries} - {"duixian.ledger"} <= {demo.REGISTRAR, demo.APPLICANT, demo.REVIEWER,
                                                               demo.PUBLIC, demo.FINANCE}  # fmt: skip


def _assert_paid_as_granted(session: Session) -> None:
    """Each payment is the grant of its application, through the payer 130号 四（二） names."""
    rows = session.execute(
        select(Application.granted_fen, Payment.amount_fen, PaymentBatch.payer, Application.provision)
        .join(Payment, Payment.application_id == Application.id)
        .join(PaymentBatch, PaymentBatch.id == Payment.batch_id)
    ).all()
    assert rows and all(granted == amount for granted, amount, _, _ in rows)
    d3_payers = {payer for _, _, payer, provision in rows if provision == "wswl-2019-130.alloc"}
    assert d3_payers == {"瑞安市财政局", "龙湾区财政局"}  # 区属企业: through their district's bureau


def test_the_same_seed_gives_the_same_demo(db_url: str, tmp_path: Path) -> None:
    loaded = []
    for url in (db_url, f"sqlite:///{tmp_path / 'again.db'}"):
        database = Database(url)
        try:
            migrate.upgrade(database)
            demo.load(database, seed=3, size=demo.MIN_SIZE)
            with database.snapshot() as session:
                loaded.append(_applications(session))
        finally:
            database.dispose()
    assert loaded[0] == loaded[1]
    assert any(granted for _, _, _, granted, _ in loaded[0])
