"""Writes for payments: checkout, the one fulfilment path, events, refunds, waivers, receipts.

Lock order is always request row, then payment row (then nothing else), so checkout and
fulfilment never deadlock; a lock taken with ``select_related`` names ``of=("self",)`` so it
never also locks the joined request row out of that order.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_fsm import can_proceed

from accounts import roles
from accounts.selectors import staff_role_emails
from common.emails import send_templated_email
from common.i18n import Message, label_message
from common.money import format_cents
from enrollment.models import Request, Status
from enrollment.notifications import request_recipients, send_request_email
from enrollment.selectors import revisit_is_free
from enrollment.services import TransitionError, request_mark_paid, request_mark_revisit_paid

from . import stripe_client
from .errors import PaymentError, ProviderUnavailable
from .models import Dispute, Payment, Refund, StripeEvent
from .providers import DemoProvider, get_provider
from .receipts import receipt_pdf
from .selectors import fee_due, live_payment_for_visit

logger = logging.getLogger(__name__)

PRODUCT_NAME = "MSA site-visit fee"
# A checkout page this close to its expiry is checked with the provider before it is reused.
EXPIRY_MARGIN = timedelta(minutes=5)
# Stripe forgets idempotency keys after 24 hours; a payment whose session was never created
# (the provider failed every time) is given up after that.
ORPHAN_AFTER = timedelta(hours=24)


def _queue(task_name: str, object_id: int) -> None:
    """Send a payments task after commit; a broker outage must not fail the caller."""
    from . import tasks  # local: tasks.py imports these services (the one circle)

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.delay(object_id), robust=True)


def _from_timestamp(value) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def _no_fee_message(msa_request: Request) -> str:
    if msa_request.status in (Status.APPROVED, Status.SCHEDULED) and revisit_is_free(
        msa_request_id=msa_request.pk
    ):
        return _(
            "The last visit failed on the utility's side, so the next visit is free: "
            "there is no fee to pay."
        )
    return _("This request has no fee to pay right now.")


def _paid_unmatched_message() -> str:
    return _(
        "A payment for this fee reached Stripe but does not match the fee, so our staff are "
        "checking it. Please do not pay again: they will contact you."
    )


def _expire_session(*, payment: Payment) -> None:
    """Expire one pending payment's session at its provider, then close it here.

    Raises ``ProviderUnavailable`` when the provider does not confirm, and ``PaymentError``
    when the session was paid with an amount or currency that does not match the fee.
    """
    if payment.checkout_session_id:
        provider = get_provider(payment.provider)
        try:
            provider.expire_session(session_id=payment.checkout_session_id)
        except ProviderUnavailable as exc:
            if not exc.answered:
                raise
            # Stripe refuses to expire a session that is no longer open: ask how it stands.
            session = provider.retrieve_session(payment=payment)
            if session.get("status") == "complete":
                if payment_fulfil_from_session(session=session, provider=payment.provider) is None:
                    # Paid, but not what the fee asked (on the attention list): no new session.
                    raise PaymentError(_paid_unmatched_message()) from exc
                return
            if session.get("status") != "expired":
                raise
    _close(payment_id=payment.pk, status=Payment.Status.EXPIRED)


def payment_start_checkout(*, msa_request_id: int, actor=None) -> str:
    """Return the checkout page for the fee a request owes, reusing the open one if any.

    One open Checkout Session per fee: a new one is made only after the provider has expired
    the old one (and the database holds one pending or paid fee per visit,
    ``one_live_fee_per_visit``, so there is never a second one to expire). When the fee turns
    out to be paid already (a session completed while its webhook is late), the request's own
    page is returned instead. Raises ``PaymentError``
    (no fee due, e.g. a free revisit after a utility-caused failure; or the checkout was paid
    with an amount or currency that does not match the fee, which staff are to check) or
    ``ProviderUnavailable`` (Stripe did not answer within the timeout; nothing charged).
    """
    provider = get_provider()
    failure: ProviderUnavailable | None = None
    with transaction.atomic():
        msa_request = Request.objects.select_for_update().get(pk=msa_request_id)
        due = fee_due(msa_request=msa_request)
        if due is None:
            raise PaymentError(_no_fee_message(msa_request))
        purpose, visit_number = due
        payment = live_payment_for_visit(msa_request_id=msa_request.pk, visit_number=visit_number)
        if payment is not None and payment.status != Payment.Status.PENDING:
            raise PaymentError(_("The fee for this visit is already settled."))
        if payment is not None and payment.attention == Payment.Attention.MISMATCH:
            # Its session is paid at Stripe: neither it nor a new one is offered.
            raise PaymentError(_paid_unmatched_message())
        if payment is not None and payment.provider != provider.name:
            _expire_session(payment=payment)
            payment = None
        if payment is not None and payment.checkout_url:
            if payment.session_expires_at and payment.session_expires_at > (
                timezone.now() + EXPIRY_MARGIN
            ):
                return payment.checkout_url
            # Near its expiry: the old session is expired at Stripe before a new one is made,
            # so two payable sessions for one visit never exist side by side.
            _expire_session(payment=payment)
            payment.refresh_from_db()
            if payment.status in Payment.PAID_STATUSES:
                return msa_request.get_absolute_url()
            payment = None
        if payment is None:
            payment = Payment.objects.create(
                msa_request=msa_request,
                visit_number=visit_number,
                purpose=purpose,
                amount_cents=settings.MSA_VISIT_FEE_CENTS,
                currency=settings.MSA_CURRENCY,
                provider=provider.name,
                started_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
        try:
            session = provider.create_session(
                payment=payment,
                customer_email=msa_request.customer_email,
                product_name=PRODUCT_NAME,
            )
        except ProviderUnavailable as exc:
            # Keep the payment row: a retry after a timeout (or a "key in use" answer) reuses
            # its idempotency key, so a session whose answer was lost is returned, not doubled.
            failure = exc
            if exc.answered:
                payment.provider_retry += 1
                payment.save(update_fields=["provider_retry", "updated_at"])
        else:
            payment.checkout_session_id = session["id"]
            payment.checkout_url = session["url"]
            payment.session_expires_at = _from_timestamp(session.get("expires_at"))
            payment.save(
                update_fields=[
                    "checkout_session_id",
                    "checkout_url",
                    "session_expires_at",
                    "updated_at",
                ]
            )
            logger.info("payment %s: checkout session ready", payment.pk)
    if failure is not None:
        raise failure
    return payment.checkout_url


def _payment_for_session(*, session: dict, provider: str) -> Payment | None:
    """Find the payment a session belongs to: by its id, else by the metadata we sent."""
    session_id = str(session.get("id") or "")
    payment = None
    if session_id:
        payment = Payment.objects.filter(checkout_session_id=session_id).first()
    if payment is None:
        metadata = session.get("metadata") or {}
        try:
            payment_id = int(metadata.get("payment_id"))
            msa_request_id = int(metadata.get("request_id"))
        except (TypeError, ValueError):
            return None
        payment = Payment.objects.filter(pk=payment_id, msa_request_id=msa_request_id).first()
        if payment is not None and payment.checkout_session_id not in ("", session_id):
            return None
    if payment is None or payment.provider != provider:
        return None
    return payment


def _session_matches(*, session: dict, payment: Payment) -> bool:
    metadata = session.get("metadata") or {}
    return (
        session.get("mode") == "payment"
        and session.get("amount_total") == payment.amount_cents
        and str(session.get("currency", "")).lower() == payment.currency
        and str(metadata.get("payment_id", "")) == str(payment.pk)
    )


def payment_fulfil_from_session(*, session: dict, provider: str) -> Payment | None:
    """Mark a paid Checkout Session's payment succeeded once and move its request on.

    The one path to a paid fee: the webhook, the success page and reconciliation all call it.
    Returns the payment when it is paid (now or before), None when the session is not paid,
    unknown, or does not match the payment record. A second payment for an already settled
    visit is kept as ``duplicate`` (refund due), never dropped.
    """
    if session.get("status") != "complete" or session.get("payment_status") != "paid":
        return None
    found = _payment_for_session(session=session, provider=provider)
    if found is None:
        logger.warning("paid session matches no local payment")
        return None
    if not _session_matches(session=session, payment=found):
        logger.error("payment %s: session amount, currency or mode do not match", found.pk)
        _flag(
            payment_id=found.pk,
            reason=Payment.Attention.MISMATCH,
            note=f"Stripe session {session.get('id')}: {session.get('amount_total')} "
            f"{session.get('currency')} paid for a fee of {found.amount_cents} {found.currency}.",
        )
        return None
    with transaction.atomic():
        Request.objects.select_for_update().filter(pk=found.msa_request_id).first()
        payment = Payment.objects.select_for_update().get(pk=found.pk)
        if payment.status in Payment.PAID_STATUSES:
            return payment
        duplicate = not can_proceed(payment.mark_paid)
        if duplicate:
            payment.mark_paid_twice()
        else:
            # A newer checkout for the same visit gives way to the one that was actually paid.
            others = Payment.objects.filter(
                msa_request_id=payment.msa_request_id,
                visit_number=payment.visit_number,
                status=Payment.Status.PENDING,
            ).exclude(pk=payment.pk)
            for other_id in others.values_list("pk", flat=True):
                _close(payment_id=other_id, status=Payment.Status.EXPIRED)
            payment.mark_paid()
        payment.payment_intent_id = str(session.get("payment_intent") or "")
        payment.checkout_session_id = payment.checkout_session_id or str(session.get("id") or "")
        payment.paid_at = timezone.now()
        payment.save(
            update_fields=[
                "status",
                "payment_intent_id",
                "checkout_session_id",
                "paid_at",
                "updated_at",
            ]
        )
        if duplicate:
            # The money is recorded (with its receipt), flagged, and given back by itself.
            logger.error("payment %s paid for a visit already settled: refunding", payment.pk)
            _flag(
                payment_id=payment.pk,
                reason=Payment.Attention.DUPLICATE,
                note="Paid for a visit whose fee was already settled; refunded automatically.",
            )
            _queue("send_receipt", payment.pk)
            _queue("refund_duplicate", payment.pk)
            return payment
        note = Message(gettext_noop("%(purpose)s of %(amount)s paid (receipt %(receipt)s).")) % {
            "purpose": label_message(payment.get_purpose_display()),
            "amount": format_cents(payment.amount_cents),
            "receipt": payment.receipt_number,
        }
        try:
            if payment.purpose == Payment.Purpose.INITIAL:
                request_mark_paid(msa_request_id=payment.msa_request_id, note=note)
            else:
                request_mark_revisit_paid(msa_request_id=payment.msa_request_id, note=note)
        except TransitionError:
            # The money is taken whatever state the request reached (e.g. cancelled in another
            # tab): the payment stays recorded and staff decide on a refund.
            logger.warning(
                "payment %s paid but request %s could not move on: staff to review",
                payment.pk,
                payment.msa_request_id,
            )
        _queue("send_receipt", payment.pk)
    logger.info("payment %s succeeded", payment.pk)
    return payment


def _flag(*, payment_id: int, reason: str, note: str) -> None:
    """Put a payment on the admin's "needs attention" list (the latest reason wins)."""
    Payment.objects.filter(pk=payment_id).update(
        attention=reason, attention_note=note, updated_at=timezone.now()
    )
    logger.warning("payment %s needs attention: %s", payment_id, reason)


def payment_clear_attention(*, payment_id: int, staff_user) -> None:
    """Take a payment off the "needs attention" list once a person has dealt with it."""
    Payment.objects.filter(pk=payment_id).update(
        attention="", attention_note="", updated_at=timezone.now()
    )
    logger.info("payment %s: attention cleared by user %s", payment_id, staff_user.pk)


_CLOSE_STEPS = {Payment.Status.EXPIRED: "expire", Payment.Status.FAILED: "fail"}


def _close(*, payment_id: int, status: str) -> bool:
    """Mark a still-pending payment expired or failed; a settled one is never undone."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        close = getattr(payment, _CLOSE_STEPS[status])
        if not can_proceed(close):
            return False
        close()
        payment.save(update_fields=["status", "updated_at"])
    logger.info("payment %s: %s", payment.pk, status)
    return True


def payment_close_session(
    *, session: dict, provider: str, status: str, notify: bool = False
) -> None:
    """Record that a session expired or its payment failed, unless the payment is settled.

    ``notify`` (a bank debit that failed days after checkout) emails the customer, once.
    """
    payment = _payment_for_session(session=session, provider=provider)
    if payment is not None and _close(payment_id=payment.pk, status=status) and notify:
        _queue("send_payment_failed_notice", payment.pk)


def _follow_refunds(payment: Payment) -> None:
    """Move a paid fee to the state its refunded total calls for, when that is another one."""
    for step in (
        payment.mark_refunded,
        payment.mark_partially_refunded,
        payment.mark_refunds_undone,
    ):
        if can_proceed(step):
            step()
            return


def _refund_status(refund: dict) -> str:
    """Stripe's refund status in ours (``requires_action`` waits like ``pending``)."""
    status = str(refund.get("status") or "")
    return status if status in Refund.Status.values else Refund.Status.PENDING


def _payment_for_money_event(obj: dict) -> Payment | None:
    """The payment a Stripe refund, charge or dispute is about: by payment intent, else metadata."""
    intent = str(obj.get("payment_intent") or "")
    if intent:
        payment = Payment.objects.filter(payment_intent_id=intent).first()
        if payment is not None:
            return payment
    try:
        return Payment.objects.filter(pk=int((obj.get("metadata") or {})["payment_id"])).first()
    except (KeyError, TypeError, ValueError):
        return None


def _settle_refunded_total(payment: Payment) -> None:
    """Set the refunded total to the sum of the payment's counted refund rows; save it."""
    total = payment.refunds.filter(status__in=Refund.COUNTED).aggregate(
        total=Coalesce(Sum("amount_cents"), 0)
    )["total"]
    payment.amount_refunded_cents = min(total, payment.amount_cents)
    _follow_refunds(payment)
    fields = ["amount_refunded_cents", "status", "updated_at"]
    if (
        payment.attention == Payment.Attention.DUPLICATE
        and payment.status == Payment.Status.REFUNDED
    ):
        payment.attention, payment.attention_note = "", ""
        fields += ["attention", "attention_note"]
    payment.save(update_fields=fields)


def payment_record_refund(*, refund: dict) -> Refund | None:
    """Record a Stripe refund once by its id, whichever path reported it, and return the row.

    ``refund`` is Stripe's refund object (amount in cents). Our own call's answer, a retry's
    answer, ``refund.created``/``refund.updated``, the refunds of ``charge.refunded`` and
    reconciliation all come here: the row is found by its id (or, for a portal refund whose
    answer was lost, by the ``refund_key`` metadata we sent) and only its status changes.
    Failed and cancelled are final. The payment's total becomes the sum of its rows and the
    customer is emailed once per counted refund. Returns None for a refund of no known payment.
    """
    refund_id = str(refund.get("id") or "")
    metadata = refund.get("metadata") or {}
    found = _payment_for_money_event(refund)
    if not refund_id or found is None:
        logger.warning("refund %s matches no local payment", refund_id)
        return None
    status = _refund_status(refund)
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=found.pk)
        record = Refund.objects.select_for_update().filter(provider_refund_id=refund_id).first()
        if record is None and metadata.get("refund_key"):
            record = (
                Refund.objects.select_for_update()
                .filter(payment=payment, key=str(metadata["refund_key"]), provider_refund_id="")
                .first()
            )
        if record is None:
            origin = str(metadata.get("origin") or "")
            record = Refund.objects.create(
                payment=payment,
                amount_cents=int(refund["amount"]),
                origin=origin if origin in Refund.Origin.values else Refund.Origin.STRIPE,
                reason=str(refund.get("reason") or "").replace("_", " "),
                provider_refund_id=refund_id,
                status=status,
            )
            logger.info("refund %s recorded on payment %s", record.pk, payment.pk)
        else:
            final = (Refund.Status.FAILED, Refund.Status.CANCELED)
            regress = record.status == Refund.Status.SUCCEEDED and status == Refund.Status.PENDING
            if record.status not in final and not regress:
                record.status = status
            record.provider_refund_id = refund_id
            record.amount_cents = int(refund["amount"])
            record.save(update_fields=["status", "provider_refund_id", "amount_cents"])
        _settle_refunded_total(payment)
        if record.status == Refund.Status.FAILED:
            _flag(
                payment_id=payment.pk,
                reason=Payment.Attention.REFUND_FAILED,
                note=f"Stripe refund {refund_id} failed: "
                f"{refund.get('failure_reason') or 'no reason given'}.",
            )
        if record.status in Refund.COUNTED and not record.customer_notified_at:
            _queue("send_refund_notice", record.pk)
    return record


def _sync_charge(*, charge: dict) -> None:
    """Record the refunds a ``charge.refunded`` event carries; fetch the list when it has none.

    Since API version 2022-11-15 a charge no longer includes its refunds
    (docs.stripe.com/upgrades#2022-11-15): when the recorded rows fall short of the charge's
    ``amount_refunded``, the refunds are listed from Stripe in a task.
    """
    for refund in (charge.get("refunds") or {}).get("data") or []:
        payment_record_refund(refund={"payment_intent": charge.get("payment_intent"), **refund})
    payment = _payment_for_money_event(charge)
    if payment is None or payment.status not in Payment.PAID_STATUSES:
        return
    payment.refresh_from_db()
    if int(charge.get("amount_refunded") or 0) > payment.amount_refunded_cents:
        _queue("sync_refunds", payment.pk)


def payment_sync_refunds(*, payment_id: int) -> int:
    """Record every refund Stripe holds for a payment; return how many there are."""
    payment = Payment.objects.get(pk=payment_id)
    if not payment.payment_intent_id:
        return 0
    refunds = get_provider(payment.provider).list_refunds(payment=payment)
    for refund in refunds:
        payment_record_refund(refund=refund)
    return len(refunds)


def payment_record_dispute(*, dispute: dict) -> Dispute | None:
    """Record a ``charge.dispute.*`` object once by its id and move the payment with it.

    A new dispute marks the payment disputed, puts it on the "needs attention" list and alerts
    the finance staff role; when Stripe closes it, the payment is won (back to what its refunds
    say) or lost. ``dispute`` is Stripe's dispute object (amount in cents).
    """
    found = _payment_for_money_event(dispute)
    dispute_id = str(dispute.get("id") or "")
    if found is None or not dispute_id:
        logger.warning("dispute %s matches no local payment", dispute_id)
        return None
    status = str(dispute.get("status") or "")
    if status not in Dispute.Status.values:
        status = Dispute.Status.NEEDS_RESPONSE
    due = ((dispute.get("evidence_details") or {}).get("due_by")) or None
    with transaction.atomic():
        Request.objects.select_for_update().filter(pk=found.msa_request_id).first()
        payment = Payment.objects.select_for_update().get(pk=found.pk)
        record, created = Dispute.objects.select_for_update().get_or_create(
            provider_dispute_id=dispute_id,
            defaults={
                "payment": payment,
                "amount_cents": int(dispute.get("amount") or 0),
                "reason": str(dispute.get("reason") or ""),
                "status": status,
                "evidence_due_by": _from_timestamp(due),
            },
        )
        if not created and record.status not in Dispute.CLOSED:
            record.status = status
            record.evidence_due_by = _from_timestamp(due) or record.evidence_due_by
            record.save(update_fields=["status", "evidence_due_by", "updated_at"])
        if can_proceed(payment.open_dispute) and (created or record.is_open):
            payment.open_dispute()
        if record.status in (Dispute.Status.WON, Dispute.Status.WARNING_CLOSED):
            if can_proceed(payment.win_dispute):
                payment.win_dispute()
        elif record.status == Dispute.Status.LOST and can_proceed(payment.lose_dispute):
            payment.lose_dispute()
        payment.save(update_fields=["status", "updated_at"])
        if created:
            _flag(
                payment_id=payment.pk,
                reason=Payment.Attention.DISPUTE,
                note=f"Stripe dispute {dispute_id} ({record.reason or 'no reason'}).",
            )
            _queue("send_dispute_alert", record.pk)
    logger.info("dispute %s on payment %s: %s", dispute_id, payment.pk, record.status)
    return record


def _apply_event(*, event: dict, provider: str) -> None:
    kind = event.get("type", "")
    obj = (event.get("data") or {}).get("object") or {}
    if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        payment_fulfil_from_session(session=obj, provider=provider)
    elif kind == "checkout.session.async_payment_failed":
        # A bank debit that failed after checkout: the customer hears of it.
        payment_close_session(
            session=obj, provider=provider, status=Payment.Status.FAILED, notify=True
        )
    elif kind == "checkout.session.expired":
        payment_close_session(session=obj, provider=provider, status=Payment.Status.EXPIRED)
    elif kind == "charge.refunded":
        _sync_charge(charge=obj)
    elif kind in ("refund.created", "refund.updated", "refund.failed", "charge.refund.updated"):
        payment_record_refund(refund=obj)
    elif kind.startswith("charge.dispute."):
        payment_record_dispute(dispute=obj)
    else:
        logger.info("event type %s ignored", kind)


def payment_handle_event(*, event: dict, provider: str) -> bool:
    """Store a verified provider event once and apply it; return False for a replay."""
    with transaction.atomic():
        stored, created = StripeEvent.objects.get_or_create(
            event_id=str(event["id"]),
            defaults={"type": event.get("type", ""), "provider": provider, "payload": event},
        )
        if not created:
            logger.info("event %s already handled", stored.event_id)
            return False
        _apply_event(event=event, provider=provider)
        stored.processed_at = timezone.now()
        stored.save(update_fields=["processed_at"])
    return True


def payment_settle_from_provider(*, payment_id: int) -> Payment:
    """Ask the provider how a pending payment's session stands and settle it accordingly."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status != Payment.Status.PENDING or not payment.checkout_session_id:
        return payment
    session = get_provider(payment.provider).retrieve_session(payment=payment)
    if session.get("status") == "complete":
        payment_fulfil_from_session(session=session, provider=payment.provider)
    elif session.get("status") == "expired":
        _close(payment_id=payment.pk, status=Payment.Status.EXPIRED)
    payment.refresh_from_db()
    return payment


def payment_reconcile(*, older_than_minutes: int, limit: int = 200) -> int:
    """Settle payments whose webhook never came and resend lost receipts; return how many."""
    now = timezone.now()
    cutoff = now - timedelta(minutes=older_than_minutes)
    settled = 0
    pending = (
        Payment.objects.filter(status=Payment.Status.PENDING, created_at__lt=cutoff)
        .order_by("created_at", "pk")  # oldest first when more than ``limit`` wait
        .values_list("pk", "checkout_session_id", "created_at")[:limit]
    )
    for payment_id, session_id, created_at in pending:
        if not session_id:
            if created_at < now - ORPHAN_AFTER:
                _close(payment_id=payment_id, status=Payment.Status.EXPIRED)
                settled += 1
            continue
        try:
            payment = payment_settle_from_provider(payment_id=payment_id)
        except ProviderUnavailable:
            logger.warning("reconcile: provider did not answer for payment %s", payment_id)
            continue
        settled += payment.status != Payment.Status.PENDING
    unsent = Payment.objects.filter(
        status__in=Payment.PAID_STATUSES, receipt_sent_at__isnull=True, paid_at__lt=cutoff
    ).values_list("pk", flat=True)[:limit]
    from . import tasks  # local: tasks.py imports these services (the one circle)

    for payment_id in unsent:
        tasks.send_receipt.delay(payment_id)
    return settled


@dataclass
class ReconcileReport:
    """What ``payment_reconcile_with_stripe`` mended, and what it left for a person (lines)."""

    checked: int = 0
    mended: list[str] = field(default_factory=list)
    unmended: list[str] = field(default_factory=list)


def payment_reconcile_with_stripe(*, since: datetime) -> ReconcileReport:
    """Compare Stripe's sessions, payment intents, refunds and disputes since ``since`` with
    the ledger; mend what the ledger can take from Stripe and list what it cannot.

    Stripe is the ledger after the charge (DESIGN.md §5): a paid session is fulfilled, an
    expired one closed, an open session of a closed fee expired at Stripe; refunds and
    disputes are recorded by their ids. Money at Stripe that matches no payment, or a paid
    session that does not match its fee, is listed (and flagged) for staff. Raises
    ``ProviderUnavailable`` when Stripe cannot be listed.
    """
    report = ReconcileReport()
    after = int(since.timestamp())
    stripe_name = Payment.Provider.STRIPE
    for session in stripe_client.list_recent("sessions", created_after=after):
        report.checked += 1
        _reconcile_session(session=session, report=report)
    for intent in stripe_client.list_recent("payment_intents", created_after=after):
        report.checked += 1
        known = Payment.objects.filter(
            provider=stripe_name, payment_intent_id=str(intent.get("id"))
        ).exists()
        if intent.get("status") == "succeeded" and not known:
            report.unmended.append(
                f"payment intent {intent.get('id')}: {intent.get('amount')} "
                f"{intent.get('currency')} taken at Stripe, no payment in the ledger"
            )
    for refund in stripe_client.list_recent("refunds", created_after=after):
        report.checked += 1
        known = Refund.objects.filter(provider_refund_id=str(refund.get("id"))).first()
        if known is not None and known.status == _refund_status(refund):
            continue
        if payment_record_refund(refund=refund) is None:
            report.unmended.append(f"refund {refund.get('id')}: no payment in the ledger")
        else:
            report.mended.append(
                f"refund {refund.get('id')}: recorded ({refund.get('amount')}, "
                f"{refund.get('status')})"
            )
    for dispute in stripe_client.list_recent("disputes", created_after=after):
        report.checked += 1
        known = Dispute.objects.filter(provider_dispute_id=str(dispute.get("id"))).first()
        if known is not None and known.status == dispute.get("status"):
            continue
        if payment_record_dispute(dispute=dispute) is None:
            report.unmended.append(f"dispute {dispute.get('id')}: no payment in the ledger")
        else:
            report.mended.append(f"dispute {dispute.get('id')}: recorded ({dispute.get('status')})")
    return report


def _reconcile_session(*, session: dict, report: ReconcileReport) -> None:
    session_id = session.get("id")
    paid = session.get("status") == "complete" and session.get("payment_status") == "paid"
    payment = _payment_for_session(session=session, provider=Payment.Provider.STRIPE)
    if payment is None:
        if paid:
            report.unmended.append(f"session {session_id}: paid at Stripe, not in the ledger")
        return
    if paid and payment.status not in Payment.PAID_STATUSES:
        if payment_fulfil_from_session(session=session, provider=payment.provider) is None:
            report.unmended.append(
                f"session {session_id}: paid at Stripe but does not match {payment} "
                "(amount or currency)"
            )
        else:
            report.mended.append(f"session {session_id}: paid at Stripe, recorded on {payment}")
    elif session.get("status") == "expired" and payment.status == Payment.Status.PENDING:
        _close(payment_id=payment.pk, status=Payment.Status.EXPIRED)
        report.mended.append(f"session {session_id}: expired at Stripe, closed {payment}")
    elif session.get("status") == "open" and payment.status != Payment.Status.PENDING:
        try:
            stripe_client.expire_checkout_session(session_id=str(session_id))
        except ProviderUnavailable:
            report.unmended.append(f"session {session_id}: open for a closed fee, not expired")
        else:
            report.mended.append(f"session {session_id}: open for a closed fee, expired")


def payment_refund(
    *,
    payment_id: int,
    amount_cents: int,
    reason: str,
    staff_user,
    origin: str = Refund.Origin.PORTAL,
) -> Refund:
    """Refund part or all of a paid fee (cents) through its provider; return the refund row.

    The attempt is written first (``unconfirmed``, with its own random key); a retry of the
    same amount after a timeout reuses that key, so Stripe answers with the refund it already
    made and the row is recorded once by its Stripe id. Raises ``PaymentError`` (no reason,
    or more than is left) or ``ProviderUnavailable`` (an error answer removes the attempt).
    """
    reason = reason.strip()
    if origin == Refund.Origin.PORTAL and not reason:
        raise PaymentError(_("Give the reason for the refund."))
    attempt = _refund_attempt(
        payment_id=payment_id,
        amount_cents=amount_cents,
        reason=reason,
        staff_user=staff_user,
        origin=origin,
    )
    payment = attempt.payment
    try:
        result = get_provider(payment.provider).create_refund(
            payment=payment,
            amount_cents=amount_cents,
            idempotency_key=payment.idempotency_key("refund", attempt.key),
            origin=origin,
            refund_key=attempt.key,
        )
    except ProviderUnavailable as exc:
        if exc.answered:
            # Stripe refused and refunded nothing; the key keeps that answer, so start afresh.
            Refund.objects.filter(pk=attempt.pk, provider_refund_id="").delete()
        raise
    metadata = {**(result.get("metadata") or {}), "refund_key": attempt.key}
    refund = payment_record_refund(
        refund={"payment_intent": payment.payment_intent_id, **result, "metadata": metadata}
    )
    Refund.objects.filter(pk=refund.pk).update(provider_answered=True)
    logger.info("refund %s recorded on payment %s", refund.pk, payment_id)
    return refund


@transaction.atomic
def _refund_attempt(
    *, payment_id: int, amount_cents: int, reason: str, staff_user, origin: str
) -> Refund:
    """Write (or find, for a retry of the same amount) the unconfirmed refund attempt."""
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    retry = payment.refunds.filter(
        origin=origin,
        provider_answered=False,
        amount_cents=amount_cents,
        created_at__gte=timezone.now() - ORPHAN_AFTER,  # Stripe keeps a key 24 hours
    ).first()
    if retry is not None:
        return retry
    if not 0 < amount_cents <= payment.refundable_cents:
        raise PaymentError(
            _("This payment can be refunded by at most %(amount)s.")
            % {"amount": format_cents(payment.refundable_cents)}
        )
    return Refund.objects.create(
        payment=payment,
        amount_cents=amount_cents,
        reason=reason,
        staff_user=staff_user,
        origin=origin,
        status=Refund.Status.UNCONFIRMED,
        provider_answered=False,
    )


def payment_refund_duplicate(*, payment_id: int) -> Refund | None:
    """Give back, by itself, a payment made for a visit whose fee was already settled."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status != Payment.Status.DUPLICATE or not payment.refundable_cents:
        return None
    return payment_refund(
        payment_id=payment.pk,
        amount_cents=payment.refundable_cents,
        reason=_("Paid twice for the same visit: the second payment is refunded in full."),
        staff_user=None,
        origin=Refund.Origin.AUTOMATIC,
    )


def payment_waive_revisit_fee(*, msa_request_id: int, staff_user, reason: str) -> Payment:
    """Record a revisit fee as waived (the utility caused the failure) and reopen the request."""
    if not reason.strip():
        raise PaymentError(_("Give the reason the fee is waived."))
    with transaction.atomic():
        msa_request = Request.objects.select_for_update().get(pk=msa_request_id)
        due = fee_due(msa_request=msa_request)
        if due is None or due[0] != Payment.Purpose.REVISIT:
            raise PaymentError(_("Only the fee of a revisit after a failed visit can be waived."))
        live = live_payment_for_visit(msa_request_id=msa_request.pk, visit_number=due[1])
        if live is not None and live.status == Payment.Status.PENDING:
            raise PaymentError(
                _("A payment for this visit is in progress; wait until it is paid or expires.")
            )
        if live is not None:
            raise PaymentError(_("The fee for this visit is already settled."))
        payment = Payment.objects.create(
            msa_request=msa_request,
            visit_number=due[1],
            purpose=Payment.Purpose.REVISIT,
            amount_cents=0,
            currency=settings.MSA_CURRENCY,
            provider=Payment.Provider.WAIVER,
            status=Payment.Status.WAIVED,
            waived_by=staff_user,
            note=reason.strip(),
        )
        request_mark_revisit_paid(
            msa_request_id=msa_request.pk,
            actor=staff_user,
            note=Message(gettext_noop("Revisit fee waived: %(reason)s"))
            % {"reason": reason.strip()},
        )
    logger.info("revisit fee waived for request %s", msa_request_id)
    return payment


def payment_demo_finish(*, payment_id: int, paid: bool) -> Payment:
    """Answer the demo checkout page as Stripe would: send its event through the same handler."""
    if settings.PAYMENT_PROVIDER != Payment.Provider.DEMO:
        raise PaymentError(_("The demo payment provider is switched off."))
    payment = Payment.objects.get(pk=payment_id, provider=Payment.Provider.DEMO)
    if payment.status == Payment.Status.PENDING:
        event = {
            "id": f"evt_demo_{uuid.uuid4().hex}",
            "object": "event",
            "type": "checkout.session.completed"
            if paid
            else "checkout.session.async_payment_failed",
            "data": {"object": DemoProvider().completed_session(payment=payment, paid=paid)},
        }
        payment_handle_event(event=event, provider=Payment.Provider.DEMO)
        payment.refresh_from_db()
    return payment


def payment_send_receipt(*, payment_id: int) -> bool:
    """Email a paid fee's PDF receipt once; return False when there was nothing to send."""
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("msa_request__filed_by")
            .get(pk=payment_id)
        )
        if payment.receipt_sent_at or not payment.has_receipt:
            return False
        msa_request = payment.msa_request
        # The designated contact, and the customer too: money is always a key email.
        send_request_email(
            msa_request=msa_request,
            to=request_recipients(msa_request, key=True),
            template="payments/emails/receipt",
            context={"payment": payment, "msa_request": msa_request},
            attachments=lambda: [
                (
                    f"receipt-{payment.receipt_number}.pdf",
                    receipt_pdf(payment=payment),
                    "application/pdf",
                )
            ],
        )
        payment.receipt_sent_at = timezone.now()
        payment.save(update_fields=["receipt_sent_at", "updated_at"])
    return True


def payment_send_refund_notice(*, refund_id: int) -> None:
    """Tell the customer (and their contractor) that money is on its way back."""
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("payment__msa_request__filed_by")
            .get(pk=refund_id)
        )
        if refund.customer_notified_at or refund.status not in Refund.COUNTED:
            return
        msa_request = refund.payment.msa_request
        # The designated contact, and the customer too: money is always a key email.
        send_request_email(
            msa_request=msa_request,
            to=request_recipients(msa_request, key=True),
            template="payments/emails/refund",
            context={"refund": refund, "payment": refund.payment, "msa_request": msa_request},
        )
        refund.customer_notified_at = timezone.now()
        refund.save(update_fields=["customer_notified_at"])


def payment_send_failed_notice(*, payment_id: int) -> bool:
    """Email the customer (and contractor) once that a bank debit failed; nothing was taken."""
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("msa_request__filed_by")
            .get(pk=payment_id)
        )
        if payment.failure_notified_at or payment.status != Payment.Status.FAILED:
            return False
        msa_request = payment.msa_request
        send_request_email(
            msa_request=msa_request,
            to=request_recipients(msa_request, key=True),
            template="payments/emails/payment_failed",
            context={"payment": payment, "msa_request": msa_request},
        )
        payment.failure_notified_at = timezone.now()
        payment.save(update_fields=["failure_notified_at", "updated_at"])
    return True


def payment_send_dispute_alert(*, dispute_id: int) -> bool:
    """Email the finance staff role, once, that a cardholder disputed a fee."""
    with transaction.atomic():
        dispute = (
            Dispute.objects.select_for_update(of=("self",))
            .select_related("payment__msa_request")
            .get(pk=dispute_id)
        )
        if dispute.staff_alerted_at:
            return False
        send_templated_email(
            to=staff_role_emails(roles.FINANCE),
            template="payments/emails/dispute_alert",
            context={
                "dispute": dispute,
                "payment": dispute.payment,
                "msa_request": dispute.payment.msa_request,
            },
            language=settings.LANGUAGE_CODE,
        )
        dispute.staff_alerted_at = timezone.now()
        dispute.save(update_fields=["staff_alerted_at", "updated_at"])
    return True
