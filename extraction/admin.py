from django.contrib import admin
from import_export.admin import ExportMixin, ImportExportModelAdmin

from reviews.access import Staff
from reviews.admin_base import HistoryAdmin, ReadOnlyAdmin, RefusedWritesAdmin

from . import services
from .models import AuditEvent, Consensus, Extraction, ExtractionForm, ExtractionLock, FormField, Section, Value
from .resources import AuditEventResource, ConsensusResource, FormFieldResource, ValueResource


@admin.register(ExtractionForm)
class ExtractionFormAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: the version goes up by itself when the form changes after extraction started."""

    list_display = ["review", "version", "updated_at"]
    search_fields = ["review__title"]
    list_select_related = ["review"]


class FormAdmin(RefusedWritesAdmin):
    """Sections and fields are saved through the form builder's services, with the staff account as writer, so an
    edit here raises the form's version once values exist and leaves a 'form changed' event in the audit trail.
    They stay in their review, and are retired rather than deleted, as in the form builder: the values entered for
    a field keep it."""

    refusals = (*RefusedWritesAdmin.refusals, services.ExtractionError)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Section)
class SectionAdmin(FormAdmin, admin.ModelAdmin):
    list_display = ["title", "form", "position"]
    search_fields = ["title", "review__title"]
    list_select_related = ["form__review"]

    def get_fields(self, request, obj=None):
        return ["review", "form", "title", "position"] if obj else ["review", "title"]

    def get_readonly_fields(self, request, obj=None):
        return ["review", "form"] if obj else []

    def save_model(self, request, obj, form, change):
        services.save_section(review=obj.review, user=Staff(request.user), section=obj)


@admin.register(FormField)
class FormFieldAdmin(FormAdmin, ImportExportModelAdmin):
    resource_classes = [FormFieldResource]
    list_display = ["key", "label", "field_type", "per_arm", "required", "retired", "section", "review"]
    list_filter = ["field_type", "per_arm", "required", "retired"]
    search_fields = ["key", "label", "review__title"]
    list_select_related = ["section", "review"]

    def get_exclude(self, request, obj=None):
        # A new field goes at the end of its section, in the form's current version.
        return [] if obj else ["position", "added_in_version"]

    def get_readonly_fields(self, request, obj=None):
        return ["review", "added_in_version"] if obj else []

    def save_model(self, request, obj, form, change):
        services.save_field(review=obj.review, user=Staff(request.user), field=obj)


@admin.register(Extraction)
class ExtractionAdmin(HistoryAdmin, admin.ModelAdmin):
    """Read-only: assignments change through the extraction overview, which keeps them in the audit trail."""

    list_display = ["study", "slot", "extractor", "status", "arm_count", "submitted_at", "review"]
    list_filter = ["status", "slot"]
    search_fields = ["study__label", "extractor__username", "review__title"]
    list_select_related = ["study", "extractor", "review"]
    raw_id_fields = ["study"]


@admin.register(Value)
class ValueAdmin(HistoryAdmin, ExportMixin, admin.ModelAdmin):
    """Read-only: values are entered on the extraction page, which keeps every change in the audit trail."""

    resource_classes = [ValueResource]
    list_display = ["extraction", "field", "arm", "value", "updated_at"]
    list_filter = ["field__section"]
    search_fields = ["value", "note", "field__key", "extraction__study__label"]
    list_select_related = ["extraction__study", "extraction__extractor", "field"]
    raw_id_fields = ["extraction", "field"]


@admin.register(Consensus)
class ConsensusAdmin(HistoryAdmin, ExportMixin, admin.ModelAdmin):
    """Read-only: conflicts are resolved on the conflicts page, which keeps every resolution in the audit trail."""

    resource_classes = [ConsensusResource]
    list_display = ["study", "field", "arm", "value", "status", "resolved_by", "review"]
    list_filter = ["status"]
    search_fields = ["value", "note", "field__key", "study__label"]
    list_select_related = ["study", "field", "resolved_by", "review"]
    raw_id_fields = ["study", "field"]


@admin.register(ExtractionLock)
class ExtractionLockAdmin(HistoryAdmin, admin.ModelAdmin):
    """Read-only: locking and unlocking go through the review's pages, which check readiness, ask the reason for an
    unlock, write the audit trail and mark analyses stale. Deleting the row would unlock without any of that."""

    list_display = ["review", "locked", "changed_by", "changed_at"]
    list_filter = ["locked"]
    list_select_related = ["review", "changed_by"]


@admin.register(AuditEvent)
class AuditEventAdmin(HistoryAdmin, ExportMixin, admin.ModelAdmin):
    resource_classes = [AuditEventResource]
    list_display = ["at", "user", "action", "study", "field", "arm", "review"]
    list_filter = ["action"]
    search_fields = ["note", "old_value", "new_value", "study__label"]
    list_select_related = ["user", "study", "field", "review"]
