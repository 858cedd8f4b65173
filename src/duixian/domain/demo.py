"""The demo dataset of `duixian demo load`: a SYNTHETIC registry and applications under 76号 (D1), 71号
(D2) and 130号 (D3) in every state of the workflow.

Everything is invented: every party's name begins with 合成示例, the actors are 合成示例 users, and the
load is recorded in the audit log as ``demo.load`` (``synthetic: true``). The registry (USCCs with their
GB 32100-2015 check character, Wenzhou's districts, the generators' helpers of
``population.synthetic``) is seeded: the same seed and size give the same parties, facts and amounts.

Nothing is written directly: the registry goes through ``registry.save`` and every application through
the domain functions (``applications``, ``review``, ``publicity``, ``ledger``, ``payments``), each step
in its own ``audit.writing`` transaction, as users would act. The audit log is therefore complete and
verifies, and every amount is the rulebook's.

The size is the number of applications. The first ``len(CORE)`` follow a fixed plan that reaches every
state and shows the special paths (a return for correction, an objection dismissed, one upheld and the
application approved again, payments through a district's finance bureau, a clawback with 130号's bar);
the others are 76号 and 71号 applications whose final state is drawn at random.

Business dates run through 2020: applications on 1 September (inside 76号's 1–10月 window), decisions on
8 September, three publicity waves (paid in September; scheduled and left unpaid in October; still
publicised at the end), a clawback on 12 October.

130号 shares a year's fund among the year's projects by score. An application's amount is the total of
its own case, so each demo round of 130号 (2018, 2019, 2020) has one project, which then takes the
year's fund up to 50% of its investment; rounds of several projects need each application's share of
the round's case (see the report of issue 5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import get_args

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duixian.domain import applications, audit, ledger, payments, publicity, registry, review, workflow
from duixian.domain.demo_data import (
    A3,
    A5,
    A6,
    ALLOC,
    C1,
    C8A,
    C10A,
    LABEL,
    Plan,
    Registry,
    synthetic_registry,
)
from duixian.errors import InputError
from duixian.storage.db import Database
from duixian.storage.models import Party
from duixian.storage.redemption import Application, Payment, PaymentBatch

REGISTRAR, APPLICANT, REVIEWER, PUBLIC, FINANCE = (
    f"{LABEL}·{role}" for role in ("登记员", "企业经办人", "审核员", "公众", "财政局")
)

CREATED, SUBMITTED, WITHDRAWN, STARTED = (dt.date(2020, 9, d) for d in (1, 2, 3, 4))
RETURNED, DECIDED = dt.date(2020, 9, 7), dt.date(2020, 9, 8)
WAVE_1, OBJECTED, RESOLVED, REAPPROVED = (dt.date(2020, 9, d) for d in (10, 11, 14, 15))
PAY_SCHEDULED, PAID = dt.date(2020, 9, 18), dt.date(2020, 9, 21)
CLAWED_BACK = dt.date(2020, 10, 12)
WAVE_2, WAVE_3 = dt.date(2020, 10, 13), dt.date(2020, 10, 22)
# 76号 and 71号 set no publicity period: the demo's is seven days (130号's is its own rule's).
PUBLICITY_DAYS = 7

MIN_SIZE, MAX_SIZE = 18, 1000

# (provision, final state, special path): every state, every document, the notable paths.
CORE: tuple[tuple[str, workflow.State, str], ...] = (
    (C1, "paid", "dismissed"),
    (C1, "clawed_back", ""),
    (C8A, "paid", ""),
    (C10A, "paid", ""),
    (A3, "paid", ""),
    (A6, "scheduled", ""),
    (C1, "scheduled", ""),
    (ALLOC, "paid", ""),  # the 2020 round: 区属 (瑞安市), paid through 瑞安市财政局
    (ALLOC, "clawed_back", "conduct"),  # the 2019 round: 区属 (龙湾区); 截留 → barred from 2021
    (ALLOC, "publicised", ""),  # the 2018 round: 市属
    (A5, "approved", "upheld"),
    (C8A, "objected", ""),
    (C1, "rejected", "unqualified"),
    (A3, "returned", ""),
    (C10A, "under_review", ""),
    (A6, "submitted", ""),
    (C8A, "draft", ""),
    (A3, "withdrawn", ""),
)
EXTRA_PROVISIONS = (C1, C8A, C10A, A3, A6)
EXTRA_STATES: dict[workflow.State, int] = {  # weights of the final states of the other applications
    "paid": 6, "publicised": 2, "approved": 2, "scheduled": 2, "rejected": 2, "objected": 1,
    "under_review": 2, "submitted": 2, "returned": 1, "draft": 1, "withdrawn": 1, "clawed_back": 1,
}  # fmt: skip

AFTER_APPROVAL: frozenset[workflow.State] = frozenset(
    {"approved", "publicised", "objected", "scheduled", "paid", "clawed_back"}
)
UNDER_REVIEW_OR_LATER = AFTER_APPROVAL | {"under_review", "returned", "rejected"}


@dataclass(frozen=True)
class FundLine:
    code: str
    name: str
    kind: str
    balance_fen: int
    committed_fen: int


@dataclass(frozen=True)
class Summary:
    """What was loaded, read back from the database."""

    seed: int
    size: int
    parties: dict[str, int]  # kind → count
    states: dict[str, tuple[int, int]]  # state → (applications, granted fen)
    funds: list[FundLine]
    payers: dict[str, tuple[int, int]]  # payer → (payments made, fen)
    audit_entries: int
    audit_problem: str | None  # None: the chain verifies


# --- entry point --------------------------------------------------------------------------------------


def load(db: Database, seed: int, size: int) -> Summary:
    """Fill a database (schema current) that holds no application with the demo.

    Each step commits on its own, as a user's would: a failure part-way leaves what was done (the
    audit log still verifies) and a second load is refused; start again on a new file."""
    check_size(size)
    with db.snapshot() as session:
        refuse_unless_empty(session)
    rng = np.random.default_rng(seed)
    plans = plan(rng, size)
    demo_registry = synthetic_registry(rng, plans)
    with audit.writing(db) as session:
        refuse_unless_empty(session)
        store_registry(session, demo_registry, seed, size)
    for phase in (create_and_submit, decide, first_wave, claw_back, second_wave, third_wave):
        phase(db, plans)
    return summarise(db, seed, size)


def check_size(size: int) -> None:
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise InputError(
            "--size", f"申请件数须在 {MIN_SIZE}–{MAX_SIZE} 之间（至少 {MIN_SIZE} 件才能覆盖每个状态）"
        )


def refuse_unless_empty(session: Session) -> None:
    held = int(session.scalar(select(func.count()).select_from(Application)) or 0)
    if held:
        raise InputError(
            "--db",
            f"该数据库已有 {held} 件申请：演示数据只载入没有申请的数据库，以免与真实数据混在一起。"
            "请用一个新文件，如 --db sqlite:///duixian-demo.db（文件不存在时自动建立）",
        )


# --- plans and the synthetic registry -------------------------------------------------------------------


def plan(rng: np.random.Generator, size: int) -> list[Plan]:
    plans = [Plan(provision, target, path) for provision, target, path in CORE]
    states = list(EXTRA_STATES)
    weights = np.asarray(list(EXTRA_STATES.values()), dtype=float)
    for i in range(size - len(CORE)):
        target = states[int(rng.choice(len(states), p=weights / weights.sum()))]
        plans.append(Plan(EXTRA_PROVISIONS[i % len(EXTRA_PROVISIONS)], target, ""))
    return plans


def store_registry(session: Session, demo: Registry, seed: int, size: int) -> None:
    saved = registry.save(session, demo.parties, demo.qualifications, demo.mujun, [], CREATED)
    label = audit.Change(
        "demo.load",
        "demo",
        f"seed-{seed}",
        {
            "label": LABEL,
            "synthetic": True,
            "note": "合成示例数据：全部主体、申请、金额均为虚构，不是真实企业",
            "seed": seed,
            "size": size,
            "parties": len(demo.parties),
        },
    )
    audit.append(session, REGISTRAR, [*saved.changes, label])


# --- the workflow, phase by phase; each step is its own transaction, as users would act -----------------

Step = Callable[[Session, Application], object]


def _reaching(plans: Iterable[Plan], states: Iterable[str]) -> list[Plan]:
    wanted = set(states)
    return [item for item in plans if item.target in wanted]


def _on_path(plans: Iterable[Plan], path: str) -> list[Plan]:
    return [item for item in plans if item.path == path]


def _each(db: Database, plans: Iterable[Plan], step: Step) -> None:
    for item in plans:
        with audit.writing(db) as session:
            step(session, applications.find(session, item.number))


def create_and_submit(db: Database, plans: list[Plan]) -> None:
    for item in plans:
        with audit.writing(db) as session:
            created = applications.create(
                session, uscc=item.uscc, provision=item.provision, year=item.year, facts=item.facts,
                actor=APPLICANT, on=CREATED,
            )  # fmt: skip
            item.number = created.number
    submitted = _reaching(plans, set(get_args(workflow.State)) - {"draft"})
    _each(db, submitted, lambda s, a: applications.submit(s, a, APPLICANT, SUBMITTED))
    why = f"{LABEL}：企业决定不再申报"
    _each(
        db,
        _reaching(plans, ["withdrawn"]),
        lambda s, a: applications.withdraw(s, a, APPLICANT, WITHDRAWN, why),
    )


def decide(db: Database, plans: list[Plan]) -> None:
    _each(
        db, _reaching(plans, UNDER_REVIEW_OR_LATER), lambda s, a: review.start_review(s, a, REVIEWER, STARTED)
    )
    missing = f"{LABEL}：请补充费用发票的扫描件"
    returned = _reaching(plans, ["returned"])
    _each(db, returned, lambda s, a: review.return_for_correction(s, a, REVIEWER, RETURNED, missing))
    refusal = f"{LABEL}：不符合条款规定的申报条件"
    _each(db, _reaching(plans, ["rejected"]), lambda s, a: review.reject(s, a, REVIEWER, DECIDED, refusal))
    _allocate_pools(db, plans)
    _each(db, _reaching(plans, AFTER_APPROVAL), lambda s, a: review.approve(s, a, REVIEWER, DECIDED))


def _allocate_pools(db: Database, plans: list[Plan]) -> None:
    """130号's yearly pools hold what the (synthetic) notice of each round made available."""
    for item in _reaching(plans, AFTER_APPROVAL):
        if item.provision == ALLOC:
            [fund] = item.facts["funds"]
            with audit.writing(db) as session:
                amount_fen = int(fund["amount"]) * 100
                ledger.allocate(session, item.year, amount_fen, FINANCE, STARTED, str(fund["document"]))


def _publicise(db: Database, plans: list[Plan], on: dt.date) -> list[str]:
    """One publicity per document of these approved applications; the publicities' numbers."""
    by_document: dict[str, list[str]] = {}
    for item in plans:
        by_document.setdefault(item.provision.rsplit(".", 1)[0], []).append(item.number)
    opened = []
    for document, numbers in by_document.items():
        ends_on = None if document in publicity.PERIODS else on + dt.timedelta(days=PUBLICITY_DAYS - 1)
        with audit.writing(db) as session:
            notice = publicity.open_publicity(
                session, document=document, numbers=numbers, actor=REVIEWER, on=on, ends_on=ends_on,
                title=f"{LABEL}：{document} 奖补资金拟兑现名单公示（虚构）",
            )  # fmt: skip
            opened.append(notice.number)
    return opened


def _close(db: Database, numbers: list[str], on: dt.date) -> None:
    for number in numbers:
        with audit.writing(db) as session:
            publicity.close(session, publicity.find_publicity(session, number), REVIEWER, on)


def _schedule(db: Database, on: dt.date) -> list[str]:
    with audit.writing(db) as session:
        return [batch.number for batch in payments.schedule(session, FINANCE, on)]


def first_wave(db: Database, plans: list[Plan]) -> None:
    """Publicised in September (an objection dismissed, one upheld and approved again), closed, paid."""
    wave = _reaching(plans, ["paid", "clawed_back"]) + _on_path(plans, "upheld")
    opened = _publicise(db, wave, WAVE_1)
    dismissed, upheld = _on_path(wave, "dismissed"), _on_path(wave, "upheld")
    grounds = f"{LABEL}：认为申报事项与实际不符"
    _each(db, dismissed + upheld, lambda s, a: publicity.raise_objection(s, a, PUBLIC, OBJECTED, grounds))
    facts_hold = f"{LABEL}：经核实，申报事项属实"
    _each(db, dismissed, lambda s, a: publicity.dismiss(s, a, REVIEWER, RESOLVED, facts_hold))
    review_again = f"{LABEL}：异议部分属实，重新审核"
    _each(db, upheld, lambda s, a: publicity.uphold(s, a, REVIEWER, RESOLVED, review_again))
    _each(db, upheld, lambda s, a: review.approve(s, a, REVIEWER, REAPPROVED))
    _close(db, opened, WAVE_1 + dt.timedelta(days=PUBLICITY_DAYS))
    for batch in _schedule(db, PAY_SCHEDULED):
        with audit.writing(db) as session:
            payments.execute(session, batch, FINANCE, PAID)


def claw_back(db: Database, plans: list[Plan]) -> None:
    """Half of an overpaid amount recovered; all of a 130号 grant for 截留, with the bar (五（二））."""
    for item in _reaching(plans, ["clawed_back"]):
        with audit.writing(db) as session:
            if item.path == "conduct":
                grounds = f"{LABEL}：查实截留试点资金"
                payments.claw_back(session, item.number, grounds, FINANCE, CLAWED_BACK, None, "截留")
            else:
                half = max((applications.find(session, item.number).granted_fen or 0) // 2, 1)
                grounds = f"{LABEL}：核查发现多报，多拨付部分追回"
                payments.claw_back(session, item.number, grounds, FINANCE, CLAWED_BACK, half)


def second_wave(db: Database, plans: list[Plan]) -> None:
    """Publicised and closed in October, put into a payment batch that is not executed."""
    opened = _publicise(db, _reaching(plans, ["scheduled"]), WAVE_2)
    _close(db, opened, WAVE_2 + dt.timedelta(days=PUBLICITY_DAYS))
    _schedule(db, WAVE_2 + dt.timedelta(days=PUBLICITY_DAYS + 1))


def third_wave(db: Database, plans: list[Plan]) -> None:
    """Still in publicity at the end of the demo; some objected to."""
    _publicise(db, _reaching(plans, ["publicised", "objected"]), WAVE_3)
    grounds, on = f"{LABEL}：认为该企业不符合申报条件", WAVE_3 + dt.timedelta(days=1)
    _each(
        db, _reaching(plans, ["objected"]), lambda s, a: publicity.raise_objection(s, a, PUBLIC, on, grounds)
    )


# --- the summary ------------------------------------------------------------------------------------


def summarise(db: Database, seed: int, size: int) -> Summary:
    with db.snapshot() as session:
        parties = session.execute(select(Party.kind, func.count()).group_by(Party.kind))
        states = session.execute(
            select(
                Application.state, func.count(), func.coalesce(func.sum(Application.granted_fen), 0)
            ).group_by(Application.state)
        )
        paid = session.execute(
            select(PaymentBatch.payer, func.count(), func.sum(Payment.amount_fen))
            .join(Payment, Payment.batch_id == PaymentBatch.id)
            .where(Payment.paid_on.is_not(None))
            .group_by(PaymentBatch.payer)
        )
        funds = [
            FundLine(f.code, f.name, f.kind, pos.balance_fen, pos.committed_fen)
            for f in ledger.funds(session)
            for pos in [ledger.position(session, f)]
        ]
        verification = audit.verify(session)
        return Summary(
            seed=seed,
            size=size,
            parties={str(kind): int(n) for kind, n in parties},
            states={str(state): (int(n), int(fen or 0)) for state, n, fen in states},
            funds=funds,
            payers={str(payer): (int(n), int(fen or 0)) for payer, n, fen in paid},
            audit_entries=verification.checked,
            audit_problem=None if verification.problem is None else verification.problem.message,
        )
