"""Browser fixtures for every app's journeys (registered once, from the root conftest): Playwright
drives Debian's Chromium against a live server in the test run."""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("E2E_REQUIRED"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still sync.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


def _new_page(browser, live_server, **context_options):
    context = browser.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    return context, page


@pytest.fixture
def page(browser, live_server):
    context, page = _new_page(browser, live_server, viewport={"width": 1280, "height": 900})
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A 375 px wide screen, as on a phone."""
    context, page = _new_page(
        browser, live_server, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    yield page
    context.close()


def link_from_last_email(pattern: str) -> str:
    """The first URL in the newest email of the outbox whose path matches ``pattern``."""
    from django.core import mail

    assert mail.outbox, "no email was sent"
    urls = re.findall(r"https?://[^\s\"'<>]+", mail.outbox[-1].body)
    matching = [url for url in urls if re.search(pattern, url)]
    assert matching, f"no link matching {pattern!r} in: {mail.outbox[-1].body}"
    return matching[0]


@pytest.fixture
def reference_data(transactional_db):
    """Skills and categories come from data migrations, which a transactional test before this one
    may have flushed; journeys that pick a skill or category restore them first (idempotent)."""
    from craftwork.catalog.services import categories_sync
    from craftwork.profiles.services import skills_taxonomy_sync

    skills_taxonomy_sync()
    categories_sync()


PHONE_WIDTH = 375

# Elements that stick out past the screen or whose content spills out of their own box (a long
# unbreakable word does that), innermost first, so that a failure names the culprit.
_OVERFLOWING_ELEMENTS_JS = """(width) => {
  const sticksOut = (el) => el.getBoundingClientRect().right > width + 0.5
    || el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible';
  return Array.from(document.querySelectorAll('body *'))
    .filter(sticksOut)
    .filter((el) => !Array.from(el.children).some(sticksOut))
    .slice(0, 5)
    .map((el) => `<${el.tagName.toLowerCase()} class="${el.className}">: ${(el.textContent || '').trim().slice(0, 80)}`);
}"""


def assert_fits_phone(page, width: int = PHONE_WIDTH) -> None:
    """The page scrolls only vertically on a phone-sized screen."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        culprits = page.evaluate(_OVERFLOWING_ELEMENTS_JS, width)
        pytest.fail(f"{page.url} is {scroll_width}px wide on a {width}px screen: {culprits}")
