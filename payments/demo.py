"""Demo data for payments: nothing to load, only how to pay on a demo site."""

from django.conf import settings


def seed(*, stdout) -> list[str]:
    """Return a line explaining the demo payment provider when it is the one in use."""
    if settings.PAYMENT_PROVIDER != "demo":
        return []
    return [
        "Payments: demo provider. 'Pay' on a request's status page opens a local checkout "
        "page (no card is charged) where you can pay, fail or cancel."
    ]
