"""Web pages of the accounts app. Each action calls the same service as the API."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from craftwork.core import locality
from craftwork.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from craftwork.core.money import CURRENCIES

from . import selectors, services
from .errors import TooManyAttempts
from .forms import (
    AvatarForm,
    InviteForm,
    LoginForm,
    MemberRoleForm,
    OrganizationForm,
    PasswordChangeForm,
    PasswordResetForm,
    RoleForm,
    SetPasswordForm,
    SettingsForm,
    SignupForm,
    add_domain_error,
)
from .models import Membership, User

PASSWORD_BACKEND = "craftwork.accounts.backends.EmailPasswordBackend"
SIGNUP_EMAIL_KEY = "signup_email"  # the address this browser signed up with, until verified


def _next_url(request, default=None) -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default or settings.LOGIN_REDIRECT_URL)


def _browser_timezone(request) -> str:
    """The time zone the sign-up page's script read from the browser, else the main one of the
    Accept-Language region ("es-MX" -> America/Mexico_City), else UTC."""
    zone, _currency = locality.guess(
        browser_timezone=request.POST.get("timezone"),
        accept_language=request.headers.get("Accept-Language", ""),
        currencies=CURRENCIES,
    )
    return zone


def _request_language() -> str:
    language = (translation.get_language() or "en").split("-")[0]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


# --- sign in, sign up, sign out ---------------------------------------------------------


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_login(
                email=form.cleaned_data["email"], password=form.cleaned_data["password"]
            )
        except TooManyAttempts as exc:
            form.add_error(None, exc.message)
            retry_after = exc.retry_after
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            auth_login(request, user, backend=PASSWORD_BACKEND)
            return redirect(_next_url(request))
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    response = render(request, "accounts/login.html", context, status=429 if retry_after else 200)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def login_link_view(request, uidb64, token):
    """GET only shows a button: mail scanners that open links must not spend the one-time link."""
    error = None
    if request.method == "POST":
        try:
            user = services.user_login_with_link(uidb64=uidb64, token=token)
        except DomainError as exc:
            error = exc.message
        else:
            auth_login(request, user, backend=PASSWORD_BACKEND)
            return redirect(settings.LOGIN_REDIRECT_URL)
    context = {"error": error}
    return render(request, "accounts/login_link.html", context, status=400 if error else 200)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.user_logout(actor=request.user)
        auth_logout(request)
        messages.info(request, _("You are signed out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def signup_view(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    preselected = request.GET.get("role")
    initial = {"roles": [preselected]} if preselected in User.View.values else {}
    form = SignupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_signup(
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                roles=set(data["roles"]),
                language=_request_language(),
                timezone=_browser_timezone(request),
            )
        except DomainError as exc:
            add_domain_error(form, exc, {"password": "password1"})
        else:
            # The same answer whether the address was new or taken: no sign-in here. The
            # verification link signs in the browser that signed up (verify_email_view).
            request.session[SIGNUP_EMAIL_KEY] = data["email"].strip().lower()
            next_url = request.POST.get("next")
            if next_url and url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}
            ):
                request.session["after_verify_next"] = next_url
            return redirect("accounts:verify-email-sent")
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "accounts/signup.html", context)


# --- email verification ----------------------------------------------------------------------


@require_GET
def verify_email_view(request, uidb64, token):
    try:
        user = services.user_verify_email(uidb64=uidb64, token=token)
    except Conflict as exc:
        messages.info(request, exc.message)
    except DomainError as exc:
        context = {"message": exc.message}
        return render(request, "accounts/verify_email_failed.html", context, status=400)
    else:
        messages.success(request, _("Thank you, your email address is verified."))
        if (
            not request.user.is_authenticated
            and request.session.get(SIGNUP_EMAIL_KEY) == user.email
        ):
            del request.session[SIGNUP_EMAIL_KEY]
            auth_login(request, user, backend=PASSWORD_BACKEND)
    if request.user.is_authenticated:
        return redirect(
            request.session.pop("after_verify_next", None) or settings.LOGIN_REDIRECT_URL
        )
    return redirect("accounts:login")


@require_GET
def verify_email_sent_view(request):
    email = request.user.email if request.user.is_authenticated else None
    context = {
        "next": request.session.get("after_verify_next"),
        "email": email or request.session.get(SIGNUP_EMAIL_KEY),
    }
    return render(request, "accounts/verify_email_sent.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def verify_email_resend_view(request):
    if request.method == "POST":
        try:
            services.user_resend_verification(actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("accounts:verify-email-resend")
        messages.success(request, _("We sent you a new verification email."))
        return redirect("accounts:verify-email-sent")
    return render(request, "accounts/verify_email_resend.html")


# --- passwords -----------------------------------------------------------------------------------


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_change_password(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except DomainError as exc:
            add_domain_error(form, exc, {"new_password": "new_password1"})
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:settings")
    return render(request, "accounts/password_change.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset_view(request):
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(email=form.cleaned_data["email"])
        return redirect("accounts:password-reset-done")
    return render(request, "accounts/password_reset.html", {"form": form})


@require_GET
def password_reset_done_view(request):
    return render(request, "accounts/password_reset_done.html")


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm_view(request, uidb64, token):
    if selectors.user_for_password_reset_link(uidb64, token) is None:
        return render(
            request, "accounts/password_reset_confirm.html", {"validlink": False}, status=400
        )
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_confirm(
                uidb64=uidb64, token=token, new_password=form.cleaned_data["new_password1"]
            )
        except DomainError as exc:
            add_domain_error(form, exc, {"new_password": "new_password1"})
        else:
            return redirect("accounts:password-reset-complete")
    return render(
        request, "accounts/password_reset_confirm.html", {"validlink": True, "form": form}
    )


@require_GET
def password_reset_complete_view(request):
    return render(request, "accounts/password_reset_complete.html")


# --- settings, roles, view ---------------------------------------------------------------------------


def _settings_page(request, *, settings_form=None, avatar_form=None, role_form=None, status=200):
    user = request.user
    context = {
        "settings_form": settings_form
        or SettingsForm(
            initial={
                "first_name": user.first_name,
                "last_name": user.last_name,
                "timezone": user.timezone,
                "language": user.language,
            }
        ),
        "avatar_form": avatar_form or AvatarForm(),
        "role_form": role_form or RoleForm(user=user),
    }
    return render(request, "accounts/settings.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request):
    if request.method == "GET":
        return _settings_page(request)
    form = SettingsForm(request.POST)
    if form.is_valid():
        try:
            services.user_update_settings(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            translation.activate(request.user.language)
            messages.success(request, _("Your settings are saved."))
            return redirect("accounts:settings")
    return _settings_page(request, settings_form=form, status=400)


@login_required
@require_POST
def avatar_view(request):
    form = AvatarForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.user_set_avatar(actor=request.user, upload=form.cleaned_data["avatar"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your photo is updated."))
            return redirect("accounts:settings")
    return _settings_page(request, avatar_form=form, status=400)


@login_required
@require_POST
def avatar_delete_view(request):
    services.user_remove_avatar(actor=request.user)
    messages.success(request, _("Your photo is removed."))
    return redirect("accounts:settings")


@login_required
@require_POST
def role_add_view(request):
    form = RoleForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.user_set_roles(actor=request.user, roles={form.cleaned_data["role"]})
        except DomainError as exc:
            add_domain_error(form, exc, {"roles": "role"})
        else:
            messages.success(request, _("The role is added to your account."))
            return redirect("accounts:settings")
    return _settings_page(request, role_form=form, status=400)


@login_required
@require_POST
def switch_view_view(request):
    try:
        services.user_switch_view(actor=request.user, view=request.POST.get("view", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("web:dashboard")


# --- organizations -----------------------------------------------------------------------------------


def _with_role_label(organization):
    organization.my_role_label = Membership.Role(organization.my_role).label
    return organization


def _organization_or_404(request, pk):
    try:
        return _with_role_label(selectors.organization_for_member(request.user, pk))
    except NotFound as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def organizations_view(request):
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The organization is created."))
            return redirect("accounts:organization-detail", pk=organization.pk)
    organizations = [_with_role_label(o) for o in selectors.organizations_for(request.user)]
    context = {"organizations": organizations, "form": form}
    return render(
        request, "accounts/organization_list.html", context, status=400 if form.errors else 200
    )


def _detail_page(request, organization, *, edit_form=None, invite_form=None, status=200):
    manager = selectors.can_manage_organization(request.user, organization)
    context = {
        "organization": organization,
        "memberships": selectors.organization_members(organization),
        "can_manage": manager,
        "is_owner": organization.my_role == Membership.Role.OWNER,
        "invitations": selectors.pending_invitations(organization) if manager else [],
        "edit_form": edit_form
        or OrganizationForm(initial={"name": organization.name, "website": organization.website}),
        "invite_form": invite_form or InviteForm(),
        "role_choices": MemberRoleForm.base_fields["role"].choices,
    }
    return render(request, "accounts/organization_detail.html", context, status=status)


@login_required
@require_GET
def organization_detail_view(request, pk):
    return _detail_page(request, _organization_or_404(request, pk))


@login_required
@require_POST
def organization_edit_view(request, pk):
    organization = _organization_or_404(request, pk)
    form = OrganizationForm(request.POST)
    if form.is_valid():
        try:
            services.organization_update(
                actor=request.user, organization=organization, **form.cleaned_data
            )
        except PermissionDenied as exc:  # no form on their page to show it next to
            messages.error(request, exc.message)
            return redirect("accounts:organization-detail", pk=pk)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The organization is updated."))
            return redirect("accounts:organization-detail", pk=pk)
    return _detail_page(request, organization, edit_form=form, status=400)


@login_required
@require_POST
def organization_invite_view(request, pk):
    organization = _organization_or_404(request, pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.organization_invite(
                actor=request.user, organization=organization, **form.cleaned_data
            )
        except PermissionDenied as exc:
            if selectors.can_manage_organization(request.user, organization):
                add_domain_error(form, exc)  # an admin inviting an owner: show it on the form
                return _detail_page(request, organization, invite_form=form, status=403)
            messages.error(request, exc.message)
            return redirect("accounts:organization-detail", pk=pk)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("accounts:organization-detail", pk=pk)
    return _detail_page(request, organization, invite_form=form, status=400)


def _member_action(request, pk, member_pk, action):
    organization = _organization_or_404(request, pk)
    try:
        membership = selectors.membership_in(organization, member_pk)
    except NotFound as exc:
        raise Http404 from exc
    try:
        message = action(organization, membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
        if (
            membership.user_id == request.user.pk
            and not selectors.organizations_for(request.user).filter(pk=pk).exists()
        ):
            return redirect("accounts:organizations")
    return redirect("accounts:organization-detail", pk=pk)


@login_required
@require_POST
def member_role_view(request, pk, member_pk):
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        _organization_or_404(request, pk)
        messages.error(request, _("Choose one of the workspace roles."))
        return redirect("accounts:organization-detail", pk=pk)

    def change(organization, membership):
        role = form.cleaned_data["role"]
        services.membership_change_role(actor=request.user, membership=membership, role=role)
        return _("The role of %(name)s is updated.") % {"name": membership.user}

    return _member_action(request, pk, member_pk, change)


@login_required
@require_POST
def member_remove_view(request, pk, member_pk):
    def remove(organization, membership):
        services.membership_remove(actor=request.user, membership=membership)
        if membership.user_id == request.user.pk:
            return _("You left %(organization)s.") % {"organization": organization.name}
        return _("%(name)s was removed.") % {"name": membership.user}

    return _member_action(request, pk, member_pk, remove)


@login_required
@require_POST
def invitation_revoke_view(request, pk, invitation_pk):
    organization = _organization_or_404(request, pk)
    if not selectors.can_manage_organization(request.user, organization):
        raise Http404
    try:
        invitation = selectors.invitation_in(organization, invitation_pk)
    except NotFound as exc:
        raise Http404 from exc
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
        )
    return redirect("accounts:organization-detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, token):
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            membership = services.invitation_accept(actor=request.user, token=token)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("Welcome to %(organization)s.") % {"organization": invitation.organization.name},
            )
            return redirect("accounts:organization-detail", pk=membership.organization_id)
    context = {
        "invitation": invitation,
        "error": error,
        "email_matches": invitation.email.lower() == request.user.email.lower(),
    }
    return render(request, "accounts/invitation_accept.html", context, status=400 if error else 200)
