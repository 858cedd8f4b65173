"""政策模拟 in the web (FastAPI's TestClient): a reform run in the background through the API gives what
``reform.simulate`` gives called directly, exact to the fen; the page shows it; the chart and the Excel
download are valid; bad reform files are 422 naming the field.

The population is a small seeded SYNTHETIC 76号 one (500 enterprises): at this size the c8a rate raise
has gainers and the c1 day-count reading has losers. Reform simulations need no database, so the app
runs on one embedded SQLite file (no PostgreSQL variant: nothing here touches the database).
"""

from __future__ import annotations

import io
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

from duixian.cli.serve import demo_populations
from duixian.engine.money import format_fen
from duixian.population import open_population
from duixian.population.synthetic import generate
from duixian.reform import Simulation, load_reform, simulate
from duixian.storage import migrate
from duixian.storage.db import Database
from duixian.web import create_app

REFORMS = Path(__file__).resolve().parents[2] / "examples" / "reforms"
POPULATION, ENTITIES, SEED, YEAR = "pop-76", 500, 3, 2020
RATE_RAISE, DAY_COUNT = "c8a-rate-low-30", "c1-day-count-365"
WAIT_SECONDS = 120


@pytest.fixture(scope="module")
def populations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("populations")
    generate("wzb-2019-76", ENTITIES, SEED, YEAR, root / POPULATION)
    generate("wzjk-2019-71", 30, SEED, YEAR, root / "pop-71")
    return root


@pytest.fixture(scope="module")
def client(populations: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'duixian.db'}"
    database = Database(url)
    migrate.upgrade(database)
    database.dispose()
    with TestClient(create_app(url, populations=populations)) as test_client:
        yield test_client


def _direct(populations: Path, example: str) -> Simulation:
    return simulate(open_population(populations / POPULATION), load_reform(REFORMS / f"{example}.yaml"))


def _wait(client: TestClient, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        job: dict[str, Any] = client.get(f"/api/reforms/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['status']}: {job['progress']}"
        time.sleep(0.05)


def _run(client: TestClient, **body: str) -> dict[str, Any]:
    response = client.post("/api/reforms", json={"population": POPULATION} | body)
    assert response.status_code == 202, response.text
    return _wait(client, response.json()["id"])


@pytest.fixture(scope="module")
def rate_raise(client: TestClient) -> dict[str, Any]:
    return _run(client, example=RATE_RAISE)


def _fen(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The API's rows as the simulation's: money as fen."""
    return [tuple(r[k]["fen"] if isinstance(r[k], dict) else r[k] for k in keys) for r in rows]


def _plain(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> list[tuple[Any, ...]]:
    return [tuple(r[k] for k in keys) for r in rows]


RULE_KEYS = ("rule", "kind", "baseline", "reform", "difference", "gainers", "losers")
DISTRICT_KEYS = ("district", "baseline", "reform", "difference", "gainers", "losers")
GAIN_KEYS = ("beneficiary", "district", "baseline", "reform", "difference")


# --- the API gives what simulate gives ------------------------------------------------------------


def test_the_api_gives_the_same_totals_as_simulate_to_the_fen(
    rate_raise: dict[str, Any], populations: Path
) -> None:
    direct = _direct(populations, RATE_RAISE)
    assert rate_raise["status"] == "done", rate_raise["problems"]
    summary = rate_raise["summary"]
    assert summary["cost"] == {"fen": direct.cost, "yuan": format_fen(direct.cost)}
    assert direct.cost > 0  # the test population has someone to gain
    assert summary["baseline_total"]["fen"] == direct.totals["baseline"]
    assert summary["reform_total"]["fen"] == direct.totals["reform"]
    assert summary["beneficiaries"] == direct.counts()
    assert _fen(summary["by_rule"], RULE_KEYS) == _plain(direct.by_rule(), RULE_KEYS)
    assert _fen(summary["by_district"], DISTRICT_KEYS) == _plain(direct.by_district(), DISTRICT_KEYS)
    assert _fen(summary["largest_gains"], GAIN_KEYS) == _plain(direct.largest_gains(), GAIN_KEYS)
    assert summary["parameters"] == direct.changes()
    assert (summary["synthetic"], summary["entities"], summary["year"]) == (True, ENTITIES, YEAR)
    progress = rate_raise["progress"]
    assert progress["done"] == progress["total"] > 0


def test_pasted_yaml_is_the_same_reform_as_the_file(client: TestClient, populations: Path) -> None:
    job = _run(client, reform=(REFORMS / f"{DAY_COUNT}.yaml").read_text(encoding="utf-8"))
    direct = _direct(populations, DAY_COUNT)
    assert job["status"] == "done", job["problems"]
    assert job["summary"]["cost"]["fen"] == direct.cost < 0  # a saving: 365 days instead of 360
    assert job["summary"]["beneficiaries"] == direct.counts()
    assert _fen(job["summary"]["by_rule"], RULE_KEYS) == _plain(direct.by_rule(), RULE_KEYS)


def test_the_choices_are_listed(client: TestClient) -> None:
    populations = {p["name"]: p for p in client.get("/api/reforms/populations").json()}
    assert populations[POPULATION] == {
        "name": POPULATION,
        "document": "wzb-2019-76",
        "document_number": "温政办〔2019〕76号",
        "year": YEAR,
        "synthetic": True,
        "entities": ENTITIES,
    }
    examples = {e["name"]: e for e in client.get("/api/reforms/examples").json()}
    assert {p.stem for p in REFORMS.glob("*.yaml")} <= set(examples)
    assert examples[RATE_RAISE]["text"] == (REFORMS / f"{RATE_RAISE}.yaml").read_text(encoding="utf-8")


# --- the page, the chart, the workbook -------------------------------------------------------------


def test_the_page_shows_the_totals(client: TestClient, rate_raise: dict[str, Any]) -> None:
    page = client.get(f"/reforms/{rate_raise['id']}")
    assert page.status_code == 200
    summary = rate_raise["summary"]
    assert f'<strong id="cost">+{summary["cost"]["yuan"]}</strong> 元' in page.text
    assert f'<span id="baseline-total">{summary["baseline_total"]["yuan"]}</span>' in page.text
    assert f'<span id="reform-total">{summary["reform_total"]["yuan"]}</span>' in page.text
    for row in summary["by_rule"]:
        assert f'<td class="num">{row["reform"]["yuan"]}</td>' in page.text
    assert "合成数据（SYNTHETIC" in page.text
    assert f'<img src="/api/reforms/{rate_raise["id"]}/chart.svg"' in page.text
    form = client.get("/reforms")
    assert '<a href="/reforms">政策模拟</a>' in form.text  # in the nav
    assert f'<option value="{POPULATION}"' in form.text and f'<option value="{RATE_RAISE}"' in form.text
    assert f'<a href="/reforms/{rate_raise["id"]}">' in form.text  # the jobs so far


def test_the_form_runs_a_reform(client: TestClient) -> None:
    response = client.post(
        "/reforms", data={"population": POPULATION, "example": DAY_COUNT}, follow_redirects=False
    )
    assert response.status_code == 303
    job_id = response.headers["location"].rsplit("/", 1)[1]
    assert _wait(client, job_id)["status"] == "done"
    assert "新增财政现金支出" in client.get(response.headers["location"]).text


def test_the_chart_is_a_valid_svg_and_png(client: TestClient, rate_raise: dict[str, Any]) -> None:
    svg = client.get(rate_raise["chart_svg"])
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert ET.fromstring(svg.content).tag == "{http://www.w3.org/2000/svg}svg"
    png = client.get(rate_raise["chart_png"])
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(png.content[16:20]), int.from_bytes(png.content[20:24])) == (1600, 750)
    assert client.get(f"/api/reforms/{rate_raise['id']}/chart.gif").status_code == 422


def test_the_workbook_holds_the_totals_in_yuan(client: TestClient, rate_raise: dict[str, Any]) -> None:
    response = client.get(rate_raise["excel"])
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["概要", "按条款", "按县市区", "逐户"]
    overview = {row[0]: row[1] for row in book["概要"].iter_rows(values_only=True)}
    summary = rate_raise["summary"]
    assert Decimal(str(overview["新增财政现金支出（元）"])) == Decimal(summary["cost"]["fen"]) / 100
    rules = list(book["按条款"].iter_rows(values_only=True))[1:]
    assert [r[0] for r in rules] == [r["rule"] for r in summary["by_rule"]]
    differences = sum(Decimal(str(r[5])) for r in rules if r[2] == "cash")
    assert differences == Decimal(summary["cost"]["fen"]) / 100


# --- bad input --------------------------------------------------------------------------------------

HEAD = "name: t\ndescription: 测试\ndocument: wzb-2019-76\n"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (HEAD + "from: 2020-01-01\nparameters:\n  wzb-2019-76.c1.cap: -5\n", "parameters.wzb-2019-76.c1.cap"),
        (
            HEAD + "from: 2020-01-01\nparameters:\n  wzb-2019-76.c1.nothing: 5\n",
            "parameters.wzb-2019-76.c1.nothing",
        ),
        (HEAD + "from: 2020-13-01\nparameters:\n  wzb-2019-76.c1.cap: 300000\n", "from"),
        (HEAD + "parameters:\n  wzb-2019-76.c1.cap: 300000\n", "from"),
        (
            HEAD + "from: 2020-01-01\nreadings:\n  wzb-2019-76.c1.day_count: nope\n",
            "readings.wzb-2019-76.c1.day_count",
        ),
        ("name: [t\n", "reform"),
        ("", "reform"),
    ],
)
def test_a_bad_reform_is_422_naming_the_field(client: TestClient, text: str, field: str) -> None:
    response = client.post("/api/reforms", json={"population": POPULATION, "reform": text})
    assert response.status_code == 422, response.text
    assert field in [p["field"] for p in response.json()["detail"]]
    page = client.post("/reforms", data={"population": POPULATION, "reform": text})
    assert page.status_code == 422 and f"<code>{field}</code>" in page.text
    assert f">{text}</textarea>" in page.text  # what was typed is kept, to correct it


def test_unknown_population_example_or_job(client: TestClient) -> None:
    bad = client.post("/api/reforms", json={"population": "nowhere", "example": RATE_RAISE})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "population"
    bad = client.post("/api/reforms", json={"population": POPULATION, "example": "nothing"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "example"
    missing = client.get("/api/reforms/000000000000")
    assert missing.status_code == 404 and missing.json()["detail"][0]["field"] == "JOB"
    assert client.get("/reforms/000000000000").status_code == 404


def test_a_reform_of_another_document_is_refused_before_it_runs(client: TestClient) -> None:
    response = client.post("/api/reforms", json={"population": "pop-71", "example": RATE_RAISE})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "document"


def test_a_reform_that_fails_while_running_says_why(client: TestClient) -> None:
    later = HEAD + f"from: {YEAR + 1}-01-01\nparameters:\n  wzb-2019-76.c1.cap: 300000\n"
    job = _run(client, reform=later)
    assert job["status"] == "failed" and job["summary"] is None
    assert [p["field"] for p in job["problems"]] == ["from"]
    assert client.get(f"/api/reforms/{job['id']}/chart.svg").status_code == 409
    assert "<code>from</code>" in client.get(f"/reforms/{job['id']}").text


# --- duixian serve --demo ---------------------------------------------------------------------------


def test_the_demo_population_is_synthetic_and_offered(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'duixian.db'}"
    database = Database(url)
    migrate.upgrade(database)
    database.dispose()
    with TestClient(create_app(url, populations=demo_populations(tmp_path / "populations"))) as demo:
        [offered] = demo.get("/api/reforms/populations").json()
        assert offered["synthetic"] and offered["document"] == "wzb-2019-76" and "合成" in offered["name"]
    with TestClient(create_app(url)) as without:
        assert "没有可用的人群" in without.get("/reforms").text
