"""The records list's filters, read from a query string: the list page and the records' exports share them."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet

from .record_sets import RecordSet, record_set


@dataclass(frozen=True)
class RecordFilters:
    query: str = ""
    show: str = "unique"
    source: str = ""
    abstract: str = ""
    # A set a later stage registered (identification/record_sets.py), or None for every record.
    record_set: RecordSet | None = None

    @classmethod
    def from_query(cls, params) -> "RecordFilters":
        return cls(
            query=params.get("q", "").strip(),
            show=params.get("show", "unique"),
            source=params.get("import", ""),
            abstract=params.get("abstract", ""),
            record_set=record_set(params.get("set", "")),
        )

    def apply(self, records: QuerySet) -> QuerySet:
        if self.query:
            records = records.matching(self.query)
        if self.show == "unique":
            records = records.unique()
        elif self.show == "duplicates":
            records = records.filter(duplicate_of__isnull=False)
        if self.source.isdigit():
            records = records.filter(source_import_id=int(self.source))
        if self.abstract == "missing":
            records = records.filter(abstract="")
        if self.record_set:
            records = self.record_set.select(records)
        return records

    def query_string(self) -> str:
        """The filters as a query string, for the pager's and the downloads' links."""
        chosen = {"q": self.query, "show": self.show, "import": self.source, "abstract": self.abstract}
        if self.record_set:
            chosen["set"] = self.record_set.slug
        return urlencode(chosen)

    def notes(self, records: QuerySet) -> dict[int, str]:
        """The set's note on each of the records (why it was excluded, say)."""
        return self.record_set.notes(records) if self.record_set and self.record_set.notes else {}
