"""What the admin of every stage shares: read-only history, and refused writes shown as messages."""

from django.contrib import messages
from django.http import HttpResponseRedirect

from .guards import WriteRefused


class HistoryAdmin:
    """Rows that are a review's trail (votes and their history, resolutions, extracted values, consensus, the audit
    trail, the lock, analysis runs, records and duplicate decisions): staff view and export them, nobody adds,
    changes, deletes or imports them here, superusers included. A correction goes through the workflow (a new vote
    or resolution, an unlock with its reason), which leaves history of its own."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        return False


class RefusedWritesAdmin:
    """Edits, deletions and bulk actions that a write guard refuses (reviews/guards.py: the extraction lock) end in
    a message instead of an error page."""

    def _refusing(self, view, request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except WriteRefused as exc:
            self.message_user(request, f"Not saved: {exc}.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        return self._refusing(super().changeform_view, request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._refusing(super().delete_view, request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._refusing(super().changelist_view, request, *args, **kwargs)
