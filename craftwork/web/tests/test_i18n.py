"""The Spanish catalog is compiled, served, and in step with its source.

The .mo is committed because fresh machines have no gettext. Comparing file times
would be meaningless after a git checkout, so staleness is detected by asking the
runtime catalog for every translation the .po promises.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "es" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"
MO_MAGIC = {b"\xde\x12\x04\x95", b"\x95\x04\x12\xde"}

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$')
_CONTINUATION = re.compile(r'^"(.*)"\s*$')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_PLACEHOLDER = re.compile(r"%\([^)]+\)[-+ #0]*\d*(?:\.\d+)?[sdifrx]|%%|\{[^}]*\}")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def _read_po(path: Path) -> list[dict]:
    """Entries as {"flags": set, "msgid": str, "msgstr": str, ...}; obsolete (#~) ones are left out."""
    entries, current, last_key = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if current and "msgid" in current:
                entries.append(current)
            current, last_key = None, None
            continue
        if current is None:
            current = {"flags": set()}
        if line.startswith("#,"):
            current["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#~"):
            current["obsolete"] = True
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            last_key = match.group(1)
            current[last_key] = _unescape(match.group(2))
        elif (match := _CONTINUATION.match(line)) and last_key:
            current[last_key] += _unescape(match.group(1))
    return [entry for entry in entries if not entry.get("obsolete")]


def _messages() -> list[dict]:
    return [entry for entry in _read_po(PO_FILE) if entry["msgid"]]


def test_compiled_spanish_catalog_is_present():
    assert PO_FILE.is_file()
    assert MO_FILE.is_file(), "run: .venv/bin/python manage.py compilemessages -l es --ignore .venv"
    assert MO_FILE.read_bytes()[:4] in MO_MAGIC
    with translation.override("es"):
        assert translation.gettext("Log in") == "Iniciar sesión"


def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = _messages()
    assert len(entries) > 100
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]]
    empty = [
        entry["msgid"]
        for entry in entries
        if not entry.get("msgstr") and not (entry.get("msgstr[0]") and entry.get("msgstr[1]"))
    ]
    assert fuzzy == [], f"fuzzy entries are ignored at runtime: {fuzzy[:5]}"
    assert empty == [], f"untranslated entries: {empty[:5]}"


def test_translations_keep_their_placeholders():
    wrong = []
    for entry in _messages():
        pairs = [(entry["msgid"], entry.get("msgstr", ""))]
        if "msgid_plural" in entry:
            pairs = [
                (entry["msgid"], entry.get("msgstr[0]", "")),
                (entry["msgid_plural"], entry.get("msgstr[1]", "")),
            ]
        for source, target in pairs:
            if target and sorted(_PLACEHOLDER.findall(source)) != sorted(
                _PLACEHOLDER.findall(target)
            ):
                wrong.append(source)
    assert wrong == []


def test_compiled_catalog_matches_the_po_file():
    """A .po edited without recompiling leaves the .mo behind: catch it here."""
    stale = []
    with translation.override("es"):
        for entry in _messages():
            if "fuzzy" in entry["flags"]:
                continue
            context = entry.get("msgctxt")
            if "msgid_plural" in entry:
                for number, key in ((1, "msgstr[0]"), (2, "msgstr[1]")):
                    expected = entry.get(key)
                    if context is None:
                        got = translation.ngettext(entry["msgid"], entry["msgid_plural"], number)
                    else:
                        got = translation.npgettext(
                            context, entry["msgid"], entry["msgid_plural"], number
                        )
                    if expected and got != expected:
                        stale.append(entry["msgid"])
            elif entry.get("msgstr"):
                if context is None:
                    got = translation.gettext(entry["msgid"])
                else:
                    got = translation.pgettext(context, entry["msgid"])
                if got != entry["msgstr"]:
                    stale.append(entry["msgid"])
    assert stale == [], (
        f"{len(stale)} entries differ from the compiled catalog, e.g. {stale[:3]}; "
        "run: .venv/bin/python manage.py compilemessages -l es --ignore .venv"
    )


@pytest.mark.django_db
def test_home_page_speaks_spanish_when_asked(client):
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Hire skilled people for any job, big or small." in english

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    body = response.content.decode()
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in body
    assert "Contrata a profesionales con talento para cualquier trabajo, grande o pequeño." in body
    assert "Quiero contratar" in body and "Quiero trabajar" in body
    assert "Iniciar sesión" in body and "Registrarse" in body
    assert "Hire skilled people for any job" not in body
