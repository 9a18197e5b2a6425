"""Reads for payments: which fee a request owes now, and what its status-page panel shows."""

from django.conf import settings

from enrollment.models import Application, RequestEvent, Status

from .models import Payment


def failed_visit_count(*, application: Application) -> int:
    """Return how many site visits of this request have failed so far."""
    return RequestEvent.objects.filter(
        application_id=application.pk, to_status=Status.VISIT_FAILED
    ).count()


def fee_due(*, application: Application) -> tuple[str, int] | None:
    """Return ``(purpose, visit_number)`` of the fee the request's state asks for, or None."""
    if application.status == Status.AWAITING_PAYMENT:
        return Payment.Purpose.INITIAL, 1
    if application.status == Status.VISIT_FAILED:
        return Payment.Purpose.REVISIT, failed_visit_count(application=application) + 1
    return None


def requests_with_revisit_fee_due():
    """Return the requests whose visit failed and whose new fee is not settled, oldest first."""
    return Application.objects.filter(status=Status.VISIT_FAILED).order_by("updated_at")


def live_payment_for_visit(*, application_id: int, visit_number: int) -> Payment | None:
    """Return the pending, paid or waived fee of one visit, if there is one."""
    return (
        Payment.objects.filter(
            application_id=application_id,
            visit_number=visit_number,
            status__in=Payment.LIVE_STATUSES,
        )
        .order_by("-pk")
        .first()
    )


def payment_panel_for(*, application: Application) -> dict:
    """Return what the payments panel of a request's status page shows, in fixed queries."""
    payments = list(
        Payment.objects.filter(application_id=application.pk).order_by("created_at", "pk")
    )
    due = fee_due(application=application)
    open_payment = None
    due_settled = False
    if due is not None:
        for payment in payments:
            if payment.visit_number == due[1] and payment.status in Payment.LIVE_STATUSES:
                if payment.status == Payment.Status.PENDING:
                    open_payment = payment
                else:
                    due_settled = True
    return {
        "fee_cents": settings.MSA_VISIT_FEE_CENTS,
        "due_purpose": due[0] if due else None,
        "can_pay": due is not None and not due_settled,
        "open_payment": open_payment,
        "payments": [p for p in payments if p.status != Payment.Status.PENDING],
        "demo": settings.PAYMENT_PROVIDER == Payment.Provider.DEMO,
    }
