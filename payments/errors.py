"""Errors the payments app raises; their messages are safe to show to the person acting."""


class PaymentError(Exception):
    """A payment step is not possible now; the message says why in plain language."""


class ProviderUnavailable(PaymentError):
    """The payment provider failed or did not answer; nothing was charged, try again.

    ``answered`` tells an error the provider returned (it stores that answer under the
    idempotency key, so a retry needs a fresh key) from a timeout or lost connection (the
    outcome is unknown, so a retry must reuse the key to get the original result).
    """

    def __init__(self, message: str = "", *, answered: bool = False):
        super().__init__(message)
        self.answered = answered


class InvalidWebhook(Exception):
    """A webhook's signature, timestamp or body could not be verified."""
