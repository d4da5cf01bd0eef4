import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import FreelancerFactory

from .factories import FreelancerProfileFactory, image_bytes


@pytest.fixture
def profile(db):
    """An unpublished, filled-in profile of a fresh freelancer, with three skills."""
    return FreelancerProfileFactory(skills=["python", "django", "postgresql"])


@pytest.fixture
def owner_api(profile):
    client = APIClient()
    client.force_authenticate(profile.user)
    client.user = profile.user
    return client


@pytest.fixture
def freelancer_api(db):
    client = APIClient()
    client.user = FreelancerFactory()
    client.force_authenticate(client.user)
    return client


@pytest.fixture
def png_upload():
    def make(name="work.png", fmt="PNG", size=(64, 48)):
        content_type = "image/png" if fmt == "PNG" else f"image/{fmt.lower()}"
        return SimpleUploadedFile(name, image_bytes(fmt, size), content_type=content_type)

    return make
