"""Web forms: they parse what the browser sends; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from craftwork.core.errors import DomainError
from craftwork.core.files import validate_image

from .models import (
    DIMENSION_LABELS,
    DIMENSIONS,
    MAX_PHOTOS,
    MAX_PRIVATE_NOTE_LENGTH,
    MAX_RESPONSE_LENGTH,
    MAX_TEXT_LENGTH,
)

STAR_CHOICES = [
    (5, _("5: Excellent")),
    (4, _("4: Good")),
    (3, _("3: OK")),
    (2, _("2: Poor")),
    (1, _("1: Very poor")),
]


def apply_domain_error(form, error: DomainError) -> None:
    """Show a service's refusal next to the fields it names, or above the form."""
    placed = False
    for field, messages in (error.details or {}).items():
        if field in form.fields:
            for message in messages if isinstance(messages, list) else [messages]:
                form.add_error(field, str(message))
            placed = True
    if not placed:
        form.add_error(None, error.message)


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleImageInput(attrs={"multiple": True, "accept": "image/*"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleImageField, self).clean(item, initial) for item in files]


def _stars(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=STAR_CHOICES, coerce=int, widget=forms.RadioSelect
    )


class ReviewForm(forms.Form):
    """The review of the other party; the sub-ratings are those of the author's side."""

    overall = _stars(_("Overall"))
    text = forms.CharField(
        label=_("Your review"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Public once published. You can use simple formatting (markdown)."),
    )
    private_note = forms.CharField(
        label=_("Private note to Craftwork (optional)"),
        required=False,
        max_length=MAX_PRIVATE_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only our team reads it; the other party never sees it."),
    )
    photos = MultipleImageField(
        label=_("Photos of the work (optional)"),
        required=False,
        help_text=_("Up to %(max)d JPEG, PNG, WebP or GIF images.") % {"max": MAX_PHOTOS},
    )

    def __init__(self, *args, role: str, existing_photos: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        self.existing_photos = existing_photos
        self.dimension_names = DIMENSIONS[role]
        text, note, photos = (self.fields.pop(n) for n in ("text", "private_note", "photos"))
        for name in self.dimension_names:
            self.fields[name] = _stars(DIMENSION_LABELS[name])
        self.fields.update({"text": text, "private_note": note, "photos": photos})
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("data-testid", f"review-{name}")

    def clean_photos(self):
        """Checked before anything is written, so a bad photo leaves no half-saved review."""
        photos = self.cleaned_data.get("photos") or []
        if len(photos) + self.existing_photos > MAX_PHOTOS:
            raise forms.ValidationError(
                _("Add at most %(max)d photos.") % {"max": MAX_PHOTOS}, code="too_many_photos"
            )
        for photo in photos:
            try:
                validate_image(photo)
            except DomainError as error:
                raise forms.ValidationError(error.message, code=error.code) from error
        return photos

    @classmethod
    def initial_for(cls, review) -> dict:
        return {
            "overall": review.overall,
            "text": review.text,
            "private_note": review.private_note,
            **review.ratings,
        }

    @property
    def rating_fields(self):
        return [self["overall"], *(self[name] for name in self.dimension_names)]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "overall": data["overall"],
            "ratings": {name: data[name] for name in self.dimension_names},
            "text": data.get("text", ""),
            "private_note": data.get("private_note", ""),
        }


class ResponseForm(forms.Form):
    text = forms.CharField(
        label=_("Your public response"),
        max_length=MAX_RESPONSE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "data-testid": "response-text"}),
    )
