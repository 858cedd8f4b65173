"""The web API and pages (FastAPI's TestClient), on SQLite and PostgreSQL.

The amounts are the hand computations of test_review.py (76号 第一条, default readings): a loan L1 of
30,000,000 from 2020-01-01 to 2021-01-01 → 30,000,000 × 4.15% × 10% × 366 / 360 = 126,575.00, under
the 200,000.00 cap; `examples/wzb-2019-76/c1-loan-subsidy.yaml` gives 17,212.50 (tests/test_cli.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from application_samples import (
    IN_WINDOW,
    REVIEWER,
    counts,
    create,
    loan,
    loan_facts,
    register,
    stored,
    submit,
    under_review,
)
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from duixian.cli import app as cli
from duixian.engine.case import read_document
from duixian.storage.db import Database
from duixian.web import create_app

C1 = "wzb-2019-76.c1"
L1_GRANT_FEN = 12_657_500  # 126,575.00, computed by hand above
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "wzb-2019-76" / "c1-loan-subsidy.yaml"
C1_CITATION = "温政办〔2019〕76号 附件第一条"
C1_WORDS = "按贷款市场报价利率（LPR）的10%享受市级财政贷款补助，单户不超过20万元。"


@pytest.fixture
def registered(db: Database, tmp_path: Path) -> Database:
    register(db, tmp_path)
    return db


@pytest.fixture
def client(registered: Database) -> Iterator[TestClient]:
    with TestClient(create_app(registered.url)) as test_client:
        yield test_client


def _decide(client: TestClient, number: str, action: str, **body: Any) -> Any:
    return client.post(f"/api/applications/{number}/{action}", json={"actor": REVIEWER} | body)


def test_approving_through_the_api_freezes_the_domains_amount(
    client: TestClient, registered: Database
) -> None:
    number = under_review(registered, C1, loan_facts(loan("L1", 30_000_000)))
    response = _decide(client, number, "approve", on=IN_WINDOW.isoformat(), reason="材料齐全")
    assert response.status_code == 200, response.text
    answered = response.json()
    assert (answered["state"], answered["state_name"]) == ("approved", "审核通过")
    assert answered["decision"]["granted"] == {"fen": L1_GRANT_FEN, "yuan": "126,575.00"}
    assert answered["history"][-1]["actor"] == REVIEWER
    application = stored(registered, number)
    assert (application.state, application.granted_fen) == ("approved", L1_GRANT_FEN)
    assert client.get(f"/api/applications/{number}").json() == answered
    funds = {f["code"]: f for f in client.get("/api/funds").json()}
    assert funds["wzb-2019-76.city"]["committed"]["fen"] == L1_GRANT_FEN
    verified = client.get("/api/audit/verify").json()
    assert verified["ok"] and verified["checked"] == counts(registered)[1]


def test_an_illegal_action_is_409_with_the_reason_and_stores_nothing(
    client: TestClient, registered: Database
) -> None:
    number = create(registered, C1, loan_facts(loan("L1", 30_000_000)))
    submit(registered, number)  # submitted, not yet under review
    before = counts(registered)
    response = _decide(client, number, "approve", on=IN_WINDOW.isoformat())
    assert response.status_code == 409
    (problem,) = response.json()["detail"]
    assert problem["field"] == number
    assert "当前状态为“已提交”，不能审核通过" in problem["reason"]
    assert counts(registered) == before and stored(registered, number).state == "submitted"


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"on": "2020-02-30"}, "on", "不是有效日期"),
        ({"actor": "  "}, "actor", "操作人不能为空"),
        ({"reason": ""}, "reason", "不予支持须说明理由"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_stores_nothing(
    client: TestClient, registered: Database, body: dict[str, str], field: str, words: str
) -> None:
    number = under_review(registered, C1, loan_facts(loan("L1", 30_000_000)))
    before = counts(registered)
    response = _decide(client, number, "reject", **body)
    assert response.status_code == 422, response.text
    (problem,) = response.json()["detail"]
    assert problem["field"] == field and words in problem["reason"]
    assert counts(registered) == before and stored(registered, number).state == "under_review"


def test_unknown_application_is_404_and_unknown_action_422(client: TestClient) -> None:
    assert client.get("/api/applications/SQ-2020-999999").status_code == 404
    response = client.post("/api/applications/SQ-2020-999999/pay", json={"actor": REVIEWER})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "action"


def test_the_list_filters_by_state_and_provision(client: TestClient, registered: Database) -> None:
    reviewed = under_review(registered, C1, loan_facts(loan("L1", 30_000_000)))
    draft = create(registered, C1, loan_facts(loan("L2", 1_000_000)))
    every = [r["number"] for r in client.get("/api/applications", params={"provision": C1}).json()]
    assert every == [draft, reviewed]  # newest first
    by_state = client.get("/api/applications", params={"state": "under_review"}).json()
    assert [r["number"] for r in by_state] == [reviewed]
    assert client.get("/api/applications", params={"provision": "wzb-2019-76.c2"}).json() == []
    bad = client.get("/api/applications", params={"state": "done"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "state"


def test_the_detail_page_shows_the_explanation_lines_with_their_clause(
    client: TestClient, registered: Database
) -> None:
    number = under_review(registered, C1, loan_facts(loan("L1", 30_000_000)))
    page = client.get(f"/applications/{number}").text
    assert "审核中" in page and 'action="/applications/' + number + '/approve"' in page
    form = {"actor": REVIEWER, "reason": "", "on": IN_WINDOW.isoformat()}
    posted = client.post(f"/applications/{number}/approve", data=form, follow_redirects=False)
    assert posted.status_code == 303 and posted.headers["location"] == f"/applications/{number}?done=approve"
    page = client.get(posted.headers["location"]).text
    assert "已办理：审核通过" in page and '<td id="granted">126,575.00</td>' in page
    assert "loan:L1" in page and C1_CITATION in page and C1_WORDS in page
    assert "/approve" not in page.split("办理记录")[1]  # no more review forms once approved


def test_a_refused_form_shows_the_reason_on_the_page(client: TestClient, registered: Database) -> None:
    number = under_review(registered, C1, loan_facts(loan("L1", 30_000_000)))
    form = {"actor": REVIEWER, "reason": "", "on": "2020-9-1x"}
    response = client.post(f"/applications/{number}/approve", data=form)
    assert response.status_code == 422
    assert "不是有效日期" in response.text and "审核中" in response.text
    assert stored(registered, number).state == "under_review"


def test_rules_and_calc_give_what_the_cli_gives(client: TestClient) -> None:
    rules = {r["id"]: r for r in client.get("/api/rules").json()}
    assert C1_WORDS in rules[C1]["quote"] and rules[C1]["citation"].startswith(C1_CITATION)
    searched = client.get("/rules", params={"q": "LPR 单户"}).text
    assert C1 in searched and "wzb-2019-76.c8a" not in searched
    case = json.loads(json.dumps(read_document(EXAMPLE), default=str))  # YAML dates → ISO text
    answered = client.post("/api/calc", json=case)
    assert answered.status_code == 200, answered.text
    assert answered.json()["total"] == {"fen": 1_721_250, "yuan": "17,212.50"}
    printed = CliRunner().invoke(cli, ["calc", str(EXAMPLE), "--json"])
    assert answered.json() == json.loads(printed.stdout)
    bad = client.post("/api/calc", json=case | {"document": "nope"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "document"


def test_pages_render_home_funds_audit(client: TestClient, registered: Database) -> None:
    number = under_review(registered, C1, loan_facts(loan("L1", 30_000_000)))
    _decide(client, number, "approve", on=IN_WINDOW.isoformat())
    home = client.get("/").text
    assert "审核通过" in home and "wzb-2019-76.city" in home and "126,575.00" in home
    statement = client.get("/api/funds/wzb-2019-76.city").json()
    assert statement["committed"]["fen"] == L1_GRANT_FEN and statement["entries"] == []
    assert client.get("/funds/wzb-2019-76.city").status_code == 200
    audit_page = client.get("/audit").text
    assert "哈希链逐条校验无误" in audit_page and "application.approve" in audit_page
    assert client.get("/funds/nope").status_code == 404
