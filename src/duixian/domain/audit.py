"""The audit log: append-only, hash-chained, written in the same transaction as the change it records.

Entry ``n`` carries ``hash = SHA-256(hash of entry n-1 + canonical JSON of entry n)``, where the
canonical JSON holds seq, at (UTC, microseconds), actor, action, entity_type, entity_id and payload,
with sorted keys and no spaces; the first entry follows ``GENESIS``. Editing, deleting or reordering
stored rows breaks the chain, and :func:`verify` names the first place where it breaks.

Appending locks the single chain-head row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite transactions
already begin with the write lock), so concurrent transactions queue for the next sequence number
instead of taking the same one. Code that changes state opens its transaction with :func:`writing`,
which takes that lock before anything is read: every writer then sees the state the previous one
committed, and no two writers ever interleave.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duixian.errors import InputError
from duixian.storage.db import Database
from duixian.storage.models import AuditEntry, AuditHead
from duixian.storage.timestamps import iso_utc, utc_now

GENESIS = "0" * 64
Json = None | bool | int | str | list["Json"] | dict[str, "Json"]


@dataclass(frozen=True)
class Change:
    """What happened to which entity; ``payload`` says what changed (JSON: no floats, money in fen)."""

    action: str
    entity_type: str
    entity_id: str
    payload: Mapping[str, object]


def jsonable(value: object) -> Json:
    """Dates and instants become ISO text; floats and Decimals are refused (amounts are int fen)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.datetime):
        return iso_utc(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    raise TypeError(f"audit payloads hold JSON without floats; got {type(value).__name__}: {value!r}")


def canonical_json(value: Json) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def entry_hash(prev_hash: str, entry: AuditEntry, payload: Json, seq: int | None = None) -> str:
    """The entry's hash; ``seq`` replaces its sequence number (to find where a moved entry came from)."""
    body: Json = {
        "seq": entry.seq if seq is None else seq,
        "at": iso_utc(entry.at),
        "actor": entry.actor,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "payload": payload,
    }
    return hashlib.sha256((prev_hash + canonical_json(body)).encode("utf-8")).hexdigest()


def lock_chain(session: Session) -> AuditHead:
    """The chain head, locked until the transaction ends (re-read even if the session holds it)."""
    query = select(AuditHead).where(AuditHead.id == 1).with_for_update()
    head = session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()
    if head is None:
        raise RuntimeError("the audit chain head row is missing: run `duixian db upgrade`")
    return head


@contextmanager
def writing(db: Database) -> Iterator[Session]:
    """A transaction that changes state: the chain lock is taken first; commit or roll back whole."""
    with db.transaction() as session:
        lock_chain(session)
        yield session


def check_actor(actor: str) -> str:
    actor = actor.strip()
    if not actor or len(actor) > 100:
        raise InputError("--actor", "操作人不能为空，且不超过100个字符")
    return actor


def append(session: Session, actor: str, changes: Iterable[Change]) -> list[AuditEntry]:
    """Add one entry per change, chained after the current head, in the caller's transaction."""
    actor = check_actor(actor)
    head = lock_chain(session)
    at = utc_now()
    written = []
    for change in changes:
        payload = jsonable(change.payload)
        entry = AuditEntry(
            seq=head.last_seq + 1,
            at=at,
            actor=actor,
            action=change.action,
            entity_type=change.entity_type,
            entity_id=change.entity_id,
            payload=canonical_json(payload),
            prev_hash=head.last_hash,
        )
        entry.hash = entry_hash(head.last_hash, entry, payload)
        session.add(entry)
        head.last_seq, head.last_hash = entry.seq, entry.hash
        written.append(entry)
    session.flush()
    return written


def record(session: Session, actor: str, change: Change) -> AuditEntry:
    return append(session, actor, [change])[0]


# --- verification -------------------------------------------------------------------------------------

Fault = Literal["edited", "missing", "reordered", "broken_link", "truncated", "head_mismatch"]
FAULT_NAMES: dict[Fault, str] = {
    "edited": "记录被改动",
    "missing": "记录被删除",
    "reordered": "记录顺序被调换",
    "broken_link": "链接断开",
    "truncated": "末尾记录被删除",
    "head_mismatch": "链头不符",
}


@dataclass(frozen=True)
class Problem:
    seq: int
    fault: Fault
    message: str  # in Chinese, naming the sequence numbers concerned


@dataclass(frozen=True)
class Verification:
    checked: int
    last_seq: int
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(session: Session, batch: int = 1000) -> Verification:
    """Walk the chain in sequence order and report the first place it breaks.

    The session must see one state for all its queries (``Database.snapshot()``), or an append
    committed between reading the entries and reading the head would look like tampering.
    """
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch))
    for entry in rows.scalars():
        problem = _check(session, entry, expected_seq, prev_hash)
        if problem is not None:
            return Verification(checked, expected_seq - 1, problem)
        expected_seq, prev_hash, checked = entry.seq + 1, entry.hash, checked + 1
    return Verification(checked, expected_seq - 1, _check_head(session, expected_seq - 1, prev_hash))


def _check(session: Session, entry: AuditEntry, expected_seq: int, prev_hash: str) -> Problem | None:
    n = entry.seq
    if n != expected_seq:
        gap = f"第 {expected_seq} 条" if n == expected_seq + 1 else f"第 {expected_seq}–{n - 1} 条"
        return Problem(
            expected_seq, "missing", f"{gap}缺失：序号从 {expected_seq - 1} 跳到 {n}（记录被删除）"
        )
    if entry.prev_hash != prev_hash:
        return _broken_link(session, entry)
    try:
        payload: Json = json.loads(entry.payload)
    except ValueError:
        return Problem(n, "edited", f"第 {n} 条的内容不是有效 JSON（记录被改动）")
    if canonical_json(payload) != entry.payload or entry_hash(prev_hash, entry, payload) != entry.hash:
        return Problem(n, "edited", f"第 {n} 条的内容与其哈希不符（记录被改动：{entry.action}）")
    return None


def _broken_link(session: Session, entry: AuditEntry) -> Problem:
    n = entry.seq
    linked = session.scalar(select(AuditEntry.seq).where(AuditEntry.hash == entry.prev_hash))
    if linked is not None and linked > n:
        return Problem(
            n, "reordered", f"第 {n} 条在链上原接在现第 {linked} 条之后：记录顺序被调换（序号被改动）"
        )
    if linked is not None:
        return Problem(n, "missing", f"第 {n} 条原接在第 {linked} 条之后：其间的记录被删除且序号被重排")
    if (original := _original_seq(entry)) is not None:
        return Problem(
            n,
            "missing",
            f"第 {n} 条原为第 {original} 条：其前 {original - n} 条记录被删除，其后的序号被重排",
        )
    return Problem(
        n,
        "broken_link",
        f"第 {n} 条记载的前一哈希与第 {n - 1} 条不符：第 {n - 1} 条被改写（并重算了哈希），或被替换",
    )


_RENUMBER_SEARCH = 10_000


def _original_seq(entry: AuditEntry) -> int | None:
    """The sequence number the entry was hashed with, if it was moved down after deletions."""
    try:
        payload: Json = json.loads(entry.payload)
    except ValueError:
        return None
    for original in range(entry.seq + 1, entry.seq + 1 + _RENUMBER_SEARCH):
        if entry_hash(entry.prev_hash, entry, payload, seq=original) == entry.hash:
            return original
    return None


def _check_head(session: Session, last_seq: int, last_hash: str) -> Problem | None:
    head = session.get(AuditHead, 1)
    if head is None:
        return Problem(last_seq + 1, "head_mismatch", "审计链头记录缺失")
    if head.last_seq > last_seq:
        return Problem(
            last_seq + 1,
            "truncated",
            f"日志止于第 {last_seq} 条，链头记为第 {head.last_seq} 条：末尾的记录被删除",
        )
    if head.last_seq != last_seq or head.last_hash != last_hash:
        return Problem(
            last_seq,
            "head_mismatch",
            f"链头（第 {head.last_seq} 条）与日志末条（第 {last_seq} 条）不符：有记录绕过链锁写入或链头被改动",
        )
    return None


def entries(session: Session, limit: int = 20, entity: tuple[str, str] | None = None) -> list[AuditEntry]:
    """The newest entries first (optionally of one entity)."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if entity is not None:
        query = query.where(AuditEntry.entity_type == entity[0], AuditEntry.entity_id == entity[1])
    return list(session.scalars(query))


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
