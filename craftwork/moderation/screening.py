"""Automatic screening of public texts: contact details, payment links, blocked words.

``screen_text(text) -> Screening(held, reasons, matches)``. A held text goes to the moderation
queue (``services.hold_for_moderation``) and stays out of public view until staff restore it.

What is detected (each a stable reason code):

- ``email``: ``name@example.com``;
- ``obfuscated_contact``: ``name at gmail dot com``, ``name(at)mail(dot)com``, ``name [arroba]
  correo [punto] es``, ``wa dot me/…``, spaced-out blocked words (``w h a t s a p p``);
- ``phone``: international (``+34 612 345 678``, ``0044 20 7946 0958``) and local numbers
  (``612 345 678``, ``(555) 123-4567``, ``555.123.4567``) — but not prices, dates, years, IP
  addresses or ISBNs (9+ digits for a local number, 8+ after ``+``/``00``);
- ``external_link``: links to outside payment/contact (``paypal.me``, ``wa.me``, ``t.me``, …):
  the ``MODERATION_BLOCKED_DOMAINS`` setting plus the domains staff add;
- ``blocked_word``: the ``MODERATION_BLOCKED_WORDS`` setting plus the words staff add
  (whole words, any case, accents ignored; a phrase matches across punctuation).

Staff-edited terms are read through the cache (``blocked_terms``), invalidated by the services
that change them.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

EMAIL = "email"
PHONE = "phone"
EXTERNAL_LINK = "external_link"
BLOCKED_WORD = "blocked_word"
OBFUSCATED = "obfuscated_contact"

REASON_LABELS = {
    EMAIL: _("Email address"),
    PHONE: _("Phone number"),
    EXTERNAL_LINK: _("Link to outside payment or contact"),
    BLOCKED_WORD: _("Blocked word"),
    OBFUSCATED: _("Disguised contact details"),
}

DEFAULT_BLOCKED_DOMAINS = (
    "paypal.me",
    "paypal.com/paypalme",
    "wa.me",
    "api.whatsapp.com",
    "chat.whatsapp.com",
    "t.me",
    "telegram.me",
    "telegram.dog",
    "venmo.com",
    "cash.app",
    "revolut.me",
    "monzo.me",
    "wise.com/pay",
    "buymeacoffee.com",
    "ko-fi.com",
    "signal.me",
    "m.me",
    "discord.gg",
    "join.skype.com",
    "bizum.es",
)

DEFAULT_BLOCKED_WORDS = (
    "pay outside",
    "payment outside",
    "outside the platform",
    "off platform",
    "pay me directly",
    "western union",
    "moneygram",
    "fuera de la plataforma",
    "pago por fuera",
)

CACHE_KEY = "moderation:blocked-terms:v1"
CACHE_SECONDS = 300
MAX_SCREENED_CHARS = 100_000


@dataclass(frozen=True)
class Screening:
    held: bool
    reasons: tuple[str, ...]
    # The matched snippets, for the staff queue (never shown to the author).
    matches: tuple[str, ...] = field(default=(), compare=False)


def reason_label(code: str) -> str:
    return str(REASON_LABELS.get(code, code))


# -- configuration -----------------------------------------------------------------------------


def blocked_terms() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(words, domains): settings defaults plus the active staff-edited terms, cached."""
    staff = cache.get(CACHE_KEY)
    if staff is None:
        from .models import BlockedTerm

        rows = list(BlockedTerm.objects.filter(is_active=True).values_list("kind", "term"))
        staff = (
            tuple(t for k, t in rows if k == BlockedTerm.Kind.WORD),
            tuple(t for k, t in rows if k == BlockedTerm.Kind.DOMAIN),
        )
        cache.set(CACHE_KEY, staff, CACHE_SECONDS)
    # The settings extend the built-in lists (an operator adds terms; removing one is a code change).
    words = (
        DEFAULT_BLOCKED_WORDS + tuple(getattr(settings, "MODERATION_BLOCKED_WORDS", ())) + staff[0]
    )
    domains = (
        DEFAULT_BLOCKED_DOMAINS
        + tuple(getattr(settings, "MODERATION_BLOCKED_DOMAINS", ()))
        + staff[1]
    )
    return words, domains


def invalidate_blocked_terms() -> None:
    cache.delete(CACHE_KEY)


# -- text normalisation --------------------------------------------------------------------------


def normalize(text: str) -> str:
    """NFKC (full-width digits, ligatures), accents removed, lower case."""
    text = unicodedata.normalize("NFKC", text or "")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


# -- emails --------------------------------------------------------------------------------------

_EMAIL_RE = re.compile(r"(?<![\w.+-])[a-z0-9][\w.+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\b")
_BRACKET_OPEN, _BRACKET_CLOSE = r"[\(\[\{<]", r"[\)\]\}>]"
_AT = (
    rf"(?P<at>\s*{_BRACKET_OPEN}\s*(?:at|arroba|@)\s*{_BRACKET_CLOSE}\s*"
    r"|\s+(?:at|arroba)\s+|\s+@\s*|\s*@\s+)"
)
_DOT = (
    rf"(?P<dot>\s*{_BRACKET_OPEN}\s*(?:dot|punto|\.)\s*{_BRACKET_CLOSE}\s*"
    r"|\s+(?:dot|punto)\s+|\s*\.\s*)"
)
_OBFUSCATED_EMAIL_RE = re.compile(
    rf"(?<![\w.+-])(?P<user>[a-z0-9][\w.+-]{{1,63}}){_AT}(?P<domain>[a-z0-9][a-z0-9-]{{1,62}})"
    rf"{_DOT}(?P<tld>[a-z]{{2,10}})\b"
)
MAIL_PROVIDERS = frozenset(
    [
        "gmail",
        "googlemail",
        "yahoo",
        "ymail",
        "hotmail",
        "outlook",
        "live",
        "msn",
        "icloud",
        "me",
        "mac",
        "aol",
        "proton",
        "protonmail",
        "pm",
        "gmx",
        "mail",
        "yandex",
        "zoho",
        "tutanota",
    ]
)
COMMON_TLDS = frozenset(
    [
        "com",
        "net",
        "org",
        "io",
        "co",
        "es",
        "de",
        "uk",
        "fr",
        "it",
        "pt",
        "nl",
        "be",
        "ch",
        "at",
        "mx",
        "ar",
        "cl",
        "us",
        "ca",
        "au",
        "info",
        "biz",
        "me",
        "dev",
        "app",
    ]
)


def _find_emails(norm: str):
    plain = [m.group(0) for m in _EMAIL_RE.finditer(norm)]
    disguised = []
    for m in _OBFUSCATED_EMAIL_RE.finditer(norm):
        at, dot = m.group("at").strip(), m.group("dot").strip()
        if at == "@" and dot == ".":
            continue  # "a @ b.com" with spaces: still plain enough, reported as an email below
        spelled_dot = dot != "."
        provider = m.group("domain") in MAIL_PROVIDERS
        # "look at this. It works" must not match: a plain " at " and a plain "." need a
        # known mail provider, or a spelled-out dot followed by a common TLD.
        if at in ("at", "arroba") and not spelled_dot and not provider:
            continue
        if spelled_dot and not provider and m.group("tld") not in COMMON_TLDS:
            continue
        disguised.append(m.group(0).strip())
    spaced = re.findall(r"(?<![\w.+-])[a-z0-9][\w.+-]*\s+@\s*[a-z0-9-]+\.[a-z]{2,24}\b", norm)
    spaced += re.findall(r"(?<![\w.+-])[a-z0-9][\w.+-]*\s*@\s+[a-z0-9-]+\.[a-z]{2,24}\b", norm)
    return plain + spaced, disguised


# -- phones --------------------------------------------------------------------------------------

# A run of digits with at most two separators (space, dot, hyphen, brackets) between them.
_PHONE_CANDIDATE_RE = re.compile(r"(?:(?:\+|\b00)\s?)?\(?\d(?:[ \t.\-()]{0,3}\d)+\)?")
_CURRENCY = r"[$€£¥₹]|\b(?:usd|eur|gbp|mxn|ars|cop|clp|dollars?|euros?|pounds?|pesos?)\b"
_UNITS = (
    r"(?:words?|views?|users?|followers?|subscribers?|downloads?|visits?|visitors?|rows?|"
    r"records?|lines?|pixels?|px|km|kg|items?|units?|copies|plays?|streams?|likes?)\b"
)
_CURRENCY_BEFORE_RE = re.compile(rf"(?:{_CURRENCY})\s*$")
_CURRENCY_AFTER_RE = re.compile(rf"^\s*(?:{_CURRENCY}|{_UNITS})")
_IPV4_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "cero": "0",
    "uno": "1",
    "dos": "2",
    "tres": "3",
    "cuatro": "4",
    "cinco": "5",
    "seis": "6",
    "siete": "7",
    "ocho": "8",
    "nueve": "9",
}
_DIGIT_WORDS_RE = re.compile(r"\b(?:(?:%s)[\s,.\-]+){6,}(?:%s)\b" % (("|".join(_DIGIT_WORDS),) * 2))


def _is_phone(candidate: str, before: str, after: str) -> bool:
    stripped = candidate.strip()
    digits = re.sub(r"\D", "", stripped)
    international = stripped.startswith("+") or (stripped.startswith("00") and len(digits) > 10)
    if not (8 if international else 9) <= len(digits) <= 15:
        return False
    if before.rstrip().endswith(("#", "/", "-", ",", ".", ":")) and not international:
        return False  # an order number, a path, part of a bigger number or a time
    if _CURRENCY_BEFORE_RE.search(before[-12:]) or _CURRENCY_AFTER_RE.search(after[:14]):
        return False  # a price or an amount of something
    if after[:1] in (",",) and after[1:2].isdigit():
        return False  # "1 234 567,89": a decimal amount
    if after[:1] == "." and after[1:2].isdigit():
        return False
    if re.search(r"\d{4,}[.,]\d{1,2}$", stripped):
        return False  # "1234567.50": a decimal amount
    if _IPV4_RE.match(stripped):
        return False
    groups = re.findall(r"\d+", stripped)
    if len(groups) > 1 and all(_YEAR_RE.match(g) for g in groups):
        return False  # a list or range of years
    if len(digits) == 13 and digits[:3] in ("978", "979") and not international:
        return False  # an ISBN
    # A date followed by something ("12.05.2024 10").
    return not re.match(r"^\d{1,2}[.\-]\d{1,2}[.\-](?:19|20)\d\d", stripped)


def _find_phones(norm: str) -> list[str]:
    found = []
    for m in _PHONE_CANDIDATE_RE.finditer(norm):
        before, after = norm[max(0, m.start() - 12) : m.start()], norm[m.end() : m.end() + 14]
        if m.start() > 0 and (norm[m.start() - 1].isalnum() or norm[m.start() - 1] == "_"):
            continue  # inside a word or an identifier
        if after[:1].isalpha() and not after.startswith((" ", "\t")):
            continue  # "123456789abc": an identifier
        if _is_phone(m.group(0), before, after):
            found.append(m.group(0).strip())
    for m in _DIGIT_WORDS_RE.finditer(norm):
        words = re.findall(r"[a-z]+", m.group(0))
        if len(words) >= 7:
            found.append(m.group(0))
    return found


# -- links and words -----------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _domains_re(domains: tuple[str, ...]):
    parts = []
    for domain in domains:
        domain = normalize(domain).strip().strip("/")
        domain = re.sub(r"^(?:https?://)?(?:www\.)?", "", domain)
        if domain:
            parts.append(re.escape(domain))
    if not parts:
        return None
    return re.compile(r"(?<![\w.-])(?:https?://)?(?:www\.)?(?:%s)(?![\w-])" % "|".join(parts))  # noqa: UP031


@lru_cache(maxsize=32)
def _words_re(words: tuple[str, ...]):
    parts = []
    for word in words:
        tokens = re.findall(r"\w+", normalize(word))
        if tokens:
            parts.append(r"[\W_]+".join(re.escape(t) for t in tokens))
    if not parts:
        return None
    parts.sort(key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(parts))  # noqa: UP031


_SPELLED_DOT_RE = re.compile(
    rf"\s*{_BRACKET_OPEN}\s*(?:dot|punto)\s*{_BRACKET_CLOSE}\s*|\s+(?:dot|punto)\s+"
)
_SPACED_LETTERS_RE = re.compile(r"(?<!\w)(?:\w[ .\-_*]){3,}\w(?!\w)")


def _find_links(norm: str, domains: tuple[str, ...]) -> tuple[list[str], list[str]]:
    pattern = _domains_re(domains)
    if pattern is None:
        return [], []
    plain = [m.group(0) for m in pattern.finditer(norm)]
    respelled = _SPELLED_DOT_RE.sub(".", norm)
    disguised = [m.group(0) for m in pattern.finditer(respelled)] if respelled != norm else []
    disguised = [d for d in disguised if d not in plain]
    return plain, disguised


def _find_words(norm: str, words: tuple[str, ...]) -> tuple[list[str], list[str]]:
    pattern = _words_re(words)
    if pattern is None:
        return [], []
    plain = [m.group(0) for m in pattern.finditer(norm)]
    collapsed_terms = _collapsed_terms(words)
    disguised = []
    for m in _SPACED_LETTERS_RE.finditer(norm):
        collapsed = re.sub(r"[ .\-_*]", "", m.group(0))
        if any(term in collapsed for term in collapsed_terms):
            disguised.append(m.group(0))
    return plain, disguised


@lru_cache(maxsize=32)
def _collapsed_terms(words: tuple[str, ...]) -> tuple[str, ...]:
    """Terms without spaces or punctuation, for "w e s t e r n u n i o n" (4+ letters)."""
    collapsed = (re.sub(r"[\W_]+", "", normalize(word)) for word in words)
    return tuple(term for term in collapsed if len(term) >= 4)


# -- entry point ---------------------------------------------------------------------------------


def screen_text(text) -> Screening:
    """Screen one text (or several joined by the caller). Pure apart from the cached term list."""
    if not text:
        return Screening(held=False, reasons=())
    norm = normalize(str(text)[:MAX_SCREENED_CHARS])
    words, domains = blocked_terms()
    reasons: list[str] = []
    matches: list[str] = []

    def add(code, found):
        if found:
            if code not in reasons:
                reasons.append(code)
            matches.extend(found)

    emails, disguised_emails = _find_emails(norm)
    # Links first so that "paypal.me/name" is not also read as something else.
    links, disguised_links = _find_links(norm, domains)
    add(EMAIL, emails)
    add(PHONE, _find_phones(norm))
    add(EXTERNAL_LINK, links)
    plain_words, spaced_words = _find_words(norm, words)
    add(BLOCKED_WORD, plain_words)
    add(OBFUSCATED, disguised_emails + disguised_links + spaced_words)
    unique = tuple(dict.fromkeys(m[:80] for m in matches))[:20]
    return Screening(held=bool(reasons), reasons=tuple(reasons), matches=unique)


def screen_fields(*texts) -> Screening:
    """Screen several fields of one object at once (title, description, ...)."""
    return screen_text("\n\n".join(str(t) for t in texts if t))
