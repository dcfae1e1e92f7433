from django.core.management import call_command
from django.core.management.base import BaseCommand

from reviews import stages
from reviews.demo import build_demo


class Command(BaseCommand):
    help = "Migrate, then create the demo users and the demo NMOSD review: screened, extracted, locked, analysed."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        summary = build_demo()
        stages.run_demo(summary.review)  # each stage's step: imports, screening, extraction, analysis
        self.stdout.write("Demo users (username / password):")
        for username, role, password in summary.users:
            self.stdout.write(f"  {username:<12} {password:<26} {role}")
        state = "created" if summary.created else "already present"
        self.stdout.write(f"Demo review #{summary.review.pk} “{summary.review.title}” {state}.")
