"""Web pages: exactly the allowed actions are shown and accepted; foreign ids are 404."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from craftwork.contracts import services
from craftwork.contracts.models import Contract, Milestone, TimeLog
from craftwork.core.tests.documents import HTML_IN_PDF, pdf_bytes
from craftwork.payments import testing
from craftwork.payments.models import Payment

from .factories import ContractFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def page(client, contract, **params):
    response = client.get(reverse("contracts:detail", args=[contract.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def actions_on(html) -> set[str]:
    return set(re.findall(r'data-testid="action-([a-z_]+)"', html))


def post_transition(client, contract, obj, name, note=None):
    data = {"subject": obj.subject_name, "subject_id": str(obj.pk), "transition": name}
    if note is not None:
        data["note"] = note
    return client.post(reverse("contracts:transition", args=[contract.pk]), data)


class TestList:
    def test_both_roles_and_filter(self, browser, funded, contract):
        client = browser(funded.client)
        html = client.get(reverse("contracts:list")).content.decode()
        assert funded.title in html and contract.title not in html
        html = client.get(reverse("contracts:list"), {"state": "completed"}).content.decode()
        assert funded.title not in html
        freelancer = browser(funded.provider)
        assert (
            funded.title
            in freelancer.get(reverse("contracts:list"), {"role": "provider"}).content.decode()
        )

    def test_bad_filters_are_ignored_and_login_required(self, client, browser, funded):
        assert client.get(reverse("contracts:list")).status_code == 302
        html = (
            browser(funded.client)
            .get(reverse("contracts:list"), {"state": "nonsense"})
            .content.decode()
        )
        assert funded.title in html

    def test_query_count(self, browser, django_assert_max_num_queries, contract):
        for number in range(10):
            ContractFactory(client=contract.client, source_ref=f"page-{number}")
        client = browser(contract.client)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("contracts:list")).status_code == 200


class TestDetailPage:
    def test_shows_exactly_the_allowed_actions(self, browser, funded):
        client_html = page(browser(funded.client), funded)
        assert actions_on(client_html) == {"cancel"}
        assert 'data-testid="open-dispute"' in client_html
        assert 'data-testid="submit-form"' not in client_html
        freelancer_html = page(browser(funded.provider), funded)
        assert actions_on(freelancer_html) == {"start", "cancel"}
        assert 'data-testid="submit-form"' in freelancer_html
        assert 'data-testid="fund-milestone"' not in freelancer_html

    def test_state_labels_belong_to_their_subject(self, browser, contract):
        html = page(browser(contract.client), contract)
        badge = re.search(r'data-testid="contract-state"[^>]*>([^<]+)<', html).group(1)
        assert badge == "Awaiting funding"
        assert "Agreed, awaiting funding" in html  # the milestone's own label

    def test_fund_button_only_for_the_client(self, browser, contract):
        assert 'data-testid="fund-milestone"' in page(browser(contract.client), contract)
        assert 'data-testid="fund-milestone"' not in page(browser(contract.provider), contract)

    def test_timeline_and_live_fragment(self, browser, funded):
        client = browser(funded.client)
        html = page(client, funded)
        assert 'data-testid="timeline"' in html and "Contract created" in html
        assert "contracts/live.js" in html
        fragment = page(client, funded, fragment="live")
        assert "<html" not in fragment and 'data-testid="timeline"' in fragment

    def test_someone_elses_contract_is_404(self, browser, funded, stranger):
        client = browser(stranger)
        assert client.get(reverse("contracts:detail", args=[funded.pk])).status_code == 404
        milestone = funded.milestones.get()
        response = post_transition(client, funded, milestone, "dispute", note="mine now")
        assert response.status_code == 404
        assert Milestone.objects.get(pk=milestone.pk).state == "funded"


class TestActions:
    def test_garbage_ids_are_404(self, browser, funded):
        client = browser(funded.client)
        data = {"subject": "milestone", "subject_id": "nope", "transition": "approve"}
        assert (
            client.post(reverse("contracts:transition", args=[funded.pk]), data).status_code == 404
        )
        data = {"subject": "planet", "subject_id": str(funded.pk), "transition": "approve"}
        assert (
            client.post(reverse("contracts:transition", args=[funded.pk]), data).status_code == 404
        )

    def test_allowed_transition(self, browser, funded):
        response = post_transition(browser(funded.provider), funded, funded, "start")
        assert response.status_code == 302
        assert Contract.objects.get(pk=funded.pk).state == "in_progress"

    def test_not_allowed_transition_changes_nothing(self, browser, funded):
        client = browser(funded.client)
        response = post_transition(client, funded, funded, "start")
        assert response.status_code == 302
        assert Contract.objects.get(pk=funded.pk).state == "active"
        follow = client.get(response["Location"])
        assert "not allowed" in follow.content.decode()

    def test_missing_note_shows_the_error_next_to_it(self, browser, funded):
        response = post_transition(browser(funded.client), funded, funded, "cancel", note="")
        assert response.status_code == 400
        html = response.content.decode()
        assert f'id="note-{funded.pk}-cancel-errors"' in html
        assert Contract.objects.get(pk=funded.pk).state == "active"

    def test_cancel_with_a_reason(self, browser, funded):
        post_transition(browser(funded.client), funded, funded, "cancel", note="Plans changed")
        assert Contract.objects.get(pk=funded.pk).state == "cancelled"

    def test_fund_redirects_to_checkout(self, browser, contract):
        milestone = contract.milestones.get()
        fund_url = reverse("contracts:milestone-fund", args=[contract.pk, milestone.pk])
        client = browser(contract.client)
        first = client.post(fund_url, {"attempt": "page-attempt-1"})
        again = client.post(fund_url, {"attempt": "page-attempt-1"})
        payment = Payment.objects.get()
        assert first.status_code == 302 and first["Location"] == payment.checkout_url
        assert again["Location"] == payment.checkout_url  # a double click, one payment
        testing.pay(payment)
        html = page(client, contract)
        assert 'data-state="funded"' in html and 'data-testid="fund-milestone"' not in html

    def test_freelancer_cannot_fund(self, browser, contract):
        milestone = contract.milestones.get()
        response = browser(contract.provider).post(
            reverse("contracts:milestone-fund", args=[contract.pk, milestone.pk])
        )
        assert response.status_code == 302 and not Payment.objects.exists()

    def test_submit_with_files_then_download(self, browser, funded):
        milestone = funded.milestones.get()
        client = browser(funded.provider)
        upload = SimpleUploadedFile("final.pdf", pdf_bytes(), content_type="application/pdf")
        response = client.post(
            reverse("contracts:milestone-submit", args=[funded.pk, milestone.pk]),
            {"message": "Finished", "files": [upload]},
        )
        assert response.status_code == 302
        stored = milestone.deliveries.get().files.get()
        download = client.get(reverse("contracts:file", args=[funded.pk, stored.pk]))
        assert download.status_code == 200 and download["Content-Disposition"].startswith(
            "attachment"
        )
        client_html = page(browser(funded.client), funded)
        assert actions_on(client_html) >= {"approve", "request_changes"}

    def test_a_delivered_file_downloads_as_its_checked_type(self, browser, funded):
        milestone = funded.milestones.get()
        client = browser(funded.provider)
        upload = SimpleUploadedFile("final.html", HTML_IN_PDF, content_type="text/html")
        client.post(
            reverse("contracts:milestone-submit", args=[funded.pk, milestone.pk]),
            {"message": "Finished", "files": [upload]},
        )
        stored = milestone.deliveries.get().files.get()
        download = browser(funded.client).get(
            reverse("contracts:file", args=[funded.pk, stored.pk])
        )
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"] == 'attachment; filename="final.pdf"'
        assert download["X-Content-Type-Options"] == "nosniff"

    def test_submit_errors_stay_on_the_page(self, browser, funded):
        milestone = funded.milestones.get()
        upload = SimpleUploadedFile("fake.pdf", b"not really", content_type="application/pdf")
        response = browser(funded.provider).post(
            reverse("contracts:milestone-submit", args=[funded.pk, milestone.pk]),
            {"message": "", "files": [upload]},
        )
        assert response.status_code == 400
        assert Milestone.objects.get(pk=milestone.pk).state == "funded"

    def test_propose_edit_and_agree(self, browser, funded):
        freelancer = browser(funded.provider)
        response = freelancer.post(
            reverse("contracts:milestone-propose", args=[funded.pk]),
            {"title": "Extra", "amount": "75.50"},
        )
        assert response.status_code == 302
        proposal = funded.milestones.get(state="proposed")
        edit_url = reverse("contracts:milestone-edit", args=[funded.pk, proposal.pk])
        assert freelancer.get(edit_url).status_code == 200
        freelancer.post(edit_url, {"title": "Extra page", "amount": "80"})
        proposal.refresh_from_db()
        assert (proposal.title, proposal.amount_minor) == ("Extra page", 8000)
        client = browser(funded.client)
        assert "agree" in actions_on(page(client, funded))
        post_transition(client, funded, proposal, "agree")
        assert Milestone.objects.get(pk=proposal.pk).state == "pending_funding"

    @pytest.mark.parametrize("amount", ["0", "-3", "1.2345", "10000000000", "abc"])
    def test_propose_bad_amounts(self, browser, funded, amount):
        response = browser(funded.client).post(
            reverse("contracts:milestone-propose", args=[funded.pk]),
            {"title": "X", "amount": amount},
        )
        assert response.status_code == 400
        assert 'id="id_amount_errors"' in response.content.decode()
        assert funded.milestones.count() == 1

    def test_dispute_form(self, browser, funded):
        milestone = funded.milestones.get()
        response = browser(funded.client).post(
            reverse("contracts:milestone-dispute", args=[funded.pk, milestone.pk]),
            {"reason": "Nothing delivered", "evidence_text": "Emails attached"},
        )
        assert response.status_code == 302
        assert Contract.objects.get(pk=funded.pk).state == "disputed"
        assert 'data-testid="dispute-link"' in page(browser(funded.provider), funded)


class TestHourlyPages:
    def test_log_time_and_errors(self, browser, hourly):
        client = browser(hourly.provider)
        today = services.provider_today(hourly)
        create_url = reverse("contracts:timelog-create", args=[hourly.pk])
        response = client.post(
            create_url,
            {"date": today.isoformat(), "hours": "11", "minutes": "0", "description": "Too much"},
        )
        assert response.status_code == 400 and "minutes left this week" in response.content.decode()
        response = client.post(
            create_url,
            {"date": today.isoformat(), "hours": "1", "minutes": "30", "description": "Setup"},
        )
        assert response.status_code == 302
        log = TimeLog.objects.get()
        assert log.minutes == 90
        html = page(client, hourly)
        assert 'data-testid="timelog-form"' in html and actions_on(html) >= {"submit"}
        assert 'data-testid="timelog-form"' not in page(browser(hourly.client), hourly)

    def test_edit_and_delete_log(self, browser, hourly):
        log = services.timelog_create(
            contract=hourly,
            date=services.provider_today(hourly),
            minutes=60,
            description="x",
            actor=hourly.provider,
        )
        client = browser(hourly.provider)
        edit_url = reverse("contracts:timelog-edit", args=[hourly.pk, log.pk])
        client.post(
            edit_url,
            {"date": log.date.isoformat(), "hours": "2", "minutes": "15", "description": "More"},
        )
        assert TimeLog.objects.get().minutes == 135
        assert (
            browser(hourly.client)
            .post(reverse("contracts:timelog-delete", args=[hourly.pk, log.pk]))
            .status_code
            == 302
        )
        assert TimeLog.objects.exists()  # the client cannot delete it
        client = browser(hourly.provider)
        client.post(reverse("contracts:timelog-delete", args=[hourly.pk, log.pk]))
        assert not TimeLog.objects.exists()

    def test_timesheet_review_and_pay(self, browser, hourly):
        log = services.timelog_create(
            contract=hourly,
            date=services.provider_today(hourly),
            minutes=60,
            description="x",
            actor=hourly.provider,
        )
        services.timesheet_submit(timesheet=log.timesheet, actor=hourly.provider)
        client = browser(hourly.client)
        assert actions_on(page(client, hourly)) >= {"approve", "reject"}
        post_transition(client, hourly, log.timesheet, "approve")
        response = client.post(
            reverse("contracts:timesheet-pay", args=[hourly.pk, log.timesheet.pk]),
            {"attempt": "pay-attempt-1"},
        )
        payment = Payment.objects.get()
        assert response["Location"] == payment.checkout_url
        testing.pay(payment)
        assert 'data-state="paid"' in page(client, hourly)
