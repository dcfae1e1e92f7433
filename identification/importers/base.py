from dataclasses import dataclass, field
from typing import Any

# The normalised fields every importer fills, in the order pages show them.
RECORD_FIELDS = (
    "title",
    "abstract",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "keywords",
    "url",
)


class ImportFileError(ValueError):
    """The file cannot be imported; ``line`` is where the problem was found, if it has one."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class ParsedRecord:
    title: str = ""
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    keywords: list[str] = field(default_factory=list)
    url: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    line: int | None = None  # where the record starts in the file, for warnings
    warnings: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.title or self.abstract or self.authors or self.doi or self.pmid)


@dataclass
class ParsedFile:
    format: str
    encoding: str
    records: list[ParsedRecord]

    @property
    def warnings(self) -> list[str]:
        return [warning for record in self.records for warning in record.warnings]
