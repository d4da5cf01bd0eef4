import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from craftwork.accounts.tests.factories import UserFactory
from craftwork.notifications import sms, tokens
from craftwork.notifications.models import DigestPreference, Notification, NotificationPreference

from .factories import NotificationFactory, UserPhoneFactory

pytestmark = pytest.mark.django_db

LIST = "/notifications/"


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    client.user = user
    return client


def test_url_names():
    assert reverse("notifications:list") == LIST
    assert reverse("notifications:preferences") == "/notifications/preferences/"
    assert reverse("notifications-api:unread-count") == "/api/v1/notifications/unread-count/"


class TestBell:
    def test_signed_in_pages_show_the_bell_with_the_unread_count(self, signed_in):
        NotificationFactory.create_batch(3, recipient=signed_in.user)
        NotificationFactory(recipient=signed_in.user, read_at=timezone.now())
        NotificationFactory()
        html = signed_in.get("/dashboard/").content.decode()
        bell = re.search(r'data-testid="notifications-bell".*?</a>', html, re.S).group(0)
        assert re.search(r"<span data-count>3</span>", bell)
        assert 'style="display:none"' not in bell
        assert "notifications/live.js" in html

    def test_no_unread_hides_the_badge(self, signed_in):
        html = signed_in.get("/dashboard/").content.decode()
        assert re.search(r'data-notifications-count[^>]*style="display:none"', html)

    def test_guests_have_no_bell_and_no_script(self, client):
        html = client.get("/").content.decode()
        assert "notifications-bell" not in html
        assert "live.js" not in html

    def test_the_bell_costs_one_query(self, signed_in, django_assert_num_queries):
        from craftwork.notifications.context_processors import notifications

        class Request:
            user = signed_in.user

        context = notifications(Request())
        with django_assert_num_queries(1):
            assert context["notifications_badge"].count == 0
            assert str(context["notifications_badge"]) == "0"

    def test_the_page_query_count_grows_by_one_with_the_bell(
        self, signed_in, django_assert_max_num_queries
    ):
        NotificationFactory.create_batch(5, recipient=signed_in.user)
        with django_assert_max_num_queries(50) as queries:
            signed_in.get("/dashboard/")
        bell_queries = [
            q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]
        ]
        assert len(bell_queries) == 1


class TestList:
    def test_lists_mine_with_pagination(self, signed_in):
        for n in range(25):
            NotificationFactory(recipient=signed_in.user, title=f"Mine {n}")
        NotificationFactory(title="Not mine")
        page1 = signed_in.get(LIST).content.decode()
        assert page1.count('data-testid="notification"') == 20
        assert "Not mine" not in page1
        page2 = signed_in.get(LIST + "?page=2").content.decode()
        assert page2.count('data-testid="notification"') == 5
        assert signed_in.get(LIST + "?page=abc").status_code == 200

    def test_unread_filter(self, signed_in):
        NotificationFactory(recipient=signed_in.user, title="Unread one")
        NotificationFactory(recipient=signed_in.user, title="Read one", read_at=timezone.now())
        html = signed_in.get(LIST + "?unread=1").content.decode()
        assert "Unread one" in html
        assert "Read one" not in html

    def test_query_count_is_constant(self, signed_in, django_assert_max_num_queries):
        NotificationFactory.create_batch(2, recipient=signed_in.user)
        with django_assert_max_num_queries(20) as few:
            signed_in.get(LIST)
        NotificationFactory.create_batch(15, recipient=signed_in.user)
        with django_assert_max_num_queries(20) as many:
            signed_in.get(LIST)
        assert len(few.captured_queries) == len(many.captured_queries)

    def test_needs_login(self, client):
        response = client.get(LIST)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_body_text_is_escaped(self, signed_in):
        NotificationFactory(
            recipient=signed_in.user, title="<b>x</b>", body="<script>alert(1)</script>"
        )
        html = signed_in.get(LIST).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


class TestMarkRead:
    def test_without_javascript_redirects_back(self, signed_in):
        notification = NotificationFactory(recipient=signed_in.user)
        response = signed_in.post(f"{LIST}{notification.pk}/read/", {"next": LIST + "?page=1"})
        assert response.status_code == 302
        assert response["Location"] == LIST + "?page=1"
        notification.refresh_from_db()
        assert notification.read_at is not None

    def test_foreign_next_urls_are_ignored(self, signed_in):
        notification = NotificationFactory(recipient=signed_in.user)
        response = signed_in.post(
            f"{LIST}{notification.pk}/read/", {"next": "https://evil.example/"}
        )
        assert response["Location"] == LIST

    def test_with_htmx_returns_the_item(self, signed_in):
        notification = NotificationFactory(recipient=signed_in.user, title="Swap me")
        response = signed_in.post(f"{LIST}{notification.pk}/read/", HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert response.status_code == 200
        assert html.lstrip().startswith("<li")
        assert "Swap me" in html
        assert "mark-read" not in html

    def test_another_users_notification_is_404_and_unchanged(self, signed_in):
        foreign = NotificationFactory()
        assert signed_in.post(f"{LIST}{foreign.pk}/read/").status_code == 404
        assert signed_in.get(f"{LIST}{foreign.pk}/open/").status_code == 404
        assert signed_in.post(f"{LIST}{uuid.uuid4()}/read/").status_code == 404
        foreign.refresh_from_db()
        assert foreign.read_at is None

    def test_get_cannot_mark_read(self, signed_in):
        notification = NotificationFactory(recipient=signed_in.user)
        assert signed_in.get(f"{LIST}{notification.pk}/read/").status_code == 405

    def test_open_marks_read_and_follows_the_link(self, signed_in):
        notification = NotificationFactory(recipient=signed_in.user, link="/dashboard/")
        response = signed_in.get(f"{LIST}{notification.pk}/open/")
        assert response["Location"] == "/dashboard/"
        notification.refresh_from_db()
        assert notification.read_at is not None

    def test_open_never_leaves_the_site(self, signed_in):
        notification = NotificationFactory(recipient=signed_in.user, link="https://evil.example/")
        assert signed_in.get(f"{LIST}{notification.pk}/open/")["Location"] == LIST

    def test_mark_all_read(self, signed_in):
        NotificationFactory.create_batch(3, recipient=signed_in.user)
        other = NotificationFactory()
        response = signed_in.post(LIST + "read-all/", follow=True)
        assert response.status_code == 200
        assert not Notification.objects.filter(recipient=signed_in.user, read_at=None).exists()
        other.refresh_from_db()
        assert other.read_at is None


class TestPreferencesPage:
    def test_shows_the_matrix(self, signed_in, test_type, urgent_type):
        html = signed_in.get("/notifications/preferences/").content.decode()
        assert 'name="pref:something_happened:email"' in html
        assert 'name="pref:something_happened:sms"' not in html  # not urgent: not offered
        # No verified phone: the SMS box is there but disabled.
        assert re.search(r'name="pref:something_urgent:sms"[^>]*disabled', html)
        assert '<label class="visually-hidden" for="pref:something_happened:email">' in html

    def test_saving_unchecks_and_opts_into_the_digest(self, signed_in, test_type, urgent_type):
        data = {
            "pref:something_happened:in_app": "on",
            "pref:something_urgent:in_app": "on",
            "pref:something_urgent:email": "on",
            "pref:something_urgent:sms": "on",  # disabled in the page: ignored
            "daily_digest": "on",
        }
        response = signed_in.post("/notifications/preferences/", data)
        assert response.status_code == 302
        prefs = NotificationPreference.objects.filter(user=signed_in.user)
        assert {(p.type, p.channel, p.enabled) for p in prefs} >= {
            ("something_happened", "email", False)
        }
        assert not prefs.filter(channel="sms").exists()
        assert DigestPreference.objects.get(user=signed_in.user).daily is True

    def test_sms_box_works_with_a_verified_phone(self, signed_in, urgent_type):
        UserPhoneFactory(user=signed_in.user)
        signed_in.post("/notifications/preferences/", {"pref:something_urgent:in_app": "on"})
        pref = NotificationPreference.objects.get(
            user=signed_in.user, type="something_urgent", channel="sms"
        )
        assert pref.enabled is False

    def test_phone_flow(self, signed_in, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_in.post("/notifications/phone/", {"number": "+34612345678"})
        assert response.status_code == 302
        code = sms.outbox[-1].body.split("code is ")[1][:6]
        response = signed_in.post(
            "/notifications/phone/verify/", {"code": "999999" if code != "999999" else "000000"}
        )
        assert response.status_code == 400
        assert "This code is not right." in response.content.decode()
        response = signed_in.post("/notifications/phone/verify/", {"code": code})
        assert response.status_code == 302
        html = signed_in.get("/notifications/preferences/").content.decode()
        assert "Verified" in html
        signed_in.post("/notifications/phone/remove/")
        assert "+34612345678" not in signed_in.get("/notifications/preferences/").content.decode()

    def test_bad_phone_number_is_shown_next_to_the_field(self, signed_in):
        response = signed_in.post("/notifications/phone/", {"number": "12"})
        assert response.status_code == 400
        assert 'id="id_number_errors"' in response.content.decode()


class TestUnsubscribe:
    def url(self, user, type_name="something_happened"):
        return reverse(
            "notifications:unsubscribe", args=[tokens.unsubscribe_token(user, type_name)]
        )

    def test_get_asks_and_changes_nothing(self, client, user, test_type):
        response = client.get(self.url(user))
        assert response.status_code == 200
        assert "Something happened" in response.content.decode()
        assert not NotificationPreference.objects.exists()

    def test_post_unsubscribes_without_a_session_or_csrf_token(self, user, test_type):
        client = Client(enforce_csrf_checks=True)
        response = client.post(self.url(user), {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert NotificationPreference.objects.get(user=user).enabled is False

    def test_digest_link(self, client, user):
        DigestPreference.objects.create(user=user, daily=True)
        client.post(self.url(user, tokens.DIGEST))
        assert DigestPreference.objects.get(user=user).daily is False

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_forged_link_is_refused(self, client, user, test_type, method):
        token = tokens.unsubscribe_token(user, "something_happened")
        response = getattr(client, method)(f"/notifications/unsubscribe/{token[:-3]}abc/")
        assert response.status_code == 400
        assert "This unsubscribe link is not valid." in response.content.decode()
        assert not NotificationPreference.objects.exists()

    def test_another_signed_in_users_link_is_refused(self, signed_in, test_type):
        other = UserFactory()
        response = signed_in.post(self.url(other))
        assert response.status_code == 403
        assert not NotificationPreference.objects.exists()

    def test_own_link_while_signed_in(self, signed_in, test_type):
        assert signed_in.post(self.url(signed_in.user)).status_code == 200
        assert NotificationPreference.objects.get(user=signed_in.user).enabled is False
