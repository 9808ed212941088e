"""End-to-end fixtures: a live daphne server (HTTP and websockets) on the test database,
and Debian's Chromium driven by Playwright. Nothing is downloaded: CI installs the
`chromium` package with apt.

Every HTML page a test's browser receives is checked by html-validate (its standard
rules) when the test ends: a page the HTML standard forbids fails the test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from channels.testing.live import make_application, set_database_connection
from daphne.testing import DaphneProcess
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.db import connections
from django.test import override_settings

from tests.browser import html_validation

# Playwright's sync API runs an event loop between calls; the test's own ORM calls are
# still synchronous and outside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # Committed data, visible to the server process. After each test the tables are
            # emptied and the initial rows (content types, Wagtail's root) restored with
            # their ids, so the server's content-type cache stays right.
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def mail_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("mail")


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory) -> Iterator[None]:
    """The live server's cache, in files this process can empty: each test flushes the
    database, and what the server cached from a previous test (a site, its menus) must go
    with it."""
    location = tmp_path_factory.mktemp("cache")
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(location),
            }
        }
    ):
        yield


@pytest.fixture(autouse=True)
def _empty_shared_cache(request) -> None:
    if "live_server_url" in request.fixturenames:
        from django.core.cache import cache

        cache.clear()


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, django_db_blocker, mail_dir, shared_cache) -> Iterator[str]:
    """daphne in a child process, serving the test database (a file, see settings)."""
    from django.conf import settings

    # The child process inherits these settings: e-mails land in files the tests read.
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(mail_dir)
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    settings.WEBSOCKET_RECHECK_SECONDS = 5
    server = DaphneProcess(
        "localhost",
        partial(make_application, static_wrapper=ASGIStaticFilesHandler),
        setup=set_database_connection,
    )
    # The child is forked here, while database access is unblocked, and keeps it so. No
    # database connection may be open across the fork: SQLite's per-process lock and
    # shared-memory bookkeeping would be shared, and the child would read stale pages.
    with django_db_blocker.unblock():
        connections.close_all()
        server.start()
    if not server.ready.wait(timeout=30):
        raise RuntimeError("daphne did not start")
    yield f"http://localhost:{server.port.value}"
    server.terminate()
    server.join()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Every page reports what its Content-Security-Policy blocked, in every frame, before any
# script of the page runs.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
    page: event.documentURI,
  });
});
"""


class PolicyWatch:
    """What the browser said about the Content-Security-Policy during one test: violations
    (events and console messages) and HTML documents served without a policy."""

    def __init__(self, live_server_url: str):
        self.origin = live_server_url
        self.problems: list[str] = []
        self.pages: list = []

    def watch(self, context) -> None:
        context.expose_function(
            "__cspViolation", lambda report: self.problems.append(f"violation: {report}")
        )
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("page", self._watch_page)

    def _watch_page(self, page) -> None:
        self.pages.append(page)
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.problems.append(f"console: {message.text}")

    def _response(self, response) -> None:
        request = response.request
        if (
            request.resource_type == "document"
            and response.url.startswith(self.origin)
            and response.headers.get("content-type", "").startswith("text/html")
            and "content-security-policy" not in response.headers
        ):
            self.problems.append(f"no Content-Security-Policy on {response.url}")

    def settle(self) -> None:
        """Let late reports (a script or an image blocked after load) arrive."""
        for page in self.pages:
            if not page.is_closed():
                page.wait_for_timeout(150)


@pytest.fixture(scope="session")
def html_validator():
    if not html_validation.available():
        pytest.fail("html-validate is missing: run `make test-browser` (npm ci in tests/browser)")
    return html_validation.problems


# Pages of other projects' making, not ours to fix: Wagtail's admin.
NOT_VALIDATED = ("/admin/",)


def collect_html(page, into: dict[str, str]) -> None:
    """Keep the HTML of every document `page` receives (redirects have none)."""

    def keep(response) -> None:
        if response.request.resource_type != "document" or 300 <= response.status < 400:
            return
        if "text/html" not in (response.headers.get("content-type") or ""):
            return
        address = response.url
        if any(part in address for part in NOT_VALIDATED):
            return
        try:
            html = response.text()
        except Exception:  # a body the browser no longer holds
            return
        method = response.request.method
        key = f"{method} {address}" if method != "GET" else address
        # The same address seen again (after a change) is checked again.
        seen = 1
        while into.get(key, html) != html:
            seen += 1
            key = f"{address} (visit {seen})"
        into[key] = html

    page.on("response", keep)


@pytest.fixture
def new_page(request, browser, live_server_url, html_validator):
    """Open a fresh browser profile (its own cookies) on the live server, in French. The
    test fails if any page breaks the Content-Security-Policy or is served without one,
    and if html-validate finds errors in any page it received (checked when it ends)."""
    contexts = []
    watch = PolicyWatch(live_server_url)
    request.node.csp_watch = watch
    received: dict[str, str] = {}

    def open_page():
        context = browser.new_context(base_url=live_server_url, locale="fr-FR")
        context.set_default_timeout(10_000)
        watch.watch(context)
        contexts.append(context)
        page = context.new_page()
        collect_html(page, received)
        return page

    yield open_page
    for context in contexts:
        context.close()
    found = html_validator(received)
    if found:
        pytest.fail("HTML errors (html-validate):\n" + "\n".join(found), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    watch = getattr(item, "csp_watch", None)
    if watch is not None:
        watch.settle()
        if watch.problems:
            pytest.fail("Content-Security-Policy:\n" + "\n".join(watch.problems), pytrace=False)
    return result


def sign_in(page, email: str, password: str) -> None:
    page.goto("/comptes/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/espace/")
