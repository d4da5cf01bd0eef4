"""Hiring from a job post, in the browser: the client posts and publishes a fixed-price job
through the form, a freelancer finds it with a filter and bids, the client shortlists and
accepts, funds the milestone on the sandbox card page, asks for one change and approves; the
freelancer's wallet shows the earnings less the platform fee. And the short way: an invite-only
job, an invitation accepted, the contract cancelled before funding (nothing charged)."""

import re

import pytest
from playwright.sync_api import expect

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, FreelancerFactory, UserFactory
from craftwork.contracts.models import Contract
from craftwork.jobs.models import Job, JobInvitation, JobStatus, Proposal
from craftwork.jobs.tests.factories import JobFactory, category
from craftwork.payments.models import Payment
from craftwork.payments.reconciliation import reconcile
from craftwork.payments.selectors import escrow_balance, wallet_summary
from craftwork.profiles.tests.factories import FreelancerProfileFactory
from craftwork.web.tests.e2e.browser import assert_fits_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings, live_server):
    settings.SITE_URL = live_server.url
    yield
    report = reconcile()
    assert report.ok, report.problems


@pytest.fixture
def people(reference_data):
    client = UserFactory(first_name="Olivia", last_name="Client", email="olivia@example.com")
    ada = FreelancerFactory(first_name="Ada", last_name="Okafor", email="ada@example.com")
    profile = FreelancerProfileFactory(
        user=ada,
        published=True,
        headline="Django developer for booking systems",
        skills=["python", "django"],
    )
    return client, ada, profile


def log_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_test_id("login-email").fill(user.email)
    page.get_by_test_id("login-password").fill(DEFAULT_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))


def messages(page) -> str:
    return page.locator(".messages").inner_text()


def state_of(page) -> str:
    return page.get_by_test_id("contract-state").get_attribute("data-state")


def pay_with_test_card(page, *, total: str):
    page.wait_for_url(re.compile(r"/payments/sandbox/checkout/"))
    assert page.get_by_test_id("checkout-total").inner_text() == total
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/40")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Olivia Client")
    page.get_by_test_id("card-submit").click()
    page.get_by_test_id("continue").click()


def submit_work(page, message: str):
    page.get_by_test_id("submit-form").get_by_label("Message to the client").fill(message)
    page.get_by_test_id("submit-work").click()
    page.wait_for_load_state()


def post_job_through_the_form(page, *, title: str, invite_only: bool = False):
    page.goto("/dashboard/")
    page.locator("main").get_by_role("link", name="Post a job").click()
    page.wait_for_url(re.compile(r"/jobs/new/$"))
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Description").fill(
        "A booking API for a small chain of **climbing gyms**: REST endpoints, tests, docs."
    )
    page.get_by_label("Category").select_option(label="Software Development")
    skills = page.locator("#skills")
    skills.locator("summary", has_text="Software Development").click()
    skills.get_by_label("Python", exact=True).check()
    skills.get_by_label("Django", exact=True).check()
    page.get_by_label("Fixed price").check()
    page.get_by_label("Currency").select_option("USD")
    page.get_by_label("Fixed budget").fill("500.00")
    page.get_by_label("Remote").check()
    if invite_only:
        page.get_by_label("Invite only").check()
    page.get_by_test_id("save-draft").click()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}/$"))


def test_post_bid_hire_fund_deliver_revise_approve(phone_page, people):
    page = phone_page
    client, ada, profile = people
    # Another open job the filter must leave out (another category, hourly).
    JobFactory(title="Weekly bookkeeping", hourly=True, category=category("finance-legal"))

    # The client posts the job as a draft, then publishes it.
    log_in(page, client)
    post_job_through_the_form(page, title="Booking API for climbing gyms")
    assert "saved as a draft" in messages(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Booking API for climbing gyms", use_inner_text=True
    )
    expect(page.get_by_test_id("job-budget")).to_have_text("$500.00", use_inner_text=True)
    expect(page.locator("article .badge", has_text="Draft")).to_be_visible()
    assert_fits_phone(page)
    page.get_by_test_id("owner-panel").get_by_test_id("publish-job").click()
    page.wait_for_load_state()
    assert "open for proposals" in messages(page)
    job = Job.objects.get(title="Booking API for climbing gyms")
    assert job.status == JobStatus.OPEN and job.budget == 50_000 and job.currency == "USD"
    assert {skill.slug for skill in job.skills.all()} == {"python", "django"}
    assert job.location_type == "remote" and job.visibility == "public"

    # The freelancer finds it among the open jobs with a filter and opens it.
    log_in(page, ada)
    page.goto("/jobs/")
    expect(page.get_by_test_id("result-count")).to_have_text("2 open jobs", use_inner_text=True)
    page.get_by_test_id("more-filters").click()
    page.get_by_label("Category").select_option(label="Software Development")
    page.get_by_test_id("filter-skills").select_option(["django"])
    page.get_by_label("Remote or on-site").select_option("remote")
    page.get_by_label("Min budget or rate").fill("300")
    page.get_by_test_id("filter-submit").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("result-count")).to_have_text("1 open job", use_inner_text=True)
    assert_fits_phone(page)
    page.get_by_test_id("job-card-link").filter(has_text="Booking API").click()
    page.wait_for_url(re.compile(rf"/jobs/{job.pk}/$"))
    expect(page.locator(".prose strong", has_text="climbing gyms")).to_be_visible()

    # ... and bids: price, duration, cover letter.
    form = page.get_by_test_id("proposal-form")
    form.get_by_label("Your price (USD)").fill("450")
    form.get_by_label("Estimated duration (days)").fill("10")
    form.get_by_label("Cover letter").fill("I built two booking systems in Django last year.")
    page.get_by_test_id("submit-proposal").click()
    page.wait_for_url(re.compile(r"/jobs/proposals/[0-9a-f-]{36}/$"))
    assert "sent to the client" in messages(page)
    expect(page.get_by_test_id("proposal-price")).to_have_text("$450.00", use_inner_text=True)
    proposal = Proposal.objects.get(job=job, freelancer=ada)
    assert (proposal.amount, proposal.duration_days, proposal.status) == (45_000, 10, "submitted")

    # The client sees the bid with the bidder's profile link and badges, shortlists, accepts.
    log_in(page, client)
    page.locator("main").get_by_role("link", name="Your jobs and proposals").click()
    page.wait_for_url(re.compile(r"/jobs/mine/$"))
    expect(page.get_by_test_id("proposal-count")).to_have_text(
        "1 open proposal", use_inner_text=True
    )
    page.get_by_test_id("job-proposals-link").click()
    row = page.get_by_test_id("proposal-row")
    expect(row).to_have_count(1)
    bidder = row.get_by_test_id("bidder")
    assert bidder.get_by_role("link", name="Ada O.").get_attribute("href") == (
        f"/freelancers/{profile.pk}/"
    )
    expect(bidder.get_by_test_id("verified-email")).to_be_visible()
    assert "Django developer for booking systems" in bidder.inner_text()
    expect(row.get_by_test_id("proposal-price")).to_have_text("$450.00", use_inner_text=True)
    assert_fits_phone(page)
    row.get_by_test_id("shortlist-proposal").click()
    page.wait_for_load_state()
    assert "Added to the shortlist." in messages(page)
    expect(page.get_by_test_id("proposal-row")).to_contain_text("Shortlisted", use_inner_text=True)
    page.get_by_test_id("proposal-row").get_by_test_id("accept-proposal").click()
    page.wait_for_url(re.compile(r"/contracts/[0-9a-f-]{36}/$"))
    assert "You hired Ada" in messages(page)
    contract = Contract.objects.get(source="proposal", source_ref=f"proposal:{proposal.pk}")
    assert state_of(page) == "pending_funding"
    assert contract.amount_minor == 45_000 and contract.platform_fee_bps == 1_000
    job.refresh_from_db()
    assert job.status == JobStatus.FILLED and job.hired_count == 1

    # The client funds the milestone on the sandbox's hosted card page (price + 5 % client fee).
    page.get_by_test_id("fund-milestone").click()
    pay_with_test_card(page, total="$472.50")
    page.wait_for_url(re.compile(rf"/contracts/{contract.pk}/"))
    assert state_of(page) == "active"
    assert escrow_balance(contract.escrow_ref, "USD").minor == 45_000

    # Deliver, ask for a change, deliver again, approve.
    log_in(page, ada)
    page.goto(f"/contracts/{contract.pk}/")
    submit_work(page, "First version: endpoints and tests.")
    assert state_of(page) == "delivered"

    log_in(page, client)
    page.goto(f"/contracts/{contract.pk}/")
    page.get_by_test_id("open-request_changes").click()
    page.get_by_test_id("action-request_changes").get_by_role("textbox").fill("Add the docs")
    page.get_by_test_id("action-request_changes").get_by_role("button").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("milestone")).to_have_attribute("data-state", "changes_requested")
    assert state_of(page) == "in_progress"

    log_in(page, ada)
    page.goto(f"/contracts/{contract.pk}/")
    submit_work(page, "Docs added.")
    assert state_of(page) == "delivered"

    log_in(page, client)
    page.goto(f"/contracts/{contract.pk}/")
    page.get_by_test_id("action-approve").get_by_role("button").click()
    page.wait_for_load_state()
    assert state_of(page) == "completed"
    expect(page.get_by_test_id("milestone")).to_have_attribute("data-state", "released")
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "Request changes" in timeline and "Approve and pay" in timeline
    assert_fits_phone(page)

    # The freelancer's wallet: $450.00 less the 10 % platform fee, pending (clearing).
    log_in(page, ada)
    page.goto("/wallet/")
    expect(page.get_by_test_id("pending")).to_have_text("$405.00", use_inner_text=True)

    # The ledger: escrow empty, the provider's pending earnings = amount - fee.
    assert escrow_balance(contract.escrow_ref, "USD").minor == 0
    summary = wallet_summary(ada, "USD")
    assert (summary.pending.minor, summary.fees_paid.minor) == (40_500, 4_500)
    assert wallet_summary(client, "USD").in_escrow_as_client.minor == 0
    assert Contract.objects.get(pk=contract.pk).state == "completed"


def test_invite_only_job_invitation_accepted_then_cancelled_before_funding(page, people):
    client, ada, _profile = people

    log_in(page, client)
    post_job_through_the_form(page, title="Private booking API", invite_only=True)
    page.get_by_test_id("owner-panel").get_by_test_id("publish-job").click()
    page.wait_for_load_state()
    assert "Only the freelancers you invite can see it" in messages(page)
    job = Job.objects.get(title="Private booking API")
    assert job.status == JobStatus.OPEN and job.visibility == "invite_only"
    expect(page.get_by_text("Invite only", exact=True).first).to_be_visible()

    # Nobody finds it among the open jobs.
    log_in(page, ada)
    page.goto("/jobs/")
    expect(page.get_by_test_id("result-count")).to_have_text("0 open jobs", use_inner_text=True)

    # The client invites Ada from the job page with a role and a price.
    log_in(page, client)
    page.goto(f"/jobs/{job.pk}/")
    page.get_by_test_id("invite-freelancers").click()
    candidate = page.get_by_test_id("candidate").filter(has_text="Ada O.")
    candidate.get_by_test_id("invite-candidate").click()
    form = page.get_by_test_id("invitation-form")
    assert form.get_by_label("Job", exact=True).input_value() == str(job.pk)
    form.get_by_label("Role").fill("Lead developer")
    form.get_by_label("Message").fill("We liked your booking work. Interested?")
    form.get_by_label("Proposed price (fixed-price jobs)").fill("400")
    page.get_by_test_id("send-invitation").click()
    page.wait_for_url(re.compile(r"/jobs/invitations/[0-9a-f-]{36}/$"))
    assert "Your invitation was sent." in messages(page)
    expect(page.get_by_test_id("invitation-price")).to_have_text("$400.00", use_inner_text=True)

    # Ada sees it among her invitations, can open the job now, and accepts.
    log_in(page, ada)
    page.locator("main").get_by_role("link", name="Job invitations").click()
    received = page.get_by_test_id("invitation-received")
    assert "Lead developer" in received.inner_text() and "Pending" in received.inner_text()
    received.get_by_role("link", name="Private booking API").click()
    expect(page.locator("main")).to_contain_text("We liked your booking work.", use_inner_text=True)
    page.get_by_test_id("accept-invitation").click()
    page.wait_for_url(re.compile(r"/contracts/[0-9a-f-]{36}/$"))
    assert "You accepted the invitation" in messages(page)
    invitation = JobInvitation.objects.get(job=job, freelancer=ada)
    contract = Contract.objects.get(pk=invitation.contract_id)
    assert state_of(page) == "pending_funding"
    assert (contract.source, contract.amount_minor) == ("invitation", 40_000)

    # The client changes their mind before funding: the contract is cancelled, nothing charged.
    log_in(page, client)
    page.goto(f"/contracts/{contract.pk}/")
    page.get_by_test_id("contract-actions").get_by_test_id("open-cancel").click()
    cancel = page.get_by_test_id("contract-actions").get_by_test_id("action-cancel")
    cancel.get_by_label("Reason for cancelling").fill("The budget was cut.")
    cancel.get_by_role("button").click()
    page.wait_for_load_state()
    assert state_of(page) == "cancelled"
    expect(page.get_by_test_id("timeline")).to_contain_text(
        "The budget was cut.", use_inner_text=True
    )
    expect(page.get_by_test_id("milestone")).to_have_attribute("data-state", "cancelled")

    contract.refresh_from_db()
    assert contract.state == "cancelled" and contract.cancel_reason == "The budget was cut."
    assert not Payment.objects.filter(payer=client).exists()
    assert escrow_balance(contract.escrow_ref, "USD").minor == 0
    assert wallet_summary(ada, "USD").pending.minor == 0
    page.goto("/wallet/")
    expect(page.get_by_test_id("in-escrow")).to_have_text("$0.00", use_inner_text=True)
