"""From CV text to fields: sections by their headings (English and Spanish), then contact
details, entries anchored on their date ranges, languages and skills.

Heuristics, measured by ``python -m bench.cv_parser`` on the committed fixtures; whatever they
find is only a draft the candidate confirms or corrects.
"""

import re
import unicodedata

from .dates import DateRange, find_range, find_single
from .languages import parse_languages
from .result import ParsedCV, ParsedEducation, ParsedWork
from .skills import match_skills

HEADINGS = {
    "summary": """summary|professional summary|profile|professional profile|about me|about|
        objective|career objective|personal statement|resumen|resumen profesional|perfil|
        perfil profesional|sobre mí|sobre mi|acerca de mí|extracto|objetivo|objetivo profesional""",
    "experience": """experience|work experience|professional experience|employment|
        employment history|work history|career history|relevant experience|experiencia|
        experiencia laboral|experiencia profesional|historial laboral|trayectoria profesional|
        trayectoria|berufserfahrung""",
    "education": """education|academic background|education and training|qualifications|
        educación|formación|formación académica|estudios|educación y formación|ausbildung""",
    "skills": """skills|technical skills|core skills|key skills|competencies|core competencies|
        tools|technologies|skills & tools|skills and tools|habilidades|competencias|aptitudes|
        conocimientos|habilidades técnicas|tecnologías|herramientas|kenntnisse""",
    "languages": "languages|language skills|idiomas|lenguas|sprachen",
    "contact": """contact|contact details|contact information|personal details|
        personal information|contacto|datos de contacto|datos personales|información de contacto""",
    "links": "links|online|profiles|online profiles|enlaces|redes|web",
    "other": """certifications|certificates|certificaciones|certificados|projects|proyectos|
        interests|hobbies|intereses|aficiones|awards|premios|references|referencias|
        volunteering|voluntariado|publications|publicaciones|courses|cursos|achievements|logros""",
}
HEADING_OF = {
    word.strip(): section
    for section, words in HEADINGS.items()
    for word in words.replace("\n", "").split("|")
}
TITLE_WORDS = re.compile(
    r"\b(engineer|developer|programmer|manager|designer|analyst|consultant|lead|head|director|"
    r"intern|architect|administrator|scientist|specialist|officer|assistant|coordinator|"
    r"teacher|tutor|writer|editor|accountant|technician|associate|advisor|owner|founder|"
    r"cto|ceo|vp|freelance|freelancer|researcher|representative|agent|nurse|plumber|"
    r"electrician|carpenter|translator|marketer|recruiter|desarrollador\w*|ingenier[oa]|"
    r"programador\w*|jef[ea]|gerente|diseñador\w*|analista|consultor\w*|director\w*|"
    r"becari[oa]|responsable|técnic[oa]|coordinador\w*|profesor\w*|administrativ[oa]|"
    r"arquitect[oa]|asistente|contable|redactor\w*|traductor\w*|especialista|auxiliar|"
    r"científic[oa]|investigador\w*|comercial|dependiente|camarer[oa]|enfermer[oa]|"
    r"fontaner[oa]|electricista|carpinter[oa]|fundador\w*|socio)\b",
    re.IGNORECASE,
)
SCHOOL_WORDS = re.compile(
    r"(univers|college|school|escuela|instituto|institute|academy|academia|polit[eé]cnic|"
    r"\bies\b|colegio|hochschule|conservatori|bootcamp|\bmit\b|\bucl\b|\bunam\b|\buned\b)",
    re.IGNORECASE,
)
DEGREE_WORDS = re.compile(
    r"^(bachelor|master|b\.?sc|m\.?sc|b\.?a\.?|m\.?a\.?|b\.?eng|m\.?eng|ph\.?d|mba|doctor|"
    r"associate|diploma|certificate|grado|licenciatura|licenciad[oa]|máster|master|doctorado|"
    r"ingenier[ií]a|ingenier[oa]|diplomatura|técnico superior|tecnico superior|"
    r"bachillerato|ciclo formativo|título|titulo|posgrado|postgrado|high school|a-levels)",
    re.IGNORECASE,
)
FIELD_SPLIT = re.compile(r"\s+(?:in|en)\s+", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(
    r"(?:https?://|www\.)[^\s|,;]+|"
    r"\b(?:linkedin\.com|github\.com|gitlab\.com|behance\.net|dribbble\.com|"
    r"bitbucket\.org|medium\.com|stackoverflow\.com)/[^\s|,;]+",
    re.IGNORECASE,
)
PHONE = re.compile(r"(?<![\w])(?:\+|00)?\(?\d[\d\s().-]{7,}\d(?![\w])")
BULLET = re.compile(r"^\s*[•●▪■◦·*\-–—>✓]\s*")
SEPARATORS = [" at ", " @ ", " en ", " bei ", " — ", " – ", " - ", " | ", " · ", ", "]
PART_SPLIT = re.compile(r"\s+[|·—–]\s+|\s+-\s+|\s*\t\s*")
AT_SPLIT = re.compile(r"\s+(?:at|@|bei|chez)\s+")
PLACE = re.compile(r"^(remote|remoto|hybrid|híbrido|on-?site|presencial|home office)$", re.I)
COMPANY_END = re.compile(
    r"\b(S\.L|S\.A|S\.L\.U|S\.A\.S|S\.C|Inc|Ltd|Corp|Co|GmbH|LLC|B\.V|AG|plc|Ltda|S\.R\.L)\.$",
    re.IGNORECASE,
)
MAX_HEADER_CHARS = 90
CONTACT_LABEL = re.compile(
    r"^(e-?mail|correo|phone|tel[eé]fono|tel|m[oó]vil|mobile|web|linkedin|github|"
    r"address|dirección|location|ubicación)\s*[:.]\s*",
    re.IGNORECASE,
)


def _clean(line: str) -> str:
    line = unicodedata.normalize("NFC", line).replace("\u00a0", " ").replace("\x00", "")
    return re.sub(r"\s+", " ", line).strip()


def _heading(line: str) -> str | None:
    key = line.strip().rstrip(":").strip().casefold()
    if len(key) > 40:
        return None
    return HEADING_OF.get(key)


def split_sections(lines: list[str]) -> dict[str, list[str]]:
    """{section: lines}; what comes before the first heading is "header". A section that
    appears twice (a two-column layout) is joined."""
    sections: dict[str, list[str]] = {"header": []}
    current = "header"
    for line in lines:
        section = _heading(line)
        if section:
            current = section
            sections.setdefault(current, [])
            continue
        sections.setdefault(current, []).append(line)
    return sections


def parse_text(text: str) -> ParsedCV:
    lines = [line for line in (_clean(raw) for raw in text.splitlines()) if line]
    if len(re.sub(r"\W", "", "".join(lines))) < 40:
        return ParsedCV(text_found=False)
    sections = split_sections(lines)
    result = ParsedCV(text_found=True)
    _contact(result, lines)
    _name_and_headline(result, sections["header"])
    result.summary = " ".join(
        line for line in sections.get("summary", []) if not BULLET.match(line)
    )[:2000]
    result.work = _work(sections.get("experience", []))
    result.education = _education(sections.get("education", []))
    result.languages = parse_languages(sections.get("languages", []))
    skills_lines = sections.get("skills")
    if skills_lines:
        result.skills = match_skills("\n".join(skills_lines), is_list=True)
    else:
        result.skills = match_skills("\n".join(lines), is_list=False)
    result.sections = [name for name in sections if name != "header" and sections[name]]
    return result


# --- Contact, name and headline ---------------------------------------------------------------


def _contact(result: ParsedCV, lines: list[str]) -> None:
    for line in lines:
        if not result.email and (match := EMAIL.search(line)):
            result.email = match.group(0).rstrip(".").lower()
        for match in URL.finditer(line):
            url = match.group(0).rstrip(".)")
            if "@" in url:
                continue
            if not url.lower().startswith("http"):
                url = "https://" + url
            if url not in result.links:
                result.links.append(url)
        if not result.phone and not find_range(line):
            for match in PHONE.finditer(EMAIL.sub(" ", URL.sub(" ", line))):
                digits = re.sub(r"\D", "", match.group(0))
                if 9 <= len(digits) <= 15:
                    result.phone = re.sub(r"\s+", " ", match.group(0)).strip()
                    break
    result.links = result.links[:10]


def _is_contactish(line: str) -> bool:
    return bool(
        EMAIL.search(line) or URL.search(line) or PHONE.search(line) or CONTACT_LABEL.match(line)
    )


def _name_and_headline(result: ParsedCV, header: list[str]) -> None:
    candidates = [line for line in header[:8] if not _is_contactish(line)]
    for index, line in enumerate(candidates):
        words = line.split()
        looks_like_name = (
            2 <= len(words) <= 5
            and all(w[:1].isupper() for w in words if len(w) > 3)
            and not re.search(r"\d", line)
            and len(line) <= 60
        )
        if looks_like_name:
            result.name = line
            rest = candidates[index + 1 :]
            if rest and len(rest[0]) <= 120:
                result.headline = rest[0]
            return


# --- Entries anchored on date ranges ----------------------------------------------------------


def _is_header_like(line: str) -> bool:
    return (
        len(line) <= MAX_HEADER_CHARS
        and not BULLET.match(line)
        and (not line.endswith((".", ";", ":")) or bool(COMPANY_END.search(line)))
        and _heading(line) is None
    )


def _strip_date(line: str, found: DateRange) -> str:
    a, b = found.span
    rest = (line[:a] + " " + line[b:]).strip()
    rest = re.sub(r"\(\s*\)", "", rest)
    return rest.strip(" |·,—–-()\t")


def _entries(lines: list[str], *, singles: bool) -> list[tuple[list[str], DateRange, list[str]]]:
    """(header lines, dates, description lines) for each entry of a section."""
    anchors = []
    for index, line in enumerate(lines):
        found = find_range(line) or (find_single(line) if singles else None)
        if found:
            anchors.append((index, found))
    spans = []  # (first header index, last header index, anchor index, header lines, dates)
    previous_end = 0
    for k, (index, found) in enumerate(anchors):
        rest = _strip_date(lines[index], found)
        header = [rest] if rest else []
        first = index
        splittable = bool(rest) and any(sep in f" {rest} " for sep in SEPARATORS)
        if not splittable:
            j = index - 1
            while j >= previous_end and len(header) < 2 and _is_header_like(lines[j]):
                if find_range(lines[j]):
                    break
                header.insert(0, lines[j])
                first = j
                j -= 1
        last = index
        next_anchor = anchors[k + 1][0] if k + 1 < len(anchors) else len(lines)
        if len(header) < 2 and not splittable:
            j = index + 1
            while j < next_anchor and len(header) < 2 and _is_header_like(lines[j]):
                # Below the dates only when nothing fitting was above (dates-first layouts).
                if header and first < index:
                    break
                header.append(lines[j])
                last = j
                j += 1
        spans.append([first, last, index, header, found])
        previous_end = last + 1
    entries = []
    for k, (_first, last, _index, header, found) in enumerate(spans):
        end = spans[k + 1][0] if k + 1 < len(spans) else len(lines)
        description = [BULLET.sub("", line) for line in lines[last + 1 : end]]
        entries.append((header, found, description))
    return entries


def _title_employer(header: list[str]) -> tuple[str, str]:
    """Title and employer from an entry's header lines: "Title at Employer", "Employer | Title",
    "Title — Employer · City", or a title line and an employer line in either order."""
    parts: list[str] = []
    for line in header:
        for part in PART_SPLIT.split(line):
            part = part.strip(" ,")
            if not part:
                continue
            pair = AT_SPLIT.split(part, maxsplit=1)
            if len(pair) == 2 and all(pair):
                return pair[0].strip()[:120], pair[1].strip(" ,")[:120]
            parts.append(part)
    if len(parts) == 1:
        only = parts[0]
        left, _sep, right = only.partition(" en ")
        if ", " in only:
            parts = [piece.strip() for piece in only.split(", ", 1)]
        elif right and TITLE_WORDS.search(left) and not TITLE_WORDS.search(right):
            parts = [left.strip(), right.strip()]  # "Desarrollador en Globex"
    if not parts:
        return "", ""
    if len(parts) == 1:
        return (parts[0], "") if TITLE_WORDS.search(parts[0]) else ("", parts[0])
    title = next((part for part in parts if TITLE_WORDS.search(part)), parts[0])
    employer = next((part for part in parts if part is not title and not PLACE.match(part)), "")
    return title, employer


def _work(lines: list[str]) -> list[ParsedWork]:
    jobs = []
    for header, found, description in _entries(lines, singles=False):
        title, employer = _title_employer(header)
        jobs.append(
            ParsedWork(
                title=title[:120],
                employer=employer[:120],
                start=str(found.start) if found.start else "",
                end="" if found.current or not found.end else str(found.end),
                current=found.current,
                description="\n".join(description)[:4000],
            )
        )
    return jobs[:30]


def _education(lines: list[str]) -> list[ParsedEducation]:
    schools = []
    for header, found, _description in _entries(lines, singles=True):
        parts: list[str] = []
        for line in header:
            pieces = [p.strip() for p in re.split(r"\s[|·—–]\s|,\s(?=[A-ZÁÉÍÓÚ])", line)]
            parts.extend(p for p in pieces if p)
        school = next((p for p in parts if SCHOOL_WORDS.search(p)), "")
        degree_line = next(
            (p for p in parts if p != school and DEGREE_WORDS.search(p)),
            next((p for p in parts if p != school), ""),
        )
        degree, field = degree_line, ""
        if degree_line:
            split = FIELD_SPLIT.split(degree_line, maxsplit=1)
            if len(split) == 2 and DEGREE_WORDS.search(split[0]):
                degree, field = split[0].strip(), split[1].strip()
        schools.append(
            ParsedEducation(
                school=school[:160],
                degree=degree[:120],
                field=field[:120],
                start=str(found.start) if found.start else "",
                end="" if found.current or not found.end else str(found.end),
            )
        )
    return schools[:15]
