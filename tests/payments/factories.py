"""factory_boy factories for payments."""

import factory

from enrollment.models import Status
from payments.models import Payment
from tests.factories import MsaRequestFactory


class PaymentFactory(factory.django.DjangoModelFactory):
    """A pending Stripe payment of the first site-visit fee."""

    class Meta:
        model = Payment

    msa_request = factory.SubFactory(MsaRequestFactory, status=Status.AWAITING_PAYMENT)
    visit_number = 1
    purpose = Payment.Purpose.INITIAL
    amount_cents = 27922
    currency = "usd"
    provider = Payment.Provider.STRIPE
    status = Payment.Status.PENDING


def receipt_emails() -> list:
    """The receipt emails sent so far (the request's own emails go out beside them)."""
    from django.core import mail

    return [m for m in mail.outbox if "Receipt for your MSA site-visit fee" in m.subject]
