"""Web forms: they parse what the browser sends; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_MESSAGE_LENGTH


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        required=False,
        strip=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(
            attrs={"rows": 3, "data-testid": "message-body", "maxlength": MAX_MESSAGE_LENGTH}
        ),
        help_text=_("Markdown is supported."),
    )
    attachments = MultipleFileField(
        label=_("Attach files"),
        required=False,
        help_text=_("Up to 5 PDFs or images, 10 MB each."),
    )


class EditForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        required=False,
        strip=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "data-testid": "edit-body"}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search this conversation"), min_length=2, max_length=200)
