"""Site-wide security headers, and every page template written so that the
Content-Security-Policy lets it work: no inline script without the request's nonce, no inline
event handlers, no javascript: links."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

import craftwork
from craftwork.console.tests.factories import staff

TEMPLATES = sorted(Path(craftwork.__file__).parent.glob("*/templates/**/*.html"))
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
EMAIL_TEMPLATES = "/email/"


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 100


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p).split("craftwork/", 1)[-1])
def test_page_template_runs_under_the_policy(path):
    text = path.read_text(encoding="utf-8")
    for attributes in SCRIPT_TAG.findall(text):
        assert "src=" in attributes or "csp_nonce" in attributes, (
            f'{path}: an inline <script> needs nonce="{{{{ request.csp_nonce }}}}" or a file'
        )
    if EMAIL_TEMPLATES not in str(path):  # mail clients do not run scripts anyway
        assert not INLINE_HANDLER.search(text), f"{path}: inline event handler (use a static file)"
    assert "javascript:" not in text.lower(), f"{path}: javascript: URL"


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/accounts/login/", "/jobs/", "/gigs/", "/api/docs/", "/api/redoc/", "/nope/"]
)
def test_every_response_carries_the_headers(url):
    response = Client().get(url)
    assert response.status_code in (200, 302, 404)
    policy = _policy(response)
    assert policy["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["Referrer-Policy"] == settings.SECURE_REFERRER_POLICY
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        for attributes in SCRIPT_TAG.findall(response.content.decode()):
            assert "src=" in attributes or "nonce=" in attributes, url


@pytest.mark.django_db
def test_signed_in_pages_too():
    c = Client()
    c.force_login(staff("admin"))
    for url in ("/dashboard/", "/console/", "/console/users/", "/admin/"):
        response = c.get(url)
        assert response.status_code == 200, url
        assert "'unsafe-inline'" not in _policy(response)["script-src"]
        for attributes in SCRIPT_TAG.findall(response.content.decode()):
            assert "src=" in attributes or "nonce=" in attributes, url
