"""Input serializers check shapes and types (unknown fields refused); the services check the rules.

Two outputs: ``ReviewPublicOutput`` for anyone (no private note, no moderation details) and
``ReviewOwnOutput`` for the author only.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from craftwork.core.api.serializers import StrictSerializer
from craftwork.core.markdown import render_markdown

from .. import selectors
from ..models import (
    ALL_DIMENSIONS,
    MAX_PRIVATE_NOTE_LENGTH,
    MAX_RATING,
    MAX_RESPONSE_LENGTH,
    MAX_TEXT_LENGTH,
    MIN_RATING,
    AuthorRole,
    Moderation,
)

STARS = {"min_value": MIN_RATING, "max_value": MAX_RATING}
RATINGS_HELP = (
    "A client rates quality, communication, timeliness, professionalism and value; a freelancer "
    "rates clarity (of requirements), communication and payment_promptness. Each 1-5, all required."
)

# --- Input ------------------------------------------------------------------------------------------


class ReviewRatingsInput(StrictSerializer):
    quality = serializers.IntegerField(required=False, **STARS)
    communication = serializers.IntegerField(required=False, **STARS)
    timeliness = serializers.IntegerField(required=False, **STARS)
    professionalism = serializers.IntegerField(required=False, **STARS)
    value = serializers.IntegerField(required=False, **STARS)
    clarity = serializers.IntegerField(required=False, **STARS)
    payment_promptness = serializers.IntegerField(required=False, **STARS)


class ReviewCreateInput(StrictSerializer):
    overall = serializers.IntegerField(**STARS)
    ratings = ReviewRatingsInput(help_text=RATINGS_HELP)
    text = serializers.CharField(
        max_length=MAX_TEXT_LENGTH,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="Markdown; public once published.",
    )
    private_note = serializers.CharField(
        max_length=MAX_PRIVATE_NOTE_LENGTH,
        required=False,
        allow_blank=True,
        help_text="For Craftwork only: never shown to the other party.",
    )
    submit = serializers.BooleanField(
        required=False, default=False, help_text="Submit at once instead of keeping a draft."
    )


class ReviewUpdateInput(StrictSerializer):
    overall = serializers.IntegerField(required=False, **STARS)
    ratings = ReviewRatingsInput(required=False, help_text="Only the sub-ratings to change.")
    text = serializers.CharField(
        max_length=MAX_TEXT_LENGTH, required=False, allow_blank=True, trim_whitespace=False
    )
    private_note = serializers.CharField(
        max_length=MAX_PRIVATE_NOTE_LENGTH, required=False, allow_blank=True
    )


class ReviewResponseInput(StrictSerializer):
    text = serializers.CharField(max_length=MAX_RESPONSE_LENGTH)


class ReviewPhotoInput(StrictSerializer):
    photo = serializers.FileField(help_text="A JPEG, PNG, WebP or GIF image.")


# --- Output -----------------------------------------------------------------------------------------


class ReviewRatingsOutput(serializers.Serializer):
    """The sub-ratings of the author's side (the others are left out)."""

    quality = serializers.IntegerField(required=False)
    communication = serializers.IntegerField(required=False)
    timeliness = serializers.IntegerField(required=False)
    professionalism = serializers.IntegerField(required=False)
    value = serializers.IntegerField(required=False)
    clarity = serializers.IntegerField(required=False)
    payment_promptness = serializers.IntegerField(required=False)

    def to_representation(self, review):
        return dict(review.ratings)


class ReviewPersonOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return selectors.public_name(user)


def _absolute(context, url: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url


class ReviewPhotoOutput(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    def get_url(self, photo) -> str:
        return _absolute(self.context, photo.image.url)

    def get_thumbnail_url(self, photo) -> str:
        return _absolute(self.context, photo.thumbnail.url)


class ReviewResponseOutput(serializers.Serializer):
    text = serializers.CharField(source="response_text")
    text_html = serializers.SerializerMethodField()
    responded_at = serializers.DateTimeField()

    def get_text_html(self, review) -> str:
        return str(render_markdown(review.response_text))


class ReviewPublicOutput(serializers.Serializer):
    id = serializers.UUIDField()
    author = ReviewPersonOutput()
    subject_id = serializers.UUIDField()
    author_role = serializers.ChoiceField(
        choices=AuthorRole.choices, help_text="client: a review of the freelancer, and vice versa."
    )
    contract_title = serializers.CharField(source="contract.title")
    gig_id = serializers.UUIDField(allow_null=True)
    overall = serializers.IntegerField()
    ratings = ReviewRatingsOutput(source="*")
    text = serializers.CharField()
    text_html = serializers.SerializerMethodField()
    photos = ReviewPhotoOutput(many=True, source="photos.all")
    published_at = serializers.DateTimeField(allow_null=True)
    response = serializers.SerializerMethodField()

    def get_text_html(self, review) -> str:
        return str(render_markdown(review.text))

    @extend_schema_field(ReviewResponseOutput(allow_null=True))
    def get_response(self, review):
        if review.responded_at is None:
            return None
        return ReviewResponseOutput(review).data


class ReviewOwnOutput(ReviewPublicOutput):
    """The author's view of their own review: state, window, and the private note."""

    contract_id = serializers.UUIDField()
    status = serializers.CharField(help_text="draft, submitted or published.")
    moderation = serializers.ChoiceField(choices=Moderation.choices)
    private_note = serializers.CharField()
    window_closes_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    can_edit = serializers.SerializerMethodField()

    def get_can_edit(self, review) -> bool:
        from django.utils import timezone

        return review.is_editable and timezone.now() < review.window_closes_at


class ContractReviewsOutput(serializers.Serializer):
    contract_id = serializers.UUIDField(source="contract.pk")
    role = serializers.CharField(help_text="Your side of the contract: client or provider.")
    state = serializers.CharField(
        help_text=(
            "Your review on this contract: not_completed, write (you may review), draft, "
            "waiting (submitted, not yet published), held (with moderation), published, closed."
        ),
    )
    window_closes_at = serializers.DateTimeField(allow_null=True)
    other_submitted = serializers.BooleanField(
        help_text="The other party has submitted a review of you (readable once published)."
    )
    dimensions = serializers.SerializerMethodField()
    mine = ReviewOwnOutput(allow_null=True)
    theirs = ReviewPublicOutput(allow_null=True, help_text="Only once it is published.")

    def get_dimensions(self, state) -> list[str]:
        from ..models import DIMENSIONS

        return list(DIMENSIONS[state.role])


class RatingDimensionOutput(serializers.Serializer):
    name = serializers.ChoiceField(choices=list(ALL_DIMENSIONS))
    label = serializers.CharField()
    average = serializers.DecimalField(
        max_digits=3, decimal_places=2, coerce_to_string=False, allow_null=True
    )


class RatingStarOutput(serializers.Serializer):
    stars = serializers.IntegerField()
    count = serializers.IntegerField()
    percent = serializers.IntegerField()


class RatingSummaryOutput(serializers.Serializer):
    subject_type = serializers.CharField()
    subject_id = serializers.UUIDField()
    count = serializers.IntegerField()
    average = serializers.DecimalField(
        max_digits=3, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    bayesian = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="The average shrunk towards the platform mean (see docs/trust.md); for ranking.",
    )
    dimensions = RatingDimensionOutput(many=True)
    distribution = RatingStarOutput(many=True, help_text="From 5 stars down to 1.")


class PendingReviewOutput(serializers.Serializer):
    contract_id = serializers.UUIDField(source="pk")
    title = serializers.CharField()
    role = serializers.SerializerMethodField()
    other_party = serializers.SerializerMethodField()
    has_draft = serializers.BooleanField()
    window_closes_at = serializers.SerializerMethodField()
    review_url = serializers.SerializerMethodField()

    def _user(self):
        return self.context["request"].user

    def get_role(self, contract) -> str:
        return contract.role_of(self._user()) or ""

    @extend_schema_field(ReviewPersonOutput)
    def get_other_party(self, contract):
        return ReviewPersonOutput(contract.other_party(self._user())).data

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_window_closes_at(self, contract):
        from datetime import timedelta

        from .. import rules

        moment = contract.review_opened + timedelta(days=rules.review_window_days())
        return serializers.DateTimeField().to_representation(moment)

    def get_review_url(self, contract) -> str:
        return reverse("reviews-api:contract", args=[contract.pk])


class RatingBriefOutput(serializers.Serializer):
    """A user's rating as a freelancer, for lists (proposals, people)."""

    count = serializers.IntegerField()
    average = serializers.DecimalField(
        max_digits=3, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    bayesian = serializers.DecimalField(
        max_digits=3, decimal_places=2, coerce_to_string=False, allow_null=True
    )


def user_rating_in_list(serializer, user_id, *, key) -> dict:
    """For a SerializerMethodField: ``user_id``'s rating, looked up once for the whole list.

    When the serializer renders a list (``many=True``), the ratings of every row's user
    (``key(row)``) are loaded in one go and kept in the serializer context."""
    cache = serializer.context.setdefault("_review_ratings", {})
    if user_id not in cache:
        rows = getattr(serializer.parent, "instance", None) or []
        ids = {key(row) for row in rows} | {user_id}
        cache.update(selectors.rating_summary_for_users(ids))
    summary = cache.get(user_id) or selectors.RatingSummary("provider", user_id)
    return RatingBriefOutput(summary).data
