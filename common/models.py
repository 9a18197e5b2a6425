"""The shared library's one table: the email outbox (see ``common.mail``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """One rendered email waiting for the mail server; the row is deleted once it is sent.

    Written in the transaction of the change that caused the email, so the email exists exactly
    when that change does, whatever happens to the task broker or the mail server afterwards.
    ``raw`` is the message as MIME bytes (headers, body, attachments; no Bcc header), the
    envelope recipients are apart in ``recipients`` (a JSON list of addresses).
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    from_email = models.CharField(_("from"), max_length=320)
    recipients = models.JSONField(_("recipients"))
    raw = models.BinaryField(_("message"))
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.CharField(_("last error"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["next_attempt_at", "pk"]
        indexes = [models.Index(fields=["next_attempt_at"], name="outgoing_email_due")]

    def __str__(self) -> str:
        return f"email {self.pk} ({self.attempts} failed attempts)"
