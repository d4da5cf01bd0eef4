"""Skills named in a CV, matched against the taxonomy (profiles.taxonomy) by name and alias."""

import re
from functools import cache

from craftwork.profiles.taxonomy import TAXONOMY

# Names people write for a taxonomy skill besides its own name (English and Spanish).
ALIASES = {
    "c-cpp": ["C++", "C/C++", "C / C++"],
    "html-css": ["HTML", "CSS", "HTML5", "CSS3", "HTML/CSS"],
    "nodejs": ["Node", "NodeJS", "Node JS"],
    "postgresql": ["Postgres"],
    "aws": ["AWS", "Amazon Web Services"],
    "ios-development": ["Swift", "iOS"],
    "android-development": ["Kotlin", "Android"],
    "vuejs": ["Vue"],
    "nextjs": ["NextJS"],
    "dotnet": [".NET Core", "ASP.NET"],
    "csharp": ["C Sharp"],
    "rest-api-design": ["REST APIs", "REST API", "APIs REST", "API REST"],
    "test-automation": ["Automated testing", "Pruebas automatizadas"],
    "machine-learning": ["Aprendizaje automático"],
    "deep-learning": ["Aprendizaje profundo"],
    "data-analysis": ["Análisis de datos", "Data analytics"],
    "data-visualization": ["Visualización de datos"],
    "natural-language-processing": ["NLP", "Procesamiento del lenguaje natural"],
    "computer-vision": ["Visión por computador", "Visión artificial"],
    "seo": ["Posicionamiento SEO"],
    "graphic-design": ["Diseño gráfico"],
    "ui-design": ["Diseño UI", "Diseño de interfaces"],
    "ux-research": ["Investigación UX", "User research"],
    "social-media-management": ["Gestión de redes sociales", "Community management"],
    "email-marketing": ["Email marketing", "Marketing por correo electrónico"],
    "accounting": ["Contabilidad"],
    "bookkeeping": ["Teneduría de libros"],
    "payroll": ["Nóminas"],
    "financial-analysis": ["Análisis financiero"],
    "customer-service": ["Atención al cliente"],
    "project-coordination": ["Coordinación de proyectos"],
    "copywriting": ["Redacción publicitaria"],
    "content-writing": ["Redacción de contenidos"],
    "technical-writing": ["Redacción técnica"],
    "video-editing": ["Edición de vídeo", "Edición de video"],
    "photography": ["Fotografía"],
    "statistics": ["Estadística"],
    "excel-modeling": ["Excel"],
    "crm-management": ["CRM", "HubSpot", "Salesforce"],
    "market-research": ["Investigación de mercados"],
    "plumbing": ["Fontanería"],
    "carpentry": ["Carpintería"],
    "electrical-work": ["Electricidad"],
    "kubernetes": ["K8s"],
    "cybersecurity": ["Ciberseguridad"],
    "devops": ["Dev Ops"],
}
# Too short or too common to trust outside a skills list ("Go" is also a verb).
SHORT = 3


@cache
def _patterns() -> list[tuple[str, re.Pattern, bool]]:
    """(slug, pattern, needs_list): longest names first, so "React Native" wins over "React"."""
    names: list[tuple[str, str]] = []
    for _category, _name, _icon, _description, skills in TAXONOMY:
        for slug, name in skills:
            names.append((slug, name))
            bare = re.sub(r"\s*\(.*?\)", "", name).strip()
            if bare != name:
                names.append((slug, bare))
                for inner in re.findall(r"\((.*?)\)", name):
                    names.extend((slug, part.strip()) for part in inner.split(","))
            names.extend((slug, alias) for alias in ALIASES.get(slug, []))
    seen, patterns = set(), []
    for slug, name in sorted(names, key=lambda item: -len(item[1])):
        key = (slug, name.casefold())
        if key in seen or not name:
            continue
        seen.add(key)
        short = len(name) < SHORT
        flags = 0 if short else re.IGNORECASE
        pattern = re.compile(r"(?<![\w.+#-])" + re.escape(name) + r"(?![\w+#]|\.\w)", flags)
        patterns.append((slug, pattern, short))
    return patterns


def match_skills(text: str, *, is_list: bool) -> list[str]:
    """Taxonomy slugs named in ``text``, in order of first mention. ``is_list`` says the text is
    a skills section, where short names ("Go", "C#") count too."""
    found: dict[str, int] = {}
    chars = list(text)
    for slug, pattern, short in _patterns():
        if short and not is_list:
            continue
        for match in pattern.finditer("".join(chars)):
            found.setdefault(slug, match.start())
            for i in range(*match.span()):  # a longer name's words are not matched again
                chars[i] = "\0"
    return sorted(found, key=found.get)
