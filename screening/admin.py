from django.contrib import admin
from import_export.admin import ExportMixin

from .models import Resolution, Vote, VoteEvent
from .resources import ResolutionResource, VoteResource


class VoteEventInline(admin.TabularInline):
    model = VoteEvent
    extra = 0
    readonly_fields = ["decision", "note", "at"]
    can_delete = False


@admin.register(Vote)
class VoteAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [VoteResource]
    list_display = ["record", "stage", "reviewer", "decision", "updated_at", "review"]
    list_filter = ["stage", "decision"]
    search_fields = ["reviewer__username", "review__title", "note"]
    list_select_related = ["reviewer", "review", "record"]
    raw_id_fields = ["record"]
    autocomplete_fields = ["review", "reviewer"]
    inlines = [VoteEventInline]


@admin.register(Resolution)
class ResolutionAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [ResolutionResource]
    list_display = ["record", "stage", "decision", "method", "resolved_by", "created_at", "review"]
    list_filter = ["stage", "decision", "method"]
    search_fields = ["review__title", "note"]
    list_select_related = ["resolved_by", "review", "record"]
    raw_id_fields = ["record"]
    autocomplete_fields = ["review", "resolved_by"]
