"""Web forms: they only parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_REF_LENGTH, ItemKind

# The services check the real maximum per item; this only keeps absurd numbers out.
MAX_QUANTITY_INPUT = 1000


class ItemForm(forms.Form):
    kind = forms.ChoiceField(choices=ItemKind.choices)
    ref = forms.CharField(max_length=MAX_REF_LENGTH)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY_INPUT, required=False
    )
    next = forms.CharField(max_length=500, required=False)


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY_INPUT)


class CheckoutForm(forms.Form):
    attempt = forms.CharField(max_length=100)
    version = forms.CharField(max_length=64)


class StaffCheckoutFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status"))],
    )

    def __init__(self, *args, **kwargs):
        from .models import CheckoutStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *CheckoutStatus.choices]


def form_error_message(form) -> str:
    """One line for a message: the first error of the form."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return str(_("The data is not valid."))
