import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .listings import CURRENCIES, ROLE_CHOICES, Filters, Listing
from .metrics import MAX_PERIOD_DAYS, Period, default_period


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end comes before the start."))
            if (end - start).days + 1 > MAX_PERIOD_DAYS:
                raise forms.ValidationError(
                    _("Choose at most %(days)d days.") % {"days": MAX_PERIOD_DAYS}
                )
        return data

    def period(self, today: dt.date) -> Period:
        data = self.cleaned_data if self.is_valid() else {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            return Period(start=start, end=end)
        if end:
            return default_period(end)
        if start:
            return Period(start=start, end=min(start + dt.timedelta(days=29), today))
        return default_period(today)


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False)
    currency = forms.ChoiceField(label=_("Currency"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False)
    since = forms.DateField(label=_("From"), required=False)
    until = forms.DateField(label=_("To"), required=False)

    def __init__(self, *args, listing: Listing, **kwargs):
        super().__init__(*args, **kwargs)
        self.listing = listing
        self.fields["status"].choices = [("", _("Any status")), *listing.statuses]
        self.fields["currency"].choices = [("", _("Any currency")), *CURRENCIES]
        self.fields["role"].choices = [("", _("Any role")), *ROLE_CHOICES]
        if not listing.has_currency:
            del self.fields["currency"]
        if not listing.has_role:
            del self.fields["role"]

    def clean_q(self):
        value = self.cleaned_data["q"].strip()
        if "\x00" in value:
            raise forms.ValidationError(_("Remove the invisible characters."))
        return value

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        return Filters(
            query=data.get("q", ""),
            status=data.get("status", ""),
            currency=data.get("currency", "") or "",
            role=data.get("role", "") or "",
            since=data.get("since"),
            until=data.get("until"),
        )
