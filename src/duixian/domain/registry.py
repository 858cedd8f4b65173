"""The registry of parties: storing validated records (create or update by USCC) with their audit
entries, classifying size under 工信部联企业〔2011〕300号, and describing a party.

Re-importing a USCC updates that party: the new row is its state (a blank cell clears the field).
Qualifications, 亩均 ratings and incidents are added or updated by their keys — (kind, valid_from),
year, (kind, year, area) — and never deleted by an import that leaves them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from duixian import rulebook
from duixian.domain import audit
from duixian.domain.registry_tables import IncidentRecord, MujunRecord, PartyRecord, QualificationRecord
from duixian.domain.registry_terms import (
    INCIDENTS,
    KINDS,
    LEGAL_FORMS,
    OWNERSHIP,
    QUALIFICATIONS,
    SECTORS,
    SIZES,
    label,
)
from duixian.engine.money import format_fen
from duixian.engine.rules import Context
from duixian.rulebook.wzb_2019_76.rules.g4 import classify
from duixian.storage.models import Incident, MujunRating, Party, Qualification
from duixian.storage.timestamps import shown

ENTITY = "party"
REGISTERED = "登记的划型结果"
_CHUNK = 500  # ids per IN (…) query, well inside every database's parameter limit


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class SaveResult:
    parties: Tally = field(default_factory=Tally)
    qualifications: Tally = field(default_factory=Tally)
    mujun: Tally = field(default_factory=Tally)
    incidents: Tally = field(default_factory=Tally)
    changes: list[audit.Change] = field(default_factory=list)


def size_classes(records: Sequence[PartyRecord], on: dt.date) -> list[tuple[str | None, str | None]]:
    """(size class, basis) per record: as registered, else by 300号 第四条 from the sector's figures
    (g4's own ``classify`` and parameters, in force on ``on``), else unclassified (None, None)."""
    ctx = Context(
        year=on.year, tables={}, params=rulebook.parameters(), readings=rulebook.register().choose({})
    )
    pending = [i for i, r in enumerate(records) if r.size_class is None and r.industry is not None]
    computed = classify(
        ctx,
        np.asarray([records[i].industry for i in pending], dtype=object),
        np.asarray([_or_missing(records[i].employees) for i in pending], dtype=np.int64),
        np.asarray([_or_missing(records[i].revenue_fen) for i in pending], dtype=np.int64),
        np.asarray([_or_missing(records[i].total_assets_fen) for i in pending], dtype=np.int64),
    )
    out: list[tuple[str | None, str | None]] = [
        (r.size_class, REGISTERED) if r.size_class else (None, None) for r in records
    ]
    for i, size in zip(pending, computed, strict=True):
        sector = SECTORS[str(records[i].industry)]
        out[i] = (str(size), f"按工信部联企业〔2011〕300号第四条划型（{sector}）") if size else (None, None)
    return out


def _or_missing(value: int | None) -> int:
    return -1 if value is None else value  # g4.classify's mark for an absent figure


def _party_fields(record: PartyRecord, size: tuple[str | None, str | None]) -> dict[str, object]:
    return {
        "name": record.name,
        "kind": record.kind,
        "government_guarantor": record.government_guarantor,
        "district": record.district,
        "ownership": record.ownership,
        "legal_form": record.legal_form,
        "industry": record.industry,
        "employees": record.employees,
        "revenue_fen": record.revenue_fen,
        "total_assets_fen": record.total_assets_fen,
        "size_class": size[0],
        "size_class_basis": size[1],
    }


def parties_by_uscc(session: Session, usccs: Iterable[str]) -> dict[str, Party]:
    wanted = sorted(set(usccs))
    found: dict[str, Party] = {}
    for start in range(0, len(wanted), _CHUNK):
        query = select(Party).where(Party.uscc.in_(wanted[start : start + _CHUNK]))
        query = query.options(
            selectinload(Party.qualifications),
            selectinload(Party.mujun_ratings),
            selectinload(Party.incidents),
        )
        found |= {p.uscc: p for p in session.scalars(query)}
    return found


def save(
    session: Session,
    parties: Sequence[PartyRecord],
    qualifications: Sequence[QualificationRecord],
    mujun: Sequence[MujunRecord],
    incidents: Sequence[IncidentRecord],
    today: dt.date,
) -> SaveResult:
    """Create or update every record; return the tallies and the audit changes (not yet appended)."""
    result = SaveResult()
    usccs = {r.uscc for r in parties} | {r.uscc for rs in (qualifications, mujun, incidents) for r in rs}
    known = parties_by_uscc(session, usccs)
    for record, size in zip(parties, size_classes(parties, today), strict=True):
        _save_party(session, known, record, _party_fields(record, size), result)
    session.flush()  # new parties get their ids before their children refer to them
    for q in qualifications:
        _save_qualification(known[q.uscc], q, result)
    for m in mujun:
        _save_mujun(known[m.uscc], m, result)
    for i in incidents:
        _save_incident(known[i.uscc], i, result)
    session.flush()
    return result


def _save_party(
    session: Session,
    known: dict[str, Party],
    record: PartyRecord,
    fields: dict[str, object],
    result: SaveResult,
) -> None:
    party = known.get(record.uscc)
    if party is None:
        party = Party(uscc=record.uscc, **fields)
        session.add(party)
        known[record.uscc] = party
        result.parties.created += 1
        result.changes.append(audit.Change("party.created", ENTITY, record.uscc, fields))
        return
    changed = _apply(party, fields)
    if changed:
        result.parties.updated += 1
        result.changes.append(audit.Change("party.updated", ENTITY, record.uscc, {"changed": changed}))
    else:
        result.parties.unchanged += 1


def _apply(obj: object, fields: dict[str, object]) -> dict[str, object]:
    """Set the fields that differ; return them as {field: {from, to}}."""
    changed: dict[str, object] = {}
    for name, new in fields.items():
        old = getattr(obj, name)
        if old != new:
            changed[name] = {"from": old, "to": new}
            setattr(obj, name, new)
    return changed


def _child(
    result: SaveResult,
    tally: Tally,
    what: str,
    party: Party,
    found: object | None,
    key: dict[str, object],
    fields: dict[str, object],
) -> None:
    """Tally one child record (already added if new) and describe its change for the audit log."""
    if found is None:
        tally.created += 1
        result.changes.append(audit.Change(f"{what}.added", ENTITY, party.uscc, key | fields))
        return
    changed = _apply(found, fields)
    if changed:
        tally.updated += 1
        result.changes.append(audit.Change(f"{what}.updated", ENTITY, party.uscc, key | {"changed": changed}))
    else:
        tally.unchanged += 1


def _save_qualification(party: Party, q: QualificationRecord, result: SaveResult) -> None:
    found = next((x for x in party.qualifications if (x.kind, x.valid_from) == (q.kind, q.valid_from)), None)
    if found is None:
        party.qualifications.append(Qualification(kind=q.kind, valid_from=q.valid_from, valid_to=q.valid_to))
    key: dict[str, object] = {"qualification": q.kind, "valid_from": q.valid_from}
    _child(result, result.qualifications, "qualification", party, found, key, {"valid_to": q.valid_to})


def _save_mujun(party: Party, m: MujunRecord, result: SaveResult) -> None:
    found = next((x for x in party.mujun_ratings if x.year == m.year), None)
    if found is None:
        party.mujun_ratings.append(MujunRating(year=m.year, mujun_class=m.mujun_class))
    fields: dict[str, object] = {"mujun_class": m.mujun_class}
    _child(result, result.mujun, "mujun", party, found, {"year": m.year}, fields)


def _save_incident(party: Party, i: IncidentRecord, result: SaveResult) -> None:
    found = next(
        (x for x in party.incidents if (x.kind, x.year, x.area) == (i.kind, i.year, i.area)),
        None,
    )
    fields: dict[str, object] = {"occurred_on": i.occurred_on, "description": i.description}
    if found is None:
        party.incidents.append(Incident(kind=i.kind, year=i.year, area=i.area, **fields))
    key: dict[str, object] = {"incident": i.kind, "year": i.year, "area": i.area}
    _child(result, result.incidents, "incident", party, found, key, fields)


def describe(session: Session, uscc: str) -> dict[str, object] | None:
    """Everything the registry holds on one party, with Chinese labels, ready for JSON or a table."""
    party = parties_by_uscc(session, [uscc]).get(uscc)
    if party is None:
        return None
    history = audit.entries(session, limit=1000, entity=(ENTITY, uscc))
    return {
        "uscc": party.uscc,
        "name": party.name,
        "kind": label(KINDS, party.kind),
        "government_guarantor": party.government_guarantor,
        "district": party.district,
        "ownership": label(OWNERSHIP, party.ownership),
        "private": party.ownership == "private",
        "legal_form": label(LEGAL_FORMS, party.legal_form),
        "industry": label(SECTORS, party.industry) or None,
        "employees": party.employees,
        "revenue_yuan": None if party.revenue_fen is None else format_fen(party.revenue_fen),
        "total_assets_yuan": None if party.total_assets_fen is None else format_fen(party.total_assets_fen),
        "size_class": label(SIZES, party.size_class) or None,
        "size_class_basis": party.size_class_basis,
        "qualifications": [
            {
                "qualification": label(QUALIFICATIONS, q.kind),
                "valid_from": str(q.valid_from),
                "valid_to": str(q.valid_to),
            }
            for q in party.qualifications
        ],
        "mujun": [{"year": m.year, "class": m.mujun_class} for m in party.mujun_ratings],
        "incidents": [
            {
                "year": i.year,
                "incident": label(INCIDENTS, i.kind),
                "area": i.area,
                "occurred_on": None if i.occurred_on is None else str(i.occurred_on),
                "description": i.description,
            }
            for i in party.incidents
        ],
        "created_at": shown(party.created_at),
        "updated_at": shown(party.updated_at),
        "history": [
            {"seq": e.seq, "at": shown(e.at), "actor": e.actor, "action": e.action} for e in reversed(history)
        ],
    }
