from django.core.management import call_command
from django.core.management.base import BaseCommand

from reviews import stages
from reviews.demo import build_demo


class Command(BaseCommand):
    help = (
        "Migrate, then create the demo users and the demo reviews (NMOSD; BCG vaccine trials): screened, extracted, "
        "appraised, locked, analysed."
    )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        summary = build_demo()
        for review, _created in summary.reviews:
            stages.run_demo(review)  # each stage's step: imports, screening, extraction, appraisal, analysis
        self.stdout.write("Demo users (username / password):")
        for username, role, password in summary.users:
            self.stdout.write(f"  {username:<12} {password:<26} {role}")
        for review, created in summary.reviews:
            state = "created" if created else "already present"
            self.stdout.write(f"Demo review #{review.pk} “{review.title}” {state}.")
