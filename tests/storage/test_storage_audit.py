"""The audit chain on SQLite and PostgreSQL: hashes computed here independently, tampering by raw SQL
caught and located, entries written in the same transaction as their change, concurrent appends."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time

import pytest
from sqlalchemy import select

from duixian.domain import audit
from duixian.storage import migrate
from duixian.storage.db import Database
from duixian.storage.models import AuditEntry, AuditHead, Party


def _append(db: Database, n: int, actor: str = "tester") -> None:
    with audit.writing(db) as session:
        changes = [
            audit.Change("test.step", "thing", f"t{i}", {"i": i, "名": "值", "fen": 10**15}) for i in range(n)
        ]
        audit.append(session, actor, changes)


def _verify(db: Database) -> audit.Verification:
    with db.snapshot() as session:
        return audit.verify(session)


def _sql(db: Database, *statements: str) -> None:
    with db.engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


def test_each_hash_is_sha256_of_previous_hash_and_canonical_entry(db: Database) -> None:
    _append(db, 3)
    with db.transaction() as session:
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        head = session.get(AuditHead, 1)
    previous = "0" * 64
    for expected_seq, row in enumerate(rows, start=1):
        assert row.seq == expected_seq and row.prev_hash == previous
        assert row.at.tzinfo is not None and row.at.utcoffset() == dt.timedelta(0)
        body = {
            "action": row.action,
            "actor": row.actor,
            "at": row.at.isoformat(timespec="microseconds"),
            "entity_id": row.entity_id,
            "entity_type": row.entity_type,
            "payload": json.loads(row.payload),
            "seq": row.seq,
        }
        canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert row.hash == hashlib.sha256((previous + canonical).encode()).hexdigest()
        previous = row.hash
    assert json.loads(rows[0].payload) == {"i": 0, "名": "值", "fen": 10**15}
    assert head is not None and (head.last_seq, head.last_hash) == (3, previous)
    assert _verify(db).ok and _verify(db).checked == 3


def test_an_empty_log_verifies(db: Database) -> None:
    result = _verify(db)
    assert result.ok and result.checked == 0


def test_payload_edited_by_raw_sql_is_caught_at_its_seq(db: Database) -> None:
    _append(db, 5)
    _sql(db, """UPDATE audit_log SET payload = '{"fen":1,"i":2,"名":"值"}' WHERE seq = 3""")
    result = _verify(db)
    assert result.problem is not None
    assert (result.problem.fault, result.problem.seq) == ("edited", 3)
    assert "第 3 条" in result.problem.message
    assert result.last_seq == 2  # entries 1–2 checked good


def test_any_edited_column_is_caught(db: Database) -> None:
    _append(db, 3)
    _sql(db, "UPDATE audit_log SET actor = 'someone else' WHERE seq = 2")
    problem = _verify(db).problem
    assert problem is not None and (problem.fault, problem.seq) == ("edited", 2)


def test_payload_edited_and_rehashed_breaks_the_next_link(db: Database) -> None:
    _append(db, 4)
    with db.transaction() as session:
        row = session.get(AuditEntry, 2)
        assert row is not None
        row.payload = audit.canonical_json({"i": 99})
        row.hash = audit.entry_hash(row.prev_hash, row, {"i": 99})  # a forger who knows the scheme
    problem = _verify(db).problem
    assert problem is not None and (problem.fault, problem.seq) == ("broken_link", 3)


def test_deleted_entry_is_caught_as_a_gap(db: Database) -> None:
    _append(db, 5)
    _sql(db, "DELETE FROM audit_log WHERE seq = 3")
    problem = _verify(db).problem
    assert problem is not None and (problem.fault, problem.seq) == ("missing", 3)
    assert "第 3 条缺失" in problem.message


def test_deleted_and_renumbered_entries_are_caught(db: Database) -> None:
    _append(db, 5)
    _sql(
        db,
        "DELETE FROM audit_log WHERE seq = 3",
        "UPDATE audit_log SET seq = -seq WHERE seq > 3",  # two steps: seq stays unique at every row
        "UPDATE audit_log SET seq = -seq - 1 WHERE seq < 0",
        "UPDATE audit_chain_head SET last_seq = 4",  # the forger tidies the head too
    )  # the forger tidies the head too
    problem = _verify(db).problem
    assert problem is not None and (problem.fault, problem.seq) == ("missing", 3)
    assert "第 3 条原为第 4 条" in problem.message


def test_deleted_last_entry_is_caught_by_the_chain_head(db: Database) -> None:
    _append(db, 4)
    _sql(db, "DELETE FROM audit_log WHERE seq = 4")
    problem = _verify(db).problem
    assert problem is not None and (problem.fault, problem.seq) == ("truncated", 4)


def test_swapped_sequence_numbers_are_caught_as_reordering(db: Database) -> None:
    _append(db, 5)
    _sql(
        db,
        "UPDATE audit_log SET seq = -1 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = -1",
    )
    problem = _verify(db).problem
    assert problem is not None and (problem.fault, problem.seq) == ("reordered", 2)
    assert "第 2 条" in problem.message and "第 3 条" in problem.message


def test_entry_and_change_commit_or_roll_back_together(db: Database) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), audit.writing(db) as session:
        session.add(Party(uscc="X" * 18, name="n", kind="enterprise", district="鹿城区", ownership="private",
                          legal_form="company"))  # fmt: skip
        audit.record(session, "tester", audit.Change("party.created", "party", "X" * 18, {}))
        session.flush()
        raise Boom
    with db.transaction() as session:
        assert session.scalars(select(Party)).all() == []
        assert session.scalars(select(AuditEntry)).all() == []
        head = session.get(AuditHead, 1)
        assert head is not None and head.last_seq == 0
    _append(db, 1)
    assert _verify(db).ok  # the chain resumes at 1


def test_payloads_refuse_floats() -> None:
    with pytest.raises(TypeError, match="float"):
        audit.jsonable({"amount": 1.5})
    assert audit.jsonable({"on": dt.date(2020, 1, 2), "list": (1, "a")}) == {
        "on": "2020-01-02",
        "list": [1, "a"],
    }


def test_concurrent_appends_take_distinct_sequence_numbers(db: Database) -> None:
    threads, per_thread, entries_per_tx = 8, 6, 3
    start = threading.Barrier(threads)
    failures: list[BaseException] = []

    def work(k: int) -> None:
        try:
            start.wait()
            for _ in range(per_thread):
                with audit.writing(db) as session:
                    entries = audit.append(
                        session, f"worker{k}", [audit.Change("test.step", "w", str(k), {})]
                    )
                    time.sleep(0.002)  # hold the lock a little: others must queue, not collide
                    audit.append(
                        session,
                        f"worker{k}",
                        [audit.Change("test.step", "w", str(k), {})] * (entries_per_tx - 1),
                    )
                    assert entries[0].seq > 0
        except BaseException as exc:  # reported below; a thread's exception would be lost
            failures.append(exc)

    workers = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert failures == []
    total = threads * per_thread * entries_per_tx
    with db.transaction() as session:
        seqs = list(session.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)))
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
    assert seqs == list(range(1, total + 1))
    # each transaction's entries are contiguous: no other writer slipped in between
    for i in range(0, total, entries_per_tx):
        assert len({r.actor for r in rows[i : i + entries_per_tx]}) == 1
    result = _verify(db)
    assert result.ok and result.checked == total


def test_verify_reads_one_snapshot_while_others_append(pg_url: str) -> None:
    """PostgreSQL: entries committed after verification began are not half-seen (no false alarm)."""
    db = Database(pg_url)
    migrate.upgrade(db)
    _append(db, 3)
    with db.snapshot() as session:
        assert audit.count(session) == 3  # the snapshot is taken here
        _append(db, 2)  # another connection commits meanwhile
        result = audit.verify(session)
    assert result.ok and result.checked == 3
    assert _verify(db).checked == 5
    db.dispose()
