"""g3 — duplication, stacking, matching and promotion; then the caps that span several lines.

Every line carries a project key (the loan's interest, a guarantee's fee, a loss …). Over the
lines of one beneficiary and one project:
 (a) two or more clauses of this policy: the highest amount only;
 (b) different projects: amounts stack (nothing to do);
 (c) already rewarded at county/district level, recognised higher: what was paid counts as
     matched, only the shortfall is paid;
 (d) already rewarded at a lower grade, promoted: only the difference;
 (e) another city policy of the same type: the highest only (if it was paid, only the excess).
Prior awards (c–e) come in the case's ``prior_awards``, by project key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np

from duixian.engine.money import format_fen
from duixian.engine.rules import Context, Lines, RuleSpec, key_numbers
from duixian.engine.tables import Column, RowsView, Table, cumulative_cap, shared_codes
from duixian.rulebook.wzb_2019_76.document import DOC

QUOTE = (
    "同一项目符合本政策两项或两项以上扶持条款的，可执行最高额，但不重复享受。同一企业不同项目符合本政策"
    "两项或两项以上扶持条款的，可叠加执行。同一企业以同一名义（项目）在县、市、区级（含市级功能区）获得"
    "财政奖励后又获得更高等次奖励认定的，各级已奖励部分视作已配套，不足部分按照上级有关规定予以补足。"
    "同一奖项（认定）在低等次已作奖励的，晋升到高等次时，只奖励差额部分。本政策与市级其他政策对同一个"
    "企业（项目）的同类型奖励出现重合时，执行最高额，不重复享受。"
)
DOC.add(RuleSpec("wzb-2019-76.g3", "重复、叠加和进等奖励", "附件附则3", QUOTE, "condition"))

G3 = "g3 重复、叠加和进等扣减"
SOURCE_LABEL = {
    "lower_level": "(c) 县、市、区级已奖励部分视作已配套",
    "lower_grade": "(d) 低等次已奖励，只奖励差额",
    "other_city_policy": "(e) 市级其他政策同类型奖励已兑现，只补足差额",
}


def _prior_awards(ctx: Context) -> dict[tuple[str, str], list[tuple[str, int, bool]]]:
    out: dict[tuple[str, str], list[tuple[str, int, bool]]] = defaultdict(list)
    if "prior_awards" not in ctx.tables:
        return out
    pa = ctx.table("prior_awards")
    for b, proj, src, amt, paid in zip(
        pa["beneficiary"], pa["project"], pa["source"], pa["amount"], pa["paid"], strict=True
    ):
        out[(str(b), str(proj))].append((str(src), int(amt), bool(paid)))
    return out


def settle(ctx: Context, all_lines: list[Lines], *, all_in_order: bool = False) -> None:
    """g3 and the caps per beneficiary per year, together.

    Lines of a beneficiary with no duplicated project take the vectorised path: each capped rule
    fills its cap line by line. A beneficiary with a project claimed under two or more clauses (or
    with prior awards) is settled project by project, in line order: each clause's candidate amount
    is what it could still pay within that clause's remaining cap after prior awards are deducted;
    the highest is paid, and the clauses not chosen consume none of their caps. Contested projects
    that no cap or prior award touches are settled at once (``_settle_highest``), with the same
    outcome; ``all_in_order=True`` settles every contested project one by one (tests compare).
    """
    cash = [ln for ln in all_lines if DOC.rules[ln.rule_id].kind == "cash" and len(ln)]
    for ln in cash:
        for switch in ("wzb-2019-76.g3.compare_stage", "wzb-2019-76.rounding"):
            ln.readings[switch] = ctx.reading(switch)
        ln.payable = ln.amount.copy()
        ln.adjustments[G3] = _zeros(len(ln), np.int64)
        if DOC.rules[ln.rule_id].aggregate_cap is not None:
            ln.adjustments[_cap_label(ln)] = _zeros(len(ln), np.int64)
            ln.caps[_cap_label(ln)] = _zeros(len(ln), bool)
    if not cash:
        return
    prior = _prior_awards(ctx)
    # Only lines that could pay, or whose beneficiary has prior awards, take part: a line of amount 0
    # competes with nothing and uses no cap (most lines of a city are not eligible).
    with_prior = {b for b, _ in prior}
    live = [_live_rows(ln, with_prior) for ln in cash]
    # Beneficiaries and projects as numbers: keys compare as integers, not strings.
    who, prior_who, people = _beneficiary_numbers(ctx, cash, live, [b for b, _ in prior])
    what, prior_what, projects = _project_numbers(ctx, cash, live, [p for _, p in prior])
    keys = np.concatenate([b * projects + p for b, p in zip(who, what, strict=True)])
    prior_keys = prior_who * projects + prior_what
    assert people * projects < 2**63  # the pairs' numbers fit in int64
    amounts = np.concatenate([ln.amount[rows] for ln, rows in zip(cash, live, strict=True)])
    # A project is contested when two or more clauses would pay something for it, or when it was
    # already rewarded elsewhere (prior awards).
    positive = amounts > 0
    # Only a project that two positive lines share can be contested: found among the positive lines'
    # project numbers, sorted (not counted per number: a count per loan's number is 10 MB at 10^6
    # loans), then the (beneficiary, project) pairs are sorted for those lines only.
    project_numbers = np.concatenate(what)
    paying = np.sort(project_numbers[positive])
    shared = np.zeros(projects, dtype=bool)
    shared[paying[1:][paying[1:] == paying[:-1]]] = True
    maybe = np.flatnonzero(positive & shared[project_numbers])
    conflicted = np.zeros(len(keys), dtype=bool)
    # A single case's lines rarely share a project: each unique or isin skipped saves 10–30 µs.
    if len(maybe):
        _, inverse, counts = np.unique(keys[maybe], return_inverse=True, return_counts=True)
        conflicted[maybe[counts[inverse] > 1]] = True
    with_prior_award = np.isin(keys, prior_keys) if len(prior_keys) else np.zeros(len(keys), dtype=bool)
    capped = np.concatenate(
        [
            np.full(len(rows), DOC.rules[ln.rule_id].aggregate_cap is not None)
            for ln, rows in zip(cash, live, strict=True)
        ]
    )
    # One by one only where the order matters: a contested project with a capped clause among its
    # lines (the cap left depends on the projects settled before), or prior awards. The rest of the
    # contested projects are settled at once: the highest line wins, the first of equals.
    beneficiaries = np.concatenate(who)
    ordered = conflicted & (capped | with_prior_award)
    if ordered.any():
        ordered |= conflicted & np.isin(keys, np.unique(keys[ordered]))
    if all_in_order:
        ordered = conflicted
    # Per beneficiary number: settled one by one (a flag per number, read by each row's number).
    sequential = np.zeros(people, dtype=bool)
    sequential[beneficiaries[ordered | with_prior_award]] = True
    at_once = conflicted & ~sequential[beneficiaries]
    _settle_highest(cash, live, keys, amounts, at_once)
    caps = {id(ln): _caps(ctx, ln) for ln in cash if DOC.rules[ln.rule_id].aggregate_cap is not None}
    for ln, rows, numbers in zip(cash, live, who, strict=True):
        alone = ~sequential[numbers]
        _cap_vectorised(ln, rows[alone], numbers[alone], caps.get(id(ln)))
    for beneficiary, mine in _rows_by_beneficiary(cash, live, who, sequential).items():
        _settle_beneficiary(beneficiary, mine, caps, prior)


def _settle_highest(
    cash: list[Lines], live: list[np.ndarray], keys: np.ndarray, amounts: np.ndarray, chosen: np.ndarray
) -> None:
    """g3(a) for contested projects whose lines no cap or prior award touches: per project, the line
    with the highest amount is paid (the first in rule and line order among equals), the others not.

    ``keys``, ``amounts`` and ``chosen`` run over every rule's live rows, rule after rule, as
    ``settle`` concatenates them; the outcome and the notes are those ``_settle_project`` gives."""
    positions = np.flatnonzero(chosen)  # in rule and line order
    if not len(positions):
        return
    order = positions[np.argsort(keys[positions], kind="stable")]  # by project, then rule and line
    new_project = np.r_[True, keys[order][1:] != keys[order][:-1]]
    project = np.cumsum(new_project) - 1
    best = np.maximum.reduceat(amounts[order], np.flatnonzero(new_project))
    at_best = np.flatnonzero(amounts[order] == best[project])
    _, first = np.unique(project[at_best], return_index=True)
    winner = order[at_best[first]]  # per project (projects numbered in key order, as ``unique`` gives)
    losing = order != winner[project]
    offsets = np.cumsum([0] + [len(rows) for rows in live])
    rule_of = np.searchsorted(offsets, order, side="right") - 1
    winner_rule = np.searchsorted(offsets, winner, side="right") - 1
    for k, ln in enumerate(cash):
        mine = losing & (rule_of == k)
        if not mine.any():
            continue
        rows = live[k][order[mine] - offsets[k]]
        assert ln.payable is not None
        ln.payable[rows] = 0
        _written(ln.adjustments, G3)[rows] = ln.amount[rows]
        ln.note_each(rows.tolist(), _losing_notes(cash, winner_rule[project[mine]], best[project[mine]]))


def _losing_notes(cash: list[Lines], winner_rule: np.ndarray, paid: np.ndarray) -> list[str]:
    """The g3(a) note of each losing line (``_settle_project``'s text): one text per winning clause
    and amount, shared by the lines it concerns."""
    texts = np.empty(len(paid), dtype=object)
    for w in np.unique(winner_rule).tolist():
        mine = winner_rule == w
        amounts, which = np.unique(paid[mine], return_inverse=True)
        distinct = [
            f"g3(a) 同一项目同时符合 {cash[w].rule_id}（可兑现 {format_fen(a)} 元），执行最高额，本条不重复享受"
            for a in amounts.tolist()
        ]
        texts[mine] = np.asarray(distinct, dtype=object)[which]
    notes: list[str] = texts.tolist()
    return notes


def _live_rows(ln: Lines, with_prior: set[str]) -> np.ndarray:
    live = ln.amount > 0
    if with_prior:
        live |= np.fromiter(
            (str(b) in with_prior for b in ln.beneficiary.tolist()), dtype=bool, count=len(ln)
        )
    return np.flatnonzero(live)


def _beneficiary_numbers(
    ctx: Context, cash: list[Lines], live: list[np.ndarray], prior: list[str]
) -> tuple[list[np.ndarray], np.ndarray, int]:
    """A number per beneficiary of each rule's live rows and of each prior award, and how many: its
    row in ``parties`` (a reference column's lookup is remembered, no text is hashed); a name not
    found there is numbered by its text, after the parties."""
    parties = ctx.tables.get("parties")
    names = [ln.beneficiary for ln in cash] + [np.asarray(prior, dtype=object)]
    chosen = [*live, np.arange(len(prior))]
    found = [_party_rows(parties, name)[rows] for name, rows in zip(names, chosen, strict=True)]
    offset = len(parties) if parties is not None else 0
    missing, count = shared_codes(
        [name[rows[at < 0]] for name, rows, at in zip(names, chosen, found, strict=True)]
    )
    numbers = []
    for at, elsewhere in zip(found, missing, strict=True):
        number = at.astype(np.int64)
        number[at < 0] = offset + elsewhere
        numbers.append(number)
    return numbers[:-1], numbers[-1], offset + count


def _party_rows(parties: Table | None, names: np.ndarray) -> np.ndarray:
    if parties is None or "id" not in parties:
        return np.full(len(names), -1, dtype=np.intp)
    return parties.rows_of(names)


def _project_numbers(
    ctx: Context, cash: list[Lines], live: list[np.ndarray], prior: list[str]
) -> tuple[list[np.ndarray], np.ndarray, int]:
    """A number per project key of each rule's live rows and of each prior award, and how many: by
    (prefix, id) where the lines' keys are lazy, else by the key strings."""
    texts = np.asarray(prior, dtype=object)
    numbered = key_numbers([ln.project for ln in cash], live, texts, _distinct_ids(ctx, cash))
    if numbered is not None:
        return numbered
    codes, count = shared_codes([ln.project[rows] for ln, rows in zip(cash, live, strict=True)] + [texts])
    return codes[:-1], codes[-1], count


def _distinct_ids(ctx: Context, cash: list[Lines]) -> Callable[[Column | RowsView], bool]:
    """Whether an array is the id column, known distinct, of a table the rules' lines come from."""
    columns = []
    for name in {DOC.rules[ln.rule_id].lines_from for ln in cash}:
        table = ctx.tables.get(name) if name is not None else None
        if table is not None and "id" in table and table.is_distinct("id"):
            columns.append(table.view("id"))  # what the rules' keys hold (not built for this)
    return lambda ids: any(ids is column for column in columns)


Members = list[tuple[Lines, np.ndarray, list[str]]]  # per rule: a beneficiary's rows and their projects


def _rows_by_beneficiary(
    cash: list[Lines], live: list[np.ndarray], who: list[np.ndarray], sequential: np.ndarray
) -> dict[str, Members]:
    """For each beneficiary settled one by one (``sequential``: a flag per beneficiary number): its
    rows in each rule's lines, with their project keys, grouped once (not by a scan of every line per
    beneficiary, which would grow with the square of the population; the keys read at once per rule,
    not a lazy key at a time)."""
    out: dict[str, Members] = defaultdict(list)
    for ln, live_rows, codes in zip(cash, live, who, strict=True):
        chosen = sequential[codes]
        rows, numbers = live_rows[chosen], codes[chosen]
        if not len(rows):
            continue
        # Grouped by the beneficiary's number (one per name), rows in line order within a group.
        order = np.argsort(numbers, kind="stable")
        rows, numbers = rows[order], numbers[order]
        projects = [str(p) for p in np.asarray(ln.project[rows], dtype=object).tolist()]
        starts = np.flatnonzero(np.r_[True, numbers[1:] != numbers[:-1]])
        ends = [*starts[1:].tolist(), len(rows)]
        for start, end in zip(starts.tolist(), ends, strict=True):
            out[str(ln.beneficiary[rows[start]])].append((ln, rows[start:end], projects[start:end]))
    return dict(sorted(out.items()))


def _zeros(n: int, dtype: type) -> np.ndarray:
    """n zeros for a line's deductions or cap flags. A city's are a read-only view of a single zero
    (most lines are never deducted nor capped: c4b's 10^6 loans, none; a zeroed array of a million
    int64 costs 2–10 ms, mostly its first touch of memory); ``_written`` makes the array on the first
    write. A single case's few lines get the array at once (the view costs more than it saves)."""
    if n < _FEW_LINES:
        return np.zeros(n, dtype=dtype)
    return np.broadcast_to(np.zeros(1, dtype=dtype), (n,))


_FEW_LINES = 1000


def _written(columns: dict[str, np.ndarray], label: str) -> np.ndarray:
    """``columns[label]`` to write into: the zeros of ``_zeros`` made an array of their own first."""
    values = columns[label]
    if not values.flags.writeable:
        values = columns[label] = np.zeros(len(values), dtype=values.dtype)
    return values


def _cap_label(ln: Lines) -> str:
    return f"单户年度上限（{DOC.rules[ln.rule_id].aggregate_cap}）"


def _caps(ctx: Context, ln: Lines) -> np.ndarray:
    """Each line's cap per beneficiary per year (reduced by earlier years' awards under policy_period)."""
    spec: RuleSpec = DOC.rules[ln.rule_id]
    assert spec.aggregate_cap is not None
    cap_value = ctx.params[spec.aggregate_cap].at(ctx.year_start)
    ln.parameters[spec.aggregate_cap] = cap_value
    n, cap_fen = len(ln), int(cap_value.value)
    # A city's: a read-only view of the one cap (an array of c1's 10^6 would cost 2–5 ms; only the
    # live rows' are read).
    caps = np.full(n, cap_fen, dtype=np.int64) if n < _FEW_LINES else np.broadcast_to(np.int64(cap_fen), (n,))
    if spec.id == "wzb-2019-76.c1" and ln.readings.get("wzb-2019-76.c1.cap_period") == "policy_period":
        caps = np.maximum(caps - _received_before(ctx, ln, spec.id), 0)
    return caps


def _cap_vectorised(ln: Lines, rows: np.ndarray, who: np.ndarray, caps: np.ndarray | None) -> None:
    """Each beneficiary's cap filled line by line over ``rows`` (``who``: each row's beneficiary code)."""
    if caps is None or not len(rows):
        return
    assert ln.payable is not None
    if len(rows) == 1:  # nothing before it under its cap (a single case's loan): no grouping, 15 µs less
        payable = ln.payable[rows]
        allowed = np.clip(caps[rows], 0, payable)  # as cumulative_cap computes it, with nothing before
        cut = allowed < payable
    else:
        allowed, cut = cumulative_cap(who, ln.payable[rows], caps[rows])
    # Written where the cap cut only: elsewhere the line keeps its amount and nothing is deducted (the
    # deductions and flags of these rows are still 0, as ``settle`` made them).
    cut_rows = rows[cut]
    if len(cut_rows):
        label = _cap_label(ln)
        _written(ln.adjustments, label)[cut_rows] = ln.payable[cut_rows] - allowed[cut]
        _written(ln.caps, label)[cut_rows] = True
        ln.payable[cut_rows] = allowed[cut]


def _settle_beneficiary(
    beneficiary: str,
    rows: Members,
    caps: dict[int, np.ndarray],
    prior: dict[tuple[str, str], list[tuple[str, int, bool]]],
) -> None:
    remaining: dict[str, int] = {}
    projects: dict[str, list[tuple[Lines, int]]] = defaultdict(list)
    for ln, mine, keys in rows:
        if id(ln) in caps:
            remaining[ln.rule_id] = int(caps[id(ln)][mine[0]])
        for r, project in zip(mine.tolist(), keys, strict=True):
            projects[project].append((ln, r))
    for project, members in projects.items():
        _settle_project(beneficiary, project, members, remaining, prior.get((beneficiary, project), []))


def _settle_project(
    beneficiary: str,
    project: str,
    members: list[tuple[Lines, int]],
    remaining: dict[str, int],
    priors: list[tuple[str, int, bool]],
) -> None:
    def attainable(ln: Lines, r: int) -> tuple[int, int, list[str]]:
        """(what this clause could pay now, what prior awards deduct, notes)."""
        entitled = int(ln.amount[r])
        deducted, notes = 0, []
        for source, amount, paid in priors:
            if source == "other_city_policy" and amount >= entitled:
                notes.append(
                    f"g3(e) 市级其他政策同类型奖励 {format_fen(amount)} 元不低于本条，执行最高额，本条不予兑现"
                )
                deducted = entitled
                break
            if paid:
                deducted += amount
                notes.append(f"g3{SOURCE_LABEL[source]}：{format_fen(amount)} 元")
        deducted = min(deducted, entitled)
        room = remaining.get(ln.rule_id, entitled)
        return min(entitled - deducted, room), deducted, notes

    options = [(attainable(ln, r), i) for i, (ln, r) in enumerate(members)]
    (best, deducted, notes), winner = max(options, key=lambda o: (o[0][0], -o[1]))
    w_lines, w_row = members[winner]
    for i, (ln, r) in enumerate(members):
        assert ln.payable is not None
        if i != winner:
            ln.payable[r] = 0
            _written(ln.adjustments, G3)[r] = ln.amount[r]
            if ln.amount[r] > 0:
                ln.note(
                    r,
                    f"g3(a) 同一项目同时符合 {w_lines.rule_id}（可兑现 {format_fen(best)} 元），执行最高额，本条不重复享受",
                )
    assert w_lines.payable is not None
    w_lines.payable[w_row] = best
    if deducted:
        _written(w_lines.adjustments, G3)[w_row] = deducted
    for note in notes:
        w_lines.note(w_row, note)
    capped = int(w_lines.amount[w_row]) - deducted - best
    if w_lines.rule_id in remaining:
        remaining[w_lines.rule_id] -= best
        if capped > 0:
            label = _cap_label(w_lines)
            _written(w_lines.adjustments, label)[w_row] = capped
            _written(w_lines.caps, label)[w_row] = True
            w_lines.note(
                w_row,
                f"单户年度上限剩余额度 {format_fen(best + remaining[w_lines.rule_id])} 元，本笔削减 {format_fen(capped)} 元",
            )


def _received_before(ctx: Context, ln: Lines, rule_id: str) -> np.ndarray:
    """Per line: what the beneficiary received under this rule in earlier years (project = rule id)."""
    received: dict[str, int] = defaultdict(int)
    for (beneficiary, project), awards in _prior_awards(ctx).items():
        if project == rule_id:
            received[beneficiary] += sum(a for _, a, paid in awards if paid)
    return np.asarray([received.get(str(b), 0) for b in ln.beneficiary], dtype=np.int64)


DOC.finaliser(settle)
