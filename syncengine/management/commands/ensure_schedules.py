"""Create or update the background schedules (idempotent)."""

from django.core.management.base import BaseCommand

from syncengine.schedules import ensure_all_schedules


class Command(BaseCommand):
    help = "Create or update the django-q2 schedules of the product (safe to run at every start)."

    def handle(self, *args, **options):
        ensure_all_schedules()
        self.stdout.write("Schedules are up to date.")
