"""Web forms: shape and length checks only. The rules live in the services."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import DomainError, ValidationFailed

from .models import Membership, User, timezone_choices

ROLE_CHOICES = [
    (User.View.CLIENT, _("I want to hire")),
    (User.View.FREELANCER, _("I want to work")),
]


def _attrs(testid: str, **extra) -> dict:
    return {"data-testid": testid, **extra}


def _password_field(label, testid, autocomplete="new-password"):
    return forms.CharField(
        label=label,
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs=_attrs(testid, autocomplete=autocomplete)),
    )


def _email_field(testid, autocomplete="email"):
    return forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs=_attrs(testid, autocomplete=autocomplete)),
    )


def add_domain_error(form: forms.Form, exc: DomainError, field_map: dict | None = None) -> None:
    """Show a service's refusal next to the fields it names, or above the form."""
    field_map = field_map or {}
    placed = False
    if isinstance(exc, ValidationFailed):
        for field, messages in exc.details.items():
            if not isinstance(messages, list):
                continue
            name = field_map.get(field, field)
            form.add_error(name if name in form.fields else None, messages)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


class LoginForm(forms.Form):
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs=_attrs("login-email", autocomplete="email", autofocus=True)),
    )
    password = _password_field(_("Password"), "login-password", autocomplete="current-password")


class SignupForm(forms.Form):
    email = _email_field("signup-email")
    first_name = forms.CharField(
        label=_("First name"),
        max_length=80,
        widget=forms.TextInput(attrs=_attrs("signup-first-name", autocomplete="given-name")),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs=_attrs("signup-last-name", autocomplete="family-name")),
    )
    password1 = _password_field(_("Password"), "signup-password")
    password2 = _password_field(_("Confirm password"), "signup-password-confirm")
    roles = forms.MultipleChoiceField(
        label=_("What brings you here?"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one: hire, work, or both.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = _(
            "At least 10 characters; not a common or all-numeric password."
        )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords do not match."))
        return cleaned


class SettingsForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=80,
        widget=forms.TextInput(attrs=_attrs("settings-first-name")),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs=_attrs("settings-last-name")),
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezone_choices,
        widget=forms.Select(attrs=_attrs("settings-timezone")),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        widget=forms.Select(attrs=_attrs("settings-language")),
    )


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        label=_("Profile photo"),
        help_text=_("JPEG, PNG, WebP or GIF, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs=_attrs("avatar-input", accept="image/*")),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Add a role"), choices=ROLE_CHOICES, widget=forms.RadioSelect)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            held = {User.View.CLIENT: user.is_client, User.View.FREELANCER: user.is_freelancer}
            self.fields["role"].choices = [
                (value, label) for value, label in ROLE_CHOICES if not held[value]
            ]


class SetPasswordForm(forms.Form):
    new_password1 = _password_field(_("New password"), "password-new")
    new_password2 = _password_field(_("Confirm new password"), "password-new-confirm")

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords do not match."))
        return cleaned


class PasswordChangeForm(SetPasswordForm):
    old_password = _password_field(
        _("Current password"), "password-old", autocomplete="current-password"
    )

    field_order = ["old_password", "new_password1", "new_password2"]


class PasswordResetForm(forms.Form):
    email = _email_field("password-reset-email")


class OrganizationForm(forms.Form):
    name = forms.CharField(
        label=_("Organization name"),
        max_length=150,
        widget=forms.TextInput(attrs=_attrs("organization-name")),
    )
    website = forms.URLField(
        label=_("Website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs=_attrs("organization-website", placeholder="https://")),
    )


class InviteForm(forms.Form):
    email = _email_field("invite-email", autocomplete="off")
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.RECRUITER,
        widget=forms.Select(attrs=_attrs("invite-role")),
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
