"""Web pages: the review form of a contract, "My reviews", public review lists, responses."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from craftwork.core.errors import DomainError, NotFound

from . import selectors, services
from .forms import ResponseForm, ReviewForm, apply_domain_error
from .models import SubjectType

PER_PAGE = 10
TABS = ("pending", "given", "received")


def not_found_as_404(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapper


# --- The review of a contract ------------------------------------------------------------------


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def contract_review(request, contract_pk):
    """Write, edit and submit your review; see the other side's once both are published."""
    state = selectors.contract_reviews(user=request.user, contract_pk=contract_pk)
    form = None
    if state.can_write or state.can_edit:
        form = _review_form(request, state)
        if request.method == "POST" and form.is_valid() and _save(request, state, form):
            return redirect("reviews:contract", contract_pk=state.contract.pk)
    elif request.method == "POST":
        messages.error(request, _("This review can no longer be changed."))
        return redirect("reviews:contract", contract_pk=state.contract.pk)
    context = {"state": state, "form": form, "contract": state.contract}
    return render(request, "reviews/contract_review.html", context, status=_status(request, form))


def _status(request, form) -> int:
    return 400 if request.method == "POST" and form is not None and form.errors else 200


def _review_form(request, state) -> ReviewForm:
    initial = ReviewForm.initial_for(state.mine) if state.mine else None
    existing = len(state.mine.photos.all()) if state.mine else 0
    options = {"role": state.role, "initial": initial, "existing_photos": existing}
    if request.method == "POST":
        return ReviewForm(request.POST, request.FILES, **options)
    return ReviewForm(**options)


def _save(request, state, form) -> bool:
    submit = request.POST.get("action") == "submit"
    try:
        if state.mine is None:
            review = services.review_create(
                actor=request.user, contract=state.contract, submit=False, **form.service_fields()
            )
        else:
            review = services.review_update(
                actor=request.user, review=state.mine, **form.service_fields()
            )
        for upload in form.cleaned_data.get("photos") or []:
            services.review_photo_add(actor=request.user, review=review, upload=upload)
        if submit and review.status == "draft":
            services.review_submit(actor=request.user, review=review)
    except DomainError as error:
        apply_domain_error(form, error)
        return False
    review.refresh_from_db()
    messages.success(request, _success_message(review, submit))
    return True


def _success_message(review, submit: bool) -> str:
    if review.status == "published":
        return _("Thank you! Both reviews are now published.")
    if review.status == "submitted":
        return _(
            "Thank you! Your review is submitted. It is published when the other side has "
            "reviewed you too, or when the review period ends."
        )
    return _("Your draft is saved. Submit it before the review period ends.")


@login_required
@not_found_as_404
@require_POST
def photo_remove(request, pk, photo_pk):
    review = selectors.own_review(user=request.user, pk=pk)
    try:
        services.review_photo_remove(actor=request.user, review=review, photo_id=photo_pk)
        messages.success(request, _("The photo was removed."))
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("reviews:contract", contract_pk=review.contract_id)


# --- The reviewed party's response ----------------------------------------------------------------


@login_required
@not_found_as_404
@require_POST
def respond(request, pk):
    review = selectors.visible_review(pk, user=request.user)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        try:
            services.review_respond(
                actor=request.user, review=review, text=form.cleaned_data["text"]
            )
            messages.success(request, _("Your response is published."))
        except NotFound:
            raise
        except DomainError as error:
            messages.error(request, error.message)
    return _back(request, review)


def _back(request, review):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    return redirect(target or "reviews:mine")


# --- My reviews ------------------------------------------------------------------------------------


@login_required
@require_GET
def my_reviews(request):
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "pending"
    if tab == "pending":
        items = selectors.pending_contracts(request.user)
    elif tab == "given":
        items = selectors.reviews_given(request.user)
    else:
        items = selectors.reviews_received(request.user)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    context = {"tab": tab, "page_obj": page, "tabs": TABS}
    return render(request, "reviews/my_reviews.html", context)


# --- Public lists -----------------------------------------------------------------------------------


@require_GET
@not_found_as_404
def user_reviews(request, user_pk):
    role = SubjectType.CLIENT if request.GET.get("as") == "client" else SubjectType.PROVIDER
    subject = selectors.reviewed_user(user_pk)
    heading = (
        _("Reviews of %(name)s as a client")
        if role == SubjectType.CLIENT
        else _("Reviews of %(name)s")
    ) % {"name": selectors.public_name(subject)}
    return _public_list(request, role, subject.pk, heading)


@require_GET
@not_found_as_404
def gig_reviews(request, gig_pk):
    from craftwork.catalog.selectors import public_gig_detail

    gig = public_gig_detail(gig_pk, viewer=request.user)
    heading = _("Reviews of “%(title)s”") % {"title": gig.title}
    return _public_list(request, SubjectType.GIG, gig.pk, heading, gig=gig)


def _public_list(request, subject_type, subject_pk, heading, gig=None):
    reviews = selectors.public_reviews(subject_type, subject_pk)
    page = Paginator(reviews, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "summary": selectors.rating_summary(subject_type, subject_pk),
        "page_obj": page,
        "subject_type": subject_type,
        "subject_pk": subject_pk,
        "gig": gig,
        "heading": heading,
    }
    return render(request, "reviews/public_list.html", context)
