from import_export import fields, resources

from .models import Resolution, Vote


class VoteResource(resources.ModelResource):
    """Every vote with who cast it and when; staff only (the admin), since it unblinds screening."""

    reviewer = fields.Field(attribute="reviewer__username", column_name="reviewer")
    exclusion_reason = fields.Field(attribute="exclusion_reason__label", column_name="exclusion_reason")

    class Meta:
        model = Vote
        fields = ("id", "review", "record", "stage", "reviewer", "decision", "exclusion_reason", "note", "created_at",
                  "updated_at")  # fmt: skip
        export_order = fields


class ResolutionResource(resources.ModelResource):
    resolved_by = fields.Field(attribute="resolved_by__username", column_name="resolved_by")
    exclusion_reason = fields.Field(attribute="exclusion_reason__label", column_name="exclusion_reason")

    class Meta:
        model = Resolution
        fields = ("id", "review", "record", "stage", "decision", "method", "exclusion_reason", "resolved_by", "note",
                  "created_at")  # fmt: skip
        export_order = fields
