"""``kenesh manage kenesh_periodic``: run every periodic job once (reminders, digests,
retries of failed mail), for deployments that run them from cron rather than from the
worker, which runs them by itself."""

from django.core.management.base import BaseCommand

from kenesh.core import periodic


class Command(BaseCommand):
    help = "Run the periodic jobs (reminders, digests, mail retries) once."

    def handle(self, *args, **options):
        for name in periodic.run_due(everything=True):
            self.stdout.write(f"ran {name}")
