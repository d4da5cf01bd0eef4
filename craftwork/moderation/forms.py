"""Web forms of moderation. Each maps to one service; domain errors come back as messages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DECISION_REASON_MAX_LENGTH, REASON_MAX_LENGTH, BlockedTerm, FlagReason

ACTION_CHOICES = [
    ("hide", _("Hide — out of public view, can be restored")),
    ("restore", _("Restore — back in public view")),
    ("remove", _("Remove — for good")),
    ("dismiss", _("Dismiss — no action, the reports were unfounded")),
]


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=FlagReason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX_LENGTH}),
        help_text=_("Required when you choose “Something else”."),
    )


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"), choices=ACTION_CHOICES, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (the author sees it)"),
        max_length=DECISION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": DECISION_REASON_MAX_LENGTH}),
    )
    notify_flaggers = forms.BooleanField(
        label=_("Tell the people who reported it"), required=False, initial=True
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=DECISION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": DECISION_REASON_MAX_LENGTH}),
    )


class BlockedTermForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=BlockedTerm.Kind.choices)
    term = forms.CharField(label=_("Word, phrase or domain"), max_length=100)
    note = forms.CharField(label=_("Note for staff"), max_length=200, required=False)


def apply_domain_error(form, error) -> None:
    """Put a DomainError's field details on the form's fields, the message on the form."""
    placed = False
    for name, problems in (error.details or {}).items():
        if name in form.fields and isinstance(problems, list | tuple):
            for problem in problems:
                form.add_error(name, str(problem))
            placed = True
    if not placed:
        form.add_error(None, error.message)
