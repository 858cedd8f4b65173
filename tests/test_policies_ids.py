"""Every provision ../shared/POLICIES.md lists (D1–D8) is a rule of the rulebook, with a citation that
quotes the gazette. The IDs are copied here so the check runs on any clone; where POLICIES.md is at
hand, the copy is compared with it too."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from duixian.cli import app

POLICIES_IDS = """
wzb-2019-76: g1 g2 g3 g4 c1 c2 c3a c3b c4a c4b c4c c5a c5b c5c c6a c6b c7 c8a c8b c8c c8d c8e c9 c10a c10b c10c c11
wzjk-2019-71: a2 a3 a4 a5 a6 a7 a9
wswl-2019-130: e alloc pay
wzb-2019-72: c2 c3 c6a c6b t
wzb-2019-75: site flow fund
wzf-2019-16: std allowance
wztg-2019-5: zone high ban
wzf-2019-18: targets
"""
EXPECTED = {
    f"{doc}.{rule}"
    for line in POLICIES_IDS.strip().splitlines()
    for doc, rules in [line.split(":")]
    for rule in rules.split()
}
POLICIES_FILE = Path(__file__).resolve().parents[2] / "shared" / "POLICIES.md"


def test_every_policies_id_is_listed_with_a_quoting_citation() -> None:
    listed = json.loads(CliRunner().invoke(app, ["rules", "--json"]).stdout)
    by_id = {item["id"]: item for item in listed}
    assert set(by_id) >= EXPECTED, sorted(EXPECTED - set(by_id))
    for rule_id in EXPECTED:
        citation = by_id[rule_id]["citation"]
        assert re.search(r"：“.{10,}”$", citation), f"{rule_id}: {citation}"


@pytest.mark.skipif(not POLICIES_FILE.exists(), reason=f"{POLICIES_FILE} is not on this machine")
def test_the_copy_matches_policies_md() -> None:
    ids = set(re.findall(r"`([a-z]+-2019-\d+\.[a-z0-9]+)`", POLICIES_FILE.read_text(encoding="utf-8")))
    assert ids == EXPECTED
