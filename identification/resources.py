from import_export import fields

from identification.models import Record, Search
from reviews.resources import SafeResource


class SearchResource(SafeResource):
    class Meta:
        model = Search
        fields = ("id", "review", "source", "platform", "source_type", "date_searched", "strategy", "notes")


class RecordResource(SafeResource):
    """Export only: records enter through imports, so that they are parsed, validated and deduplicated."""

    source = fields.Field(attribute="source_import__search__source", column_name="source")

    class Meta:
        model = Record
        fields = (
            "id",
            "review",
            "source",
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
            "duplicate_of",
        )
        export_order = fields
