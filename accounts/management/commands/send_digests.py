from django.core.management.base import BaseCommand

from accounts.models import Frequency
from accounts.notifications import send_digests


class Command(BaseCommand):
    help = (
        "Queue the digests of what waits for people: `daily` once a day, `immediate` every few minutes "
        "(each change is sent once). A task worker sends them (docs/deployment.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("frequency", choices=[Frequency.DAILY, Frequency.IMMEDIATE])

    def handle(self, *args, frequency, **options):
        result = send_digests.enqueue(frequency)
        self.stdout.write(f"Queued the {frequency} digests (task {result.id}).")
