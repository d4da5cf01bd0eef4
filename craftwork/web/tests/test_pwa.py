"""The installable app: manifest, service worker and offline page are public, and hold nobody's data."""

import json

import pytest
from django.urls import reverse

from craftwork.web import pwa

pytestmark = pytest.mark.django_db


def test_the_manifest_describes_an_installable_app(client):
    response = client.get(reverse("web:manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == reverse("web:dashboard")
    assert manifest["scope"] == "/"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_the_manifest_speaks_the_visitors_language(client):
    response = client.get(reverse("web:manifest"), HTTP_ACCEPT_LANGUAGE="es")
    assert json.loads(response.content)["lang"] == "es"


def test_the_service_worker_covers_the_site_and_is_never_stale(client):
    response = client.get(reverse("web:service-worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    assert f"craftwork-shell-{pwa.cache_version(pwa.shell_urls())}" in script
    assert json.dumps(pwa.shell_urls()) in script
    assert 'addEventListener("push"' in script


def test_the_shell_is_only_public_files(client):
    for url in pwa.shell_urls():
        response = client.get(url)
        assert response.status_code == 200, url
    assert not any(url.startswith(("/api/", "/dashboard")) for url in pwa.shell_urls())


def test_the_offline_page_shows_nothing_personal(client, user):
    client.force_login(user)
    response = client.get(reverse("web:offline"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="offline-page"' in page
    assert user.email not in page
    assert "csrfmiddlewaretoken" not in page


def test_every_page_links_the_manifest_and_registers_the_worker(client):
    page = client.get(reverse("web:home")).content.decode()
    assert f'<link rel="manifest" href="{reverse("web:manifest")}">' in page
    assert f'data-service-worker="{reverse("web:service-worker")}"' in page
