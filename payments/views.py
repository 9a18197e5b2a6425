import contextlib
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from common.money import format_cents
from enrollment.permissions import get_request_for_user_or_404, requests_editable_by

from . import services, stripe_client
from .errors import InvalidWebhook, PaymentError, ProviderUnavailable
from .models import Payment
from .receipts import receipt_pdf

logger = logging.getLogger(__name__)

PROVIDER_DOWN = gettext_lazy(
    "The payment service did not answer, so nothing was charged. Your request is saved: "
    "please try again in a moment."
)


@login_required
@require_POST
def checkout_start(request, pk: int):
    # The customer or their contractor pays; staff refund or waive from the admin instead.
    msa_request = get_request_for_user_or_404(request.user, pk, requests_editable_by(request.user))
    try:
        url = services.payment_start_checkout(msa_request_id=msa_request.pk, actor=request.user)
    except ProviderUnavailable:
        messages.error(request, PROVIDER_DOWN)
        return redirect(msa_request)
    except PaymentError as exc:
        messages.info(request, str(exc))
        return redirect(msa_request)
    return redirect(url)


@login_required
def checkout_success(request, pk: int):
    """Where the checkout page sends the payer back: settle from the provider, not the URL."""
    msa_request = get_request_for_user_or_404(request.user, pk)
    session_id = request.GET.get("session_id", "")
    payment = msa_request.payments.filter(checkout_session_id=session_id).first()
    if payment is None or not session_id:
        return redirect(msa_request)
    with contextlib.suppress(ProviderUnavailable):  # the webhook or reconciliation settles it
        payment = services.payment_settle_from_provider(payment_id=payment.pk)
    if payment.status in Payment.PAID_STATUSES:
        messages.success(
            request,
            _("Thank you: your payment of %(amount)s is received.")
            % {"amount": format_cents(payment.amount_cents)},
        )
    else:
        messages.info(request, _("Your payment is being confirmed; this page shows it once it is."))
    return redirect(msa_request)


@login_required
def checkout_cancelled(request, pk: int):
    msa_request = get_request_for_user_or_404(request.user, pk)
    messages.info(request, _("Payment cancelled. Nothing was charged; pay whenever you are ready."))
    return redirect(msa_request)


@login_required
def receipt_download(request, pk: int, payment_pk: int):
    msa_request = get_request_for_user_or_404(request.user, pk)
    payment = get_object_or_404(
        Payment.objects.select_related("msa_request"),
        pk=payment_pk,
        msa_request=msa_request,
        status__in=Payment.PAID_STATUSES,
    )
    response = HttpResponse(receipt_pdf(payment=payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{payment.receipt_number}.pdf"'
    return response


@login_required
def demo_checkout(request, payment_pk: int):
    """The demo provider's checkout page: clearly labelled, no card is charged."""
    if settings.PAYMENT_PROVIDER != Payment.Provider.DEMO:
        raise Http404("The demo payment provider is switched off.")
    payment = get_object_or_404(Payment, pk=payment_pk, provider=Payment.Provider.DEMO)
    msa_request = get_request_for_user_or_404(
        request.user, payment.msa_request_id, requests_editable_by(request.user)
    )
    if payment.status != Payment.Status.PENDING:
        return redirect(msa_request)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "cancel":
            return redirect("payments:checkout_cancelled", pk=msa_request.pk)
        if action not in ("pay", "fail"):
            return HttpResponseBadRequest()
        services.payment_demo_finish(payment_id=payment.pk, paid=action == "pay")
        if action == "fail":
            messages.error(request, _("The demo payment failed. Nothing was charged."))
            return redirect(msa_request)
        success = reverse("payments:checkout_success", kwargs={"pk": msa_request.pk})
        return redirect(f"{success}?{urlencode({'session_id': payment.checkout_session_id})}")
    return render(
        request,
        "payments/demo_checkout.html",
        {"payment": payment, "msa_request": msa_request},
    )


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's webhook: verify the signature, store the event once, apply it."""
    try:
        event = stripe_client.verify_webhook(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except InvalidWebhook:
        return HttpResponseBadRequest("invalid signature")
    try:
        services.payment_handle_event(event=event, provider=Payment.Provider.STRIPE)
    except (KeyError, TypeError, AttributeError, ValueError):
        # A signed event whose object has a shape the handler cannot read: nothing was stored
        # (the handler's transaction rolled back); logged as an error so someone looks.
        logger.exception("event %s of type %s could not be read", event["id"], event["type"])
        return HttpResponseBadRequest("malformed event")
    return HttpResponse("ok")
