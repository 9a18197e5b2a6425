"""A person's verified mobile number, what they want to hear about and how, and every text."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class Topic(models.TextChoices):
    STATUS = "status", _("Status changes of a request")
    VISIT = "visit", _("Visit booked, moved or cancelled")
    REMINDER = "reminder", _("Reminders before a visit")
    PAYMENT = "payment", _("Payment due")


class MobileNumber(models.Model):
    """A person's mobile number for texts: usable once verified, with consent, and not stopped.

    Kept on the person (not on a request) so it serves every request they are a contact for.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mobile_number"
    )
    number = PhoneNumberField(_("mobile number"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_version = models.CharField(_("consent wording version"), max_length=20, blank=True)
    consent_language = models.CharField(_("consent shown in"), max_length=8, blank=True)
    stopped_at = models.DateTimeField(
        _("stopped at"), null=True, blank=True, help_text=_("The person replied STOP.")
    )
    code_hash = models.CharField(max_length=64, blank=True, editable=False)
    code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("mobile number")
        verbose_name_plural = _("mobile numbers")
        indexes = [models.Index(fields=["number"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(verified_at__isnull=True)
                | (models.Q(consent_at__isnull=False) & ~models.Q(consent_version="")),
                name="verified_mobile_has_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} …{str(self.number)[-4:]}"

    @property
    def textable(self) -> bool:
        return self.verified_at is not None and self.stopped_at is None


class NotificationChoices(models.Model):
    """What one person receives by email and by text; the defaults apply until they choose."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_choices"
    )
    email_status = models.BooleanField(_("status changes by email"), default=True)
    email_visit = models.BooleanField(_("visit booked or changed by email"), default=True)
    email_reminder = models.BooleanField(_("visit reminders by email"), default=True)
    email_payment = models.BooleanField(_("payment due by email"), default=True)
    text_status = models.BooleanField(_("status changes by text"), default=False)
    text_visit = models.BooleanField(_("visit booked or changed by text"), default=True)
    text_reminder = models.BooleanField(_("visit reminders by text"), default=True)
    text_payment = models.BooleanField(_("payment due by text"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification choices")
        verbose_name_plural = _("notification choices")

    def __str__(self) -> str:
        return str(self.user_id)

    def wants(self, channel: str, topic: str) -> bool:
        return bool(getattr(self, f"{channel}_{topic}"))


class TextMessage(models.Model):
    """One outgoing text: claimed (queued) first, so each event texts each person once."""

    class Kind(models.TextChoices):
        CODE = "code", _("Verification code")
        DAY_BEFORE = "day_before", _("Day-before preparation reminder")
        MORNING_OF = "morning_of", _("Morning-of window reminder")
        BOOKED = "booked", _("Visit booked")
        RESCHEDULED = "rescheduled", _("Visit moved")
        CANCELLED = "cancelled", _("Visit cancelled")
        STATUS = "status", _("Status change")
        PAYMENT_DUE = "payment_due", _("Payment due")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent (stopped or no longer wanted)")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="text_messages"
    )
    number = PhoneNumberField(_("to"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    # What makes the text unique: "visit:12:day_before", "event:40"; empty for codes.
    event_key = models.CharField(_("event"), max_length=60, blank=True)
    msa_request = models.ForeignKey(
        "enrollment.Request", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    visit = models.ForeignKey(
        "scheduling.Visit", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    body = models.CharField(_("text"), max_length=480)
    state = models.CharField(_("state"), max_length=8, choices=State, default=State.QUEUED)
    provider = models.CharField(_("provider"), max_length=12, blank=True)
    provider_sid = models.CharField(_("provider id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"],
                condition=~models.Q(event_key=""),
                name="one_text_per_person_and_event",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_key}"


class InboundMessage(models.Model):
    """A text a person sent us (STOP, START, HELP or anything else), recorded once per sid."""

    class Action(models.TextChoices):
        STOP = "stop", _("Stop")
        START = "start", _("Start again")
        HELP = "help", _("Help")
        OTHER = "other", _("Other")

    message_sid = models.CharField(_("provider id"), max_length=64, unique=True)
    number = PhoneNumberField(_("from"))
    body = models.CharField(_("text"), max_length=1600, blank=True)
    action = models.CharField(_("action"), max_length=8, choices=Action)
    language = models.CharField(_("language"), max_length=8, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inbound text")
        verbose_name_plural = _("inbound texts")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.message_sid}"
