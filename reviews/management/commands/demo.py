from django.core.management import call_command
from django.core.management.base import BaseCommand

from analysis.demo import simulate_analysis
from extraction.demo import simulate_extraction
from reviews.demo import build_demo
from screening.demo import simulate_screening


class Command(BaseCommand):
    help = "Migrate, then create the demo users and the demo NMOSD review: screened, extracted, locked, analysed."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        summary = build_demo()
        simulate_screening(summary.review)
        simulate_extraction(summary.review)
        simulate_analysis(summary.review)
        self.stdout.write("Demo users (username / password):")
        for username, role, password in summary.users:
            self.stdout.write(f"  {username:<12} {password:<26} {role}")
        state = "created" if summary.created else "already present"
        self.stdout.write(f"Demo review #{summary.review.pk} “{summary.review.title}” {state}.")
