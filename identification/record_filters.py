"""The records list's filters, read from a query string: the list page and the records' exports share them."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet

from reviews import stages

from .record_sets import RecordSet, record_set


@dataclass(frozen=True)
class RecordFilters:
    query: str = ""
    show: str = "unique"
    source: str = ""
    abstract: str = ""
    # A set a later stage registered (identification/record_sets.py), or None for every record.
    record_set: RecordSet | None = None
    # The later stages' filters chosen (reviews.stages.RecordFilter): (name, value) pairs.
    later: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_query(cls, params) -> "RecordFilters":
        return cls(
            query=params.get("q", "").strip(),
            show=params.get("show", "unique"),
            source=params.get("import", ""),
            abstract=params.get("abstract", ""),
            record_set=record_set(params.get("set", "")),
            later=tuple(
                (record_filter.name, params[record_filter.name])
                for record_filter in stages.record_filters()
                if params.get(record_filter.name)
            ),
        )

    def later_filters(self, review, user) -> list[tuple[stages.RecordFilter, list[tuple[str, str]], str]]:
        """Each later stage's filter with the choices it offers this user and the one chosen ("" for any)."""
        chosen = dict(self.later)
        return [
            (record_filter, record_filter.choices(review, user), chosen.get(record_filter.name, ""))
            for record_filter in stages.record_filters()
        ]

    def apply(self, records: QuerySet, *, review, user) -> QuerySet:
        """The records the filters select; a later stage's filter only with a value it offers this user."""
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
        chosen = dict(self.later)
        for record_filter in stages.record_filters():
            value = chosen.get(record_filter.name)
            if value and value in dict(record_filter.choices(review, user)):
                records = record_filter.apply(records, review, user, value)
        return records

    def count_among(self, *, total: int, unique: int) -> int | None:
        """How many records the filters select, when that follows from the review's totals (the list's default
        view of unique records, all, or the duplicates), so the page need not count a million rows again; None
        when the filters narrow further."""
        if self.query or self.source or self.abstract or self.record_set or self.later:
            return None
        return {"unique": unique, "duplicates": total - unique}.get(self.show, total)

    def query_string(self) -> str:
        """The filters as a query string, for the pager's and the downloads' links."""
        chosen = {"q": self.query, "show": self.show, "import": self.source, "abstract": self.abstract}
        if self.record_set:
            chosen["set"] = self.record_set.slug
        chosen.update(self.later)
        return urlencode(chosen)

    def notes(self, records: QuerySet) -> dict[int, str]:
        """The set's note on each of the records (why it was excluded, say)."""
        return self.record_set.notes(records) if self.record_set and self.record_set.notes else {}
