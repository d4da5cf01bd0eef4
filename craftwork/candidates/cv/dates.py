"""Dates as résumés write them: "2019 – present", "03/2020", "March 2021", "März 2021",
"ene. 2020 - actualidad", "2018-2020", "since 2020". Months in English, Spanish, German and
French; a date is a year and, when written, a month."""

import re
import unicodedata
from dataclasses import dataclass

MONTHS = {
    1: "january jan enero ene januar jänner janvier janv",
    2: "february feb febrero februar février fevrier févr fevr",
    3: "march mar marzo märz maerz mär mars",
    4: "april apr abril abr avril avr",
    5: "may mayo mai",
    6: "june jun junio juni juin",
    7: "july jul julio juli juillet juil",
    8: "august aug agosto ago août aout",
    9: "september sept sep septiembre setiembre set septembre",
    10: "october oct octubre oktober okt octobre",
    11: "november nov noviembre novembre",
    12: "december dec diciembre dic dezember dez décembre decembre déc",
}
MONTH_NUMBERS = {word: number for number, words in MONTHS.items() for word in words.split()}
PRESENT_WORDS = [
    "present",
    "current",
    "currently",
    "now",
    "today",
    "ongoing",
    "to date",
    "presente",
    "actualidad",
    "la actualidad",
    "actual",
    "actualmente",
    "hoy",
    "hoy en día",
    "la fecha",
    "en curso",
    "heute",
    "bis heute",
    "aktuell",
    "jetzt",
    "aujourd'hui",
]
FIRST_YEAR, LAST_YEAR = 1950, 2060

_month_names = "|".join(sorted((re.escape(m) for m in MONTH_NUMBERS), key=len, reverse=True))
_DATE = (
    rf"(?:(?P<{{p}}mname>{_month_names})\.?\s*(?:de\s+|del\s+|,\s*)?(?P<{{p}}myear>\d{{{{4}}}})"
    rf"|(?P<{{p}}nmonth>\d{{{{1,2}}}})\s*[/.]\s*(?P<{{p}}nyear>\d{{{{4}}}})"
    rf"|(?P<{{p}}iyear>\d{{{{4}}}})[-/.](?P<{{p}}imonth>\d{{{{2}}}})(?![\d])"
    rf"|(?P<{{p}}year>\d{{{{4}}}}))"
)
_present = "|".join(sorted((re.escape(w) for w in PRESENT_WORDS), key=len, reverse=True))
_SEPARATOR = r"\s*(?:–|—|-|‒|―|→|~|\bto\b|\buntil\b|\bhasta\b|\ba\b|\bbis\b|\bau\b)\s*"
RANGE = re.compile(
    r"(?<![\w/.])(?:(?:de|from|von|du)\s+)?"
    + _DATE.format(p="s_").replace("{{", "{").replace("}}", "}")
    + _SEPARATOR
    + r"(?:(?P<present>"
    + _present
    + r")\b|"
    + _DATE.format(p="e_").replace("{{", "{").replace("}}", "}")
    + r")(?![\w/])",
    re.IGNORECASE,
)
SINCE = re.compile(
    r"(?<![\w/.])(?:since|desde|seit|depuis)\s+"
    + _DATE.format(p="s_").replace("{{", "{").replace("}}", "}")
    + r"(?![\w/])",
    re.IGNORECASE,
)
SINGLE = re.compile(
    r"(?<![\w/.])" + _DATE.format(p="s_").replace("{{", "{").replace("}}", "}") + r"(?![\w/])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class YearMonth:
    year: int
    month: int | None = None

    def __str__(self) -> str:
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"


@dataclass(frozen=True)
class DateRange:
    start: YearMonth | None
    end: YearMonth | None
    current: bool
    span: tuple[int, int]  # where it was found in the line


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _date_from(match: re.Match, prefix: str) -> YearMonth | None:
    group = match.groupdict()
    if group.get(f"{prefix}mname"):
        year, month = group[f"{prefix}myear"], MONTH_NUMBERS.get(group[f"{prefix}mname"].lower())
    elif group.get(f"{prefix}nyear"):
        year, month = group[f"{prefix}nyear"], int(group[f"{prefix}nmonth"])
    elif group.get(f"{prefix}iyear"):
        year, month = group[f"{prefix}iyear"], int(group[f"{prefix}imonth"])
    elif group.get(f"{prefix}year"):
        year, month = group[f"{prefix}year"], None
    else:
        return None
    year = int(year)
    if not FIRST_YEAR <= year <= LAST_YEAR or (month is not None and not 1 <= month <= 12):
        return None
    return YearMonth(year, month)


def find_range(line: str) -> DateRange | None:
    """The first date range in ``line`` ("2019 – present", "Mar 2020 - Jun 2022", "desde
    2020"), or None."""
    line = _fold(line)
    for match in RANGE.finditer(line):
        start = _date_from(match, "s_")
        if start is None:
            continue
        if match.group("present"):
            return DateRange(start, None, True, match.span())
        end = _date_from(match, "e_")
        if end is not None and (end.year, end.month or 12) >= (start.year, start.month or 1):
            return DateRange(start, end, False, match.span())
    match = SINCE.search(line)
    if match and (start := _date_from(match, "s_")):
        return DateRange(start, None, True, match.span())
    return None


def find_single(line: str) -> DateRange | None:
    """A lone date ("2018", "06/2019", "June 2019"): read as when something ended."""
    for match in SINGLE.finditer(_fold(line)):
        if date := _date_from(match, "s_"):
            return DateRange(None, date, False, match.span())
    return None
