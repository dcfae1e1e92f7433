"""What the admin of every stage shares: read-only rows and history, and refused writes shown as messages."""

from django.http import HttpResponseRedirect

from .feedback import attempt
from .guards import WriteRefused


class ReadOnlyAdmin:
    """Rows that change only through the review's pages, whose services keep the workflow's rules: staff view and
    export them, nobody adds, changes, deletes or imports them here, superusers included."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        return False


class HistoryAdmin(ReadOnlyAdmin):
    """Rows that are a review's trail (votes and their history, resolutions, extracted values, consensus, the audit
    trail, the lock, analysis runs, records and duplicate decisions). A correction goes through the workflow (a new
    vote or resolution, an unlock with its reason), which leaves history of its own.

    These are the tables that grow to hundreds of thousands of rows, so the list page counts its rows once (for the
    paginator), not a second time for the unfiltered total (tests/test_admin_speed.py)."""

    show_full_result_count = False


class RefusedWritesAdmin:
    """Edits, deletions and bulk actions that a write guard refuses (reviews/guards.py: the extraction lock), or that
    a service refuses (an admin saving through the workflow's services lists their errors in `refusals`), end in a
    message instead of an error page."""

    refusals: tuple[type[Exception], ...] = (WriteRefused,)

    def _refusing(self, view, request, *args, **kwargs):
        response = attempt(request, lambda: view(request, *args, **kwargs), None, self.refusals, failure="Not saved")
        return response if response is not None else HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        return self._refusing(super().changeform_view, request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._refusing(super().delete_view, request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._refusing(super().changelist_view, request, *args, **kwargs)
