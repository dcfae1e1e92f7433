from django.core.management.base import BaseCommand

from reviews import stages
from reviews.file_exports import remove_orphan_files, requeue_stalled_exports


class Command(BaseCommand):
    help = (
        "Queue again, once, the background work (imports, analysis runs, exports) whose worker stopped without "
        "finishing it, and fail what stalled twice; remove export files no export holds. Run it from a timer every "
        "few minutes."
    )

    def handle(self, *args, **options):
        lines = [*requeue_stalled_exports(), *stages.requeue_stalled()]
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"{len(lines)} stalled task{'s' if len(lines) != 1 else ''} queued again or failed.")
        for line in remove_orphan_files():
            self.stdout.write(line)
