"""Twenty OS processes approve and pay the same application at once (PostgreSQL, real concurrency):
it is approved once, scheduled once and paid exactly once, and the audit chain stays intact."""

from __future__ import annotations

import multiprocessing

import ledger_samples as s
from sqlalchemy import func, select

from duixian.domain import audit
from duixian.storage import migrate
from duixian.storage.db import Database
from duixian.storage.redemption import ApplicationEvent, FundEntry, Payment, PaymentBatch

PROCESSES = 20


def test_twenty_processes_pay_one_application_exactly_once(pg_url: str) -> None:
    db = Database(pg_url)
    migrate.upgrade(db)
    s.add_guarantor(db)
    number = s.c10a_under_review(db)  # paid from the 5亿 risk compensation fund

    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(PROCESSES), context.Queue()
    workers = [
        context.Process(target=s.approve_and_pay, args=(pg_url, number, start, results))
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    outcomes = sorted(results.get(timeout=300)[1] for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    assert [w.exitcode for w in workers] == [0] * PROCESSES
    assert outcomes == ["already"] * (PROCESSES - 1) + ["paid"], outcomes

    with db.snapshot() as session:
        application = s.application(session, number)
        assert application.state == "paid"
        actions = session.scalars(
            select(ApplicationEvent.action).where(ApplicationEvent.application_id == application.id)
        ).all()
        assert sorted(actions) == sorted(
            ["create", "submit", "start_review", "approve", "publicise", "schedule", "pay"]
        )
        assert session.scalar(select(func.count()).select_from(PaymentBatch)) == 1
        assert session.scalar(select(func.count()).select_from(Payment)) == 1
        paid = session.scalars(select(FundEntry.amount_fen).where(FundEntry.kind == "payment")).all()
        assert paid == [-240_000_000]  # 15,000,000 × 20% = 3,000,000 > the 2,400,000 cap
        assert audit.verify(session).ok
    db.dispose()
