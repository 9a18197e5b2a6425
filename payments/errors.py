"""Errors the payments app raises; their messages are safe to show to the person acting."""


class PaymentError(Exception):
    """A payment step is not possible now; the message says why in plain language."""


class ProviderUnavailable(PaymentError):
    """The payment provider failed or did not answer; nothing was charged, try again."""


class InvalidWebhook(Exception):
    """A webhook's signature, timestamp or body could not be verified."""
