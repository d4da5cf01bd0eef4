from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from craftwork.core.errors import DomainError, NotFound
from craftwork.core.markdown import render_markdown
from craftwork.core.paginator import CachedCountPaginator

from . import selectors, services
from .forms import (
    ClientProfileForm,
    FreelancerProfileForm,
    LanguageFormSet,
    PortfolioImageForm,
    PortfolioItemForm,
    PriceRangeForm,
    SkillFormSet,
    SkillRowForm,
    apply_domain_error,
)
from .models import Proficiency

CARDS_PER_PAGE = 12
EXTRA_SKILL_ROWS = 3


def freelancer_required(view):
    """Signed-in freelancers only; anyone else gets a page explaining how to add the role."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_freelancer:
            return render(request, "profiles/freelancer_role_required.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _own_item_or_404(user, pk):
    try:
        return selectors.own_portfolio_item(user=user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


# --- Public pages -----------------------------------------------------------------------


@require_GET
def freelancer_list(request):
    prices = PriceRangeForm(request.GET)
    filters = request.GET.copy()
    for name in ("min_rate", "max_rate"):
        filters.pop(name, None)
    filters.update(prices.as_filters())
    filterset = selectors.freelancer_filterset(filters)
    filterset.is_valid()
    page = CachedCountPaginator(filterset.qs, CARDS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filter_form": filterset.form,
        "price_form": prices,
        "page_obj": page,
        "skill_groups": selectors.skill_categories_with_skills(),
        "selected_skills": request.GET.getlist("skill"),
        "filters_applied": bool(filterset.errors or prices.errors)
        or any(value for key, value in request.GET.items() if key not in ("q", "page")),
    }
    return render(request, "profiles/freelancer_list.html", context)


@require_GET
def freelancer_detail(request, pk):
    try:
        profile = selectors.public_freelancer_detail(pk, viewer=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = {
        "profile": profile,
        "bio_html": render_markdown(profile.bio),
        "is_owner": profile.user_id == request.user.pk,
    }
    return render(request, "profiles/freelancer_detail.html", context)


# --- The freelancer's own profile ---------------------------------------------------------------


def _skill_choices():
    return [
        (category.name, [(skill.slug, skill.name) for skill in category.skills.all()])
        for category in selectors.skill_categories_with_skills()
    ]


def _edit_forms(profile, data=None, extra_rows=EXTRA_SKILL_ROWS):
    skill_choices = _skill_choices()
    skill_initial = [
        {"skill": row.skill.slug, "proficiency": row.proficiency}
        for row in profile.profile_skills.all()
    ]
    skills = SkillFormSet(
        data,
        prefix="skills",
        initial=skill_initial + [{"proficiency": Proficiency.INTERMEDIATE}] * extra_rows,
        form_kwargs={"skill_choices": skill_choices},
    )
    return {
        "form": FreelancerProfileForm(
            data, profile=profile, initial=FreelancerProfileForm.initial_for(profile)
        ),
        "skills_formset": skills,
        "languages_formset": LanguageFormSet(data, prefix="languages", initial=profile.languages),
        "skill_choices": skill_choices,
    }


@freelancer_required
@require_http_methods(["GET", "POST"])
def freelancer_edit(request):
    services.freelancer_profile_get_or_create(user=request.user)  # created on first visit
    profile = selectors.own_freelancer_profile(user=request.user)
    if request.method == "POST" and request.POST.get("action") == "add_skill_row":
        # Without JavaScript: redisplay what was typed, with one more empty skill row.
        forms = _edit_forms(profile, _with_one_more_skill_row(request.POST))
        return _render_edit(request, profile, forms)
    forms = _edit_forms(profile, request.POST if request.method == "POST" else None)
    if request.method == "POST" and _save_profile(request, profile, forms):
        messages.success(request, _("Your profile was saved."))
        return redirect("profiles:freelancer-edit")
    return _render_edit(request, profile, forms)


def _with_one_more_skill_row(post):
    data = post.copy()
    total = int(data.get("skills-TOTAL_FORMS") or 0)
    if total < SkillFormSet.absolute_max:
        data["skills-TOTAL_FORMS"] = str(total + 1)
        data[f"skills-{total}-proficiency"] = Proficiency.INTERMEDIATE
    return data


def _save_profile(request, profile, forms) -> bool:
    form, skills, languages = forms["form"], forms["skills_formset"], forms["languages_formset"]
    if not (form.is_valid() and skills.is_valid() and languages.is_valid()):
        return False
    try:
        with (
            transaction.atomic()
        ):  # the profile fields and the skills are saved together or not at all
            fields = {**form.service_fields(), "languages": languages.entries()}
            services.freelancer_profile_update(actor=request.user, profile=profile, **fields)
            services.freelancer_skills_set(
                actor=request.user, profile=profile, skills=skills.entries()
            )
    except DomainError as error:
        apply_domain_error(form, error)
        return False
    return True


def _render_edit(request, profile, forms):
    context = {
        **forms,
        "profile": profile,
        "missing_for_publish": services.freelancer_publish_missing(profile),
    }
    return render(request, "profiles/freelancer_edit.html", context)


@freelancer_required
@require_GET
def freelancer_skill_row(request):
    """HTMX: one more empty skill row, plus the formset's updated row count."""
    try:
        index = max(0, min(int(request.GET.get("index", 0)), SkillFormSet.absolute_max - 1))
    except ValueError:
        index = 0
    formset = SkillFormSet(prefix="skills")
    form = SkillRowForm(
        prefix=formset.add_prefix(index),
        initial={"proficiency": Proficiency.INTERMEDIATE},
        skill_choices=_skill_choices(),
        use_required_attribute=False,
    )
    formset.add_fields(form, index)  # the "remove" checkbox
    context = {"skill_form": form, "next_index": index + 1, "max_rows": SkillFormSet.absolute_max}
    return render(request, "profiles/_skill_row_added.html", context)


@freelancer_required
@require_POST
def freelancer_publish(request):
    profile = services.freelancer_profile_get_or_create(user=request.user)
    try:
        if request.POST.get("publish") == "1":
            services.freelancer_profile_publish(actor=request.user, profile=profile)
            messages.success(request, _("Your profile is published."))
        else:
            services.freelancer_profile_unpublish(actor=request.user, profile=profile)
            messages.success(request, _("Your profile is hidden from search."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("profiles:freelancer-edit")


# --- Portfolio -----------------------------------------------------------------------------------


@freelancer_required
@require_http_methods(["GET", "POST"])
def portfolio(request):
    profile = services.freelancer_profile_get_or_create(user=request.user)
    form = PortfolioItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.portfolio_item_create(
                actor=request.user, profile=profile, **form.cleaned_data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The item was added. Now add some images."))
            return redirect("profiles:portfolio-edit", pk=item.pk)
    context = {
        "items": selectors.own_portfolio_items(user=request.user),
        "form": form,
        "profile": profile,
    }
    return render(request, "profiles/portfolio.html", context)


@freelancer_required
@require_http_methods(["GET", "POST"])
def portfolio_edit(request, pk):
    item = _own_item_or_404(request.user, pk)
    form = PortfolioItemForm(
        request.POST or None,
        initial={"title": item.title, "description": item.description, "link": item.link},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.portfolio_item_update(actor=request.user, item=item, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The item was saved."))
            return redirect("profiles:portfolio-edit", pk=item.pk)
    return _render_item(request, item, form=form)


def _render_item(request, item, *, form=None, image_form=None):
    context = {
        "item": item,
        "form": form
        or PortfolioItemForm(
            initial={"title": item.title, "description": item.description, "link": item.link}
        ),
        "image_form": image_form or PortfolioImageForm(),
        "images": item.images.all(),
    }
    return render(request, "profiles/portfolio_item.html", context)


@freelancer_required
@require_POST
def portfolio_delete(request, pk):
    item = _own_item_or_404(request.user, pk)
    services.portfolio_item_delete(actor=request.user, item=item)
    messages.success(request, _("The item was deleted."))
    return redirect("profiles:portfolio")


@freelancer_required
@require_POST
def portfolio_image_add(request, pk):
    item = _own_item_or_404(request.user, pk)
    image_form = PortfolioImageForm(request.POST, request.FILES)
    if image_form.is_valid():
        try:
            services.portfolio_image_add(
                actor=request.user,
                item=item,
                upload=image_form.cleaned_data["image"],
                caption=image_form.cleaned_data["caption"],
            )
        except DomainError as error:
            image_form.add_error("image", error.message)
        else:
            messages.success(request, _("The image was added."))
            return redirect("profiles:portfolio-edit", pk=item.pk)
    return _render_item(request, item, image_form=image_form)


@freelancer_required
@require_POST
def portfolio_image_delete(request, pk, image_pk):
    item = _own_item_or_404(request.user, pk)
    try:
        services.portfolio_image_remove(actor=request.user, item=item, image_id=image_pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("The image was removed."))
    return redirect("profiles:portfolio-edit", pk=item.pk)


# --- Client profile -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def client_edit(request):
    profile = services.client_profile_get_or_create(user=request.user)
    initial = {name: getattr(profile, name) for name in ClientProfileForm.base_fields}
    form = ClientProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_profile_update(actor=request.user, profile=profile, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Your company and billing details were saved."))
            return redirect("profiles:client-edit")
    return render(request, "profiles/client_edit.html", {"form": form})
