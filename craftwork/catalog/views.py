"""Web pages for the gig catalog: browsing, the gig page, sellers' management and staff removal."""

from functools import wraps

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from craftwork.billing.credits import price_of as credit_price_of
from craftwork.billing.models import CreditAction
from craftwork.billing.promotions import promoted_until
from craftwork.core.errors import DomainError, NotFound
from craftwork.core.markdown import render_markdown
from craftwork.core.paginator import CachedCountPaginator

from . import forms as f
from . import selectors, services
from .models import GigStatus

CARDS_PER_PAGE = 24


def freelancer_required(view):
    """Signed-in freelancers only; anyone else gets a page explaining how to add the role."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_freelancer:
            return render(request, "catalog/freelancer_role_required.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _or_404(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


# --- Public catalog ----------------------------------------------------------------------------


@require_GET
def gig_list(request):
    prices = f.PriceRangeForm(request.GET)
    filters = request.GET.copy()
    for name in ("min_price", "max_price"):
        filters.pop(name, None)
    filters.update(prices.as_filters())
    filterset = selectors.gig_filterset(filters)
    filterset.is_valid()
    _filter_widgets(filterset.form)
    page = CachedCountPaginator(filterset.qs, CARDS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_cover_urls(page.object_list)
    context = {
        "filter_form": filterset.form,
        "price_form": prices,
        "page_obj": page,
        "verified_ids": selectors.verified_sellers({gig.seller for gig in page}),
        "filters_applied": bool(filterset.errors or prices.errors)
        or any(value for key, value in request.GET.items() if key not in ("q", "page")),
    }
    return render(request, "catalog/gig_list.html", context)


def _filter_widgets(form) -> None:
    """Friendlier widgets for the web form (the API takes the same parameters as plain values)."""
    from django import forms

    from .filters import DELIVERY_CHOICES, RATING_CHOICES

    any_choice = [("", _("Any"))]
    form.fields["category"].widget.choices = f.category_choices(blank=str(_("Any category")))
    form.fields["max_delivery_days"].widget = forms.Select(choices=any_choice + DELIVERY_CHOICES)
    form.fields["min_rating"].widget = forms.Select(choices=any_choice + RATING_CHOICES)
    form.fields["verified"].widget = forms.Select(
        choices=[*any_choice, ("true", _("Verified sellers only"))]
    )
    for name, field in form.fields.items():
        field.widget.attrs.setdefault("data-testid", f"filter-{name}")


@require_GET
def gig_detail(request, pk):
    gig = _or_404(selectors.public_gig_detail, pk, viewer=request.user)
    verified = selectors.seller_is_verified(gig.seller)
    context = {
        "gig": gig,
        "description_html": render_markdown(gig.description),
        "packages": list(gig.packages.all()),
        "seller_profile": selectors.seller_summary(gig.seller),
        "seller_name": selectors.seller_display_name(gig.seller),
        "seller_verified": verified,
        "verified_ids": {gig.seller_id} if verified else set(),
        "other_gigs": selectors.seller_other_gigs(gig),
        "is_owner": gig.seller_id == request.user.pk,
    }
    return render(request, "catalog/gig_detail.html", context)


# --- The seller's gigs --------------------------------------------------------------------------


@freelancer_required
@require_GET
def gig_mine(request):
    gigs = selectors.own_gigs(user=request.user)
    return render(request, "catalog/gig_mine.html", {"gigs": gigs})


@freelancer_required
@require_http_methods(["GET", "POST"])
def gig_create(request):
    form = f.GigForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            gig = services.gig_create(actor=request.user, **form.service_fields())
        except DomainError as error:
            f.apply_domain_error(form, error)
        else:
            messages.success(request, _("Your draft gig was created. Now add its packages."))
            return redirect("catalog:gig-manage", pk=gig.pk)
    return render(request, "catalog/gig_create.html", {"form": form})


def _manage_context(request, gig, **bound) -> dict:
    currency_form, package_forms = bound.get("packages") or f.package_forms(gig)
    extras = list(gig.extras.all())
    context = {
        "gig": gig,
        "form": bound.get("form") or f.GigForm(initial=f.GigForm.initial_for(gig)),
        "currency_form": currency_form,
        "package_forms": package_forms,
        "extras_formset": bound.get("extras")
        or f.ExtraFormSet(
            prefix="extras",
            initial=[
                {
                    "title": e.title,
                    "price": f.to_major(e.price, e.currency),
                    "extra_days": e.extra_days,
                }
                for e in extras
            ],
        ),
        "requirements_formset": bound.get("requirements")
        or f.RequirementFormSet(
            prefix="requirements",
            initial=[
                {
                    "question": r.question,
                    "kind": r.kind,
                    "choices": "\n".join(r.choices),
                    "required": r.required,
                }
                for r in gig.requirements.all()
            ],
        ),
        "faqs_formset": bound.get("faqs")
        or f.FaqFormSet(
            prefix="faqs",
            initial=[{"question": q.question, "answer": q.answer} for q in gig.faqs.all()],
        ),
        "image_form": bound.get("image_form") or f.GigImageForm(),
        "images": list(gig.images.all()),
        "missing_for_publish": services.gig_publish_missing(gig),
        "can_edit": gig.status != GigStatus.REMOVED,
        "promoted_until": promoted_until(f"gig:{gig.pk}"),
        "promotion_day_credits": credit_price_of(CreditAction.GIG_PROMOTION_DAY),
    }
    return context


def _render_manage(request, gig, status=200, **bound):
    return render(
        request, "catalog/gig_manage.html", _manage_context(request, gig, **bound), status=status
    )


def _own_gig(request, pk):
    return _or_404(selectors.own_gig, user=request.user, pk=pk)


@freelancer_required
@require_http_methods(["GET", "POST"])
def gig_manage(request, pk):
    gig = _own_gig(request, pk)
    if request.method != "POST":
        return _render_manage(request, gig)
    form = f.GigForm(request.POST)
    if form.is_valid():
        try:
            services.gig_update(actor=request.user, gig=gig, **form.service_fields())
        except DomainError as error:
            f.apply_domain_error(form, error)
        else:
            messages.success(request, _("The gig was saved."))
            return redirect("catalog:gig-manage", pk=gig.pk)
    return _render_manage(request, gig, status=400, form=form)


@freelancer_required
@require_POST
def gig_packages(request, pk):
    gig = _own_gig(request, pk)
    currency_form, package_forms = f.package_forms(gig, request.POST)
    if currency_form.is_valid() and all(form.is_valid() for form in package_forms):
        currency = currency_form.cleaned_data["currency"]
        entries = [e for e in (form.entry(currency) for form in package_forms) if e]
        try:
            services.gig_packages_set(actor=request.user, gig=gig, packages=entries)
        except DomainError as error:
            f.apply_domain_error(currency_form, error)
        else:
            messages.success(request, _("The packages were saved."))
            return redirect(f"{_manage_url(gig)}#packages")
    return _render_manage(request, gig, status=400, packages=(currency_form, package_forms))


def _manage_url(gig) -> str:
    from django.urls import reverse

    return reverse("catalog:gig-manage", args=[gig.pk])


def _save_rows(request, gig, *, formset_class, prefix, save, success):
    formset = formset_class(request.POST, prefix=prefix)
    if formset.is_valid():
        try:
            save(formset)
        except DomainError as error:
            f.apply_rows_error(formset, error, prefix)
        else:
            messages.success(request, success)
            return redirect(f"{_manage_url(gig)}#{prefix}")
    return _render_manage(request, gig, status=400, **{prefix: formset})


@freelancer_required
@require_POST
def gig_extras(request, pk):
    gig = _own_gig(request, pk)
    return _save_rows(
        request,
        gig,
        formset_class=f.ExtraFormSet,
        prefix="extras",
        save=lambda fs: services.gig_extras_set(
            actor=request.user, gig=gig, extras=f.extras_entries(fs, gig.currency)
        ),
        success=_("The extras were saved."),
    )


@freelancer_required
@require_POST
def gig_requirements(request, pk):
    gig = _own_gig(request, pk)
    return _save_rows(
        request,
        gig,
        formset_class=f.RequirementFormSet,
        prefix="requirements",
        save=lambda fs: services.gig_requirements_set(
            actor=request.user, gig=gig, requirements=f.requirement_entries(fs)
        ),
        success=_("The questions for buyers were saved."),
    )


@freelancer_required
@require_POST
def gig_faqs(request, pk):
    gig = _own_gig(request, pk)
    return _save_rows(
        request,
        gig,
        formset_class=f.FaqFormSet,
        prefix="faqs",
        save=lambda fs: services.gig_faq_set(actor=request.user, gig=gig, faqs=f.faq_entries(fs)),
        success=_("The FAQ was saved."),
    )


@freelancer_required
@require_POST
def gig_image_add(request, pk):
    gig = _own_gig(request, pk)
    image_form = f.GigImageForm(request.POST, request.FILES)
    if image_form.is_valid():
        try:
            services.gig_image_add(
                actor=request.user,
                gig=gig,
                upload=image_form.cleaned_data["image"],
                caption=image_form.cleaned_data["caption"],
            )
        except DomainError as error:
            image_form.add_error("image", error.message)
        else:
            messages.success(request, _("The image was added."))
            return redirect(f"{_manage_url(gig)}#gallery")
    return _render_manage(request, gig, status=400, image_form=image_form)


@freelancer_required
@require_POST
def gig_image_delete(request, pk, image_pk):
    gig = _own_gig(request, pk)
    try:
        services.gig_image_remove(actor=request.user, gig=gig, image_id=image_pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The image was removed."))
    return redirect(f"{_manage_url(gig)}#gallery")


@freelancer_required
@require_POST
def gig_publish(request, pk):
    gig = _own_gig(request, pk)
    try:
        services.gig_publish(actor=request.user, gig=gig)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your gig is live in the catalog."))
    return redirect("catalog:gig-manage", pk=gig.pk)


@freelancer_required
@require_POST
def gig_promote(request, pk):
    gig = _own_gig(request, pk)
    try:
        days = int(request.POST.get("days", ""))
    except ValueError:
        messages.error(request, _("Choose a number of days."))
        return redirect("catalog:gig-manage", pk=gig.pk)
    try:
        promotion = services.gig_promote(actor=request.user, gig=gig, days=days)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Your gig is promoted until %(date)s.")
            % {"date": date_format(localtime(promotion.ends_at), "DATETIME_FORMAT")},
        )
    return redirect("catalog:gig-manage", pk=gig.pk)


@freelancer_required
@require_POST
def gig_pause(request, pk):
    gig = _own_gig(request, pk)
    try:
        services.gig_pause(actor=request.user, gig=gig)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your gig is paused and hidden from the catalog."))
    return redirect("catalog:gig-manage", pk=gig.pk)


@freelancer_required
@require_POST
def gig_delete(request, pk):
    gig = _own_gig(request, pk)
    try:
        services.gig_delete(actor=request.user, gig=gig)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("catalog:gig-manage", pk=gig.pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("catalog:gig-mine")


# --- Staff -------------------------------------------------------------------------------------------


@staff_member_required
@require_http_methods(["GET", "POST"])
def gig_remove(request, pk):
    gig = _or_404(selectors.gig_for_staff, pk=pk)
    form = f.GigRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.gig_remove(actor=request.user, gig=gig, reason=form.cleaned_data["reason"])
        except DomainError as error:
            f.apply_domain_error(form, error)
        else:
            messages.success(request, _("The gig was removed and its seller told why."))
            return redirect("catalog:gig-list")
    return render(request, "catalog/gig_remove.html", {"gig": gig, "form": form})
