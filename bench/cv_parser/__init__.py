"""Field-level precision and recall of the CV parser on the committed fixtures.

    .venv/bin/python -m bench.cv_parser          # the table
    .venv/bin/python -m bench.cv_parser --json   # the numbers, for tools

Each fixture is a CV (PDF or DOCX) with a JSON of what it holds. Counting, per field:
- a single value (name, email, ...): the parser's value is a true positive when it equals the
  expected one after normalising (case, spaces, punctuation at the ends; digits only for
  phones; no scheme or "www." for links), a false positive when it is something else, and a
  false negative when the expected value was not found;
- a set (links, skills, languages as code:level): each element counts alone;
- an entry (work, education): parsed entries are paired with expected ones (greedily, by how
  many attributes agree), then each attribute (work.title, work.start, ...) counts like a single
  value; an unpaired parsed entry is a false positive for each attribute it fills, an unpaired
  expected entry a false negative for each attribute it has.
- the summary matches when at least 90 % of its words are in the parsed one and vice versa.
"""

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
SCALARS = ("text_found", "name", "email", "phone", "headline", "summary")
SETS = ("links", "skills", "languages")
WORK = ("title", "employer", "start", "end", "current")
EDUCATION = ("school", "degree", "field", "start", "end")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Report:
    fields: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    files: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def overall(self) -> Counts:
        total = Counts()
        for counts in self.fields.values():
            total.tp += counts.tp
            total.fp += counts.fp
            total.fn += counts.fn
        return total


def norm(value, key: str = "") -> str:
    if isinstance(value, bool):
        return "yes" if value else ""
    text = unicodedata.normalize("NFC", str(value or "")).casefold()
    if key == "phone":
        return re.sub(r"\D", "", text)
    if key == "links":
        text = re.sub(r"^(https?://)?(www\.)?", "", text).rstrip("/")
    text = re.sub(r"\s+", " ", text).strip(" .,;:|·-–—")
    return text


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", norm(text)))


def _same(key: str, expected, parsed) -> bool:
    if key == "summary":
        a, b = _words(expected), _words(parsed)
        return bool(a and b) and len(a & b) >= 0.9 * max(len(a), len(b))
    return norm(expected, key) == norm(parsed, key)


def _score_value(counts: Counts, key: str, expected, parsed) -> None:
    has_expected, has_parsed = bool(norm(expected, key)), bool(norm(parsed, key))
    if has_expected and has_parsed and _same(key, expected, parsed):
        counts.tp += 1
        return
    if has_parsed:
        counts.fp += 1
    if has_expected:
        counts.fn += 1


def _as_set(key: str, values) -> set[str]:
    if key == "languages":
        return {f"{item['code']}:{item['level']}" for item in values or []}
    return {norm(value, key) for value in values or [] if norm(value, key)}


def _score_entries(report: Report, prefix: str, keys, expected: list, parsed: list) -> None:
    left = list(parsed)
    for want in expected:
        best, best_score = None, 0
        for got in left:
            score = sum(1 for k in keys if norm(want.get(k)) and _same(k, want.get(k), got.get(k)))
            if score > best_score:
                best, best_score = got, score
        if best is not None:
            left.remove(best)
        for k in keys:
            _score_value(report.fields[f"{prefix}.{k}"], k, want.get(k), (best or {}).get(k))
    for got in left:
        for k in keys:
            _score_value(report.fields[f"{prefix}.{k}"], k, None, got.get(k))


def evaluate(fixtures: Path = FIXTURES) -> Report:
    from craftwork.candidates.cv import parse_cv

    report = Report()
    for path in sorted(fixtures.iterdir()):
        if path.suffix not in (".pdf", ".docx"):
            continue
        expected = json.loads(path.with_suffix(".json").read_text())
        parsed = parse_cv(path.read_bytes(), path.name).to_dict()
        report.files += 1
        for key in SCALARS:
            if key in expected or parsed.get(key):
                _score_value(report.fields[key], key, expected.get(key), parsed.get(key))
        for key in SETS:
            want, got = _as_set(key, expected.get(key)), _as_set(key, parsed.get(key))
            counts = report.fields[key]
            counts.tp += len(want & got)
            counts.fp += len(got - want)
            counts.fn += len(want - got)
        _score_entries(report, "work", WORK, expected.get("work", []), parsed["work"])
        _score_entries(
            report, "education", EDUCATION, expected.get("education", []), parsed["education"]
        )
        if expected.get("text_found") != parsed["text_found"]:
            report.failures.append(path.name)
    return report


def table(report: Report) -> str:
    rows = [f"{'field':<20} {'precision':>9} {'recall':>7} {'tp':>5} {'fp':>4} {'fn':>4}"]
    for name in sorted(report.fields):
        c = report.fields[name]
        rows.append(
            f"{name:<20} {c.precision:>9.3f} {c.recall:>7.3f} {c.tp:>5} {c.fp:>4} {c.fn:>4}"
        )
    o = report.overall
    rows.append(
        f"{'OVERALL':<20} {o.precision:>9.3f} {o.recall:>7.3f} {o.tp:>5} {o.fp:>4} {o.fn:>4}"
    )
    rows.append(
        f"{report.files} CVs"
        + (f"; text_found wrong: {report.failures}" if report.failures else "")
    )
    return "\n".join(rows)
