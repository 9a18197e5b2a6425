from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Paid")
    FAILED = "failed", _("Failed (not charged)")
    EXPIRED = "expired", _("Checkout expired (not charged)")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    WAIVED = "waived", _("Waived")
    # Paid for a visit whose fee was already settled (two checkouts paid): staff refund it.
    DUPLICATE = "duplicate", _("Paid twice, refund due")


# A fee in one of these states holds its visit: no second fee for the same visit. A fee
# refunded in full no longer holds it (nothing is charged for the visit any more).
LIVE_STATUSES = [
    PaymentStatus.PENDING,
    PaymentStatus.SUCCEEDED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.WAIVED,
]
# Money was taken: these payments have a receipt.
PAID_STATUSES = [
    PaymentStatus.SUCCEEDED,
    PaymentStatus.REFUNDED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.DUPLICATE,
]
REFUNDABLE_STATUSES = [
    PaymentStatus.SUCCEEDED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.DUPLICATE,
]
# A checkout the provider reports paid is taken even after it was closed here (a newer checkout
# replaced it, or the provider switched): the money is real.
PAYABLE_STATUSES = [PaymentStatus.PENDING, PaymentStatus.FAILED, PaymentStatus.EXPIRED]


def _visit_settled_by_another(payment: "Payment") -> bool:
    """Another fee of the same visit is already paid or waived."""
    return (
        Payment.objects.filter(
            msa_request_id=payment.msa_request_id,
            visit_number=payment.visit_number,
            status__in=LIVE_STATUSES,
        )
        .exclude(pk=payment.pk)
        .exclude(status=PaymentStatus.PENDING)
        .exists()
    )


def _visit_not_settled_by_another(payment: "Payment") -> bool:
    return not _visit_settled_by_another(payment)


def _refunded_in_full(payment: "Payment") -> bool:
    return payment.amount_refunded_cents >= payment.amount_cents


def _refunded_in_part(payment: "Payment") -> bool:
    return 0 < payment.amount_refunded_cents < payment.amount_cents


def _nothing_refunded(payment: "Payment") -> bool:
    return payment.amount_refunded_cents == 0


class Payment(models.Model):
    """One site-visit fee of a request: a ledger row per visit, paid, pending or waived.

    ``visit_number`` is 1 for the first visit and grows by one with every failed visit; the
    database lets at most one live (pending, paid or waived) fee exist per request and visit,
    which is what keeps a customer from being charged twice for one visit.
    """

    class Purpose(models.TextChoices):
        INITIAL = "initial", _("Site-visit fee")
        REVISIT = "revisit", _("Revisit fee")

    class Provider(models.TextChoices):
        STRIPE = "stripe", _("Stripe")
        DEMO = "demo", _("Demo provider (no card charged)")
        WAIVER = "waiver", _("Waived by staff")

    Status = PaymentStatus
    LIVE_STATUSES = LIVE_STATUSES
    PAID_STATUSES = PAID_STATUSES

    msa_request = models.ForeignKey(
        "enrollment.Request",
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    visit_number = models.PositiveSmallIntegerField(_("visit number"), default=1)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose)
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    currency = models.CharField(_("currency"), max_length=3, default="usd")
    provider = models.CharField(_("provider"), max_length=10, choices=Provider)
    status = FSMField(
        _("status"), max_length=20, choices=Status, default=Status.PENDING, db_index=True
    )
    checkout_session_id = models.CharField(_("checkout session id"), max_length=255, blank=True)
    checkout_url = models.URLField(_("checkout page"), max_length=2000, blank=True)
    session_expires_at = models.DateTimeField(_("checkout expires at"), null=True, blank=True)
    payment_intent_id = models.CharField(_("payment intent id"), max_length=255, blank=True)
    amount_refunded_cents = models.PositiveIntegerField(_("refunded (cents)"), default=0)
    # Bumped when the provider answered a call with an error: it keeps that answer under the
    # idempotency key, so the next try needs a fresh key. A timeout leaves it unchanged.
    provider_retry = models.PositiveSmallIntegerField(_("provider retries"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checkout started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The customer, contractor or staff member who pressed Pay."),
    )
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("waived by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    receipt_sent_at = models.DateTimeField(_("receipt sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("refund_payment", _("Can refund a site-visit fee")),
            ("waive_fee", _("Can waive a revisit fee")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["msa_request", "visit_number"],
                condition=Q(status__in=LIVE_STATUSES),
                name="one_live_fee_per_visit",
                violation_error_message=_("This visit already has its fee."),
            ),
            models.UniqueConstraint(
                fields=["checkout_session_id"],
                condition=~Q(checkout_session_id=""),
                name="payment_unique_checkout_session",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PaymentStatus.values), name="payment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount_refunded_cents__lte=F("amount_cents")),
                name="payment_refund_within_amount",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="waived", amount_cents=0, provider="waiver")
                    | (~Q(status="waived") & Q(amount_cents__gt=0) & ~Q(provider="waiver"))
                ),
                name="payment_waived_iff_free",
            ),
            models.CheckConstraint(
                condition=Q(visit_number__gte=1), name="payment_visit_number_positive"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.receipt_number

    @property
    def receipt_number(self) -> str:
        return f"R-{self.pk:07d}" if self.pk else "R-(new)"

    def idempotency_key(self, operation: str, *parts: object) -> str:
        """Return the key for a provider call about this payment, e.g. ``checkout-12``."""
        key = "-".join(str(part) for part in (operation, self.pk, *parts))
        return f"{key}-retry{self.provider_retry}" if self.provider_retry else key

    @property
    def has_receipt(self) -> bool:
        return self.status in self.PAID_STATUSES

    @property
    def refundable_cents(self) -> int:
        if self.status not in REFUNDABLE_STATUSES:
            return 0
        return self.amount_cents - self.amount_refunded_cents

    # Lifecycle. Call these only through payments.services, which locks the row first.
    @transition(
        field=status,
        source=PAYABLE_STATUSES,
        target=Status.SUCCEEDED,
        conditions=[_visit_not_settled_by_another],
    )
    def mark_paid(self) -> None:
        """The provider took the money for a visit whose fee was still open."""

    @transition(
        field=status,
        source=PAYABLE_STATUSES,
        target=Status.DUPLICATE,
        conditions=[_visit_settled_by_another],
    )
    def mark_paid_twice(self) -> None:
        """The provider took the money for a visit already settled: staff refund it."""

    @transition(field=status, source=Status.PENDING, target=Status.EXPIRED)
    def expire(self) -> None:
        """The checkout lapsed or gave way to another one; nothing was charged."""

    @transition(field=status, source=Status.PENDING, target=Status.FAILED)
    def fail(self) -> None:
        """The provider could not take the money."""

    @transition(
        field=status,
        source=REFUNDABLE_STATUSES,
        target=Status.REFUNDED,
        conditions=[_refunded_in_full],
    )
    def mark_refunded(self) -> None:
        """Everything paid has been given back."""

    # From refunded too: a full refund that failed at the provider leaves part of it standing.
    # A duplicate stays flagged until it is refunded in full.
    @transition(
        field=status,
        source=[Status.SUCCEEDED, Status.REFUNDED],
        target=Status.PARTIALLY_REFUNDED,
        conditions=[_refunded_in_part],
    )
    def mark_partially_refunded(self) -> None:
        """Part of the fee has been given back."""

    @transition(
        field=status,
        source=[Status.PARTIALLY_REFUNDED, Status.REFUNDED],
        target=Status.SUCCEEDED,
        conditions=[_nothing_refunded],
    )
    def mark_refunds_undone(self) -> None:
        """Every refund failed or was cancelled at the provider: the fee is paid again."""


class Refund(models.Model):
    """Money given back on a payment, by a staff member, with the reason."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", pgettext_lazy("refund status", "Cancelled")

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds"
    )
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    reason = models.TextField(_("reason"))
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("refunded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    provider_refund_id = models.CharField(_("provider refund id"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    customer_notified_at = models.DateTimeField(_("customer notified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_refund_id"],
                condition=~Q(provider_refund_id=""),
                name="refund_unique_provider_id",
            ),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.payment} refund {self.amount_cents}"


class StripeEvent(models.Model):
    """A provider event, stored once by its id: a replayed delivery finds it and does nothing."""

    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100, db_index=True)
    provider = models.CharField(
        _("provider"), max_length=10, choices=Payment.Provider, default=Payment.Provider.STRIPE
    )
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("provider event")
        verbose_name_plural = _("provider events")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
