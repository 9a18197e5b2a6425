from django.conf import settings


def program(request) -> dict:
    """Program facts every page may show (the fee, the demo banner)."""
    return {
        "visit_fee_cents": settings.MSA_VISIT_FEE_CENTS,
        "target_business_days": settings.MSA_TARGET_BUSINESS_DAYS,
        "demo_payments": settings.PAYMENT_PROVIDER == "demo",
    }
