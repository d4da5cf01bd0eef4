"""Spoken languages and levels as CVs write them ("English — native", "Inglés: C1")."""

import re
import unicodedata

from craftwork.profiles.languages import SPOKEN_LANGUAGE_CODES

NAMES = {
    "en": "english inglés ingles englisch anglais",
    "es": "spanish español espanol castellano spanisch espagnol",
    "fr": "french francés frances französisch français",
    "de": "german alemán aleman deutsch allemand",
    "it": "italian italiano italienisch",
    "pt": "portuguese portugués portugues",
    "ca": "catalan catalán català",
    "eu": "basque euskera vasco",
    "gl": "galician gallego",
    "nl": "dutch neerlandés holandés",
    "zh": "chinese chino mandarin mandarín",
    "ja": "japanese japonés",
    "ar": "arabic árabe",
    "ru": "russian ruso",
    "pl": "polish polaco",
    "sv": "swedish sueco",
    "ro": "romanian rumano",
    "ko": "korean coreano",
    "hi": "hindi",
    "tr": "turkish turco",
}
CODE_OF = {
    name: code
    for code, names in NAMES.items()
    for name in names.split()
    if code in SPOKEN_LANGUAGE_CODES
}
LEVELS = [
    (
        "native",
        r"native|mother tongue|bilingual|nativo|nativa|lengua materna|bilingüe|bilingue|"
        r"muttersprache|langue maternelle",
    ),
    (
        "fluent",
        r"c1|c2|fluent|proficient|advanced|full professional|fluido|fluida|avanzado|avanzada|"
        r"fließend|courant",
    ),
    (
        "conversational",
        r"b1|b2|intermediate|conversational|working|upper[- ]intermediate|intermedio|"
        r"intermedia|conversacional|medio|gut",
    ),
    ("basic", r"a1|a2|basic|beginner|elementary|básico|basico|básica|elemental|principiante"),
]
LEVEL_PATTERNS = [
    (level, re.compile(rf"\b(?:{words})\b", re.IGNORECASE)) for level, words in LEVELS
]
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def parse_languages(lines: list[str]):
    from .result import ParsedLanguage

    found: dict[str, str] = {}
    text = "\n".join(lines)
    for piece in re.split(r"[\n,;|•·]", text):
        piece = unicodedata.normalize("NFC", piece).strip()
        codes = [CODE_OF[w.casefold()] for w in WORD.findall(piece) if w.casefold() in CODE_OF]
        if not codes:
            continue
        level = next((lvl for lvl, pattern in LEVEL_PATTERNS if pattern.search(piece)), "")
        found.setdefault(codes[0], level or "conversational")
    return [ParsedLanguage(code=code, level=level) for code, level in found.items()][:12]
