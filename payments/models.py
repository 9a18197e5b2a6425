import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import RETURN_VALUE, FSMField, transition
from simple_history.models import HistoricalRecords


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Paid")
    FAILED = "failed", _("Failed (not charged)")
    EXPIRED = "expired", _("Checkout expired (not charged)")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    WAIVED = "waived", _("Waived")
    # Paid for a visit whose fee was already settled (two checkouts paid): refunded by itself.
    DUPLICATE = "duplicate", _("Paid twice, refund due")
    # The cardholder's bank reversed the charge (Stripe's ``charge.dispute.*``); while it is
    # open the money is held, once lost it is gone.
    DISPUTED = "disputed", _("Disputed by the cardholder")
    DISPUTE_LOST = "dispute_lost", _("Dispute lost (money returned to the cardholder)")


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
    PaymentStatus.DISPUTED,
    PaymentStatus.DISPUTE_LOST,
]
# The visit's fee counts as settled by one of these: a second payment for it is a duplicate.
SETTLED_STATUSES = [
    PaymentStatus.SUCCEEDED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.WAIVED,
    PaymentStatus.DISPUTED,
]
# A dispute can be opened on any charge that took money.
DISPUTABLE_STATUSES = [
    PaymentStatus.SUCCEEDED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
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
            status__in=SETTLED_STATUSES,
        )
        .exclude(pk=payment.pk)
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


def new_key() -> str:
    """A random part for provider idempotency keys, unique to this installation's rows."""
    return secrets.token_hex(12)


class Attention(models.TextChoices):
    """Why a payment waits for a person (the admin's "needs attention" list)."""

    MISMATCH = "mismatch", _("Paid amount or currency does not match the fee")
    DUPLICATE = "duplicate", _("Paid twice for one visit")
    DISPUTE = "dispute", _("Disputed by the cardholder")
    REFUND_FAILED = "refund_failed", _("A refund failed at Stripe")
    UNKNOWN_AT_STRIPE = "unknown", _("Stripe and the ledger disagree")


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
    Attention = Attention
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
    # Random and stored: idempotency keys built from it never collide with another database
    # (staging, a restored backup) on the same Stripe account, as keys from row ids would.
    key = models.CharField(_("idempotency key"), max_length=32, default=new_key, editable=False)
    attention = models.CharField(
        _("needs attention"), max_length=20, choices=Attention, blank=True, db_index=True
    )
    attention_note = models.TextField(_("attention note"), blank=True)
    failure_notified_at = models.DateTimeField(
        _("customer told of the failed payment at"), null=True, blank=True
    )
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
        """Return the key for a provider call, ``checkout-<random key>``: never a row id alone.

        Stripe keeps a key's first answer for 24 hours (docs.stripe.com/api/idempotent_requests).
        """
        key = "-".join(str(part) for part in (operation, self.key, *parts))
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

    @transition(field=status, source=DISPUTABLE_STATUSES, target=Status.DISPUTED)
    def open_dispute(self) -> None:
        """The cardholder disputed the charge (``charge.dispute.created``)."""

    @transition(
        field=status,
        source=Status.DISPUTED,
        target=RETURN_VALUE(
            Status.SUCCEEDED, Status.PARTIALLY_REFUNDED, Status.REFUNDED, Status.DUPLICATE
        ),
    )
    def win_dispute(self) -> str:
        """The dispute closed in the utility's favour: back to what the refunds say."""
        if _refunded_in_full(self):
            return PaymentStatus.REFUNDED
        if _visit_settled_by_another(self):
            return PaymentStatus.DUPLICATE
        if _refunded_in_part(self):
            return PaymentStatus.PARTIALLY_REFUNDED
        return PaymentStatus.SUCCEEDED

    @transition(field=status, source=Status.DISPUTED, target=Status.DISPUTE_LOST)
    def lose_dispute(self) -> None:
        """The dispute closed in the cardholder's favour: the money went back to them."""


class Refund(models.Model):
    """Money given back on a payment: one row per Stripe refund id, whoever made it.

    Stripe is the ledger after the charge: a refund made in our admin, retried after a timeout,
    made automatically for a double payment, or made in the Stripe Dashboard is recorded once
    by its ``provider_refund_id``; a payment's refunded total is the sum of its rows.
    A portal refund is written first as ``unconfirmed`` (with its random ``key``, the
    idempotency key sent to Stripe) so a retry after a timeout reuses the key.
    """

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Sent, not confirmed by Stripe yet")
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", pgettext_lazy("refund status", "Cancelled")

    class Origin(models.TextChoices):
        PORTAL = "portal", _("Staff, in the portal")
        AUTOMATIC = "automatic", _("Automatic (paid twice)")
        STRIPE = "stripe", _("Outside the portal (Stripe Dashboard)")

    # These count in the refunded totals (Stripe's ``amount_refunded`` counts pending ones too).
    COUNTED = (Status.PENDING, Status.SUCCEEDED)

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds"
    )
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    origin = models.CharField(_("made by"), max_length=10, choices=Origin, default=Origin.PORTAL)
    key = models.CharField(_("idempotency key"), max_length=32, default=new_key, editable=False)
    # False while our own call for this refund has not had Stripe's answer: a retry of the
    # same amount reuses the key (Stripe answers with the same refund), even if a webhook
    # recorded the refund in between.
    provider_answered = models.BooleanField(_("Stripe answered our call"), default=True)
    reason = models.TextField(_("reason"), blank=True)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("refunded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    provider_refund_id = models.CharField(_("provider refund id"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PENDING)
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


class Dispute(models.Model):
    """A cardholder's dispute of a fee, one row per Stripe dispute id (``charge.dispute.*``)."""

    # Stripe's dispute statuses (docs.stripe.com/api/disputes/object#dispute_object-status).
    class Status(models.TextChoices):
        WARNING_NEEDS_RESPONSE = "warning_needs_response", _("Inquiry: needs a response")
        WARNING_UNDER_REVIEW = "warning_under_review", _("Inquiry: under review")
        WARNING_CLOSED = "warning_closed", _("Inquiry closed")
        NEEDS_RESPONSE = "needs_response", _("Needs a response")
        UNDER_REVIEW = "under_review", _("Under review")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    CLOSED = (Status.WARNING_CLOSED, Status.WON, Status.LOST)

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="disputes"
    )
    provider_dispute_id = models.CharField(_("provider dispute id"), max_length=255, unique=True)
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    reason = models.CharField(_("reason"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=30, choices=Status)
    evidence_due_by = models.DateTimeField(_("evidence due by"), null=True, blank=True)
    staff_alerted_at = models.DateTimeField(_("finance staff alerted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.provider_dispute_id

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED


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
