"""What the parser found: a draft for the candidate to confirm, never written by itself."""

from dataclasses import asdict, dataclass, field


@dataclass
class ParsedWork:
    title: str = ""
    employer: str = ""
    start: str = ""  # "2020" or "2020-03"
    end: str = ""
    current: bool = False
    description: str = ""


@dataclass
class ParsedEducation:
    school: str = ""
    degree: str = ""
    field: str = ""
    start: str = ""
    end: str = ""


@dataclass
class ParsedLanguage:
    code: str  # ISO 639-1, one of profiles.languages
    level: str  # a LanguageLevel value


@dataclass
class ParsedCV:
    text_found: bool
    kind: str = ""  # "pdf" or "docx"
    name: str = ""
    email: str = ""
    phone: str = ""
    headline: str = ""
    summary: str = ""
    links: list[str] = field(default_factory=list)
    work: list[ParsedWork] = field(default_factory=list)
    education: list[ParsedEducation] = field(default_factory=list)
    languages: list[ParsedLanguage] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)  # taxonomy slugs, first mention first
    sections: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ParsedCV":
        data = dict(data)
        data["work"] = [ParsedWork(**item) for item in data.get("work", [])]
        data["education"] = [ParsedEducation(**item) for item in data.get("education", [])]
        data["languages"] = [ParsedLanguage(**item) for item in data.get("languages", [])]
        return cls(**data)
