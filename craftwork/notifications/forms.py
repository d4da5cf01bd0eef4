from django import forms
from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import DomainError, ValidationFailed


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    placed = False
    if isinstance(exc, ValidationFailed):
        for field, errors in exc.details.items():
            if field in form.fields and isinstance(errors, list):
                form.add_error(field, errors)
                placed = True
    if not placed:
        form.add_error(None, exc.message)


class PhoneForm(forms.Form):
    number = forms.CharField(
        label=_("Mobile number"),
        max_length=32,
        help_text=_("International format, for example +34 612 345 678. We text you a code."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )


class PhoneVerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        help_text=_("The 6-digit code we sent by SMS."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
    )
