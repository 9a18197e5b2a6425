"""Writes to the Approved Product List beyond plain admin edits and CSV imports."""

import logging

from django.db import transaction
from django.utils import timezone

from .models import ApprovedProduct

logger = logging.getLogger(__name__)


def product_stamp_status_change(*, product: ApprovedProduct) -> None:
    """Date a status change made by hand, unless the editor gave the date themselves."""
    product.status_changed_on = timezone.localdate()


def product_set_status(*, product_ids: list[int], status: str) -> int:
    """Move APL entries to ``status`` dated today; return how many changed (repeats change none).

    Requests already checked keep the entry as it was (their snapshot), so suspending or
    retiring a device only affects requests checked from now on.
    """
    ApprovedProduct.Status(status)  # refuse unknown states
    changed = 0
    with transaction.atomic():
        products = ApprovedProduct.objects.select_for_update().filter(pk__in=product_ids)
        for product in products.exclude(status=status):
            product.status = status
            product_stamp_status_change(product=product)
            product.save(update_fields=["status", "status_changed_on", "updated_at"])
            changed += 1
    logger.info("APL: %s entries set to %s", changed, status)
    return changed
