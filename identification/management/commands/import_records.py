from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date

from identification.access import IDENTIFIERS
from identification.importers import ImportFileError
from identification.models import RecordImport, Search, SourceType
from identification.services import run_import
from reviews.models import Membership, Review, Role


class Command(BaseCommand):
    help = "Import a file of search results into a review, log its search, and deduplicate."

    def add_arguments(self, parser):
        parser.add_argument("review_id", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, help="database or register searched, e.g. PubMed")
        parser.add_argument("--platform", default="")
        parser.add_argument("--type", choices=SourceType.values, default=SourceType.DATABASE)
        parser.add_argument("--date", help="date searched, YYYY-MM-DD (default today)")
        parser.add_argument("--strategy", default="")
        parser.add_argument("--user", help="username recorded as importer (default: the review's first lead)")

    def handle(self, *args, **options):
        review = Review.objects.filter(pk=options["review_id"]).first()
        if review is None:
            raise CommandError(f"no review with id {options['review_id']}")
        path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        date = parse_date(options["date"]) if options["date"] else timezone.localdate()
        if date is None:
            raise CommandError(f"--date {options['date']!r} is not a date like 2026-11-25")
        user = self._user(review, options["user"])
        search, _ = Search.objects.get_or_create(
            review=review,
            source=options["source"],
            platform=options["platform"],
            date_searched=date,
            defaults={"source_type": options["type"], "strategy": options["strategy"], "created_by": user},
        )
        with path.open("rb") as handle:
            record_import = RecordImport.objects.create(
                review=review, search=search, upload=File(handle, name=path.name), file_name=path.name, created_by=user
            )
        try:
            run_import(record_import, progress=lambda message: self.stdout.write(message))
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was imported.") from exc
        for warning in record_import.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))

    @staticmethod
    def _user(review, username):
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None or not review.memberships.filter(user=user, role__in=IDENTIFIERS).exists():
                raise CommandError(f"{username!r} is not a lead or reviewer of this review")
            return user
        lead = Membership.objects.filter(review=review, role=Role.LEAD).select_related("user").first()
        return lead.user
