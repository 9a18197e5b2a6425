"""A vendor's device evaluation: from submission to an Approved Product List entry."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from accounts.models import ContractorCompany
from eligibility.models import ApprovedProduct


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    INFO_REQUESTED = "info_requested", _("Information requested")
    ANSWERED = "answered", _("Answered")
    LAB_EVALUATION = "lab_evaluation", _("Lab evaluation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = [
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.INFO_REQUESTED,
    Status.ANSWERED,
    Status.LAB_EVALUATION,
]
FINAL_STATUSES = [Status.APPROVED, Status.REJECTED, Status.WITHDRAWN]


class Standard(models.TextChoices):
    UL_414 = "UL 414", "UL 414"
    UL_2735 = "UL 2735", "UL 2735"
    UL_916 = "UL 916", "UL 916"
    UL_3141 = "UL 3141", "UL 3141"
    ANSI_C12_7 = "ANSI C12.7", "ANSI C12.7"


class ServiceType(models.TextChoices):
    SINGLE_PHASE_3W_240 = "1ph_3w_120_240", _("Single-phase, 3-wire, 120/240 V")
    NETWORK_3W_208 = "1ph_3w_120_208", _("Network, 3-wire, 120/208 V")


class DeviceEvaluation(models.Model):
    """One device a vendor asks meter engineering to evaluate for the Approved Product List."""

    company = models.ForeignKey(
        ContractorCompany,
        verbose_name=_("vendor"),
        on_delete=models.PROTECT,
        related_name="device_evaluations",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = FSMField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)

    manufacturer = models.CharField(_("manufacturer"), max_length=120)
    model_name = models.CharField(_("model name"), max_length=160)
    model_number = models.CharField(_("model number"), max_length=80)
    variants = models.TextField(
        _("variants"),
        blank=True,
        help_text=_("Other model numbers of the same device, one a line."),
    )
    adapter_type = models.CharField(_("type"), max_length=20, choices=ApprovedProduct.AdapterType)
    continuous_rating_amps = models.PositiveIntegerField(_("continuous rating (A)"))
    interrupting_rating_ka = models.PositiveIntegerField(_("interrupting rating (kA)"))
    service_types = models.JSONField(_("service types"), default=list)
    socket_forms = models.JSONField(
        _("compatible meter socket forms"), default=list, help_text=_('e.g. ["2S"]')
    )
    ring_requirement = models.CharField(
        _("socket ring type"),
        max_length=10,
        choices=ApprovedProduct.RingRequirement,
        default=ApprovedProduct.RingRequirement.ANY,
    )
    communication_interface = models.CharField(
        _("communication interface"),
        max_length=120,
        blank=True,
        help_text=_("Isolating devices: how the device talks to the battery or inverter."),
    )
    max_backfeed_amps = models.PositiveIntegerField(_("max back-feed (A)"), null=True, blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    apl_entry = models.ForeignKey(
        ApprovedProduct,
        verbose_name=_("Approved Product List entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("device evaluation")
        verbose_name_plural = _("device evaluations")
        ordering = ["-submitted_at", "-created_at"]
        permissions = [("decide_deviceevaluation", "Can decide device evaluations")]
        indexes = [models.Index(fields=["status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(apl_entry__isnull=False),
                name="approved_evaluation_has_apl_entry",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["approved", "rejected"])
                | ~models.Q(decision_reason=""),
                name="decided_evaluation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.manufacturer} {self.model_name}"

    @property
    def reference(self) -> str:
        return f"EV-{self.pk:05d}" if self.pk else "EV-new"

    @property
    def is_isolating(self) -> bool:
        return self.adapter_type == ApprovedProduct.AdapterType.ISOLATING

    # The lifecycle. Only services.evaluation_transition calls these.
    @transition(field=status, source=Status.DRAFT, target=Status.SUBMITTED)
    def submit(self):
        pass

    @transition(field=status, source=[Status.SUBMITTED, Status.ANSWERED], target=Status.IN_REVIEW)
    def start_review(self):
        pass

    @transition(
        field=status,
        source=[Status.IN_REVIEW, Status.ANSWERED, Status.LAB_EVALUATION],
        target=Status.INFO_REQUESTED,
    )
    def request_info(self):
        pass

    @transition(field=status, source=Status.INFO_REQUESTED, target=Status.ANSWERED)
    def answer(self):
        pass

    @transition(
        field=status, source=[Status.IN_REVIEW, Status.ANSWERED], target=Status.LAB_EVALUATION
    )
    def start_lab(self):
        pass

    @transition(field=status, source=Status.LAB_EVALUATION, target=Status.APPROVED)
    def approve(self):
        pass

    @transition(field=status, source=OPEN_STATUSES, target=Status.REJECTED)
    def reject(self):
        pass

    @transition(field=status, source=[Status.DRAFT, *OPEN_STATUSES], target=Status.WITHDRAWN)
    def withdraw(self):
        pass


class EvaluationFile(models.Model):
    """A file of the submission, checked by its content and stored privately."""

    class Kind(models.TextChoices):
        CERTIFICATE = "certificate", _("Certificate of listing")
        SPEC_SHEET = "spec_sheet", _("Spec sheet")
        INSTALLATION = "installation", _("Installation instructions")
        PHOTO = "photo", _("Product photo")
        ANSWER = "answer", _("Attachment to an answer")

    evaluation = models.ForeignKey(DeviceEvaluation, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    standard = models.CharField(_("standard"), max_length=20, choices=Standard, blank=True)
    file = models.FileField(_("file"), upload_to="evaluations/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation file")
        verbose_name_plural = _("evaluation files")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="certificate") | ~models.Q(standard=""),
                name="certificate_names_its_standard",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class StandardReview(models.Model):
    """Meter engineering's checklist for one standard the device is listed to."""

    evaluation = models.ForeignKey(
        DeviceEvaluation, on_delete=models.CASCADE, related_name="standard_reviews"
    )
    standard = models.CharField(_("standard"), max_length=20, choices=Standard)
    certificate_matches_model = models.BooleanField(
        _("certificate names this model and its variants"), default=False
    )
    listing_current = models.BooleanField(_("listing is current"), default=False)
    ratings_match = models.BooleanField(_("ratings match the certificate"), default=False)
    note = models.TextField(_("note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("standard checklist")
        verbose_name_plural = _("standard checklists")
        ordering = ["standard"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "standard"], name="one_checklist_per_standard"
            )
        ]

    def __str__(self) -> str:
        return self.standard

    @property
    def is_complete(self) -> bool:
        return self.certificate_matches_model and self.listing_current and self.ratings_match


class EvaluationEvent(models.Model):
    """The audit trail: one row per move along the lifecycle."""

    evaluation = models.ForeignKey(
        DeviceEvaluation, on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status)
    to_status = models.CharField(_("to"), max_length=20, choices=Status)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation event")
        verbose_name_plural = _("evaluation events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.from_status} → {self.to_status}"


class EvaluationMessage(models.Model):
    """A message between the vendor and meter engineering, emailed to the other side."""

    evaluation = models.ForeignKey(
        DeviceEvaluation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_staff = models.BooleanField(_("from meter engineering"))
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation message")
        verbose_name_plural = _("evaluation messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.body[:40]}"
