"""Spoken languages a freelancer can list (ISO 639-1 codes) and the levels they can claim."""

from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_PROFILE_LANGUAGES = 12


class LanguageLevel(models.TextChoices):
    BASIC = "basic", _("Basic")
    CONVERSATIONAL = "conversational", _("Conversational")
    FLUENT = "fluent", _("Fluent")
    NATIVE = "native", _("Native or bilingual")


SPOKEN_LANGUAGE_CHOICES = [
    ("af", _("Afrikaans")),
    ("ar", _("Arabic")),
    ("bg", _("Bulgarian")),
    ("bn", _("Bengali")),
    ("ca", _("Catalan")),
    ("cs", _("Czech")),
    ("da", _("Danish")),
    ("de", _("German")),
    ("el", _("Greek")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("et", _("Estonian")),
    ("eu", _("Basque")),
    ("fa", _("Persian")),
    ("fi", _("Finnish")),
    ("fil", _("Filipino")),
    ("fr", _("French")),
    ("ga", _("Irish")),
    ("gl", _("Galician")),
    ("gu", _("Gujarati")),
    ("he", _("Hebrew")),
    ("hi", _("Hindi")),
    ("hr", _("Croatian")),
    ("hu", _("Hungarian")),
    ("id", _("Indonesian")),
    ("it", _("Italian")),
    ("ja", _("Japanese")),
    ("ko", _("Korean")),
    ("lt", _("Lithuanian")),
    ("lv", _("Latvian")),
    ("ms", _("Malay")),
    ("nl", _("Dutch")),
    ("no", _("Norwegian")),
    ("pa", _("Punjabi")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("qu", _("Quechua")),
    ("ro", _("Romanian")),
    ("ru", _("Russian")),
    ("sk", _("Slovak")),
    ("sl", _("Slovenian")),
    ("sr", _("Serbian")),
    ("sv", _("Swedish")),
    ("sw", _("Swahili")),
    ("ta", _("Tamil")),
    ("th", _("Thai")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("ur", _("Urdu")),
    ("vi", _("Vietnamese")),
    ("zh", _("Chinese")),
]
SPOKEN_LANGUAGE_CODES = frozenset(code for code, _name in SPOKEN_LANGUAGE_CHOICES)
SPOKEN_LANGUAGE_NAMES = dict(SPOKEN_LANGUAGE_CHOICES)
