"""The contracts API: scoping (404), the allowed actions, bad input, idempotent money moves."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from craftwork.contracts import services
from craftwork.contracts.models import Contract, Milestone, TimeLog, Timesheet
from craftwork.core.tests.documents import pdf_bytes
from craftwork.payments import testing
from craftwork.payments.models import Payment

from .conftest import api_for
from .factories import ContractFactory, HourlyContractFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"contracts-api:{name}", args=args)


def error_code(response):
    return response.json()["error"]["code"]


class TestList:
    def test_mine_only_with_filters(self, contract, funded, hourly):
        client = api_for(contract.client)
        ContractFactory(client=contract.client, source_ref="other-1")
        response = client.get(url("list"))
        assert response.status_code == 200
        assert {row["id"] for row in response.json()["results"]} == {
            str(c.pk) for c in Contract.objects.filter(client=contract.client)
        }
        assert response.json()["results"][0]["my_role"] == "client"
        assert len(client.get(url("list"), {"state": "active"}).json()["results"]) == 0
        assert len(client.get(url("list"), {"role": "provider"}).json()["results"]) == 0
        freelancer = api_for(contract.provider)
        assert len(freelancer.get(url("list"), {"role": "provider"}).json()["results"]) == 1

    def test_query_count_does_not_grow(self, django_assert_max_num_queries, contract):
        for number in range(15):
            ContractFactory(client=contract.client, source_ref=f"many-{number}")
        client = api_for(contract.client)
        with django_assert_max_num_queries(4):
            response = client.get(url("list"), {"page_size": 100})
        assert len(response.json()["results"]) == 16

    def test_needs_authentication(self, api_client):
        assert api_client.get(url("list")).status_code == 401


class TestDetail:
    def test_detail_with_history_and_actions(self, funded):
        client = api_for(funded.client)
        data = client.get(url("detail", funded.pk)).json()
        milestone = funded.milestones.get()
        assert data["state"] == "active" and data["terms"]["platform_fee_bps"] == 1000
        assert data["milestones"][0]["amount"] == {
            "amount": "500.00",
            "amount_minor": 50_000,
            "currency": "USD",
        }
        assert [row["transition"] for row in data["history"]] == ["create", "fund", "fund"]
        assert data["available_transitions"]["contract"] == ["cancel"]
        assert data["available_transitions"]["milestones"] == {str(milestone.pk): ["dispute"]}
        freelancer = api_for(funded.provider).get(url("detail", funded.pk)).json()
        assert freelancer["available_transitions"]["contract"] == ["start", "cancel"]
        assert freelancer["available_transitions"]["milestones"][str(milestone.pk)] == [
            "submit",
            "dispute",
        ]

    def test_someone_elses_contract_is_404(self, funded, stranger):
        response = api_for(stranger).get(url("detail", funded.pk))
        assert response.status_code == 404 and error_code(response) == "contract_not_found"

    def test_terms_cannot_be_edited(self, funded):
        client = api_for(funded.client)
        for method in (client.patch, client.put, client.delete):
            assert (
                method(url("detail", funded.pk), {"title": "Cheaper", "amount": "1.00"}).status_code
                == 405
            )
        assert Contract.objects.get(pk=funded.pk).amount_minor == 50_000


class TestTransitions:
    def test_runs_an_allowed_transition(self, funded):
        response = api_for(funded.provider).post(
            url("transition", funded.pk), {"transition": "start"}
        )
        assert response.status_code == 200 and response.json()["state"] == "in_progress"

    def test_wrong_party_is_403_and_nothing_changes(self, funded):
        response = api_for(funded.client).post(
            url("transition", funded.pk), {"transition": "start"}
        )
        assert response.status_code == 403 and error_code(response) == "transition_not_allowed"
        assert Contract.objects.get(pk=funded.pk).state == "active"

    def test_wrong_state_is_409(self, contract):
        milestone = contract.milestones.get()
        response = api_for(contract.client).post(
            url("transition", contract.pk),
            {"transition": "approve", "milestone": str(milestone.pk)},
        )
        assert response.status_code == 409 and error_code(response) == "invalid_state"

    def test_system_only_transitions_are_refused(self, contract):
        milestone = contract.milestones.get()
        response = api_for(contract.client).post(
            url("transition", contract.pk), {"transition": "fund", "milestone": str(milestone.pk)}
        )
        assert response.status_code == 403
        assert Milestone.objects.get(pk=milestone.pk).state == "pending_funding"

    def test_bad_input(self, contract, funded):
        client = api_for(contract.client)
        cases = [
            {},
            {"transition": "x" * 51},
            {"transition": "cancel", "note": "x" * 5001},
            {"transition": "cancel", "unexpected": 1},
            {"transition": "cancel", "milestone": "not-a-uuid"},
        ]
        for body in cases:
            response = client.post(url("transition", contract.pk), body, format="json")
            assert response.status_code == 400, body
        foreign = funded.milestones.get()
        response = client.post(
            url("transition", contract.pk), {"transition": "remove", "milestone": str(foreign.pk)}
        )
        assert response.status_code == 404
        assert Milestone.objects.get(pk=foreign.pk).state == "funded"

    def test_cancel_and_dispute_endpoints(self, funded):
        client = api_for(funded.client)
        assert client.post(url("cancel", funded.pk), {}).status_code == 400
        milestone = funded.milestones.get()
        response = client.post(
            url("dispute", funded.pk), {"milestone": str(milestone.pk), "reason": "Never started"}
        )
        assert response.status_code == 200 and response.json()["state"] == "disputed"
        response = client.post(url("cancel", funded.pk), {"reason": "Give up"})
        assert response.status_code == 409

    def test_cancel_refunds(self, funded):
        response = api_for(funded.provider).post(
            url("cancel", funded.pk), {"reason": "Cannot do it"}
        )
        assert response.status_code == 200 and response.json()["state"] == "cancelled"
        assert response.json()["milestones"][0]["refunded"]["amount_minor"] == 50_000


class TestMilestones:
    def test_propose_and_agree(self, funded):
        response = api_for(funded.provider).post(
            url("milestones", funded.pk), {"title": "Extra", "amount": "120.50", "due_date": None}
        )
        assert response.status_code == 201, response.json()
        created = response.json()
        assert created["state"] == "proposed" and created["amount"]["amount_minor"] == 12_050
        response = api_for(funded.client).post(url("milestone-agree", funded.pk, created["id"]))
        assert response.status_code == 200 and response.json()["state"] == "pending_funding"

    @pytest.mark.parametrize(
        "amount", ["0", "-1", "0.00", "1.234", "1e3", "abc", "", "99999999999999", "1,000"]
    )
    def test_bad_amounts(self, funded, amount):
        response = api_for(funded.client).post(
            url("milestones", funded.pk), {"title": "X", "amount": amount}
        )
        assert response.status_code == 400, amount
        assert funded.milestones.count() == 1

    def test_edit_only_while_proposed(self, funded):
        client = api_for(funded.client)
        milestone = funded.milestones.get()
        response = client.patch(url("milestone", funded.pk, milestone.pk), {"amount": "1.00"})
        assert response.status_code == 409 and error_code(response) == "terms_locked"
        proposed = client.post(
            url("milestones", funded.pk), {"title": "X", "amount": "10.00"}
        ).json()
        response = client.patch(
            url("milestone", funded.pk, proposed["id"]), {"amount": "12.00", "title": "Y"}
        )
        assert response.json()["amount"]["amount_minor"] == 1200 and response.json()["title"] == "Y"

    def test_fund_returns_checkout_url_and_replays(self, contract):
        milestone = contract.milestones.get()
        client = api_for(contract.client)
        headers = {"Idempotency-Key": "fund-key-0001"}
        first = client.post(url("milestone-fund", contract.pk, milestone.pk), headers=headers)
        second = client.post(url("milestone-fund", contract.pk, milestone.pk), headers=headers)
        assert first.status_code == 201 and first.json()["checkout_url"]
        assert second.json() == first.json() and second["Idempotent-Replayed"] == "true"
        assert Payment.objects.count() == 1
        testing.pay(Payment.objects.get())
        assert Milestone.objects.get(pk=milestone.pk).state == "funded"

    def test_fund_by_the_freelancer_is_refused(self, contract):
        milestone = contract.milestones.get()
        response = api_for(contract.provider).post(url("milestone-fund", contract.pk, milestone.pk))
        assert response.status_code == 403 and not Payment.objects.exists()

    def test_submit_multipart_approve_once(self, funded):
        milestone = funded.milestones.get()
        content = pdf_bytes(marker="plan")
        upload = SimpleUploadedFile("plan.pdf", content, content_type="application/pdf")
        response = api_for(funded.provider).post(
            url("milestone-submit", funded.pk, milestone.pk),
            {"message": "Here", "files": [upload]},
            format="multipart",
        )
        assert response.status_code == 200, response.json()
        files = response.json()["deliveries"][0]["files"]
        assert files[0]["name"] == "plan.pdf"
        download = api_for(funded.client).get(files[0]["download_url"])
        assert download.status_code == 200 and b"".join(download.streaming_content) == content
        assert (
            api_for(funded.client)
            .get(files[0]["download_url"].replace(str(funded.pk), str(milestone.pk)))
            .status_code
            == 404
        )

        client = api_for(funded.client)
        headers = {"Idempotency-Key": "approve-0001"}
        first = client.post(url("milestone-approve", funded.pk, milestone.pk), headers=headers)
        again = client.post(url("milestone-approve", funded.pk, milestone.pk), headers=headers)
        other_key = client.post(
            url("milestone-approve", funded.pk, milestone.pk),
            headers={"Idempotency-Key": "approve-0002"},
        )
        assert first.status_code == 200 and first.json()["state"] == "released"
        assert again.json() == first.json()
        assert other_key.status_code == 409
        from craftwork.payments.models import LedgerTransaction

        assert LedgerTransaction.objects.filter(kind="escrow_release").count() == 1

    def test_submit_bad_files(self, funded):
        milestone = funded.milestones.get()
        upload = SimpleUploadedFile("x.pdf", b"GIF89a nope", content_type="application/pdf")
        response = api_for(funded.provider).post(
            url("milestone-submit", funded.pk, milestone.pk),
            {"message": "Here", "files": [upload]},
            format="multipart",
        )
        assert response.status_code == 400
        assert Milestone.objects.get(pk=milestone.pk).state == "funded"

    def test_request_changes_needs_a_note(self, funded):
        milestone = funded.milestones.get()
        services.milestone_submit(milestone=milestone, message="v1", actor=funded.provider)
        client = api_for(funded.client)
        assert (
            client.post(url("milestone-request-changes", funded.pk, milestone.pk), {}).status_code
            == 400
        )
        response = client.post(
            url("milestone-request-changes", funded.pk, milestone.pk), {"note": "Darker"}
        )
        assert (
            response.json()["state"] == "changes_requested"
            and response.json()["revision_count"] == 1
        )

    def test_other_peoples_milestones_are_404(self, funded, contract, stranger):
        milestone = funded.milestones.get()
        assert (
            api_for(stranger).post(url("milestone-approve", funded.pk, milestone.pk)).status_code
            == 404
        )
        assert (
            api_for(contract.client).get(url("milestone", contract.pk, milestone.pk)).status_code
            == 404
        )


class TestHourly:
    def test_time_log_crud(self, hourly):
        client = api_for(hourly.provider)
        today = services.provider_today(hourly)
        response = client.post(
            url("time-logs", hourly.pk), {"date": str(today), "minutes": 90, "description": "Setup"}
        )
        assert response.status_code == 201
        log_id = response.json()["id"]
        response = client.patch(url("time-log", hourly.pk, log_id), {"minutes": 120})
        assert response.json()["minutes"] == 120
        assert client.get(url("time-logs", hourly.pk)).json()[0]["minutes"] == 120
        assert client.delete(url("time-log", hourly.pk, log_id)).status_code == 204
        assert not TimeLog.objects.exists()

    @pytest.mark.parametrize(
        ("body", "code"),
        [
            ({"minutes": 90, "description": "x", "future": True}, "validation_error"),
            ({"minutes": 0, "description": "x"}, "validation_error"),
            ({"minutes": 2000, "description": "x"}, "validation_error"),
            ({"minutes": "lots", "description": "x"}, "validation_error"),
            ({"minutes": 60, "description": "x" * 501}, "validation_error"),
        ],
    )
    def test_bad_time_logs(self, hourly, body, code):
        today = services.provider_today(hourly)
        body = {**body}
        if body.pop("future", False):
            body["date"] = str(today + timedelta(days=1))
        else:
            body["date"] = str(today)
        response = api_for(hourly.provider).post(url("time-logs", hourly.pk), body)
        assert response.status_code == 400
        assert not TimeLog.objects.exists()

    def test_future_and_over_the_limit(self, hourly):
        client = api_for(hourly.provider)
        today = services.provider_today(hourly)
        future = client.post(
            url("time-logs", hourly.pk),
            {"date": str(today + timedelta(days=1)), "minutes": 30, "description": "x"},
        )
        assert error_code(future) == "future_time_log"
        client.post(
            url("time-logs", hourly.pk), {"date": str(today), "minutes": 600, "description": "x"}
        )
        over = client.post(
            url("time-logs", hourly.pk), {"date": str(today), "minutes": 1, "description": "x"}
        )
        assert over.status_code == 400 and error_code(over) == "weekly_limit_exceeded"
        assert TimeLog.objects.count() == 1

    def test_client_cannot_log_and_strangers_get_404(self, hourly, stranger):
        today = str(services.provider_today(hourly))
        body = {"date": today, "minutes": 30, "description": "x"}
        assert api_for(hourly.client).post(url("time-logs", hourly.pk), body).status_code == 403
        assert api_for(stranger).post(url("time-logs", hourly.pk), body).status_code == 404
        assert not TimeLog.objects.exists()

    def test_timesheet_flow_and_pay(self, hourly):
        provider, client = api_for(hourly.provider), api_for(hourly.client)
        provider.post(
            url("time-logs", hourly.pk),
            {"date": str(services.provider_today(hourly)), "minutes": 60, "description": "x"},
        )
        timesheet = Timesheet.objects.get()
        assert client.get(url("timesheets", hourly.pk)).json()[0]["logged_minutes"] == 60
        assert (
            provider.post(url("timesheet-submit", hourly.pk, timesheet.pk)).json()["state"]
            == "submitted"
        )
        assert client.post(url("timesheet-reject", hourly.pk, timesheet.pk), {}).status_code == 400
        rejected = client.post(
            url("timesheet-reject", hourly.pk, timesheet.pk), {"comment": "Details please"}
        )
        assert rejected.json()["reject_comment"] == "Details please"
        provider.post(url("timesheet-submit", hourly.pk, timesheet.pk))
        assert (
            client.post(url("timesheet-approve", hourly.pk, timesheet.pk)).json()["state"]
            == "approved"
        )
        assert provider.post(url("timesheet-pay", hourly.pk, timesheet.pk)).status_code == 403
        payment = client.post(url("timesheet-pay", hourly.pk, timesheet.pk))
        assert payment.status_code == 201 and payment.json()["amount"]["amount_minor"] == 5_000
        testing.pay(Payment.objects.get(pk=payment.json()["payment_id"]))
        assert Timesheet.objects.get().state == "paid"


def test_hourly_contracts_have_no_milestones(db):
    contract = HourlyContractFactory()
    response = api_for(contract.client).post(
        url("milestones", contract.pk), {"title": "X", "amount": "10.00"}
    )
    assert response.status_code == 409 and error_code(response) == "no_milestones"
