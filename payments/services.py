"""Writes for payments: checkout, the one fulfilment path, events, refunds, waivers, receipts.

Lock order is always request row, then payment row (then nothing else), so checkout and
fulfilment never deadlock; a lock taken with ``select_related`` names ``of=("self",)`` so it
never also locks the joined request row out of that order.
"""

import logging
import uuid
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_fsm import can_proceed

from common.i18n import Message, label_message
from common.money import format_cents
from enrollment.models import Request
from enrollment.notifications import request_recipients, send_request_email
from enrollment.services import TransitionError, request_mark_paid, request_mark_revisit_paid

from .errors import PaymentError, ProviderUnavailable
from .models import Payment, Refund, StripeEvent
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


def payment_start_checkout(*, msa_request_id: int, actor=None) -> str:
    """Return the checkout page for the fee a request owes, reusing the open one if any.

    When the fee turns out to be paid already (a session completed while its webhook is late),
    the request's own page is returned instead.
    """
    provider = get_provider()
    failure: ProviderUnavailable | None = None
    with transaction.atomic():
        msa_request = Request.objects.select_for_update().get(pk=msa_request_id)
        due = fee_due(msa_request=msa_request)
        if due is None:
            raise PaymentError(_("This request has no fee to pay right now."))
        purpose, visit_number = due
        payment = live_payment_for_visit(msa_request_id=msa_request.pk, visit_number=visit_number)
        if payment is not None and payment.status != Payment.Status.PENDING:
            raise PaymentError(_("The fee for this visit is already settled."))
        if payment is not None and payment.provider != provider.name:
            _close(payment_id=payment.pk, status=Payment.Status.EXPIRED)
            payment = None
        if payment is not None and payment.checkout_url:
            if payment.session_expires_at and payment.session_expires_at > (
                timezone.now() + EXPIRY_MARGIN
            ):
                return payment.checkout_url
            # Near its expiry: only a session Stripe has expired makes way for a new one, so
            # two payable sessions for one visit never exist side by side.
            session = get_provider(payment.provider).retrieve_session(payment=payment)
            if session.get("status") == "complete":
                paid = payment_fulfil_from_session(session=session, provider=payment.provider)
                if paid is not None:
                    return msa_request.get_absolute_url()
            if session.get("status") != "expired":
                return payment.checkout_url
            _close(payment_id=payment.pk, status=Payment.Status.EXPIRED)
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
            # Keep the payment row: a retry after a timeout reuses its idempotency key, so a
            # session created by a call whose answer was lost is returned, not duplicated.
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
            # The money is recorded (with its receipt) and flagged for a refund in admin.
            logger.error("payment %s paid for a visit already settled: refund due", payment.pk)
            _queue("send_receipt", payment.pk)
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


def payment_close_session(*, session: dict, provider: str, status: str) -> None:
    """Record that a session expired or its payment failed, unless the payment is settled."""
    payment = _payment_for_session(session=session, provider=provider)
    if payment is not None:
        _close(payment_id=payment.pk, status=status)


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


def _sync_charge(*, charge: dict) -> None:
    """Take a refunded total from a charge event; a late, older event never lowers it."""
    intent = str(charge.get("payment_intent") or "")
    if not intent:
        return
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(payment_intent_id=intent).first()
        if payment is None or payment.status not in Payment.PAID_STATUSES:
            return
        total = min(int(charge.get("amount_refunded") or 0), payment.amount_cents)
        if total > payment.amount_refunded_cents:
            payment.amount_refunded_cents = total
            _follow_refunds(payment)
            payment.save(update_fields=["amount_refunded_cents", "status", "updated_at"])


def _sync_refund(*, refund: dict) -> None:
    """Follow a refund's status; a failed or cancelled refund gives its amount back once."""
    with transaction.atomic():
        record = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("payment")
            .filter(provider_refund_id=str(refund.get("id") or ""))
            .first()
        )
        new_status = str(refund.get("status") or "")
        if record is None or new_status not in Refund.Status.values:
            return
        undone = (Refund.Status.FAILED, Refund.Status.CANCELED)
        if record.status == new_status or record.status in undone:
            return
        record.status = new_status
        record.save(update_fields=["status"])
        if new_status in undone:
            payment = Payment.objects.select_for_update().get(pk=record.payment_id)
            payment.amount_refunded_cents = max(
                0, payment.amount_refunded_cents - record.amount_cents
            )
            _follow_refunds(payment)
            payment.save(update_fields=["amount_refunded_cents", "status", "updated_at"])


def _apply_event(*, event: dict, provider: str) -> None:
    kind = event.get("type", "")
    obj = (event.get("data") or {}).get("object") or {}
    if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        payment_fulfil_from_session(session=obj, provider=provider)
    elif kind == "checkout.session.async_payment_failed":
        payment_close_session(session=obj, provider=provider, status=Payment.Status.FAILED)
    elif kind == "checkout.session.expired":
        payment_close_session(session=obj, provider=provider, status=Payment.Status.EXPIRED)
    elif kind == "charge.refunded":
        _sync_charge(charge=obj)
    elif kind in ("refund.updated", "refund.failed", "charge.refund.updated"):
        _sync_refund(refund=obj)
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
    pending = Payment.objects.filter(
        status=Payment.Status.PENDING, created_at__lt=cutoff
    ).values_list("pk", "checkout_session_id", "created_at")[:limit]
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


def payment_refund(*, payment_id: int, amount_cents: int, reason: str, staff_user) -> Refund:
    """Refund part or all of a paid fee through its provider and record who did it and why."""
    if not reason.strip():
        raise PaymentError(_("Give the reason for the refund."))
    try:
        refund = _refund(
            payment_id=payment_id,
            amount_cents=amount_cents,
            reason=reason.strip(),
            staff_user=staff_user,
        )
    except ProviderUnavailable as exc:
        if exc.answered:
            Payment.objects.filter(pk=payment_id).update(provider_retry=F("provider_retry") + 1)
        raise
    logger.info("refund %s recorded on payment %s", refund.pk, payment_id)
    return refund


@transaction.atomic
def _refund(*, payment_id: int, amount_cents: int, reason: str, staff_user) -> Refund:
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if not 0 < amount_cents <= payment.refundable_cents:
        raise PaymentError(
            _("This payment can be refunded by at most %(amount)s.")
            % {"amount": format_cents(payment.refundable_cents)}
        )
    # The same refund asked again after a timeout reuses the key and gets Stripe's first answer.
    key = payment.idempotency_key("refund", payment.refunds.count() + 1, amount_cents)
    result = get_provider(payment.provider).create_refund(
        payment=payment, amount_cents=amount_cents, idempotency_key=key
    )
    status = str(result.get("status") or "")
    refund = Refund.objects.create(
        payment=payment,
        amount_cents=amount_cents,
        reason=reason,
        staff_user=staff_user,
        provider_refund_id=str(result["id"]),
        status=status if status in Refund.Status.values else Refund.Status.PENDING,
    )
    if refund.status not in (Refund.Status.FAILED, Refund.Status.CANCELED):
        payment.amount_refunded_cents += amount_cents
        _follow_refunds(payment)
        payment.save(update_fields=["amount_refunded_cents", "status", "updated_at"])
    _queue("send_refund_notice", refund.pk)
    return refund


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
        if refund.customer_notified_at:
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
