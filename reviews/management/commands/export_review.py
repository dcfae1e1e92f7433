import json

from django.core.management.base import BaseCommand, CommandError

from reviews.backup import export_review
from reviews.models import Review


class Command(BaseCommand):
    help = "Write one review, with its team's accounts and uploaded files, as a JSON document."

    def add_arguments(self, parser):
        parser.add_argument("review_id", type=int)
        parser.add_argument("--output", "-o", required=True, help="File to write.")

    def handle(self, *args, review_id, output, **options):
        review = Review.objects.filter(pk=review_id).first()
        if review is None:
            raise CommandError(f"No review with id {review_id}")
        document = export_review(review)
        with open(output, "w", encoding="utf-8") as file:
            json.dump(document, file, ensure_ascii=False)
        self.stdout.write(
            f"Review #{review.pk} “{review.title}”: {len(document['objects'])} objects and "
            f"{len(document['files'])} files written to {output}."
        )
