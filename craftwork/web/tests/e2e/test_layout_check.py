"""The layout and accessibility check over the whole site.

Every page each demo role can reach from its dashboard (visitor, client, freelancer, both roles,
staff), one sample per URL pattern, at 1280 px in English and at 375 px in Spanish. A page fails
on: the page or any element wider than the screen, text spilling out of its box, a navigation
that wraps at desktop width, a visible link that answers 4xx/5xx for that role, an English
string from the catalog on a Spanish page, or an axe-core WCAG 2.2 AA violation.
"""

import re
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from craftwork.web.tests.e2e.layout import page_problems, visible_links

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "market-demo-2026"
ROLES = {
    "visitor": None,
    "client": "client@demo.craftwork.local",
    "freelancer": "freelancer@demo.craftwork.local",
    "both": "both@demo.craftwork.local",
    "staff": "staff@demo.craftwork.local",
}
WIDTHS = [(1280, 900, "en"), (375, 740, "es")]
MAX_PAGES_PER_ROLE = 40
REPORT = Path(__file__).resolve().parents[4] / "var" / "layout-check.txt"
# Not pages: the admin (Django's own), the API and its docs, files, and what only POST serves.
SKIP = re.compile(
    r"^/(admin|api|static|media|i18n|ws|health|ready)/|\.(csv|pdf|ics|json|txt)$|/files?/|"
    r"/download|/receipt/|/logout|/export|/sandbox/"
)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def url_pattern(path: str) -> str:
    """/contracts/<uuid>/ and /contracts/<another uuid>/ are one pattern: visit one of them."""
    return re.sub(r"/\d+(?=/|$)", "/{n}", UUID.sub("{id}", path))


def _same_site(url: str, base: str) -> str | None:
    parts, home = urlsplit(url), urlsplit(base)
    if parts.netloc != home.netloc or parts.scheme not in ("http", "https"):
        return None
    return parts.path


@pytest.fixture
def demo_world(reference_data, settings):
    from craftwork.web import demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo.seed(clients=3, freelancers=4, images=True)


def _log_in(page, email):
    page.goto("/accounts/login/")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))


def _skill_names() -> frozenset[str]:
    """Skill names are not translated yet (issue 15's closing note): some equal a category name
    the catalog does translate ("Illustration"), so they are left out of the Spanish check."""
    from craftwork.profiles.models import Skill

    return frozenset(Skill.objects.values_list("name", flat=True))


def _crawl_and_check(page, base_url: str, start: str, *, width: int, spanish: bool) -> dict:
    """Breadth first from ``start``, one path per URL pattern, checking each page as it is
    reached (one visit a page): {path: [problems]} for the pages that have any."""
    seen_patterns: set[str] = set()
    checked_links: dict = {}
    failures: dict[str, list[str]] = {}
    queue = deque([start])
    visited = 0
    while queue and visited < MAX_PAGES_PER_ROLE:
        path = queue.popleft()
        pattern = url_pattern(path)
        if pattern in seen_patterns or SKIP.search(path):
            continue
        seen_patterns.add(pattern)
        response = page.goto(path)
        if response is None or not response.ok or urlsplit(page.url).path != path:
            continue  # a redirect (to log in, to another page) is checked where it leads
        visited += 1
        problems = page_problems(page, width, spanish=spanish, not_translated=_skill_names())
        problems += _broken_links(page, base_url, checked_links)
        if problems:
            failures[path] = problems
        for url in visible_links(page):
            target = _same_site(url, base_url)
            if target and url_pattern(target) not in seen_patterns:
                queue.append(target)
    failures["_visited"] = visited
    return failures


def _broken_links(page, base_url: str, checked: dict) -> list[str]:
    broken = []
    for url in visible_links(page):
        path = _same_site(url, base_url)
        if not path or SKIP.search(path):
            continue
        key = url_pattern(path)
        if key not in checked:
            checked[key] = (path, page.request.get(path).status)
        if checked[key][1] >= 400:
            broken.append(f"{checked[key][0]} answers {checked[key][1]}")
    return broken


def test_every_page_fits_reads_and_passes_axe_for_every_role(browser, live_server, demo_world):
    from craftwork.accounts.models import User

    failures: dict[str, list[str]] = {}
    visited = 0
    for role, email in ROLES.items():
        for width, height, language in WIDTHS:
            if email:
                User.objects.filter(email=email).update(language=language)
            context = browser.new_context(
                base_url=live_server.url,
                viewport={"width": width, "height": height},
                is_mobile=width < 500,
                locale="es-ES" if language == "es" else "en-US",
                extra_http_headers={"Accept-Language": language},
            )
            context.set_default_timeout(15_000)
            page = context.new_page()
            if email:
                _log_in(page, email)
            found = _crawl_and_check(
                page,
                live_server.url,
                "/dashboard/" if email else "/",
                width=width,
                spanish=language == "es",
            )
            visited += found.pop("_visited")
            for path, problems in found.items():
                failures[f"{role} {width}px {language} {path}"] = problems
            context.close()
    report = "\n".join(
        f"{where}:\n  " + "\n  ".join(problems) for where, problems in sorted(failures.items())
    )
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(f"{visited} page views\n{report}\n")
    assert not failures, f"{len(failures)} of {visited} page views fail:\n{report}"
