"""Screening: a table of texts that must be held and texts that must pass."""

import pytest

from craftwork.moderation import screening
from craftwork.moderation.models import BlockedTerm
from craftwork.moderation.screening import screen_text

pytestmark = pytest.mark.django_db

HELD = [
    # emails
    ("Write to me: jane.doe@example.com", "email"),
    ("JANE@EXAMPLE.ORG for details", "email"),
    ("mail jane @ gmail.com", "email"),
    ("jane.doe+gigs@sub.mail.example.co.uk", "email"),
    # disguised emails
    ("jane at gmail dot com", "obfuscated_contact"),
    ("jane(at)gmail(dot)com", "obfuscated_contact"),
    ("jane [at] example [dot] com", "obfuscated_contact"),
    ("jane {at} mysite {dot} io", "obfuscated_contact"),
    ("escríbeme a juana arroba correo punto es", "obfuscated_contact"),
    ("jane at gmail.com", "obfuscated_contact"),
    ("jane at hotmail . com", "obfuscated_contact"),
    # phones, international
    ("Call +34 612 345 678 any time", "phone"),
    ("+1 (555) 123-4567", "phone"),
    ("+44 20 7946 0958", "phone"),
    ("+49 30 1234567", "phone"),
    ("0034 612345678", "phone"),
    ("+34612345678", "phone"),
    ("WhatsApp: +52 55 1234 5678", "phone"),
    # phones, local
    ("my number is 612 345 678", "phone"),
    ("(555) 123-4567", "phone"),
    ("555.123.4567", "phone"),
    ("555-123-4567", "phone"),
    ("06 12 34 56 78", "phone"),
    ("0612345678", "phone"),
    ("020 7946 0958", "phone"),
    ("6 1 2 3 4 5 6 7 8", "phone"),
    ("six one two three four five six seven eight", "phone"),
    ("\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18", "phone"),  # full-width digits
    # outside payment / contact links
    ("Pay me at paypal.me/janedoe", "external_link"),
    ("https://www.paypal.me/janedoe", "external_link"),
    ("message me on https://wa.me/34612345678", "external_link"),
    ("join t.me/janechannel", "external_link"),
    ("venmo.com/u/jane", "external_link"),
    ("https://cash.app/$jane", "external_link"),
    ("revolut.me/jane", "external_link"),
    ("wa dot me/jane", "obfuscated_contact"),
    # blocked words (settings default)
    ("Let's do the payment outside the platform", "blocked_word"),
    ("I accept Western Union", "blocked_word"),
    ("we can go off-platform", "blocked_word"),
    ("Pago por fuera, más barato", "blocked_word"),
    ("PAY ME DIRECTLY", "blocked_word"),
]

PASSES = [
    "",
    "I design logos and brand identities.",
    # prices
    "Price: $1,234,567.89 for the whole project",
    "Budget 1.234.567,89 €",
    "Costs 1 500 000 EUR in total",
    "€ 123 456 789",
    "Up to 250000000 dollars",
    "123 456 789 USD",
    "Paid 1234567.50 so far",
    # dates and years
    "Available 2024-05-12 to 2024-06-30",
    "Born 12/05/1990",
    "Worked 2015-2018, 2019 - 2023",
    "2018 2019 2020 2021 were good years",
    "From 12.05.2024 10:30 until 18:00",
    "Since 1999",
    "Office hours 9:00-17:00",
    # other numbers
    "Resolution 1920x1080 at 60 fps",
    "Server 192.168.100.200 is ours",
    "ISBN 978-3-16-148410-0",
    "Order #123456789 was delivered",
    "Reached 125 000 000 views",
    "Wrote 1 200 000 words",
    "Version 10.2.3",
    "Up to 12345678 characters",
    "invoice-123456789",
    "ref abc123456789",
    # words that look like contacts but are not
    "Look at this. It works",
    "I work at Google. Come and see",
    "I work at google.com as an engineer",
    "Meet me at home dot",
    "Twitter handle @jane_doe",
    "I build Telegram bots and WhatsApp integrations",
    "paypalme is not a link",
    "notwa.me.example is fine? no: see below",
    "We deliver a polka dot me-inspired pattern",
    "support for email, phone and chat is included",
    "Platform fee is paid outside business hours",
]


@pytest.mark.parametrize(("text", "reason"), HELD)
def test_held(text, reason):
    result = screen_text(text)
    assert result.held, text
    assert reason in result.reasons, (text, result)
    assert result.matches


@pytest.mark.parametrize("text", PASSES)
def test_passes(text):
    result = screen_text(text)
    assert not result.held, (text, result)
    assert result.reasons == ()


def test_several_reasons_in_one_text():
    result = screen_text("Call 612 345 678 or mail jane@example.com, or paypal.me/jane")
    assert set(result.reasons) == {"phone", "email", "external_link"}


def test_staff_terms_are_cached_and_invalidated(staff_user):
    from craftwork.moderation import services

    assert not screen_text("buy my crypto coin").held
    term = services.blocked_term_add(actor=staff_user, term="Crypto Coin")
    assert screen_text("buy my CRYPTO-coin now").reasons == ("blocked_word",)
    assert screen_text("c r y p t o c o i n").reasons == ("obfuscated_contact",)
    services.blocked_term_remove(actor=staff_user, term_id=term.pk)
    assert not screen_text("buy my crypto coin").held


def test_staff_domains(staff_user):
    from craftwork.moderation import services

    services.blocked_term_add(
        actor=staff_user, term="https://www.pay.example/", kind=BlockedTerm.Kind.DOMAIN
    )
    assert screen_text("go to pay.example/me").reasons == ("external_link",)
    assert not screen_text("go to notpay.example").held


def test_terms_are_read_from_the_cache(django_assert_num_queries):
    screening.invalidate_blocked_terms()
    with django_assert_num_queries(1):
        screen_text("hello")
        screen_text("hello again")


def test_settings_add_to_the_built_in_terms(settings):
    settings.MODERATION_BLOCKED_WORDS = ["banana"]
    settings.MODERATION_BLOCKED_DOMAINS = ["pay.example"]
    screening.invalidate_blocked_terms()
    assert screen_text("a banana").reasons == ("blocked_word",)
    assert screen_text("send it via https://pay.example/me").held
    assert screen_text("western union please").reasons == ("blocked_word",)


def test_huge_text_is_bounded():
    result = screen_text("word " * 200_000 + " jane@example.com")
    assert not result.held  # only the first MAX_SCREENED_CHARS are screened
    assert screen_text("x" * 50 + " jane@example.com").held
