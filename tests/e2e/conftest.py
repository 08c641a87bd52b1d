"""End-to-end fixtures: a real Chromium (Debian's package) driven by Playwright against pytest-django's live_server.

``playwright install`` cannot download browsers here, so the system Chromium at /usr/bin/chromium is used.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("VPDT_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous but finite: the live server runs Argon2 (test cost) and Chromium is started cold.
TIMEOUT_MS = 20_000


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the e2e tests last.

    Playwright's sync API keeps an asyncio loop marked as running in the main thread for as long as it is
    started, and Django then refuses ORM calls there (SynchronousOnlyOperation). The browser is
    session-scoped, so it is started at the first e2e test and lives until the end of the session: putting
    the e2e tests at the end keeps every other test out of that window. The sort is stable, so the
    order chosen by pytest-django is kept within each group.
    """
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test that ran whole deployments (``pair``) shows their state and the end of their logs."""
    report = yield
    deployments = getattr(item, "funcargs", {}).get("pair")
    if report.failed and deployments:
        report.sections.append(("deployments", "\n\n".join(side.describe() for side in deployments)))
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"Không có Chromium tại {CHROMIUM} (cài gói Debian 'chromium' để chạy kiểm thử e2e).")
    from playwright.sync_api import sync_playwright

    # While Playwright runs, the main thread counts as "async" for Django (see above); the tests and the
    # fixtures they use still call the ORM synchronously from that thread, which is safe here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _journal_head(transactional_db):
    """live_server makes every e2e test transactional; the flush after a transactional test also removes the
    journal chain head that a data migration created, so put it back (as tests/test_backups.py does)."""
    from vpdt.journal import services as journal
    from vpdt.journal.models import JournalHead

    JournalHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": journal.GENESIS})


@pytest.fixture
def new_page(browser, live_server):
    """new_page() -> a page in a fresh browser context (own cookies), closed after the test."""
    contexts = []

    def _new_page():
        context = browser.new_context(
            base_url=live_server.url,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
