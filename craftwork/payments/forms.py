"""Web forms: they only parse input; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import DomainError
from craftwork.core.money import CURRENCY_CHOICES, InvalidAmount, Money

from .models import Dispute, Refund, TransactionKind

MAX_AMOUNT_DIGITS = 12


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's error next to its field when it names one, else on the form."""
    field = (exc.details or {}).get("field")
    form.add_error(field if field in form.fields else None, exc.message)


class MoneyField(forms.DecimalField):
    """A decimal amount; ``clean_money`` pairs it with a currency exactly (no rounding)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", MAX_AMOUNT_DIGITS + 3)
        kwargs.setdefault("decimal_places", 3)
        kwargs.setdefault("min_value", Decimal("0.001"))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")


def to_money(form: forms.Form, field: str, value: Decimal, currency: str) -> Money | None:
    try:
        return Money.from_decimal(value, currency)
    except InvalidAmount as exc:
        form.add_error(field, exc.message)
        return None


class CardForm(forms.Form):
    number = forms.CharField(
        label=_("Card number"),
        max_length=23,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "cc-number",
                "inputmode": "numeric",
                "placeholder": "4242 4242 4242 4242",
            }
        ),
    )
    expiry = forms.CharField(
        label=_("Expiry (MM/YY)"),
        max_length=7,
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "placeholder": "12/34"}),
    )
    cvc = forms.CharField(
        label=_("CVC"),
        max_length=4,
        widget=forms.TextInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )
    name = forms.CharField(
        label=_("Name on card"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "cc-name"}),
    )


class BankAccountForm(forms.Form):
    holder_name = forms.CharField(label=_("Account holder"), max_length=200)
    account_number = forms.CharField(
        label=_("IBAN or account number"),
        max_length=42,
        help_text=_("Sandbox: any valid-looking number; one ending in 0002 makes payouts fail."),
    )


class WithdrawForm(forms.Form):
    amount = MoneyField(label=_("Amount"))
    method = forms.ChoiceField(label=_("Pay to"))
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES, widget=forms.HiddenInput)

    def __init__(self, *args, methods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(str(m.pk), m.display_name) for m in methods]


class RefundForm(forms.Form):
    amount = MoneyField(label=_("Amount to refund"))
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    cover = forms.ChoiceField(
        label=_("If part of it was already released to the provider"),
        choices=[("", _("Refuse the refund")), *Refund.Cover.choices],
        required=False,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class DisputeOpenForm(forms.Form):
    amount = MoneyField(label=_("Amount in dispute"))
    reason = forms.CharField(label=_("Reason"), max_length=200)
    evidence_text = forms.CharField(
        label=_("What happened"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    files = MultipleFileField(
        label=_("Evidence files"), help_text=_("PDF or images, up to 5 files.")
    )


class DisputeRespondForm(forms.Form):
    response_text = forms.CharField(
        label=_("Your response"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6})
    )
    files = MultipleFileField(
        label=_("Evidence files"), help_text=_("PDF or images, up to 5 files.")
    )


class DisputeResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Dispute.Outcome.choices, widget=forms.RadioSelect
    )
    to_provider = MoneyField(label=_("Provider's part (split only)"), required=False)
    decision = forms.CharField(
        label=_("Written decision"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6})
    )


class HistoryFilterForm(forms.Form):
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[("", _("All")), *CURRENCY_CHOICES], required=False
    )
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", _("All")), *TransactionKind.choices], required=False
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("", _("All")), ("in", _("Money in")), ("out", _("Money out"))],
        required=False,
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class StuckBalanceForm(forms.Form):
    escrow_ref = forms.CharField(max_length=200, widget=forms.HiddenInput)
    item_ref = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[
            ("refund", _("Retry the refund to the client")),
            ("release", _("Release to the provider")),
            ("writeoff", _("Move to platform revenue")),
        ]
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)
