"""The CV parser: ``parse_cv(data, filename) -> ParsedCV``, a draft for the candidate to
confirm. Text comes from pypdf (PDF) or python-docx (DOCX); the type comes from the bytes,
``filename`` is only kept for messages. A scanned CV has no text: ``text_found`` is False and
every field is empty, so the candidate fills the form by hand."""

from .extract import UnsupportedFile, extract_text
from .parser import parse_text
from .result import ParsedCV, ParsedEducation, ParsedLanguage, ParsedWork

__all__ = [
    "ParsedCV",
    "ParsedEducation",
    "ParsedLanguage",
    "ParsedWork",
    "UnsupportedFile",
    "parse_cv",
]


def parse_cv(data: bytes, filename: str = "") -> ParsedCV:
    """Read a PDF or DOCX CV. Raises UnsupportedFile for any other type of file; a file that
    is damaged or has no text layer gives ``ParsedCV(text_found=False)``."""
    kind, text = extract_text(data)
    result = parse_text(text)
    result.kind = kind
    return result
