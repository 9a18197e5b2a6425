"""Reads for payments: which fee a request owes now, and what its status-page panel shows."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from enrollment.models import Request, RequestEvent, Status
from enrollment.selectors import revisit_is_free

from .models import Dispute, Payment, Refund


def _loaded_events(msa_request: Request) -> list[RequestEvent] | None:
    """The request's history when a page already loaded it (``prefetch_related("events")``)."""
    if "events" in getattr(msa_request, "_prefetched_objects_cache", {}):
        return list(msa_request.events.all())
    return None


def failed_visit_count(*, msa_request: Request) -> int:
    """Return how many site visits of this request have failed so far."""
    events = _loaded_events(msa_request)
    if events is not None:
        return sum(1 for e in events if e.to_status == Status.VISIT_FAILED)
    return RequestEvent.objects.filter(
        msa_request_id=msa_request.pk, to_status=Status.VISIT_FAILED
    ).count()


def fee_due(*, msa_request: Request) -> tuple[str, int] | None:
    """Return ``(purpose, visit_number)`` of the fee the request's state asks for, or None.

    The program charges $279.22 per site visit, paid at submission; a failed visit needs a new
    fee, unless it failed on the utility's side (``revisit_is_free``): then none is due.
    """
    if msa_request.status == Status.AWAITING_PAYMENT:
        return Payment.Purpose.INITIAL, 1
    if msa_request.status == Status.VISIT_FAILED and not revisit_is_free(
        msa_request_id=msa_request.pk, events=_loaded_events(msa_request)
    ):
        return Payment.Purpose.REVISIT, failed_visit_count(msa_request=msa_request) + 1
    return None


def requests_with_revisit_fee_due():
    """Return the requests whose visit failed and whose new fee is not settled, oldest first."""
    return Request.objects.filter(status=Status.VISIT_FAILED).order_by("updated_at")


def live_payment_for_visit(*, msa_request_id: int, visit_number: int) -> Payment | None:
    """Return the pending, paid or waived fee of one visit, if there is one."""
    return (
        Payment.objects.filter(
            msa_request_id=msa_request_id,
            visit_number=visit_number,
            status__in=Payment.LIVE_STATUSES,
        )
        .order_by("-pk")
        .first()
    )


def payment_panel_for(*, msa_request: Request) -> dict:
    """Return what the payments panel of a request's status page shows, in fixed queries."""
    payments = list(
        Payment.objects.filter(msa_request_id=msa_request.pk).order_by("created_at", "pk")
    )
    due = fee_due(msa_request=msa_request)
    open_payment = None
    due_settled = False
    if due is not None:
        for payment in payments:
            if payment.visit_number == due[1] and payment.status in Payment.LIVE_STATUSES:
                if payment.status == Payment.Status.PENDING:
                    open_payment = payment
                else:
                    due_settled = True
    free_revisit = msa_request.status in (
        Status.APPROVED,
        Status.SCHEDULED,
        Status.VISIT_FAILED,
    ) and revisit_is_free(msa_request_id=msa_request.pk, events=_loaded_events(msa_request))
    return {
        "fee_cents": settings.MSA_VISIT_FEE_CENTS,
        "free_revisit": free_revisit,
        "disputed": any(p.status == Payment.Status.DISPUTED for p in payments),
        "due_purpose": due[0] if due else None,
        "can_pay": due is not None and not due_settled,
        "open_payment": open_payment,
        "payments": [p for p in payments if p.status != Payment.Status.PENDING],
        "demo": settings.PAYMENT_PROVIDER == Payment.Provider.DEMO,
    }


@dataclass(frozen=True)
class MoneyFigures:
    collected_week_cents: int
    collected_year_cents: int
    refunded_week_cents: int
    refunded_year_cents: int
    fees_paid_year: int
    open_disputes: int = 0
    open_disputes_cents: int = 0
    needing_attention: int = 0


def payments_needing_attention():
    """Payments a person must look at (mismatch, duplicate, dispute, failed refund)."""
    return Payment.objects.exclude(attention="").order_by("updated_at", "pk")


def open_disputes():
    """Disputes Stripe has not closed yet, oldest first."""
    return Dispute.objects.exclude(status__in=Dispute.CLOSED).order_by("created_at", "pk")


def money_figures(*, today: date) -> MoneyFigures:
    """Fees collected, refunds made (sums of refund rows, cents), open disputes (four queries).

    A refund counts when Stripe has it pending or succeeded, as Stripe's own
    ``amount_refunded`` does, whichever path made it (portal, automatic, Stripe Dashboard).
    """
    week_start = today - timedelta(days=today.weekday())
    year_start = today.replace(month=1, day=1)

    def sums(queryset, field: str) -> dict:
        # Both periods in one aggregate (a week in early January starts in the year before).
        week = Q(**{f"{field}__date__gte": week_start})
        year = Q(**{f"{field}__date__gte": year_start})
        return queryset.filter(week | year).aggregate(
            week=Coalesce(Sum("amount_cents", filter=week), 0),
            year=Coalesce(Sum("amount_cents", filter=year), 0),
            n=Count("pk", filter=year),
        )

    paid = sums(Payment.objects.filter(status__in=Payment.PAID_STATUSES), "paid_at")
    refunded = sums(Refund.objects.filter(status__in=Refund.COUNTED), "created_at")
    disputes = open_disputes().aggregate(count=Count("pk"), cents=Coalesce(Sum("amount_cents"), 0))
    return MoneyFigures(
        collected_week_cents=paid["week"],
        collected_year_cents=paid["year"],
        refunded_week_cents=refunded["week"],
        refunded_year_cents=refunded["year"],
        fees_paid_year=paid["n"],
        open_disputes=disputes["count"],
        open_disputes_cents=disputes["cents"],
        needing_attention=payments_needing_attention().count(),
    )
