from import_export import fields
from import_export.widgets import ForeignKeyWidget

from reviews.resources import SafeResource, WorkflowResource
from screening.models import Study

from . import services
from .models import AuditEvent, Consensus, FormField, Value


class FormFieldResource(WorkflowResource):
    """Imported fields are saved by the form builder's service: the form's version and audit trail follow."""

    refusals = (services.ExtractionError,)

    def save_row(self, instance, is_create) -> None:
        if is_create:
            instance.pk = None  # the service numbers a new field itself
        services.save_field(review=instance.review, user=self.writer, field=instance)

    class Meta:
        model = FormField
        fields = (
            "id",
            "review",
            "section",
            "key",
            "label",
            "field_type",
            "unit",
            "help_text",
            "required",
            "per_arm",
            "min_value",
            "max_value",
            "positive",
            "choices",
            "tolerance",
            "sum_of",
            "position",
            "retired",
            "added_in_version",
        )
        export_order = fields


class ValueResource(SafeResource):
    """Every value each extractor entered; staff only (the admin), since it unblinds extraction."""

    study = fields.Field(attribute="extraction__study__label", column_name="study", readonly=True)
    extractor = fields.Field(attribute="extraction__extractor__username", column_name="extractor", readonly=True)
    field_key = fields.Field(attribute="field__key", column_name="field_key", readonly=True)

    class Meta:
        model = Value
        fields = (
            "id",
            "review",
            "extraction",
            "study",
            "extractor",
            "field",
            "field_key",
            "arm",
            "value",
            "note",
            "form_version",
            "updated_at",
        )
        export_order = fields


class ConsensusResource(SafeResource):
    study = fields.Field(attribute="study", column_name="study", widget=ForeignKeyWidget(Study, "pk"))
    study_label = fields.Field(attribute="study__label", column_name="study_label", readonly=True)
    field_key = fields.Field(attribute="field__key", column_name="field_key", readonly=True)

    class Meta:
        model = Consensus
        fields = (
            "id",
            "review",
            "study",
            "study_label",
            "field",
            "field_key",
            "arm",
            "value",
            "status",
            "resolved_by",
            "note",
            "updated_at",
        )
        export_order = fields


class AuditEventResource(SafeResource):
    user = fields.Field(attribute="user__username", column_name="user", readonly=True)

    class Meta:
        model = AuditEvent
        fields = ("id", "review", "study", "field", "arm", "action", "old_value", "new_value", "note", "user", "at")
        export_order = fields
