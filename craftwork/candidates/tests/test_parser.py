"""The CV parser: dates, sections, fields, files without text, and the measured floor."""

import pytest

from bench.cv_parser import evaluate
from craftwork.candidates.cv import UnsupportedFile, parse_cv
from craftwork.candidates.cv.dates import find_range
from craftwork.candidates.cv.parser import parse_text

from .documents import docx_bytes, encrypted_pdf, fixture_bytes, pdf_with_pages


@pytest.mark.parametrize(
    "text, start, end, current",
    [
        ("2019 – present", "2019", None, True),
        ("2019 - Present", "2019", None, True),
        ("03/2020 – 06/2022", "2020-03", "2022-06", False),
        ("03.2020 - 11.2021", "2020-03", "2021-11", False),
        ("March 2021 – Present", "2021-03", None, True),
        ("Sept. 2019 – Dec 2021", "2019-09", "2021-12", False),
        ("März 2021 – heute", "2021-03", None, True),
        ("Mai 2018 bis Juli 2020", "2018-05", "2020-07", False),
        ("ene. 2020 - actualidad", "2020-01", None, True),
        ("enero de 2019 a marzo de 2021", "2019-01", "2021-03", False),
        ("2020-03 – 2021-11", "2020-03", "2021-11", False),
        ("2018-2020", "2018", "2020", False),
        ("Desde 2021", "2021", None, True),
        ("Since June 2020", "2020-06", None, True),
        ("Engineer | Acme | 2019 – 2021", "2019", "2021", False),
    ],
)
def test_date_ranges(text, start, end, current):
    found = find_range(text)
    assert found is not None
    assert (str(found.start), found.end and str(found.end), found.current) == (start, end, current)


@pytest.mark.parametrize(
    "text",
    ["+34 612 345 678", "2021 – 2019", "13/2020 – 14/2021", "1850 – 1860", "version 2.0.2019"],
)
def test_not_date_ranges(text):
    assert find_range(text) is None


def test_a_spanish_cv_in_text():
    parsed = parse_text(
        "Ana García López\nIngeniera de software\nana@example.com · +34 612 345 678\n"
        "Experiencia\nIngeniera Backend — Nube Austral S.L.\nene. 2020 - actualidad\n"
        "• Migré servicios.\nFormación\nGrado en Ingeniería Informática\n"
        "Universidad de Granada, 2014 – 2018\nIdiomas\nInglés: C1\nHabilidades\nPython, Django, Go"
    )
    assert (parsed.name, parsed.email, parsed.phone) == (
        "Ana García López",
        "ana@example.com",
        "+34 612 345 678",
    )
    job = parsed.work[0]
    assert (job.title, job.employer, job.start, job.current) == (
        "Ingeniera Backend",
        "Nube Austral S.L.",
        "2020-01",
        True,
    )
    school = parsed.education[0]
    assert (school.degree, school.field, school.school, school.end) == (
        "Grado",
        "Ingeniería Informática",
        "Universidad de Granada",
        "2018",
    )
    assert [(lang.code, lang.level) for lang in parsed.languages] == [("en", "fluent")]
    assert parsed.skills == ["python", "django", "go"]


def test_skills_outside_a_skills_section_ignore_short_names():
    parsed = parse_text(
        "Jo Bloggs\n" + "I like to go hiking and write React and Excel models. " * 3
    )
    assert parsed.skills == ["react", "excel-modeling"]


def test_a_scanned_cv_has_no_text():
    parsed = parse_cv(fixture_bytes("25-scanned-no-text.pdf"), "scan.pdf")
    assert (parsed.text_found, parsed.kind, parsed.work, parsed.name) == (False, "pdf", [], "")


def test_a_pdf_with_too_little_text_counts_as_no_text():
    assert parse_cv(pdf_with_pages(1, "x"), "cv.pdf").text_found is False


def test_unreadable_files_give_no_text_and_other_types_are_refused():
    assert parse_cv(encrypted_pdf(), "cv.pdf").text_found is False
    assert parse_cv(b"%PDF-1.7\ngarbage", "cv.pdf").text_found is False
    assert parse_cv(docx_bytes(), "cv.docx").text_found is False
    with pytest.raises(UnsupportedFile):
        parse_cv(b"hello", "cv.pdf")


def test_nul_bytes_and_control_characters_do_not_reach_the_fields():
    parsed = parse_text(
        "Jo\x00 Bloggs Smith\nEngineer\x00\njo@example.com\n" + "Summary\nHello. " * 10
    )
    assert "\x00" not in parsed.name + parsed.headline + parsed.summary


def test_the_parser_keeps_its_measured_floor():
    """python -m bench.cv_parser prints the table; a regression below these numbers fails."""
    report = evaluate()
    assert report.files >= 20 and not report.failures
    overall = report.overall
    assert overall.precision >= 0.97 and overall.recall >= 0.92, overall
    for name in ("email", "phone", "name", "skills", "work.title", "work.employer", "work.start"):
        counts = report.fields[name]
        assert counts.precision >= 0.95 and counts.recall >= 0.88, (name, counts)
