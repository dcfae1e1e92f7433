"""The records list's filters, read from a query string: the list page and the records' exports share them.

Beside identification's own (text, duplicates, import, abstract), the later stages' filters (reviews.stages.
RecordFilter; screening's decisions, reasons and tags) narrow the records, and give the exports their notes (why a
record was excluded, say): identification imports no later stage, so they register themselves with the kernel.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils.text import slugify

from reviews import stages

# A later stage's filter, the choices it offers the viewer, and the one chosen ("" for any).
Offered = list[tuple[stages.RecordFilter, list[tuple[str, str]], str]]


@dataclass(frozen=True)
class RecordFilters:
    query: str = ""
    show: str = "unique"
    source: str = ""
    abstract: str = ""
    # The later stages' filters chosen (reviews.stages.RecordFilter): (name, value) pairs.
    later: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_query(cls, params) -> "RecordFilters":
        return cls(
            query=params.get("q", "").strip(),
            show=params.get("show", "unique"),
            source=params.get("import", ""),
            abstract=params.get("abstract", ""),
            later=tuple(
                (record_filter.name, params[record_filter.name])
                for record_filter in stages.record_filters()
                if params.get(record_filter.name)
            ),
        )

    def offered(self, review, user, *, every: bool = True) -> Offered:
        """Each later stage's filter with the choices it offers this user and the one chosen ("" for any): worked
        out once per request, for the page's lists and for `apply`. A download, which draws no lists, asks for the
        chosen filters only (`every=False`)."""
        chosen = dict(self.later)
        return [
            (record_filter, record_filter.choices(review, user), chosen.get(record_filter.name, ""))
            for record_filter in stages.record_filters()
            if every or record_filter.name in chosen
        ]

    def apply(self, records: QuerySet, *, review, user, offered: Offered) -> QuerySet:
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
        for record_filter, value, _ in _applied(offered):
            records = record_filter.apply(records, review, user, value)
        return records

    def count_among(self, *, total: int, unique: int) -> int | None:
        """How many records the filters select, when that follows from the review's totals (the list's default
        view of unique records, all, or the duplicates), so the page need not count a million rows again; None
        when the filters narrow further."""
        if self.query or self.source or self.abstract or self.later:
            return None
        return {"unique": unique, "duplicates": total - unique}.get(self.show, total)

    def query_string(self) -> str:
        """The filters as a query string, for the pager's and the downloads' links."""
        chosen = {"q": self.query, "show": self.show, "import": self.source, "abstract": self.abstract}
        chosen.update(self.later)
        return urlencode(chosen)

    def notes(self, records: QuerySet, offered: Offered) -> dict[int, str]:
        """The chosen later filters' note on each of the records (why it was excluded, say)."""
        notes: dict[int, str] = {}
        for record_filter, value, _ in _applied(offered):
            if record_filter.notes is not None:
                notes.update(record_filter.notes(records, value))
        return notes

    def download_name(self, offered: Offered) -> str:
        """ "records", and the later filters chosen ("records-excluded-either-stage"), for a download's name."""
        return "-".join(["records", *(slugify(label) for _, _, label in _applied(offered))])


def _applied(offered: Offered) -> list[tuple[stages.RecordFilter, str, str]]:
    """The chosen later filters whose value is one they offer, with the value and its label."""
    return [
        (record_filter, value, dict(choices)[value])
        for record_filter, choices, value in offered
        if value and value in dict(choices)
    ]
