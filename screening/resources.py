from import_export import fields, widgets

from reviews.resources import SafeResource

from .models import RecordTag, Report, Resolution, Study, Tag, Vote, VoteEvent


class VoteResource(SafeResource):
    """Every vote with who cast it and when; staff only (the admin), since it unblinds screening."""

    reviewer = fields.Field(attribute="reviewer__username", column_name="reviewer")
    exclusion_reason = fields.Field(attribute="exclusion_reason__label", column_name="exclusion_reason")

    class Meta:
        model = Vote
        fields = (
            "id",
            "review",
            "record",
            "stage",
            "reviewer",
            "decision",
            "exclusion_reason",
            "note",
            "created_at",
            "updated_at",
        )
        export_order = fields


class ResolutionResource(SafeResource):
    resolved_by = fields.Field(attribute="resolved_by__username", column_name="resolved_by")
    exclusion_reason = fields.Field(attribute="exclusion_reason__label", column_name="exclusion_reason")

    class Meta:
        model = Resolution
        fields = (
            "id",
            "review",
            "record",
            "stage",
            "decision",
            "method",
            "exclusion_reason",
            "resolved_by",
            "note",
            "created_at",
        )
        export_order = fields


class VoteEventResource(SafeResource):
    """Every vote, change of vote and withdrawal, in order: the full history behind the current votes."""

    record = fields.Field(attribute="record_id", column_name="record", widget=widgets.IntegerWidget())
    reviewer = fields.Field(attribute="reviewer__username", column_name="reviewer")
    exclusion_reason = fields.Field(attribute="exclusion_reason__label", column_name="exclusion_reason")

    class Meta:
        model = VoteEvent
        fields = ("id", "record", "stage", "reviewer", "decision", "exclusion_reason", "note", "at")
        export_order = fields


class StudyResource(SafeResource):
    class Meta:
        model = Study
        fields = ("id", "review", "label", "created_at")


class ReportResource(SafeResource):
    study = fields.Field(attribute="study__label", column_name="study")
    updated_by = fields.Field(attribute="updated_by__username", column_name="updated_by")

    class Meta:
        model = Report
        fields = ("id", "review", "record", "pdf", "link", "not_retrieved_reason", "study", "updated_by", "updated_at")
        export_order = fields


class RecordTagResource(SafeResource):
    """Every tag put on a record, with who put it there and when."""

    review = fields.Field(attribute="tag__review_id", column_name="review", widget=widgets.IntegerWidget())
    tag = fields.Field(attribute="tag__name", column_name="tag")
    added_by = fields.Field(attribute="added_by__username", column_name="added_by")

    class Meta:
        model = RecordTag
        fields = ("id", "review", "record", "tag", "added_by", "added_at")
        export_order = fields


class TagResource(SafeResource):
    class Meta:
        model = Tag
        fields = ("id", "review", "name", "created_at")
        export_order = fields
