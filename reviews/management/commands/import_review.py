import json

from django.core.management.base import BaseCommand, CommandError

from reviews.backup import BackupError, import_review


class Command(BaseCommand):
    help = "Restore a review written by export_review into this database (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            with open(path, encoding="utf-8") as file:
                document = json.load(file)
            review = import_review(document)
        except (OSError, ValueError, BackupError) as error:
            raise CommandError(f"{path}: {error}") from None
        self.stdout.write(f"Review #{review.pk} “{review.title}” restored: {len(document['objects'])} objects.")
