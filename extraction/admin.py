from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from import_export.admin import ExportMixin, ImportExportModelAdmin

from .locking import ExtractionLocked
from .models import AuditEvent, Consensus, Extraction, ExtractionForm, ExtractionLock, FormField, Section, Value
from .resources import AuditEventResource, ConsensusResource, FormFieldResource, ValueResource


class RefusedWhenLocked:
    """Edits, deletions and bulk actions on a locked extraction end in a message instead of an error page."""

    def _refusing(self, view, request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ExtractionLocked as exc:
            self.message_user(request, f"Not saved: {exc}.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        return self._refusing(super().changeform_view, request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._refusing(super().delete_view, request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._refusing(super().changelist_view, request, *args, **kwargs)


@admin.register(ExtractionForm)
class ExtractionFormAdmin(admin.ModelAdmin):
    list_display = ["review", "version", "updated_at"]
    search_fields = ["review__title"]
    list_select_related = ["review"]


@admin.register(Section)
class SectionAdmin(RefusedWhenLocked, admin.ModelAdmin):
    list_display = ["title", "form", "position"]
    search_fields = ["title", "review__title"]
    list_select_related = ["form__review"]


@admin.register(FormField)
class FormFieldAdmin(RefusedWhenLocked, ImportExportModelAdmin):
    resource_classes = [FormFieldResource]
    list_display = ["key", "label", "field_type", "per_arm", "required", "retired", "section", "review"]
    list_filter = ["field_type", "per_arm", "required", "retired"]
    search_fields = ["key", "label", "review__title"]
    list_select_related = ["section", "review"]


@admin.register(Extraction)
class ExtractionAdmin(RefusedWhenLocked, admin.ModelAdmin):
    list_display = ["study", "slot", "extractor", "status", "arm_count", "submitted_at", "review"]
    list_filter = ["status", "slot"]
    search_fields = ["study__label", "extractor__username", "review__title"]
    list_select_related = ["study", "extractor", "review"]
    raw_id_fields = ["study"]


@admin.register(Value)
class ValueAdmin(RefusedWhenLocked, ImportExportModelAdmin):
    resource_classes = [ValueResource]
    list_display = ["extraction", "field", "arm", "value", "updated_at"]
    list_filter = ["field__section"]
    search_fields = ["value", "note", "field__key", "extraction__study__label"]
    list_select_related = ["extraction__study", "extraction__extractor", "field"]
    raw_id_fields = ["extraction", "field"]


@admin.register(Consensus)
class ConsensusAdmin(RefusedWhenLocked, ImportExportModelAdmin):
    resource_classes = [ConsensusResource]
    list_display = ["study", "field", "arm", "value", "status", "resolved_by", "review"]
    list_filter = ["status"]
    search_fields = ["value", "note", "field__key", "study__label"]
    list_select_related = ["study", "field", "resolved_by", "review"]
    raw_id_fields = ["study", "field"]


@admin.register(ExtractionLock)
class ExtractionLockAdmin(admin.ModelAdmin):
    """Read-only: locking and unlocking go through the review's pages, which check readiness and ask a reason."""

    list_display = ["review", "locked", "changed_by", "changed_at"]
    list_filter = ["locked"]
    list_select_related = ["review", "changed_by"]
    readonly_fields = ["review", "locked", "changed_by", "changed_at"]

    def has_add_permission(self, request):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [AuditEventResource]
    list_display = ["at", "user", "action", "study", "field", "arm", "review"]
    list_filter = ["action"]
    search_fields = ["note", "old_value", "new_value", "study__label"]
    list_select_related = ["user", "study", "field", "review"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the trail is append-only
