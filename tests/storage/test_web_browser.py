"""A reviewer in a real browser: Debian's headless chromium, driven by Playwright, against a live
uvicorn server on the synthetic demo (SQLite and PostgreSQL). No browser is downloaded: the test is
skipped, saying why, only when /usr/bin/chromium is absent (scripts/setup installs it as root)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from duixian.domain import applications, demo
from duixian.engine.money import format_fen
from duixian.population import open_population
from duixian.population.synthetic import generate
from duixian.reform import load_reform, simulate
from duixian.storage.db import Database
from duixian.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REVIEWER = "浏览器审核员"
POPULATION, POPULATION_SIZE, REFORM = "合成人群", 500, "c8a-rate-low-30"
REFORMS = Path(__file__).resolve().parents[2] / "examples" / "reforms"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"{CHROMIUM} is absent: install Debian's chromium (scripts/setup does, as root)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server(db: Database, tmp_path: Path) -> Iterator[str]:
    """The demo served by uvicorn in a thread, with a small synthetic population for 政策模拟; its base URL."""
    demo.load(db, 7, 40)
    generate("wzb-2019-76", POPULATION_SIZE, 3, 2020, tmp_path / "populations" / POPULATION)
    app = create_app(db.url, populations=tmp_path / "populations")
    port = _free_port()
    live = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not live.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    live.should_exit = True
    thread.join(timeout=10)


def test_a_reviewer_approves_in_the_browser(server: str, db: Database, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{server}/applications")
            row = page.locator("tbody tr", has=page.locator("td.state", has_text="审核中")).first
            number = row.locator("a").first.inner_text()
            row.locator("a").first.click()
            expect(page.locator("#state")).to_have_text("审核中")
            form = page.locator("form[action$='/approve']")
            form.locator("input[name=actor]").fill(REVIEWER)
            form.locator("input[name=on]").fill("2020-10-01")
            form.get_by_role("button", name="审核通过").click()
            expect(page.locator("#state")).to_have_text("审核通过")
            page.screenshot(path=str(tmp_path / "approved.png"), full_page=True)
            shown_granted = page.locator("#granted").inner_text()
        finally:
            browser.close()
    with db.snapshot() as session:
        decided = applications.describe(session, applications.find(session, number))
    assert decided["state"] == "approved" and decided["decision"]["decided_by"] == REVIEWER
    granted = decided["decision"]["granted"]
    assert granted["fen"] > 0 and shown_granted == granted["yuan"]
    assert (tmp_path / "approved.png").stat().st_size > 0


def test_an_analyst_simulates_a_reform_in_the_browser(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{server}/")
            page.get_by_role("link", name="政策模拟").click()
            page.locator("select[name=population]").select_option(POPULATION)
            page.locator("select[name=example]").select_option(REFORM)
            expect(page.locator("textarea[name=reform]")).to_have_value(
                (REFORMS / f"{REFORM}.yaml").read_text(encoding="utf-8")
            )
            page.get_by_role("button", name="开始测算").click()
            expect(page.locator("#status")).to_have_text("已完成", timeout=60_000)
            chart_width = page.locator("figure.chart img").evaluate("img => img.naturalWidth")
            page.screenshot(path=str(tmp_path / "reform.png"), full_page=True)
            shown_cost = page.locator("#cost").inner_text()
        finally:
            browser.close()
    population = open_population(tmp_path / "populations" / POPULATION)
    cost = simulate(population, load_reform(REFORMS / f"{REFORM}.yaml")).cost
    assert cost > 0 and shown_cost == f"+{format_fen(cost)}"
    assert chart_width > 0
