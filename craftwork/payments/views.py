"""Web pages of payments. Each action calls the same service as the API."""

from __future__ import annotations

import csv
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from craftwork.core.errors import DomainError
from craftwork.core.files import private_file_response
from craftwork.core.money import CURRENCIES, Money

from . import checkout, disputes, payouts, receipts, refunds, selectors, stuck
from .fees import fee_breakdown
from .forms import (
    DisputeOpenForm,
    DisputeResolveForm,
    DisputeRespondForm,
    HistoryFilterForm,
    RefundForm,
    StuckBalanceForm,
    WithdrawForm,
    add_domain_error,
    to_money,
)
from .models import AccountKind, Dispute, Payment, PayoutMethod
from .subjects import resolve_subject

PAGE_SIZE = 25


def _page(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _currency(request, user) -> str:
    currency = request.GET.get("currency") or ""
    return currency if currency in CURRENCIES else selectors.user_currencies(user)[0]


def staff_required(view):
    """Staff pages are invisible (404) to everyone else."""

    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- fees -------------------------------------------------------------------------------------


@require_GET
def fee_breakdown_view(request):
    """The breakdown of a price (an HTMX fragment for funding and checkout forms)."""
    currency = request.GET.get("currency", "USD")
    try:
        amount = Money.parse(request.GET.get("amount", ""), currency)
        if amount.is_negative:
            raise ValueError
        breakdown = fee_breakdown(amount, request.GET.get("category") or None)
    except (DomainError, ValueError):
        breakdown = None
    return render(request, "payments/_fee_breakdown.html", {"breakdown": breakdown})


# --- paying -----------------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def payment_detail_view(request, payment_id):
    """The pay screen: the fee breakdown, the status, and the way to the provider's page."""
    payment = selectors.payment_for_payer(request.user, payment_id)
    context = {
        "payment": payment,
        "breakdown": fee_breakdown(payment.amount, payment.category_slug or None),
        "refunds": payment.refunds.all(),
        "receipt": getattr(payment, "receipt", None),
    }
    return render(request, "payments/payment_detail.html", context)


@login_required
@require_POST
def payment_pay_view(request, payment_id):
    payment = selectors.payment_for_payer(request.user, payment_id)
    if not payment.is_open or not payment.checkout_url:
        return redirect("payments:detail", payment.pk)
    return redirect(payment.checkout_url)


@never_cache
@login_required
@require_GET
def payment_return_view(request, payment_id):
    """Where the provider sends the payer back: ask it for the outcome and show it."""
    payment = selectors.payment_for_payer(request.user, payment_id)
    try:
        payment = checkout.payment_refresh(payment=payment, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    continue_url = payment.return_url
    if not continue_url or not url_has_allowed_host_and_scheme(
        continue_url, allowed_hosts={request.get_host()}
    ):
        continue_url = reverse("payments:detail", args=[payment.pk])
    context = {
        "payment": payment,
        "continue_url": continue_url,
        "receipt": getattr(payment, "receipt", None),
    }
    return render(request, "payments/payment_return.html", context)


@login_required
@require_POST
def payment_cancel_view(request, payment_id):
    payment = selectors.payment_for_payer(request.user, payment_id)
    try:
        checkout.payment_cancel(payment=payment, actor=request.user)
        messages.success(request, _("The payment was canceled."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("payments:detail", payment.pk)


@login_required
@require_GET
def payment_list_view(request):
    page = _page(request, selectors.user_payments(request.user))
    return render(request, "payments/payment_list.html", {"page": page})


# --- wallet -----------------------------------------------------------------------------------


def _history_filters(request) -> tuple[HistoryFilterForm, dict]:
    form = HistoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, {key: value for key, value in filters.items() if value}


@login_required
@require_GET
def wallet_view(request):
    form, filters = _history_filters(request)
    # The summary and the transactions below it are always in one currency: the filter's when
    # chosen, else the one the user picked above (or their first).
    currency = filters.get("currency") or _currency(request, request.user)
    filters["currency"] = currency
    context = {
        "summary": selectors.wallet_summary(request.user, currency),
        "currencies": selectors.user_currencies(request.user),
        "currency": currency,
        "pending_earnings": selectors.user_pending_earnings(request.user).filter(currency=currency)[
            :20
        ],
        "filter_form": form,
        "page": _page(request, selectors.user_entries(request.user, **filters)),
        "query": request.GET.urlencode(),
        "account_kinds": dict(AccountKind.choices),
    }
    return render(request, "payments/wallet.html", context)


class _Echo:
    def write(self, value):
        return value


@login_required
@require_GET
def wallet_csv_view(request):
    """The filtered transaction history as CSV (streamed)."""
    _form, filters = _history_filters(request)
    entries = selectors.user_entries(request.user, **filters)
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["date", "type", "account", "amount", "currency", "reference"])
        for entry in entries.iterator(chunk_size=500):
            yield writer.writerow(
                [
                    entry.created_at.isoformat(),
                    entry.transaction.kind,
                    entry.account.kind,
                    entry.money.to_decimal_string(),
                    entry.currency,
                    entry.transaction.reference,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="craftwork-transactions.csv"'
    return response


# --- payouts ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def payout_methods_view(request):
    if request.method == "POST":
        try:
            _method, link = payouts.payout_method_start(user=request.user, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("payments:payout-methods")
        return redirect(link.url)
    context = {"methods": selectors.user_payout_methods(request.user)}
    return render(request, "payments/payout_methods.html", context)


@login_required
@require_GET
def payout_method_onboard_view(request, method_id):
    method = selectors.payout_method_for_owner(request.user, method_id)
    try:
        link = payouts.payout_method_onboarding_link(method=method, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("payments:payout-methods")
    return redirect(link.url)


@login_required
@require_GET
def payout_method_return_view(request, method_id):
    method = selectors.payout_method_for_owner(request.user, method_id)
    try:
        method = payouts.payout_method_refresh(method=method, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    if method.status == PayoutMethod.Status.ACTIVE:
        messages.success(request, _("Your payout method is ready."))
    else:
        messages.warning(request, _("The payout account setup is not finished yet."))
    return redirect("payments:payout-methods")


@login_required
@require_POST
def payout_method_remove_view(request, method_id):
    method = selectors.payout_method_for_owner(request.user, method_id)
    payouts.payout_method_remove(method=method, actor=request.user)
    messages.success(request, _("The payout method was removed."))
    return redirect("payments:payout-methods")


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_view(request):
    currency = _currency(request, request.user)
    methods = list(selectors.user_payout_methods(request.user).filter(status="active"))
    form = WithdrawForm(request.POST or None, methods=methods, initial={"currency": currency})
    if request.method == "POST" and form.is_valid():
        currency = form.cleaned_data["currency"]
        amount = to_money(form, "amount", form.cleaned_data["amount"], currency)
        method = next(m for m in methods if str(m.pk) == form.cleaned_data["method"])
        if amount is not None:
            try:
                payouts.payout_request(
                    user=request.user,
                    amount=amount,
                    method=method,
                    idempotency_key=request.POST.get("idempotency_key") or str(uuid.uuid4()),
                    actor=request.user,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                if exc.code == "insufficient_funds":
                    form.add_error("amount", exc.message)
            else:
                messages.success(request, _("Your withdrawal is on its way."))
                return redirect("payments:payouts")
    context = {
        "form": form,
        "methods": methods,
        "summary": selectors.wallet_summary(request.user, currency),
        "minimum": payouts.minimum_payout(currency),
        "idempotency_key": uuid.uuid4(),
    }
    return render(request, "payments/withdraw.html", context)


@login_required
@require_GET
def payouts_view(request):
    payouts_page = _page(request, selectors.user_payouts(request.user).select_related("method"))
    return render(request, "payments/payouts.html", {"page": payouts_page})


# --- receipts ---------------------------------------------------------------------------------


@login_required
@require_GET
def receipts_view(request):
    page = _page(request, selectors.user_receipts(request.user))
    return render(request, "payments/receipts.html", {"page": page})


@login_required
@require_GET
def receipt_pdf_view(request, receipt_id):
    receipt = selectors.receipt_for_owner(request.user, receipt_id)
    response = HttpResponse(receipts.render_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt.display_number}.pdf"'
    return response


# --- disputes ---------------------------------------------------------------------------------


@login_required
@require_GET
def dispute_list_view(request):
    page = _page(request, selectors.disputes_for(request.user))
    return render(request, "payments/dispute_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def dispute_open_view(request):
    subject = resolve_subject(
        request.GET.get("subject") or request.POST.get("subject"), request.user
    )
    if subject is None:
        raise Http404
    form = DisputeOpenForm(
        request.POST or None,
        request.FILES or None,
        initial={"amount": subject.max_amount.to_decimal()},
    )
    if request.method == "POST" and form.is_valid():
        amount = to_money(form, "amount", form.cleaned_data["amount"], subject.max_amount.currency)
        if amount is not None:
            try:
                dispute = disputes.dispute_open(
                    actor=request.user,
                    escrow_ref=subject.escrow_ref,
                    subject_ref=subject.ref,
                    amount=amount,
                    client=subject.client,
                    provider=subject.provider,
                    reason=form.cleaned_data["reason"],
                    evidence_text=form.cleaned_data["evidence_text"],
                    files=form.cleaned_data["files"],
                    fee_bps=subject.fee_bps,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The dispute was opened."))
                return redirect("payments:dispute-detail", dispute.pk)
    return render(request, "payments/dispute_open.html", {"form": form, "subject": subject})


@login_required
@require_GET
def dispute_detail_view(request, dispute_id):
    dispute = selectors.dispute_for_participant(request.user, dispute_id)
    can_respond = (
        dispute.status == Dispute.Status.OPEN
        and request.user.pk in (dispute.client_id, dispute.provider_id)
        and request.user.pk != dispute.opened_by_id
    )
    context = {
        "dispute": dispute,
        "files": dispute.files.select_related("uploaded_by"),
        "respond_form": DisputeRespondForm() if can_respond else None,
    }
    return render(request, "payments/dispute_detail.html", context)


@login_required
@require_POST
def dispute_respond_view(request, dispute_id):
    dispute = selectors.dispute_for_participant(request.user, dispute_id)
    form = DisputeRespondForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            disputes.dispute_respond(
                actor=request.user,
                dispute=dispute,
                response_text=form.cleaned_data["response_text"],
                files=form.cleaned_data["files"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your response was sent to our team."))
            return redirect("payments:dispute-detail", dispute.pk)
    context = {
        "dispute": dispute,
        "files": dispute.files.select_related("uploaded_by"),
        "respond_form": form,
    }
    return render(request, "payments/dispute_detail.html", context, status=400)


@login_required
@require_GET
def dispute_file_view(request, dispute_id, file_id):
    attachment = selectors.dispute_file_for(request.user, dispute_id, file_id)
    return private_file_response(
        attachment.file, name=attachment.original_name, kind=attachment.kind
    )


# --- staff ------------------------------------------------------------------------------------


@staff_required
@require_GET
def staff_home_view(request):
    context = {
        "open_disputes": selectors.disputes_for(request.user).exclude(status="resolved")[:20],
        "failed_events": selectors.staff_webhook_events(request.user).filter(
            status__in=["failed", "dead", "parked"]
        )[:20],
        "stuck_count": len(stuck.stuck_balances()),
    }
    return render(request, "payments/staff/home.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def staff_stuck_view(request):
    """The queue of money stuck in escrow for settled items, with the ways out."""
    form = StuckBalanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moved = stuck.stuck_balance_resolve(
                actor=request.user,
                idempotency_key=request.POST.get("idempotency_key") or str(uuid.uuid4()),
                **form.cleaned_data,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(amount)s of %(title)s: done.")
                % {"amount": moved.amount.format(), "title": moved.item_title},
            )
            return redirect("payments:staff-stuck")
    elif request.method == "POST":
        messages.error(request, _("Give a reason and choose what to do."))
    context = {"balances": stuck.stuck_balances(), "idempotency_key": uuid.uuid4()}
    return render(request, "payments/staff/stuck.html", context)


@staff_required
@require_GET
def staff_payments_view(request):
    payments = selectors.staff_payments(
        request.user, query=request.GET.get("q", "")[:200], status=request.GET.get("status", "")
    )
    context = {
        "page": _page(request, payments),
        "q": request.GET.get("q", ""),
        "statuses": Payment.Status.choices,
    }
    return render(request, "payments/staff/payments.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def staff_payment_view(request, payment_id):
    payment = selectors.staff_payment(request.user, payment_id)
    form = RefundForm(
        request.POST or None, initial={"amount": refunds.refundable(payment).to_decimal()}
    )
    if request.method == "POST" and form.is_valid():
        amount = to_money(form, "amount", form.cleaned_data["amount"], payment.currency)
        if amount is not None:
            try:
                refunds.refund_by_staff(
                    actor=request.user,
                    payment=payment,
                    amount=amount,
                    reason=form.cleaned_data["reason"],
                    idempotency_key=request.POST.get("idempotency_key") or str(uuid.uuid4()),
                    cover=form.cleaned_data["cover"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                if exc.code in ("refund_exceeds_paid", "insufficient_funds", "currency_mismatch"):
                    form.add_error("amount", exc.message)
                elif exc.code in ("refund_exceeds_held", "no_provider_to_recover"):
                    form.add_error("cover", exc.message)
            else:
                messages.success(request, _("The refund was requested."))
                return redirect("payments:staff-payment", payment.pk)
    context = {
        "payment": payment,
        "form": form,
        "refundable": refunds.refundable(payment),
        "refunds": payment.refunds.all(),
        "chargebacks": payment.chargebacks.all(),
        "idempotency_key": uuid.uuid4(),
    }
    return render(request, "payments/staff/payment.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def staff_dispute_view(request, dispute_id):
    dispute = selectors.dispute_for_participant(request.user, dispute_id)
    form = DisputeResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        to_provider = None
        if data["outcome"] == Dispute.Outcome.SPLIT and data.get("to_provider") is not None:
            to_provider = to_money(form, "to_provider", data["to_provider"], dispute.currency)
        if not form.errors:
            try:
                disputes.dispute_resolve(
                    actor=request.user,
                    dispute=dispute,
                    outcome=data["outcome"],
                    to_provider=to_provider,
                    decision=data["decision"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                if exc.code == "invalid_split":
                    form.add_error("to_provider", exc.message)
            else:
                messages.success(request, _("The dispute was resolved."))
                return redirect("payments:dispute-detail", dispute.pk)
    context = {"dispute": dispute, "form": form, "files": dispute.files.all()}
    return render(request, "payments/staff/dispute.html", context)


@staff_required
@require_GET
def staff_accounts_view(request):
    accounts = selectors.staff_accounts(
        request.user,
        kind=request.GET.get("kind", ""),
        currency=request.GET.get("currency", ""),
        query=request.GET.get("q", "")[:200],
    )
    context = {
        "page": _page(request, accounts),
        "kinds": AccountKind.choices,
        "q": request.GET.get("q", ""),
    }
    return render(request, "payments/staff/accounts.html", context)


@staff_required
@require_GET
def staff_account_view(request, account_id):
    account = selectors.staff_account(request.user, account_id)
    page = _page(request, selectors.account_entries(account))
    return render(request, "payments/staff/account.html", {"account": account, "page": page})
