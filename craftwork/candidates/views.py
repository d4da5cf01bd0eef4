"""The candidate's pages: the profile, its form, CV upload and the pre-filled review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from craftwork.core.errors import DomainError, NotFound
from craftwork.core.files import private_file_response
from craftwork.core.money import Money
from craftwork.profiles.languages import SPOKEN_LANGUAGE_NAMES, LanguageLevel
from craftwork.profiles.selectors import skill_categories_with_skills

from . import selectors, services
from .forms import FORMSETS, SECTIONS, CVUploadForm, ProfileForm
from .models import CVStatus


def _skill_choices():
    return [
        (category.name, [(skill.slug, skill.name) for skill in category.skills.all()])
        for category in skill_categories_with_skills()
    ]


class ProfileForms:
    """The profile form and its section formsets, bound to a POST or started from data."""

    def __init__(self, *, data=None, initial: dict | None = None):
        initial = initial or {}
        self.form = ProfileForm(
            data,
            initial=ProfileForm.initial_from(initial) if data is None else None,
            skill_choices=_skill_choices(),
        )
        self.sets = {}
        for name, formset_class in FORMSETS.items():
            rows = initial.get(name, []) if data is None else None
            if name == "links" and rows is not None:
                rows = [{"url": url} for url in rows]
            self.sets[name] = formset_class(data, initial=rows, prefix=name)

    def is_valid(self) -> bool:
        results = [self.form.is_valid()] + [fs.is_valid() for fs in self.sets.values()]
        return all(results)

    def profile_fields(self) -> dict:
        fields = self.form.profile_fields()
        fields["work"] = [
            {key: row[key] for key in row if key != "DELETE"} for row in self.sets["work"].rows()
        ]
        fields["education"] = [
            {key: row[key] for key in row if key != "DELETE"}
            for row in self.sets["education"].rows()
        ]
        fields["languages"] = [
            {"code": row["code"], "level": row["level"]} for row in self.sets["languages"].rows()
        ]
        fields["links"] = [row["url"] for row in self.sets["links"].rows()]
        return fields

    def show_error(self, error: DomainError) -> None:
        """Put a service's refusal next to the field it names ("work.2.end_year")."""
        placed = False
        for key, problems in (error.details or {}).items():
            section, _dot, rest = key.partition(".")
            index, _dot, field = rest.partition(".")
            target, name = None, None
            if section in self.sets and index.isdigit():
                forms = [f for f in self.sets[section].forms if f.has_changed()]
                if int(index) < len(forms):
                    target = forms[int(index)]
                    name = "url" if section == "links" else field
            elif key in self.form.fields:
                target, name = self.form, key
            elif key == "desired_salary_amount":
                target, name = self.form, "desired_salary"
            if target is not None and name in target.fields:
                for problem in problems if isinstance(problems, list) else [problems]:
                    target.add_error(name, str(problem))
                placed = True
        if not placed:
            self.form.add_error(None, error.message)

    def context(self) -> dict:
        return {"form": self.form, **{f"{name}_formset": fs for name, fs in self.sets.items()}}


def _add_row(post, section: str):
    """The POST with one more empty row in ``section`` (the "Add" buttons work without JS)."""
    data = post.copy()
    key = f"{section}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        total = 0
    data[key] = str(min(total + 1, FORMSETS[section].absolute_max))
    return data


def _own_cv_or_404(user, pk):
    try:
        return selectors.own_cv(user=user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _language_items(profile):
    levels = dict(LanguageLevel.choices)
    return [
        {
            "name": SPOKEN_LANGUAGE_NAMES.get(item["code"], item["code"]),
            "level": levels.get(item["level"], item["level"]),
        }
        for item in (profile.languages if profile else [])
    ]


@login_required
@require_GET
def profile_detail(request):
    profile = selectors.profile_for(request.user)
    salary = None
    if profile and profile.desired_salary_amount:
        salary = f"{Money(profile.desired_salary_amount, profile.desired_salary_currency)} " + str(
            profile.get_desired_salary_period_display()
        )
    context = {
        "profile": profile,
        "desired_salary": salary,
        "languages": _language_items(profile),
        "upload_form": CVUploadForm(),
        "pending_cv": selectors.pending_cv(user=request.user),
    }
    return render(request, "candidates/profile_detail.html", context)


def _edit_or_confirm(request, *, initial: dict, on_valid, template: str, extra: dict):
    if request.method == "POST":
        add = request.POST.get("add")
        if add in SECTIONS:
            forms = ProfileForms(data=_add_row(request.POST, add))
            return render(request, template, {**forms.context(), **extra, "added": add})
        forms = ProfileForms(data=request.POST)
        if forms.is_valid():
            try:
                on_valid(forms.profile_fields())
            except DomainError as error:
                forms.show_error(error)
            else:
                return None
    else:
        forms = ProfileForms(initial=initial)
    return render(request, template, {**forms.context(), **extra})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    initial = selectors.profile_data(selectors.profile_for(request.user))

    def save(fields):
        services.profile_update(actor=request.user, **fields)

    response = _edit_or_confirm(
        request, initial=initial, on_valid=save, template="candidates/profile_edit.html", extra={}
    )
    if response is not None:
        return response
    messages.success(request, _("Your profile was saved."))
    return redirect("candidates:profile")


@login_required
@require_POST
def cv_upload(request):
    form = CVUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a PDF or Word file to upload."))
        return redirect("candidates:profile")
    try:
        cv = services.cv_upload(actor=request.user, upload=form.cleaned_data["file"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("candidates:profile")
    return redirect("candidates:cv-review", pk=cv.pk)


@login_required
@require_http_methods(["GET", "POST"])
def cv_review(request, pk):
    cv = _own_cv_or_404(request.user, pk)
    if cv.status != CVStatus.PARSED:
        messages.info(request, _("This CV was already confirmed or discarded."))
        return redirect("candidates:profile")
    initial = selectors.cv_draft(cv=cv, profile=selectors.profile_for(request.user))

    def confirm(fields):
        services.cv_confirm(actor=request.user, cv=cv, **fields)

    response = _edit_or_confirm(
        request,
        initial=initial,
        on_valid=confirm,
        template="candidates/cv_review.html",
        extra={"cv": cv, "parsed": cv.parsed},
    )
    if response is not None:
        return response
    messages.success(request, _("Your profile was updated from your CV."))
    return redirect("candidates:profile")


@login_required
@require_POST
def cv_discard(request, pk):
    cv = _own_cv_or_404(request.user, pk)
    try:
        services.cv_discard(actor=request.user, cv=cv)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The CV was discarded."))
    return redirect("candidates:profile")


@login_required
@require_GET
def cv_file(request, pk):
    cv = _own_cv_or_404(request.user, pk)
    return private_file_response(cv.file, name=cv.original_name, kind=cv.kind)
