"""Real-browser fixtures: Debian's Chromium driven by Playwright against `live_server`.

Tenants are resolved from the Host header, so pages are opened at
http://<slug>.localhost:<port>/ (Chromium resolves *.localhost to 127.0.0.1 itself) with
PORTAL_BASE_DOMAIN switched to "localhost" for the test. Every browser test runs at a
desktop and a phone viewport and saves a full-page PNG per step in
test-artifacts/screenshots/.

Playwright never downloads a browser here: it launches /usr/bin/chromium (.ci/run
installs Debian's package when it is missing).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.factories import PASSWORD, TenantFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
TIMEOUT_MS = 15_000  # every Playwright action and navigation; keeps CI bounded
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, which makes
    # Django's ORM refuse calls from the test body. Allowed only while a browser runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> str:
    return request.param


@pytest.fixture
def portal_settings(settings):
    """Tenant hosts become <slug>.localhost; the middleware reads settings per request."""
    settings.PORTAL_BASE_DOMAIN = "localhost"
    settings.PORTAL_PLATFORM_HOSTS = []
    return settings


@dataclass
class Tab:
    """One browser page plus what the journey needs around it."""

    page: object
    base_url: str
    name: str
    dialogs: list[str] = field(default_factory=list)
    step: int = 0

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def goto(self, path: str = "/"):
        response = self.page.goto(self.url(path))
        assert response is not None
        return response

    def shot(self, label: str) -> Path:
        self.step += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.name}-{self.step:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def login(self, email: str, password: str = PASSWORD, next_path: str = "/") -> None:
        self.goto(f"/accounts/login/?next={next_path}")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=re.compile("log in", re.I)).click()
        assert urlsplit(self.page.url).path == next_path.split("?")[0], self.page.url


@pytest.fixture
def tenant_a(transactional_db):
    return TenantFactory(slug="a", name="Tenant A", ticket_prefix="AAA")


@pytest.fixture
def open_tab(browser, live_server, portal_settings, viewport, request):
    """open_tab(tenant, **context_options) -> Tab on http://<slug>.localhost:<port>/."""
    port = urlsplit(live_server.url).port
    contexts = []
    test_name = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name).strip("-")

    def _open(tenant, label: str = "", **options) -> Tab:
        context = browser.new_context(viewport=VIEWPORTS[viewport], **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        name = f"{test_name}{'-' + label if label else ''}"
        tab = Tab(page=page, base_url=f"http://{tenant.slug}.localhost:{port}", name=name)

        def on_dialog(dialog) -> None:
            tab.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        return tab

    yield _open
    for context in contexts:
        context.close()


def no_horizontal_scroll(page) -> tuple[bool, dict]:
    sizes = page.evaluate(
        "() => ({scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth})"
    )
    return sizes["scrollWidth"] <= sizes["innerWidth"], sizes
