"""Load the demo data every app offers, idempotently, and print the demo logins."""

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each app may offer ``<app>/demo.py`` with ``seed(*, stdout) -> list[str]`` returning lines
# to print; they run in dependency order, so later apps can use earlier apps' demo data.
DEMO_APPS = ["accounts", "eligibility", "enrollment", "payments", "scheduling", "field"]


class Command(BaseCommand):
    help = "Load labelled sample data (users, Approved Product List, technicians) and print logins."

    def handle(self, *args, **options):
        if not settings.DEBUG and settings.PAYMENT_PROVIDER != "demo":
            raise CommandError("seed_demo creates known passwords; it is refused in production.")
        lines: list[str] = []
        with transaction.atomic():
            for app in DEMO_APPS:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                lines += module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded (all of it labelled sample)."))
        for line in lines:
            self.stdout.write(line)
