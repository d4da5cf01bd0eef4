"""Write the committed front-end builds from assets/node_modules (``make assets``).

- craftwork/web/static/web/vendor/icons.svg: one SVG sprite of the Lucide icons the templates use
  (``{% icon "bell" %}``), each a <symbol id="bell">.
- craftwork/web/static/web/vendor/axe.min.js: axe-core, which the browser suite's accessibility
  check injects into every page it visits.
"""

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent
MODULES = ROOT / "node_modules"
VENDOR = ROOT.parent / "craftwork" / "web" / "static" / "web" / "vendor"

# Names from https://lucide.dev/icons/ (ISC licence). Add one here, then run `make assets`.
ICONS = [
    "bell",
    "message-square",
    "shopping-cart",
    "user",
    "menu",
    "chevron-down",
    "search",
    "star",
    "heart",
    "badge-check",
    "clock",
    "map-pin",
    "briefcase",
    "layout-dashboard",
    "wallet",
    "file-text",
    "shield-check",
    "log-out",
    "settings",
    "globe",
    "plus",
    "check",
    "x",
    "code",
    "smartphone",
    "chart-column",
    "palette",
    "pen-line",
    "megaphone",
    "headset",
    "scale",
    "house",
    "graduation-cap",
    "compass",
    "sun",
    "moon",
    "repeat",
    "calendar",
    "lock",
    "image",
    "inbox",
    "arrow-right",
    "info",
    "triangle-alert",
    "circle-check",
]


def _symbol(name: str) -> str:
    svg = (MODULES / "lucide-static" / "icons" / f"{name}.svg").read_text()
    body = re.search(r"<svg[^>]*>(.*)</svg>", svg, re.S).group(1)
    body = re.sub(r"\s+", " ", re.sub(r"<!--.*?-->", "", body, flags=re.S)).strip()
    return f'<symbol id="{name}" viewBox="0 0 24 24">{body}</symbol>'


def main() -> None:
    VENDOR.mkdir(parents=True, exist_ok=True)
    version = re.search(
        r'"version":\s*"([^"]+)"', (MODULES / "lucide-static" / "package.json").read_text()
    ).group(1)
    symbols = "\n".join(_symbol(name) for name in ICONS)
    (VENDOR / "icons.svg").write_text(
        f"<!-- Lucide v{version}, ISC licence: https://lucide.dev -->\n"
        '<svg xmlns="http://www.w3.org/2000/svg" fill="none" stroke="currentColor" '
        'stroke-width="2" stroke-linecap="round" stroke-linejoin="round">\n'
        f"{symbols}\n</svg>\n"
    )
    shutil.copyfile(MODULES / "axe-core" / "axe.min.js", VENDOR / "axe.min.js")
    print(f"{len(ICONS)} icons, axe-core copied to {VENDOR}")


if __name__ == "__main__":
    main()
