from contextlib import contextmanager
from datetime import datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import FreelancerFactory
from craftwork.profiles.tests.factories import image_bytes


@pytest.fixture
def frozen():
    """``with frozen(datetime(..., tzinfo=UTC)):`` makes ``timezone.now()`` return that instant."""

    @contextmanager
    def freeze(instant: datetime):
        with mock.patch("django.utils.timezone.now", return_value=instant):
            yield instant

    return freeze


@pytest.fixture
def seller(db):
    return FreelancerFactory()


@pytest.fixture
def seller_api(seller):
    client = APIClient()
    client.force_authenticate(seller)
    client.user = seller
    return client


@pytest.fixture
def png_upload():
    def make(name="work.png", fmt="PNG", size=(64, 48)):
        content_type = "image/png" if fmt == "PNG" else f"image/{fmt.lower()}"
        return SimpleUploadedFile(name, image_bytes(fmt, size), content_type=content_type)

    return make


@pytest.fixture
def fake_image():
    """A file that claims to be a PNG but is a script."""
    return SimpleUploadedFile(
        "evil.png", b"<script>alert(1)</script>" * 10, content_type="image/png"
    )
