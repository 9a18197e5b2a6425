"""``manage.py payments_reconcile``: compare Stripe's recent money with the ledger."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from payments.errors import ProviderUnavailable
from payments.services import payment_reconcile, payment_reconcile_with_stripe


class Command(BaseCommand):
    help = (
        "Compare recent Checkout Sessions, payment intents, refunds and disputes at Stripe with "
        "the fee ledger; mend what can be mended and list what cannot (exit 1 if any)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=None,
            help="How far back to look (default PAYMENTS_RECONCILE_WINDOW_HOURS).",
        )

    def handle(self, *args, **options):
        hours = options["hours"] or settings.PAYMENTS_RECONCILE_WINDOW_HOURS
        settled = payment_reconcile(older_than_minutes=settings.PAYMENTS_RECONCILE_AFTER_MINUTES)
        self.stdout.write(f"Pending checkouts settled: {settled}")
        if settings.PAYMENT_PROVIDER != "stripe":
            self.stdout.write("Payment provider is not Stripe: nothing to compare.")
            return
        try:
            report = payment_reconcile_with_stripe(since=timezone.now() - timedelta(hours=hours))
        except ProviderUnavailable as exc:
            raise CommandError("Stripe could not be listed; nothing compared.") from exc
        self.stdout.write(f"Objects checked at Stripe: {report.checked}")
        for line in report.mended:
            self.stdout.write(f"mended: {line}")
        for line in report.unmended:
            self.stdout.write(self.style.WARNING(f"needs a person: {line}"))
        if report.unmended:
            raise CommandError(f"{len(report.unmended)} difference(s) need a person.")
        self.stdout.write(self.style.SUCCESS("Stripe and the ledger agree."))
