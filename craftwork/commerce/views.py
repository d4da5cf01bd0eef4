"""Web pages of the shop: cart, saved items, checkout, order confirmation, orders and sales.

Every action is a plain form POST followed by a redirect (pages work without JavaScript); a
domain error becomes a message on the page it came from.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from craftwork.core.errors import DomainError, NotFound

from . import selectors, services
from .errors import CartChanged
from .forms import CheckoutForm, ItemForm, QuantityForm, StaffCheckoutFilterForm, form_error_message
from .models import CheckoutStatus, LineStatus
from .services.checkout import new_attempt
from .session import actor_of, request_cart

PER_PAGE = 20


def not_found_as_404(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapper


def staff_required(view):
    """Staff pages are invisible (404) to everyone else."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _safe_next(request, fallback: str) -> str:
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def _domain_error(request, exc: DomainError) -> None:
    messages.error(request, exc.message)
    for change in exc.details.get("changes", []) if isinstance(exc.details, dict) else []:
        messages.warning(request, change)


# --- cart -----------------------------------------------------------------------------------------


@never_cache
@require_GET
def cart_view(request):
    cart = request_cart(request)
    summary = selectors.cart_summary(cart)
    return render(request, "commerce/cart.html", {"summary": summary})


@require_POST
def cart_add_view(request):
    form = ItemForm(request.POST)
    back = _safe_next(request, reverse("commerce:cart"))
    if not form.is_valid():
        messages.error(request, form_error_message(form))
        return redirect(back)
    data = form.cleaned_data
    try:
        line, created = services.cart_add(
            cart=request_cart(request, create=True),
            kind=data["kind"],
            ref=data["ref"],
            quantity=data["quantity"] or 1,
            actor=actor_of(request),
        )
    except DomainError as exc:
        _domain_error(request, exc)
        return redirect(back)
    if created:
        text = _("“%(title)s” is in your cart.") % {"title": line.title}
    else:
        text = _("“%(title)s” was already in your cart; you now have %(n)d.") % {
            "title": line.title,
            "n": line.quantity,
        }
    messages.success(
        request,
        format_html(
            '{} <a href="{}" data-testid="message-cart-link">{}</a>',
            text,
            reverse("commerce:cart"),
            _("See your cart"),
        ),
    )
    return redirect(back)


@not_found_as_404
@require_POST
def cart_line_update_view(request, pk):
    line = selectors.cart_line_for(request_cart(request), pk)
    form = QuantityForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_message(form))
        return redirect("commerce:cart")
    try:
        services.cart_line_update(
            line=line, quantity=form.cleaned_data["quantity"], actor=actor_of(request)
        )
        messages.success(request, _("Quantity updated."))
    except DomainError as exc:
        _domain_error(request, exc)
    return redirect("commerce:cart")


@not_found_as_404
@require_POST
def cart_line_remove_view(request, pk):
    line = selectors.cart_line_for(request_cart(request), pk)
    services.cart_line_remove(line=line, actor=actor_of(request))
    messages.success(request, _("“%(title)s” was removed from your cart.") % {"title": line.title})
    return redirect("commerce:cart")


@login_required
@not_found_as_404
@require_POST
def cart_line_save_view(request, pk):
    line = selectors.cart_line_for(request_cart(request), pk)
    try:
        services.cart_line_save_for_later(line=line, actor=request.user)
        messages.success(request, _("“%(title)s” was saved for later.") % {"title": line.title})
    except DomainError as exc:
        _domain_error(request, exc)
    return redirect("commerce:cart")


# --- saved items ------------------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def wishlist_view(request):
    items = selectors.wishlist_for(request.user)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "commerce/wishlist.html", {"page_obj": page})


@login_required
@require_POST
def wishlist_add_view(request):
    form = ItemForm(request.POST)
    back = _safe_next(request, reverse("commerce:wishlist"))
    if not form.is_valid():
        messages.error(request, form_error_message(form))
        return redirect(back)
    try:
        item = services.wishlist_add(
            user=request.user,
            kind=form.cleaned_data["kind"],
            ref=form.cleaned_data["ref"],
            actor=request.user,
        )
        messages.success(request, _("“%(title)s” is in your saved items.") % {"title": item.title})
    except DomainError as exc:
        _domain_error(request, exc)
    return redirect(back)


@login_required
@not_found_as_404
@require_POST
def wishlist_remove_view(request, pk):
    item = selectors.wishlist_item_for(request.user, pk)
    services.wishlist_remove(item=item, actor=request.user)
    messages.success(request, _("“%(title)s” was removed.") % {"title": item.title})
    return redirect("commerce:wishlist")


@login_required
@not_found_as_404
@require_POST
def wishlist_move_view(request, pk):
    item = selectors.wishlist_item_for(request.user, pk)
    try:
        services.wishlist_move_to_cart(item=item, actor=request.user)
        messages.success(request, _("“%(title)s” is in your cart.") % {"title": item.title})
    except DomainError as exc:
        _domain_error(request, exc)
        return redirect("commerce:wishlist")
    return redirect("commerce:cart")


# --- checkout ---------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def checkout_view(request):
    """GET: the review (every line re-read now); POST: confirm and go to the payment page."""
    cart = selectors.user_cart(request.user)
    if cart is None or not selectors.cart_lines(cart).exists():
        messages.info(request, _("Your cart is empty."))
        return redirect("commerce:cart")
    if request.method == "POST":
        return _checkout_start(request, cart)
    review = services.checkout_review(cart=cart, actor=request.user)
    context = {"review": review, "form": CheckoutForm(initial={"attempt": new_attempt()})}
    return render(request, "commerce/checkout_review.html", context)


def _checkout_start(request, cart):
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please review your cart and confirm again."))
        return redirect("commerce:checkout")
    try:
        checkout, _created = services.checkout_start(
            cart=cart,
            actor=request.user,
            attempt=form.cleaned_data["attempt"],
            version=form.cleaned_data["version"],
        )
    except CartChanged as exc:
        _domain_error(request, exc)
        return redirect("commerce:checkout")
    except DomainError as exc:
        _domain_error(request, exc)
        return redirect("commerce:checkout")
    return _to_payment(checkout)


def _to_payment(checkout):
    payment = checkout.payment
    if checkout.status == CheckoutStatus.PENDING and payment and payment.is_open:
        return redirect(payment.checkout_url)
    return redirect("commerce:checkout-detail", pk=checkout.pk)


@never_cache
@login_required
@not_found_as_404
@require_GET
def checkout_done_view(request, pk):
    """The payment's return address: settle the checkout with the provider's answer."""
    checkout = selectors.checkout_for_buyer(request.user, pk)
    checkout = services.checkout_sync(checkout=checkout, refresh=True, actor=request.user)
    return redirect("commerce:checkout-detail", pk=checkout.pk)


def _checkout_context(checkout) -> dict:
    payment_lines = selectors.payment_lines_by_reference(checkout)
    lines = [(line, payment_lines.get(line.reference)) for line in checkout.lines.all()]
    payment = checkout.payment
    return {
        "checkout": checkout,
        "lines": lines,
        "receipt": getattr(payment, "receipt", None) if payment and payment.is_paid else None,
        "fulfilled": [line for line, _pl in lines if line.status == LineStatus.FULFILLED],
    }


@never_cache
@login_required
@not_found_as_404
@require_GET
def checkout_detail_view(request, pk):
    checkout = selectors.checkout_for_buyer(request.user, pk)
    if checkout.status in (CheckoutStatus.PENDING, CheckoutStatus.PAID):
        checkout = services.checkout_sync(checkout=checkout, actor=request.user)
        checkout = selectors.checkout_for_buyer(request.user, pk)
    return render(request, "commerce/checkout_detail.html", _checkout_context(checkout))


@login_required
@not_found_as_404
@require_POST
def checkout_pay_view(request, pk):
    checkout = selectors.checkout_for_buyer(request.user, pk)
    return _to_payment(checkout)


@login_required
@not_found_as_404
@require_POST
def checkout_cancel_view(request, pk):
    checkout = selectors.checkout_for_buyer(request.user, pk)
    try:
        services.checkout_cancel(checkout=checkout, actor=request.user)
        messages.success(request, _("The checkout was cancelled. Your cart is as you left it."))
    except DomainError as exc:
        _domain_error(request, exc)
    return redirect("commerce:checkout-detail", pk=checkout.pk)


@never_cache
@login_required
@require_GET
def checkout_list_view(request):
    page = Paginator(selectors.checkouts_for(request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "commerce/checkout_list.html", {"page_obj": page})


# --- orders and sales -------------------------------------------------------------------------------


def _contracts_page(request, contracts, template: str, role: str):
    page = Paginator(contracts, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "bought_by": selectors.checkout_lines_for_contracts(list(page.object_list)),
        "role": role,
    }
    return render(request, template, context)


@login_required
@require_GET
def orders_view(request):
    return _contracts_page(
        request, selectors.orders_for(request.user), "commerce/orders.html", "client"
    )


@login_required
@require_GET
def sales_view(request):
    return _contracts_page(
        request, selectors.sales_for(request.user), "commerce/orders.html", "provider"
    )


# --- staff --------------------------------------------------------------------------------------------


@staff_required
@require_GET
def staff_orders_view(request):
    form = StaffCheckoutFilterForm(request.GET or None)
    status = form.cleaned_data.get("status") if form.is_valid() else None
    page = Paginator(selectors.staff_checkouts(status=status or None), PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page_obj": page, "filter_form": form, "query": query.urlencode()}
    return render(request, "commerce/staff_orders.html", context)


@staff_required
@not_found_as_404
@require_GET
def staff_checkout_view(request, pk):
    checkout = selectors.staff_checkout(pk)
    context = {**_checkout_context(checkout), "staff_view": True}
    return render(request, "commerce/checkout_detail.html", context)
