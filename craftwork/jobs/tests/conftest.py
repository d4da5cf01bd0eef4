from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import FreelancerFactory

from .factories import ClientFactory, JobFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the on-commit work (event dispatch) of what happens inside."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def client_user(db):
    return ClientFactory()


@pytest.fixture
def bidder(db):
    return FreelancerFactory()


@pytest.fixture
def job(client_user):
    return JobFactory(client=client_user, skills=["python", "django"])


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.user = user
    return client


@pytest.fixture
def pdf_upload():
    def make(name="brief.pdf"):
        return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")

    return make


@pytest.fixture
def png_upload():
    def make(name="photo.png"):
        buffer = BytesIO()
        Image.new("RGB", (40, 30), (10, 120, 90)).save(buffer, format="PNG")
        return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")

    return make
