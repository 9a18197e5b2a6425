from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from common.addresses import format_address, validate_not_po_box
from common.i18n import Message, english
from common.phones import PhoneField
from eligibility.models import ApprovedProduct, RequestType
from eligibility.rules import rule_title

service_account_validator = RegexValidator(
    r"^8\d{9}$", _("The service account number has 10 digits and starts with 8.")
)
customer_account_validator = RegexValidator(
    r"^7\d{11}$", _("The customer account number has 12 digits and starts with 7.")
)
meter_number_validator = RegexValidator(
    r"^[A-Za-z0-9-]{4,20}$",
    _("Enter the meter number as printed on the meter (letters, digits and dashes)."),
)
zip_validator = RegexValidator(r"^\d{5}$", _("Enter a 5-digit ZIP code."))


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    INFO_REQUESTED = "info_requested", _("Information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SCHEDULED = "scheduled", _("Visit scheduled")
    COMPLETED = "completed", _("Completed")
    VISIT_FAILED = "visit_failed", _("Visit not completed")
    CANCELLED = "cancelled", _("Cancelled")


# A request holds its meter from payment until it ends: no second request for the same meter.
OPEN_STATUSES = [
    Status.AWAITING_PAYMENT,
    Status.SUBMITTED,
    Status.UNDER_REVIEW,
    Status.INFO_REQUESTED,
    Status.APPROVED,
    Status.SCHEDULED,
    Status.VISIT_FAILED,
]
CANCELLABLE_STATUSES = [
    Status.DRAFT,
    Status.AWAITING_PAYMENT,
    Status.SUBMITTED,
    Status.UNDER_REVIEW,
    Status.INFO_REQUESTED,
    Status.APPROVED,
    # After a failed visit the customer may give up rather than pay for a revisit (a panel over
    # 200 A may never be fixed): cancelling frees the meter for a new request.
    Status.VISIT_FAILED,
]


class EsrViolation(models.TextChoices):
    NONE = "none", _("No violation")
    YES = "yes", _("Yes, there is a violation")
    UNKNOWN = "unknown", _("I don't know")


class SocketRingType(models.TextChoices):
    RING = "ring", _("Ring-type (a metal ring holds the meter)")
    RINGLESS = "ringless", _("Ringless (the cover holds the meter)")
    UNKNOWN = "unknown", _("I don't know")


class MeterRecordState(models.TextChoices):
    """What the wizard did with the utility's meter record for the numbers entered."""

    NONE = "", _("No record matched")
    FOUND = "found", _("Record matched, not yet confirmed")
    CONFIRMED = "confirmed", _("The customer confirmed the record")
    CORRECTED = "corrected", _("The customer said the record differs")


class EligibilityOutcome(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    REVIEW = "review", _("Needs staff review")


class ExistingDeviceKind(models.TextChoices):
    """What is at the meter now, for a removal or a replacement."""

    GMA = "gma", _("Generation meter adapter (GMA)")
    MSA = "msa", _("Meter socket adapter (MSA)")


class EnergizedConductor(models.TextChoices):
    SOLAR_LOAD_SIDE_TAP = "solar_load_side_tap", _("Solar load-side tap to the A/C disconnect")
    EV_CHARGING_CABLE = "ev_charging_cable", _("120/240 V EV charging cable")


def request_reference(pk: int | None) -> str:
    """The name staff and customers know a request by, from its id: 3 → "MSA-000003"."""
    return f"MSA-{pk:06d}" if pk else "MSA-(new)"


class Request(models.Model):
    """A customer's request for an MSA install, an MSA/GMA removal or a GMA→MSA replacement.

    Site-fact fields carry the names of DESIGN.md §4 so the wizard, the rules and the API
    share one vocabulary. ``status`` changes only through ``enrollment.services``.
    """

    # Who
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="msa_requests",
        help_text=_("The customer's portal account, when they have one."),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="filed_msa_requests",
    )
    contractor_company = models.ForeignKey(
        "accounts.ContractorCompany",
        verbose_name=_("contractor company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="msa_requests",
    )
    customer_name = models.CharField(_("customer name"), max_length=200, blank=True)
    customer_email = models.EmailField(_("customer email"), blank=True)
    customer_phone = PhoneField(_("customer phone"), blank=True)
    customer_language = models.CharField(
        _("language for emails and documents"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The account holder gets emails, the receipt and the agreement in it."),
    )

    # What
    request_type = models.CharField(
        _("request type"), max_length=20, choices=RequestType, default=RequestType.INSTALL
    )
    status = FSMField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    wizard_step = models.CharField(_("last wizard step"), max_length=40, blank=True)

    # Accounts and meter
    service_account_number = models.CharField(
        _("service account number"),
        max_length=10,
        blank=True,
        validators=[service_account_validator],
    )
    customer_account_number = models.CharField(
        _("customer account number"),
        max_length=12,
        blank=True,
        validators=[customer_account_validator],
    )
    meter_number = models.CharField(
        _("meter number"), max_length=20, blank=True, validators=[meter_number_validator]
    )
    rule21_reference = models.CharField(
        _("Rule 21 application reference"), max_length=40, blank=True
    )
    # Set when the account and meter numbers match a meter record: the record's address and
    # service facts prefill the draft, and once confirmed their questions are not asked.
    meter_record_state = models.CharField(
        _("meter record"), max_length=10, choices=MeterRecordState, blank=True, default=""
    )
    life_support = models.BooleanField(
        _("life-support or medical equipment at the premises"), null=True, blank=True
    )

    # Premises
    # A technician visits the premises: a PO Box is no place to visit (issue 24).
    premises_street = models.CharField(
        _("street address"), max_length=200, blank=True, validators=[validate_not_po_box]
    )
    premises_unit = models.CharField(
        _("unit"), max_length=40, blank=True, validators=[validate_not_po_box]
    )
    premises_city = models.CharField(_("city"), max_length=80, blank=True)
    premises_state = models.CharField(_("state"), max_length=2, default="CA")
    premises_zip = models.CharField(
        _("ZIP code"), max_length=5, blank=True, validators=[zip_validator]
    )

    # Site facts (DESIGN.md §4)
    residential = models.BooleanField(_("residential service"), null=True, blank=True)
    meter_self_contained = models.BooleanField(_("self-contained meter"), null=True, blank=True)
    service_phase = models.PositiveSmallIntegerField(
        _("service phases"), null=True, blank=True, choices=[(1, "1"), (3, "3")]
    )
    service_wires = models.PositiveSmallIntegerField(
        _("service wires"), null=True, blank=True, choices=[(2, "2"), (3, "3"), (4, "4")]
    )
    service_voltage = models.CharField(_("service voltage"), max_length=10, blank=True)
    panel_rating_amps = models.PositiveIntegerField(_("panel rating (A)"), null=True, blank=True)
    backfeed_amps = models.PositiveIntegerField(_("back-feed (A)"), null=True, blank=True)
    device = models.ForeignKey(
        ApprovedProduct,
        verbose_name=_("device"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="msa_requests",
    )
    device_snapshot = models.JSONField(
        _("device as approved when checked"), null=True, blank=True, editable=False
    )
    meter_socket_form = models.CharField(_("meter socket form"), max_length=10, blank=True)
    socket_ring_type = models.CharField(
        _("socket ring type"), max_length=10, choices=SocketRingType, blank=True
    )
    # None is "I don't know" (staff check at review), apart from False, "there is none".
    comm_cable_present = models.BooleanField(
        _("communication cable at the meter"), null=True, blank=True
    )
    comm_cable_in_liquidtight = models.BooleanField(
        _("communication cable in liquid-tight conduit"), null=True, blank=True
    )
    energized_present = models.BooleanField(
        _("energized wiring at the meter"), null=True, blank=True
    )
    energized_conductors = models.JSONField(
        _("energized conductors at the meter"), default=list, blank=True
    )
    energized_in_liquidtight = models.BooleanField(
        _("energized conductors in liquid-tight conduit"), null=True, blank=True
    )
    esr_violation = models.CharField(
        _("Electric Service Requirement violation"),
        max_length=10,
        choices=EsrViolation,
        blank=True,
    )
    waterproof_bag_commitment = models.BooleanField(
        _("will leave the MSA bagged by the meter"), default=False
    )
    # The wizard steps whose hard questions the customer answers with a photo of the meter
    # instead ("meter", "wiring", "socket"): staff read them from the photo at review.
    answers_by_photo = models.JSONField(
        _("questions answered by a meter photo"), default=list, blank=True
    )
    # What is at the meter now (removal and replacement): the technician needs it before the trip.
    existing_device_kind = models.CharField(
        _("device at the meter now"), max_length=3, choices=ExistingDeviceKind, blank=True
    )
    existing_device_manufacturer = models.CharField(
        _("maker of the device at the meter now"), max_length=120, blank=True
    )
    existing_device_model = models.CharField(
        _("model of the device at the meter now"), max_length=160, blank=True
    )
    existing_device_isolating = models.BooleanField(
        _("the device at the meter now is isolating"), null=True, blank=True
    )

    # Outcome of the authoritative eligibility check (rule rows live in EligibilityResult).
    eligibility_outcome = models.CharField(
        _("eligibility outcome"), max_length=10, choices=EligibilityOutcome, blank=True
    )
    eligibility_checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    # The customer revoked the contractor's authorization: the company no longer sees the request.
    authorization_revoked_at = models.DateTimeField(
        _("contractor authorization revoked at"), null=True, blank=True, editable=False
    )

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The 30-business-day visit target (DESIGN.md §9), derived when the clock starts (payment),
    # pauses (information asked for) or resumes, so lists and the dashboard compare it in SQL.
    # While paused the target waits: the days left when the pause began stay the days left.
    target_date = models.DateField(_("visit target date"), null=True, blank=True, editable=False)
    target_paused_on = models.DateField(
        _("target clock paused on"), null=True, blank=True, editable=False
    )
    target_days_left_when_paused = models.SmallIntegerField(
        _("business days left when paused"), null=True, blank=True, editable=False
    )
    paused_business_days = models.PositiveSmallIntegerField(
        _("business days paused"), default=0, editable=False
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["updated_at"], table_name="enrollment_historicalapplication"
    )

    class Meta:
        # The table keeps the name it had when the model was called Application.
        db_table = "enrollment_application"
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meter_number"],
                condition=models.Q(status__in=OPEN_STATUSES) & ~models.Q(meter_number=""),
                name="one_open_request_per_meter",
                violation_error_message=_("There is already an open request for this meter."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="application_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["status", "target_date"], name="request_status_target"),
            # The staff list's default ordering (oldest submitted first, unsubmitted last: a
            # B-tree's ascending order already puts NULLs last) and its filters by type.
            models.Index(fields=["submitted_at", "id"], name="request_submitted_order"),
            models.Index(fields=["request_type", "submitted_at"], name="request_type_submitted"),
            models.Index(
                fields=["eligibility_outcome", "submitted_at"], name="request_outcome_submitted"
            ),
            models.Index(fields=["service_account_number"]),
            models.Index(fields=["updated_at"]),
            # The contractors' dashboard's latest change (company_requests_version).
            models.Index(
                fields=["contractor_company", "updated_at"], name="request_company_updated"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("enrollment:request_detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return request_reference(self.pk)

    @property
    def needs_device(self) -> bool:
        return self.request_type in (RequestType.INSTALL, RequestType.REPLACEMENT)

    @property
    def has_existing_device(self) -> bool:
        """A removal or a replacement: there is a device at the meter now to describe."""
        return self.request_type in (RequestType.REMOVAL, RequestType.REPLACEMENT)

    @property
    def existing_device_display(self) -> str:
        """The device at the meter now in a line for staff and the technician ("" if untold)."""
        if not self.existing_device_kind:
            return ""
        isolating = {
            True: gettext("isolating"),
            False: gettext("non-isolating"),
            None: gettext("isolating or not unknown"),
        }[self.existing_device_isolating]
        maker_model = " ".join(
            p for p in (self.existing_device_manufacturer, self.existing_device_model) if p
        )
        return " · ".join(
            p for p in (self.get_existing_device_kind_display(), maker_model, isolating) if p
        )

    @property
    def premises_address(self) -> str:
        return format_address(
            street=self.premises_street,
            unit=self.premises_unit,
            city=self.premises_city,
            state=self.premises_state,
            zip_code=self.premises_zip,
        )

    def site_facts(self) -> dict:
        """Return the request's site facts under the names of DESIGN.md §4."""
        return {
            "request_type": self.request_type,
            "residential": self.residential,
            "meter_self_contained": self.meter_self_contained,
            "service_phase": self.service_phase,
            "service_wires": self.service_wires,
            "service_voltage": self.service_voltage or None,
            "panel_rating_amps": self.panel_rating_amps,
            "backfeed_amps": self.backfeed_amps,
            "device": self.device_id,
            "meter_socket_form": self.meter_socket_form or None,
            "socket_ring_type": self.socket_ring_type or None,
            "comm_cable_present": self.comm_cable_present,
            "comm_cable_in_liquidtight": self.comm_cable_in_liquidtight,
            "energized_present": self.energized_present,
            "energized_conductors": list(self.energized_conductors or []),
            "energized_in_liquidtight": self.energized_in_liquidtight,
            "esr_violation": self.esr_violation or None,
            "waterproof_bag_commitment": self.waterproof_bag_commitment,
            "service_account_number": self.service_account_number,
            "meter_number": self.meter_number,
            "existing_device_kind": self.existing_device_kind or None,
            "existing_device_manufacturer": self.existing_device_manufacturer or None,
            "existing_device_model": self.existing_device_model or None,
            "existing_device_isolating": self.existing_device_isolating,
        }

    # Lifecycle (DESIGN.md §3). Call these only through enrollment.services.
    @transition(field=status, source=Status.DRAFT, target=Status.AWAITING_PAYMENT)
    def sign_agreement(self) -> None:
        """The Customer Agreement is signed; the site-visit fee is due."""

    @transition(field=status, source=Status.AWAITING_PAYMENT, target=Status.SUBMITTED)
    def mark_paid(self) -> None:
        """The site-visit fee is paid: the request is submitted."""

    @transition(field=status, source=Status.SUBMITTED, target=Status.UNDER_REVIEW)
    def record_eligibility(self) -> None:
        """The authoritative eligibility check has stored its results."""

    @transition(field=status, source=Status.UNDER_REVIEW, target=Status.INFO_REQUESTED)
    def request_info(self) -> None:
        """Staff asked the applicant for more information."""

    @transition(field=status, source=Status.INFO_REQUESTED, target=Status.UNDER_REVIEW)
    def answer_info(self) -> None:
        """The applicant answered; back to review."""

    @transition(field=status, source=Status.UNDER_REVIEW, target=Status.APPROVED)
    def approve(self) -> None:
        """Staff approved the request; the scheduler picks it up."""

    @transition(field=status, source=Status.UNDER_REVIEW, target=Status.REJECTED)
    def reject(self) -> None:
        """Staff rejected the request."""

    @transition(field=status, source=[Status.APPROVED, Status.SCHEDULED], target=Status.SCHEDULED)
    def schedule(self) -> None:
        """A visit is booked (or moved)."""

    @transition(field=status, source=Status.SCHEDULED, target=Status.APPROVED)
    def unschedule(self) -> None:
        """The booked visit was released (cancelled by the utility or by the applicant)."""

    @transition(field=status, source=Status.SCHEDULED, target=Status.COMPLETED)
    def complete_visit(self) -> None:
        """The technician installed, removed or replaced the device."""

    @transition(field=status, source=Status.SCHEDULED, target=Status.VISIT_FAILED)
    def fail_visit(self) -> None:
        """The technician could not complete the visit."""

    @transition(field=status, source=Status.VISIT_FAILED, target=Status.APPROVED)
    def reopen_for_revisit(self) -> None:
        """A new site-visit fee is paid (or waived by staff): back to the scheduler."""

    @transition(field=status, source=CANCELLABLE_STATUSES, target=Status.CANCELLED)
    def cancel(self) -> None:
        """The customer (or their contractor) cancelled before a visit, or after a failed one."""


class RequestEvent(models.Model):
    """One step in a request's life: the audit row staff read and the customer's timeline."""

    msa_request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(blank=True)
    # A note the portal wrote, as its English text and parameters, read in the reader's language.
    note_data = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.msa_request_id}: {self.from_status or '-'} → {self.to_status}"

    @staticmethod
    def note_values(note: "Message | str") -> dict:
        """The fields a note is stored in: people's words as typed, the portal's as a message."""
        if isinstance(note, Message):
            return {"note": english(note), "note_data": note.as_data()}
        return {"note": str(note), "note_data": {}}

    @property
    def note_message(self) -> "Message | str":
        """The note as it reads in whatever language is active when it is rendered."""
        return Message.from_data(self.note_data) if self.note_data else self.note

    @property
    def display_note(self) -> str:
        """The note in the active language (what a person typed reads as typed)."""
        return str(self.note_message)


class AgreementVersion(models.Model):
    """One version of the Customer Agreement text; the newest one in effect is the current one.

    A signed version is never edited: a change of wording is a new version, so every signature
    keeps pointing at the words it agreed to.
    """

    version = models.CharField(_("version"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("agreement text"))
    # The same version's words in Spanish, shown to and signed by Spanish readers.
    title_es = models.CharField(_("title in Spanish"), max_length=200, blank=True)
    body_es = models.TextField(_("agreement text in Spanish"), blank=True)
    effective_date = models.DateField(_("effective date"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["-effective_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def text_for(self, language: str) -> tuple[str, str]:
        """The title and text in ``language``; English when there is no Spanish text."""
        if language and language.startswith("es") and self.body_es:
            return self.title_es or self.title, self.body_es
        return self.title, self.body


class AgreementSignature(models.Model):
    """A signed Customer Agreement: who signed which words, when and from where."""

    msa_request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="signatures")
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("signer's typed name"), max_length=200)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    signed_text = models.TextField(_("exact text signed"))
    language = models.CharField(_("language signed in"), max_length=8, default="en")
    text_sha256 = models.CharField(_("SHA-256 of the text signed"), max_length=64)
    pdf = models.FileField(_("signed agreement PDF"), upload_to="agreements/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("agreement signature")
        verbose_name_plural = _("agreement signatures")
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(text_sha256__regex=r"^[0-9a-f]{64}$"),
                name="signature_hash_is_sha256_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.msa_request_id}: v{self.version_id} {self.signed_at:%Y-%m-%d}"


class Document(models.Model):
    """A file attached to a request, stored privately under a random name."""

    class Kind(models.TextChoices):
        METER_PANEL_PHOTO = "meter_panel_photo", _("Meter panel photo")
        AUTHORIZATION_FORM = "authorization_form", _("Signed authorization form")
        INFO_RESPONSE = "info_response", _("Answer to a question from staff")
        OTHER = "other", _("Other document")

    msa_request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/", max_length=200)
    original_name = models.CharField(
        _("file name"), max_length=120, help_text=_("Display text only; never used as a path.")
    )
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=["meter_panel_photo", "authorization_form", "info_response", "other"]
                ),
                name="document_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse(
            "enrollment:document_download",
            kwargs={"pk": self.msa_request_id, "document_pk": self.pk},
        )


class RejectionReason(models.TextChoices):
    """Why staff rejected a request: a stable code for reports, a label for people."""

    INELIGIBLE_SITE = "INELIGIBLE_SITE", _("The site does not meet the program's requirements")
    DEVICE_NOT_APPROVED = (
        "DEVICE_NOT_APPROVED",
        _("The device is not on the Approved Product List for this request"),
    )
    DUPLICATE = "DUPLICATE", _("Duplicate of another request")
    INCOMPLETE = "INCOMPLETE", _("The request is incomplete")
    OTHER = "OTHER", _("Other reason")


class Rejection(models.Model):
    """The reason code and customer message behind a rejected request (one per rejection)."""

    msa_request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="rejections")
    event = models.OneToOneField(
        RequestEvent, on_delete=models.CASCADE, related_name="rejection", null=True, blank=True
    )
    reason_code = models.CharField(_("reason"), max_length=30, choices=RejectionReason)
    message = models.TextField(_("message to the customer"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("rejected at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("rejection")
        verbose_name_plural = _("rejections")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reason_code__in=RejectionReason.values),
                name="rejection_reason_code_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.msa_request_id}: {self.reason_code}"


class EligibilityResult(models.Model):
    """One rule's result in a request's authoritative eligibility check (one row per rule)."""

    msa_request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="eligibility_results"
    )
    code = models.CharField(_("rule"), max_length=40)
    result = models.CharField(_("result"), max_length=10, choices=EligibilityOutcome)
    message = models.TextField(_("message"))
    # The message as its English text and parameters, so each reader gets it in their language.
    message_data = models.JSONField(_("message data"), default=dict, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        verbose_name = _("eligibility result")
        verbose_name_plural = _("eligibility results")
        ordering = ["msa_request", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["msa_request", "code"], name="one_eligibility_result_per_rule"
            ),
            models.CheckConstraint(
                condition=models.Q(result__in=EligibilityOutcome.values),
                name="eligibility_result_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.result}"

    @property
    def title(self) -> str:
        return rule_title(self.code)

    @property
    def text(self) -> str:
        """The message in the active language (rows from before translation read as stored)."""
        if not self.message_data:
            return self.message
        return str(Message.from_data(self.message_data))


class AuthorizationMethod(models.TextChoices):
    UPLOAD = "upload", _("Uploaded signed Authorization Form")
    E_SIGNATURE = "e_signature", _("Signed online through an emailed link")


class CustomerAuthorization(models.Model):
    """The customer's authorization of a contractor company to file for them and be their contact.

    Either an uploaded, signed Authorization Form (``document``) or an electronic signature made
    through an emailed one-time link (the signature fields and ``pdf``). Revoking it ends the
    company's access to the request.
    """

    msa_request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="authorizations"
    )
    company = models.ForeignKey(
        "accounts.ContractorCompany",
        verbose_name=_("contractor company"),
        on_delete=models.PROTECT,
        related_name="customer_authorizations",
    )
    method = models.CharField(_("method"), max_length=20, choices=AuthorizationMethod)
    # An uploaded form: removing the file from a draft removes the authorization with it.
    document = models.OneToOneField(
        Document,
        verbose_name=_("uploaded form"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="authorization",
    )
    # An electronic signature.
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField(_("signer's typed name"), max_length=200, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signer's portal account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    consent = models.BooleanField(_("consent given"), default=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    signed_text = models.TextField(_("exact text signed"), blank=True)
    language = models.CharField(_("language signed in"), max_length=8, blank=True)
    text_sha256 = models.CharField(_("SHA-256 of the text signed"), max_length=64, blank=True)
    pdf = models.FileField(
        _("signed authorization PDF"), upload_to="authorizations/%Y/%m/", blank=True
    )
    signed_at = models.DateTimeField(_("authorized at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # An uploaded form is a claim until staff have looked at it (DESIGN.md §4): it counts as the
    # authorization only once accepted. An electronic signature is its own evidence.
    accepted_at = models.DateTimeField(_("accepted by staff at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A signature covers the facts its text quotes; when one of them changes afterwards the
    # signature stops counting (STYLE.md) and the customer is asked to sign again.
    voided_at = models.DateTimeField(_("voided by a change at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer authorization")
        verbose_name_plural = _("customer authorizations")
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method__in=["upload", "e_signature"]),
                name="authorization_method_valid",
            ),
            models.CheckConstraint(
                condition=(models.Q(method="upload") & models.Q(document__isnull=False))
                | (
                    models.Q(method="e_signature")
                    & models.Q(consent=True)
                    & models.Q(text_sha256__regex=r"^[0-9a-f]{64}$")
                ),
                name="authorization_has_its_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.msa_request_id}: {self.company_id} ({self.method})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.voided_at is None

    @property
    def counts(self) -> bool:
        """Whether this authorization is on file: active, and signed online or accepted by staff."""
        return self.is_active and (
            self.method == AuthorizationMethod.E_SIGNATURE or self.accepted_at is not None
        )

    @property
    def awaits_review(self) -> bool:
        """An active uploaded form that staff have not accepted yet."""
        return self.is_active and self.method == AuthorizationMethod.UPLOAD and not self.accepted_at


class AuthorizationLink(models.Model):
    """A one-time link emailed to the customer to sign the authorization online.

    Only a SHA-256 of the token is stored: the emailed link is the only copy of the token.
    """

    msa_request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="authorization_links"
    )
    email = models.EmailField(_("sent to"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(
        _("withdrawn at"),
        null=True,
        blank=True,
        help_text=_("A newer link replaced this one, or the authorization was revoked."),
    )

    class Meta:
        verbose_name = _("authorization signing link")
        verbose_name_plural = _("authorization signing links")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.msa_request_id}: link sent {self.created_at:%Y-%m-%d}"


class RequestMessage(models.Model):
    """A message about one request between its applicant side and utility staff (issue 19).

    ``from_staff`` is True when staff wrote it; the customer or the contractor acting for them
    otherwise. Plain text as typed, never HTML. Posted only through
    ``enrollment.conversation.request_message_post``, which emails the other side.
    """

    msa_request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    from_staff = models.BooleanField(_("from staff"), default=False)
    body = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.msa_request_id}: {'staff' if self.from_staff else 'applicant'} message"


class ElectronicRecordsConsent(models.Model):
    """A person's consent to receive this request's records electronically (E-SIGN, §7001(c)).

    Given on the consent step before their first electronic signature on the request, after the
    disclosure (``enrollment/consent.py``, version ``version``) was shown in ``language``. It
    counts while ``withdrawn_at`` is empty and ``version`` is the current disclosure's; a
    withdrawn or outdated consent makes the next electronic signature ask again.
    """

    msa_request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="esign_consents"
    )
    # The signer's address, lower case: the account's, or the one the signing link went to.
    email = models.EmailField(_("consenting address"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.CharField(_("disclosure version"), max_length=20)
    language = models.CharField(_("language shown in"), max_length=8)
    disclosure_sha256 = models.CharField(_("SHA-256 of the disclosure shown"), max_length=64)
    given_at = models.DateTimeField(_("consent given at"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent to electronic records")
        verbose_name_plural = _("consents to electronic records")
        ordering = ["-given_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["msa_request", "email", "version"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_current_esign_consent_per_signer",
            ),
            models.CheckConstraint(
                condition=models.Q(disclosure_sha256__regex=r"^[0-9a-f]{64}$"),
                name="esign_consent_hash_is_sha256_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.msa_request_id}: {self.version} {self.given_at:%Y-%m-%d}"


class PaperCopyRequest(models.Model):
    """A person's request for the paper copy of this request's records (free of charge)."""

    msa_request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="paper_copy_requests"
    )
    email = models.EmailField(_("asked by address"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8)
    mailing_address = models.TextField(_("mailing address"), blank=True)
    requested_at = models.DateTimeField(_("asked at"))

    class Meta:
        verbose_name = _("paper copy request")
        verbose_name_plural = _("paper copy requests")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.msa_request_id}: paper copy {self.requested_at:%Y-%m-%d}"
