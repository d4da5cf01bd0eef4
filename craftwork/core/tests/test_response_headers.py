"""Private responses are not cached; browser features are off unless a view turns one on."""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from django.views.decorators.cache import cache_control
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken

from craftwork.accounts.tests.factories import UserFactory
from craftwork.core.middleware import permissions_policy

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

DEFAULT_POLICY = "camera=(), microphone=(), geolocation=()"


def page(request):
    return HttpResponse("page")


@cache_control(public=True, max_age=60)
def cached_page(request):
    return HttpResponse("the same for everyone")


@permissions_policy(camera="self", microphone="self")
def interview_page(request):
    return HttpResponse("interview")


@permissions_policy(geolocation=["self", "https://maps.example.com"])
def nearby_page(request):
    return HttpResponse("nearby")


class MeApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"signed_in": request.user.is_authenticated})


urlpatterns = [
    path("page/", page),
    path("cached/", cached_page),
    path("interview/", interview_page),
    path("nearby/", nearby_page),
    path("api/v1/me/", MeApi.as_view()),
    path("api/v1/camera/", permissions_policy(camera="self")(MeApi.as_view())),
]


@pytest.fixture
def signed_in():
    client = Client()
    client.force_login(UserFactory())
    return client


class TestPrivateCache:
    def test_a_signed_in_page_is_not_stored(self, signed_in):
        assert signed_in.get("/page/")["Cache-Control"] == "private, no-store"

    def test_an_api_call_with_a_token_is_not_stored(self):
        token = RefreshToken.for_user(UserFactory()).access_token
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        response = api.get("/api/v1/me/")
        assert response.json() == {"signed_in": True}
        assert response["Cache-Control"] == "private, no-store"

    def test_a_refused_token_is_not_stored_either(self):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
        response = api.get("/api/v1/me/")
        assert response.status_code == 401
        assert response["Cache-Control"] == "private, no-store"

    def test_anonymous_responses_are_left_alone(self):
        assert "Cache-Control" not in Client().get("/page/")
        assert "Cache-Control" not in APIClient().get("/api/v1/me/")

    def test_a_view_that_sets_its_own_caching_keeps_it(self, signed_in):
        assert signed_in.get("/cached/")["Cache-Control"] == "public, max-age=60"


class TestPermissionsPolicy:
    def test_features_are_off_by_default(self, signed_in):
        assert Client().get("/page/")["Permissions-Policy"] == DEFAULT_POLICY
        assert APIClient().get("/api/v1/me/")["Permissions-Policy"] == DEFAULT_POLICY

    def test_a_view_turns_on_what_it_needs(self):
        response = Client().get("/interview/")
        assert response["Permissions-Policy"] == (
            "camera=(self), microphone=(self), geolocation=()"
        )
        assert Client().get("/nearby/")["Permissions-Policy"] == (
            'camera=(), microphone=(), geolocation=(self "https://maps.example.com")'
        )
        assert APIClient().get("/api/v1/camera/")["Permissions-Policy"] == (
            "camera=(self), microphone=(), geolocation=()"
        )

    def test_the_default_comes_from_settings(self, settings):
        settings.PERMISSIONS_POLICY = {"camera": [], "usb": []}
        assert Client().get("/page/")["Permissions-Policy"] == "camera=(), usb=()"
