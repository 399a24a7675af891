"""/web in a real browser: Chromium from the distribution's packages, driven by selenium,
against the web app served over HTTP on loopback (uvicorn on this test's event loop). At
390 px and 1280 px: the player's plays are all there across the pages, a title filter narrows
them, the page never scrolls sideways, and the browser logs no error (a CSP violation is one).
Screenshots go to tests/.artifacts/ (ignored by git). Without the browser the test is skipped
and says why."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import tempfile
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from plugins.maimai_archive.core.guards import RateLimit
from plugins.maimai_archive.core.queries.plays import QueryContext
from plugins.maimai_archive.core.web.server import build_web_app
from plugins.maimai_archive.core.web.web_links import issue_link
from tests import archive_fixture as fx

pytestmark = [pytest.mark.e2e, pytest.mark.db]

ARTIFACTS = Path(__file__).resolve().parents[1] / ".artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
EXTRA = 60  # plays added to the fixture's 12: two pages of 50
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def _browser_or_skip():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            pytest.skip(f"{path} is missing: apt-get install chromium chromium-driver")
    profile = tempfile.mkdtemp(prefix="maimai-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    return driver, profile


async def _more_plays(player) -> None:
    from plugins.maimai_archive.core.db.models import Play

    start = fx.at(10, 1, 12)
    for i in range(EXTRA):
        when = start + timedelta(minutes=10 * i)
        unix = int(when.timestamp())
        await Play.create(
            player=player,
            played_unix=unix,
            played_at=when.astimezone(UTC),
            idx=f"x{i},{unix}",
            track=i % 4 + 1,
            title="Old B",
            type="SD",
            difficulty="advanced",
            achievement=900_000 + i,
            dx_score=100,
            rank="aaa",
            chart_key="2:advanced",
            song_id=2,
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_the_archive_in_a_real_browser(db, tmp_path):
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Mount

    driver, profile = await asyncio.to_thread(_browser_or_skip)
    player = await fx.build()
    await _more_plays(player)
    token = await issue_link(player, 7)
    archive = QueryContext(fx.catalogue(), covers=tmp_path, data_dir=tmp_path)
    app = Starlette(routes=[Mount("/web", build_web_app(lambda: archive, RateLimit(0, 60)))])
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    serving = asyncio.create_task(server.serve())
    base = f"http://127.0.0.1:{port}/web/{token}"
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        for _ in range(200):  # up to 10 s
            if server.started:
                break
            await asyncio.sleep(0.05)
        assert server.started, "the web server did not start"
        for width in (390, 1280):
            await asyncio.to_thread(_check_at, driver, base, width)
    finally:
        await asyncio.to_thread(driver.quit)
        shutil.rmtree(profile, ignore_errors=True)
        server.should_exit = True
        await serving


def _check_at(driver, base: str, width: int) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.set_window_size(width, 900)
    driver.get_log("browser")  # start from an empty log

    def rows() -> list[str]:
        return [r.text for r in driver.find_elements(By.CSS_SELECTOR, "table.plays tbody tr")]

    def no_side_scroll(name: str) -> None:
        page_width = driver.execute_script("return document.documentElement.scrollWidth")
        view = driver.execute_script("return window.innerWidth")
        assert page_width <= view, f"{name} scrolls sideways at {width}px: {page_width} > {view}"

    driver.get(base + "/")
    assert driver.find_element(By.TAG_NAME, "h1").text == "玩家"
    no_side_scroll("overview")
    driver.save_screenshot(str(ARTIFACTS / f"web-overview-{width}.png"))

    driver.get(base + "/plays")
    count = re.search(r"共 (\d+) 条", driver.find_element(By.CLASS_NAME, "count").text)
    assert count is not None
    total = int(count[1])
    assert total == 12 + EXTRA
    no_side_scroll("plays")
    driver.save_screenshot(str(ARTIFACTS / f"web-plays-{width}.png"))
    seen = rows()
    driver.find_element(By.LINK_TEXT, "下一页 ›").click()
    WebDriverWait(driver, 10).until(lambda d: "page=2" in d.current_url)
    seen += rows()
    assert len(seen) == total  # every archived play, across the two pages

    driver.get(base + "/plays")
    box = driver.find_element(By.NAME, "title")
    box.send_keys("New X")
    driver.find_element(By.CSS_SELECTOR, "form.filter button").click()
    WebDriverWait(driver, 10).until(lambda d: "title=" in d.current_url)
    narrowed = rows()
    assert len(narrowed) == 3 and all("New X" in r for r in narrowed)
    no_side_scroll("filtered plays")
    driver.save_screenshot(str(ARTIFACTS / f"web-filtered-{width}.png"))

    for path in ("/b50", "/calendar", "/chart?key=11001%3Amaster"):
        driver.get(base + path)
        no_side_scroll(path)
    driver.save_screenshot(str(ARTIFACTS / f"web-chart-{width}.png"))

    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
