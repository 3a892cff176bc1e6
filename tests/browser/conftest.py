"""A live server on loopback and Debian's Chromium driven by Playwright (no browser download)."""
import os
import threading
import time
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.factories import PASSWORD, TOTP_SECRET

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "test-artifacts"))


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def live_server(make_app):
    """The app served on a free loopback port, CSRF on, as a user meets it."""
    app = make_app(WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    server.app = app
    yield server
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


# (site, email) -> the authenticator secret a person holds and the last time step it gave a code for: a
# code is accepted once, so a second sign-in within the same 30 s gives the next step's code.
AUTHENTICATORS: dict[tuple[str, str], list] = {}


def authenticator_code(site: str, email: str) -> str:
    """A code from the person's authenticator app, never one it gave before."""
    held = AUTHENTICATORS.setdefault((site, email), [TOTP_SECRET, 0])
    totp = pyotp.TOTP(held[0])
    step = max(int(time.time()) // 30, held[1] + 1)
    while step > int(time.time()) // 30 + 1:       # the server accepts one step of drift at most
        time.sleep(1)
    held[1] = step
    return totp.at(step * 30)


class Visitor:
    """One person's browser: its page, and every console error and failed request it met."""

    def __init__(self, browser, base_url: str):
        self.site = base_url
        self.context = browser.new_context(base_url=base_url, locale="en-GB")
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        """Sign in as a person would: the password, then the code of its authenticator app when it holds
        one, or setting the app up when its role requires one and it has none yet."""
        self.page.goto("/login")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()
        if "/login/second-step" in self.page.url:
            self.page.locator("#code").fill(authenticator_code(self.site, email))     # in any language
            self.page.locator("#submit").click()
            self.page.wait_for_load_state()
        elif self.page.url.endswith("/account/security"):
            self.set_up_authenticator(email)

    def set_up_authenticator(self, email: str) -> list[str]:
        """Turn on an authenticator app from the security page; the recovery codes shown."""
        secret = self.page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
        AUTHENTICATORS[self.site, email] = [secret, 0]
        self.page.locator("#code").fill(authenticator_code(self.site, email))
        self.page.locator("#submit").click()
        codes = [code.strip() for code in self.page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()]
        self.page.get_by_test_id("codes-kept").click()
        self.page.goto("/")
        return codes

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def visitor(browser, live_server):
    """visitor() opens a fresh browser context; console errors (CSP included) fail the test."""
    opened = []

    def open_visitor() -> Visitor:
        opened.append(Visitor(browser, live_server.url))
        return opened[-1]

    yield open_visitor
    for each in opened:
        # pages that answer 404 on purpose, and forms shown again with their errors (422)
        problems = [p for p in each.problems if "404" not in p and "422" not in p]
        each.context.close()
        assert not problems, problems
