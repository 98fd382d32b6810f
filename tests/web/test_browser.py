"""The app in a real browser (Playwright driving Debian's Chromium), as a new user uses it.

Register, log in, search "presacral fusion", open a code page, paste a case and save it, log
out; a second user cannot see the first user's case. Screenshots of the code page and the case
page are kept in ``tests/artifacts/``. Skips, saying why, where /usr/bin/chromium or the
playwright package is absent (``.ci/run`` installs both).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO
from tests.web.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CASE = "Presacral fusion L5-S1 for degenerative disc disease; type 2 diabetes with neuropathy."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(store_path, tmp_path_factory):
    """``chartcode serve`` on a free loopback port, as a user starts it."""
    home = tmp_path_factory.mktemp("servehome")
    port = _free_port()
    env = {**os.environ, "CHARTCODE_HOME": str(home), "CHARTCODE_MAIL_BACKEND": f"file:{home}/mail"}
    env.pop("CHARTCODE_DATABASE_URL", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chartcode.cli.main",
            "serve",
            "--port",
            str(port),
            "--store",
            str(store_path),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"chartcode serve did not start: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: apt-get install chromium (.ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _register(page, base: str, email: str) -> None:
    page.goto(base + "/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(base + "/account")


def test_a_user_codes_and_saves_a_case_and_another_cannot_see_it(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    ctx = browser.new_context(viewport={"width": 1100, "height": 900})
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _register(page, server, "ann@example.org")
    page.get_by_role("button", name="Log out").click()
    page.goto(server + "/login")
    page.get_by_label("Email").fill("ann@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(server + "/")

    # Instant search: results appear as the user types, before any submit.
    page.locator("#q").press_sequentially("presacral fusion", delay=20)
    first = page.locator("#instant-results ol.results a").first
    first.wait_for(timeout=10_000)
    page.keyboard.press("ArrowDown")  # keyboard reaches the results
    assert page.evaluate("document.activeElement.closest('#instant-results') !== null")
    first.click()
    page.wait_for_url("**/code/**")
    assert page.locator("#sources").is_visible() and page.locator(".release").is_visible()
    page.screenshot(path=str(ARTIFACTS / "code_page.png"), full_page=True)

    page.goto(server + "/cases/new")
    page.get_by_label("Title (optional)").fill("Fusion case")
    page.get_by_label("Case text").fill(CASE)
    page.get_by_role("button", name="Save case").click()
    page.wait_for_url("**/cases/*")
    case_url = page.url
    assert "Presacral fusion L5-S1" in page.locator(".case-text").inner_text()
    # Case coding marks the evidence of each suggested code in the text.
    assert page.locator(".case-text mark").count() >= 1
    assert page.locator("#h-sugg").is_visible()
    page.screenshot(path=str(ARTIFACTS / "case_page.png"), full_page=True)
    page.get_by_role("button", name="Log out").click()
    page.goto(case_url)
    assert "/login" in page.url  # a guest is asked to sign in
    assert not errors, errors  # no CSP violation or script error on any page
    ctx.close()

    other = browser.new_context()
    page = other.new_page()
    _register(page, server, "bob@example.org")
    response = page.goto(case_url)
    assert response is not None and response.status == 404
    assert "degenerative disc disease" not in page.content()
    page.goto(server + "/cases")
    assert "Fusion case" not in page.content()
    other.close()
    assert (ARTIFACTS / "code_page.png").stat().st_size > 10_000


def test_the_assistant_streams_an_answer_into_the_page(server, browser):
    """The page's script sends the question to /api/ask and shows the streamed answer."""
    errors: list[str] = []
    ctx = browser.new_context()
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _register(page, server, "cyd@example.org")
    page.goto(server + "/ask")
    page.get_by_role("textbox", name="Question").fill("What is the global period of 22586?")
    page.get_by_role("button", name="Ask").click()
    source = page.locator("#ask-live .sources li").first
    source.wait_for(timeout=10_000)
    assert "PPRRVU2026_Apr_nonQPP.txt" in source.inner_text()
    live = page.locator("#ask-live")
    assert "090" in live.locator(".answer-text").inner_text()
    assert live.locator(".answer-text a.cite").first.get_attribute("href") == "#live1-c1"
    assert "billing_facts" in live.locator("ul.tools").inner_text()  # the tool call, shown
    page.wait_for_url("**/ask/conversations/*")  # kept: the address is the conversation's
    page.reload()
    assert "What is the global period of 22586?" in page.locator("#ask-turns").inner_text()
    assert not errors, errors
    ctx.close()
