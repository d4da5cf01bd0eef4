"""Malformed input answers a clear 4xx (the API's error shape under /api/), never a 500."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import encode_multipart
from rest_framework.test import APIClient

from craftwork.core import jsoninput

from .test_api_plumbing import assert_error

pytestmark = pytest.mark.django_db


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture
def api(user):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


@pytest.fixture
def web():
    return Client(raise_request_exception=False)


class TestJsonInput:
    def test_depth_limit(self):
        assert jsoninput.loads(nested(jsoninput.MAX_JSON_DEPTH)) is not None
        with pytest.raises(jsoninput.UnsafeJSON) as caught:
            jsoninput.loads(nested(jsoninput.MAX_JSON_DEPTH + 1))
        assert caught.value.code == "parse_error"

    def test_nesting_past_the_interpreter_limit_is_a_value_error(self):
        with pytest.raises(ValueError):
            jsoninput.loads(nested(100_000))

    @pytest.mark.parametrize("text", ['{"a\\u0000": 1}', '{"a": ["x\\u0000"]}', '"\\u0000"'])
    def test_nul_in_keys_and_values(self, text):
        with pytest.raises(jsoninput.UnsafeJSON) as caught:
            jsoninput.loads(text)
        assert caught.value.code == "nul_character"

    def test_an_escaped_backslash_is_not_a_nul(self):
        assert jsoninput.loads('"\\\\u0000"') == "\\u0000"


class TestJsonBodies:
    @pytest.mark.parametrize("depth", [jsoninput.MAX_JSON_DEPTH + 1, 1_000, 100_000])
    def test_deep_nesting_is_400(self, api, depth):
        for url in ("/api/v1/auth/token/", "/api/v1/me/"):
            method = api.post if url.endswith("token/") else api.patch
            response = method(url, nested(depth), content_type="application/json")
            assert_error(response, 400, "parse_error")

    def test_nul_in_a_json_string_is_400(self, api):
        body = json.dumps({"first_name": "a\x00b"})
        assert_error(
            api.patch("/api/v1/me/", body, content_type="application/json"), 400, "nul_character"
        )

    def test_ordinary_json_still_works(self, api):
        response = api.patch("/api/v1/me/", {"first_name": "Ana"}, format="json")
        assert response.status_code == 200, response.content


class TestNulCharacters:
    @pytest.mark.parametrize(
        "url",
        [
            "/api/v1/skills/?q=a%00b",
            "/api/v1/mentorship/offerings/?q=a%00b",
            "/api/v1/payments/fees/breakdown/?amount=100&currency=EUR&category=%00",
            "/api/v1/jobs/?q=%00",
            "/api/v1/jobs/?a%00=1",
            "/api/v1/payments/webhooks/sand%00box/",
        ],
    )
    def test_in_api_query_strings_and_paths(self, api, url):
        assert_error(api.get(url), 400, "nul_character")

    @pytest.mark.parametrize(
        "url", ["/jobs/?q=a%00b", "/mentors/?q=a%00b", "/payments/fees/?category=%00", "/x%00/"]
    )
    def test_in_web_query_strings_and_paths(self, web, url):
        response = web.get(url)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")

    def test_in_a_header(self, api):
        assert_error(api.get("/api/v1/skills/", HTTP_USER_AGENT="x\x00y"), 400, "nul_character")

    def test_in_an_urlencoded_body(self, api, web):
        body = "email=a%00b%40example.com&password=x"
        form = "application/x-www-form-urlencoded"
        response = api.post("/api/v1/auth/token/", body, content_type=form)
        assert_error(response, 400, "nul_character")
        assert web.post("/accounts/login/", body, content_type=form).status_code == 400

    def test_in_multipart_fields(self, api, web):
        assert web.post("/accounts/login/", {"email": "a\x00b", "password": "x"}).status_code == 400
        upload = SimpleUploadedFile("a.png", b"data", content_type="image/png")
        response = api.post(
            "/api/v1/me/avatar/", {"avatar": upload, "note": "a\x00b"}, format="multipart"
        )
        assert_error(response, 400, "nul_character")

    def test_multipart_to_a_view_that_reads_the_raw_body(self, api):
        response = api.post("/api/v1/payments/webhooks/sandbox/", {"a": "b"}, format="multipart")
        assert_error(response, 400, "invalid_signature")

    def test_in_a_multipart_patch_that_only_drf_parses(self, api):
        body = encode_multipart("BoUnDaRy", {"first_name": "a\x00b"})
        response = api.patch(
            "/api/v1/me/", body, content_type="multipart/form-data; boundary=BoUnDaRy"
        )
        assert_error(response, 400, "nul_character")

    def test_clean_multipart_still_reaches_the_view(self, api):
        body = encode_multipart("BoUnDaRy", {"first_name": "Ana"})
        response = api.patch(
            "/api/v1/me/", body, content_type="multipart/form-data; boundary=BoUnDaRy"
        )
        assert response.status_code == 200, response.content


class TestApiErrorShape:
    def test_unknown_api_path_is_json_even_in_debug(self, api, settings):
        settings.DEBUG = True
        error = assert_error(api.get("/api/v1/no-such-thing/"), 404, "not_found")
        assert error["message"]

    def test_disallowed_host_is_json(self, api):
        assert_error(api.get("/api/v1/skills/", HTTP_HOST="evil.example"), 400, "bad_request")

    def test_web_pages_keep_their_html(self, web, settings):
        settings.DEBUG = True
        assert web.get("/no-such-page/")["Content-Type"].startswith("text/html")

    def test_method_not_allowed_keeps_allow(self, api):
        response = api.delete("/api/v1/skills/")
        assert_error(response, 405, "method_not_allowed")
        assert "GET" in response["Allow"]
