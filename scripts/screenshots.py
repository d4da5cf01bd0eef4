"""Screenshots of the main pages at 1280 px and 375 px into docs/screenshots/ (``make screenshots``).

Drives Debian's Chromium through Playwright against a running server with the demo data
(``make screenshots`` starts one on a fresh SQLite database). Usage:
    python scripts/screenshots.py http://127.0.0.1:8000 [out_dir]
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PASSWORD = "market-demo-2026"
DOMAIN = "demo.craftwork.local"
WIDTHS = {"desktop": (1280, 900), "phone": (375, 740)}
# (role, name, path); role None is a visitor.
PAGES = [
    (None, "home", "/"),
    (None, "gigs", "/gigs/"),
    (None, "talent", "/freelancers/"),
    (None, "jobs", "/jobs/"),
    ("client", "client-dashboard", "/dashboard/"),
    ("client", "client-contracts", "/contracts/"),
    ("client", "client-wallet", "/wallet/"),
    ("freelancer", "freelancer-dashboard", "/dashboard/"),
    ("freelancer", "freelancer-wallet", "/wallet/"),
    ("staff", "staff-moderation", "/moderation/"),
    ("staff", "staff-style-guide", "/staff/style-guide/"),
]


def log_in(page, role):
    page.goto("/accounts/login/")
    page.locator("input[name=email]").fill(f"{role}@{DOMAIN}")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state()


def main(base_url: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for width_name, (width, height) in WIDTHS.items():
            contexts = {}
            for role, name, path in PAGES:
                if role not in contexts:
                    context = browser.new_context(
                        base_url=base_url,
                        viewport={"width": width, "height": height},
                        locale="en-US",
                        is_mobile=width < 500,
                    )
                    page = context.new_page()
                    if role:
                        log_in(page, role)
                    contexts[role] = page
                page = contexts[role]
                page.goto(path)
                page.wait_for_load_state("networkidle")
                target = out / f"{name}-{width_name}.png"
                page.screenshot(path=str(target), full_page=width_name == "phone")
                print(target)
            for page in contexts.values():
                page.context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots"))
