from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RequestType(models.TextChoices):
    """What a request asks for (the seed's install, removal and replacement options)."""

    INSTALL = "install", _("Install an MSA")
    REMOVAL = "removal", _("Remove an MSA or GMA")
    REPLACEMENT = "replacement", _("Replace a GMA with an MSA")


class ApprovedProduct(models.Model):
    """One device on the utility's Approved Product List (APL)."""

    class AdapterType(models.TextChoices):
        ISOLATING = "isolating", _("Isolating")
        NON_ISOLATING = "non_isolating", _("Non-isolating")

    class RingRequirement(models.TextChoices):
        ANY = "any", _("Ring or ringless socket")
        RING = "ring", _("Ring-type socket only")
        RINGLESS = "ringless", _("Ringless socket only")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        RETIRED = "retired", _("Retired")

    manufacturer = models.CharField(_("manufacturer"), max_length=120)
    model_name = models.CharField(_("model name"), max_length=160)
    model_number = models.CharField(_("model number"), max_length=80)
    adapter_type = models.CharField(_("type"), max_length=20, choices=AdapterType)
    request_types = models.JSONField(
        _("request types served"),
        default=list,
        help_text=_('Request types this device serves, e.g. ["install", "replacement"].'),
    )
    rated_current_amps = models.PositiveIntegerField(_("rated current (A)"))
    compatible_socket_forms = models.JSONField(
        _("compatible meter socket forms"), default=list, help_text=_('e.g. ["2S"]')
    )
    ring_requirement = models.CharField(
        _("socket ring type"), max_length=10, choices=RingRequirement, default=RingRequirement.ANY
    )
    max_panel_rating_amps = models.PositiveIntegerField(
        _("max panel rating (A)"), null=True, blank=True
    )
    max_backfeed_amps = models.PositiveIntegerField(_("max back-feed (A)"), null=True, blank=True)
    standards = models.CharField(_("standards"), max_length=200, blank=True)
    customer_requirements = models.TextField(_("requirements shown to customers"), blank=True)
    spec_sheet_url = models.URLField(_("spec sheet"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Raised each time an approved evaluation rewrites this entry."),
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Demo data, not the utility's real list.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Approved Product List entry")
        verbose_name_plural = _("Approved Product List")
        ordering = ["manufacturer", "model_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["manufacturer", "model_number"], name="apl_unique_model"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.manufacturer} {self.model_name} ({self.model_number})"

    @property
    def is_isolating(self) -> bool:
        return self.adapter_type == self.AdapterType.ISOLATING

    def snapshot(self) -> dict:
        """Return the entry as plain data, kept with a request so later edits never rewrite it."""
        return {
            "id": self.pk,
            "manufacturer": self.manufacturer,
            "model_name": self.model_name,
            "model_number": self.model_number,
            "adapter_type": self.adapter_type,
            "request_types": list(self.request_types),
            "rated_current_amps": self.rated_current_amps,
            "compatible_socket_forms": list(self.compatible_socket_forms),
            "ring_requirement": self.ring_requirement,
            "max_panel_rating_amps": self.max_panel_rating_amps,
            "max_backfeed_amps": self.max_backfeed_amps,
            "standards": self.standards,
            "customer_requirements": self.customer_requirements,
            "status": self.status,
        }


class MeterRecord(models.Model):
    """The utility's record of a service account and its meter."""

    service_account_number = models.CharField(_("service account number"), max_length=10)
    meter_number = models.CharField(_("meter number"), max_length=20, unique=True)
    service_address = models.CharField(_("service address"), max_length=200)
    city = models.CharField(_("city"), max_length=80)
    zip_code = models.CharField(_("ZIP code"), max_length=10)
    residential = models.BooleanField(_("residential"), default=True)
    meter_self_contained = models.BooleanField(_("self-contained meter"), default=True)
    service_phase = models.PositiveSmallIntegerField(_("phases"), default=1)
    service_wires = models.PositiveSmallIntegerField(_("wires"), default=3)
    service_voltage = models.CharField(_("voltage"), max_length=10, default="120/240")
    panel_rating_amps = models.PositiveIntegerField(_("panel rating (A)"))
    is_sample = models.BooleanField(_("sample data"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meter record")
        verbose_name_plural = _("meter records")
        ordering = ["service_account_number"]
        indexes = [models.Index(fields=["service_account_number"])]

    def __str__(self) -> str:
        return f"{self.service_account_number} / {self.meter_number}"
