from datetime import time

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from common.phones import PhoneField
from enrollment.models import request_reference, zip_validator


def default_working_weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]


def default_territory() -> list[str]:
    return []


class Technician(models.Model):
    """A meter technician: where the day starts, which ZIP codes they serve, when they work."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneField(_("phone"), blank=True)
    home_zip = models.CharField(_("home base ZIP code"), max_length=5, validators=[zip_validator])
    territory_zips = models.JSONField(
        _("territory (ZIP codes)"),
        default=default_territory,
        blank=True,
        help_text=_('ZIP codes this technician serves, e.g. ["91770", "91776"].'),
    )
    working_weekdays = models.JSONField(
        _("working weekdays"),
        default=default_working_weekdays,
        help_text=_("0 = Monday … 6 = Sunday."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    # The portal account the technician signs in with on their phone (role "technician").
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sign-in account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="technician",
        limit_choices_to={"role": "technician"},
        help_text=_("A user with the role “Meter technician”: they see this technician's visits."),
    )

    class Meta:
        verbose_name = _("technician")
        verbose_name_plural = _("technicians")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def daily_capacity(self) -> int:
        return sum(window.capacity for window in self.windows.all())


def morning_start() -> time:
    """A new window's default start, 8:00 (a callable: Django's check fields.W161 takes a fixed
    time default for a mistaken "now" when it runs within ten seconds of that time of day)."""
    return time(8)


def morning_end() -> time:
    """A new window's default end, 12:00 (a callable, as ``morning_start``)."""
    return time(12)


class AppointmentWindow(models.Model):
    """One part of a technician's day with the number of visits it holds."""

    technician = models.ForeignKey(Technician, on_delete=models.CASCADE, related_name="windows")
    starts_at = models.TimeField(_("starts at"), default=morning_start)
    ends_at = models.TimeField(_("ends at"), default=morning_end)
    capacity = models.PositiveSmallIntegerField(
        _("visits"), default=4, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("appointment window")
        verbose_name_plural = _("appointment windows")
        ordering = ["technician_id", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["technician", "starts_at"], name="one_window_per_technician_start"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="window_ends_after_start",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="window_capacity_1"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class TimeOff(models.Model):
    technician = models.ForeignKey(Technician, on_delete=models.CASCADE, related_name="time_off")
    starts_on = models.DateField(_("first day off"))
    ends_on = models.DateField(_("last day off"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("time off")
        verbose_name_plural = _("time off")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="time_off_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technician}: {self.starts_on}-{self.ends_on}"


class UtilityHoliday(models.Model):
    """Staff's change to the default closures: a day closed, or a default holiday worked."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    closed = models.BooleanField(
        _("closed"),
        default=True,
        help_text=_(
            "Untick to keep the utility open on one of the default holidays; business-day "
            "counts then include that day."
        ),
    )

    class Meta:
        verbose_name = _("utility holiday")
        verbose_name_plural = _("utility holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"


class FailureCode(models.TextChoices):
    """Why a visit could not be completed (DESIGN.md §4, the seed's FAQ list)."""

    NOT_LEFT_IN_BAG = "NOT_LEFT_IN_BAG", _("MSA not left by the meter in a visible waterproof bag")
    DEVICE_DAMAGED_DIRTY_WET = "DEVICE_DAMAGED_DIRTY_WET", _("MSA damaged, dirty or wet")
    COMM_CABLE_IN_LIQUIDTIGHT = (
        "COMM_CABLE_IN_LIQUIDTIGHT",
        _("Communication cable in liquid-tight conduit"),
    )
    ENERGIZED_NOT_IN_LIQUIDTIGHT = (
        "ENERGIZED_NOT_IN_LIQUIDTIGHT",
        _("Energized conductors not in liquid-tight conduit"),
    )
    OVER_200A_OR_CODE = "OVER_200A_OR_CODE", _("Meter over 200 A or not to code")
    ESR_VIOLATION = "ESR_VIOLATION", _("Electric Service Requirement violation")
    BACKFEED_EXCEEDS_RATING = "BACKFEED_EXCEEDS_RATING", _("Back-feed exceeds the panel rating")
    SOCKET_INCOMPATIBLE = "SOCKET_INCOMPATIBLE", _("Meter socket incompatible with the MSA")
    OTHER = "OTHER", _("Other")


def _failure_code_given(visit: "Visit") -> bool:
    return bool(visit.failure_code)


class Visit(models.Model):
    """A technician's visit to one request's premises in one window of one business day."""

    class State(models.TextChoices):
        BOOKED = "booked", _("Booked")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Not completed")
        CANCELLED = "cancelled", _("Cancelled")
        MOVED = "moved", _("Moved to another window")

    class Source(models.TextChoices):
        SCHEDULER = "scheduler", _("Scheduler")
        CUSTOMER = "customer", _("Customer or contractor")
        STAFF = "staff", _("Staff")

    msa_request = models.ForeignKey(
        "enrollment.Request", on_delete=models.PROTECT, related_name="visits"
    )
    technician = models.ForeignKey(Technician, on_delete=models.PROTECT, related_name="visits")
    window = models.ForeignKey(AppointmentWindow, on_delete=models.PROTECT, related_name="visits")
    date = models.DateField(_("date"))
    # Which of the window's places this visit holds (0 … capacity-1): the unique constraint on
    # booked places is what stops two concurrent bookings from overfilling a window.
    slot = models.PositiveSmallIntegerField(_("place in window"))
    route_order = models.PositiveSmallIntegerField(_("stop"), default=0)
    state = FSMField(_("state"), max_length=10, choices=State, default=State.BOOKED)
    source = models.CharField(_("booked by"), max_length=10, choices=Source)
    # The calendar event this visit is sent as (RFC 5546): a move keeps the booking's UID and
    # raises SEQUENCE; a booking made after a cancellation is a new event with a new UID.
    calendar_uid = models.CharField(_("calendar event UID"), max_length=100, blank=True)
    calendar_sequence = models.PositiveIntegerField(_("calendar event sequence"), default=0)
    notes = models.TextField(
        _("notes for the technician"),
        blank=True,
        help_text=_("Access, gate code, where the meter is: shown on the route sheet."),
    )
    within_target = models.BooleanField(_("inside the 30-business-day target"), default=True)
    failure_code = models.CharField(
        _("failure reason"), max_length=40, choices=FailureCode, blank=True
    )
    outcome_note = models.TextField(_("outcome note"), blank=True)
    utility_fault = models.BooleanField(
        _("failure was the utility's fault"),
        default=False,
        help_text=_("When set, the revisit needs no new site-visit fee."),
    )
    outcome_recorded_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A customer who cancels a visit chooses the next window themselves; the scheduler leaves
    # the request alone until they do.
    cancelled_by_customer = models.BooleanField(_("cancelled by the customer"), default=False)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("technician arrived at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["date", "technician_id", "route_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["window", "date", "slot"],
                condition=models.Q(state="booked"),
                name="one_booked_visit_per_window_place",
            ),
            models.UniqueConstraint(
                fields=["msa_request"],
                condition=models.Q(state="booked"),
                name="one_booked_visit_per_request",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="failed") | ~models.Q(failure_code=""),
                name="failed_visit_has_code",
            ),
        ]
        indexes = [
            models.Index(fields=["technician", "date", "state"]),
            models.Index(fields=["state", "date"]),
        ]

    def __str__(self) -> str:
        # The request's reference (no query), never its row id: staff know requests by it.
        return f"{request_reference(self.msa_request_id)} @ {self.date} {self.window}"

    # Lifecycle: a visit is born booked and leaves that state once, for good. Call these only
    # through scheduling.services, which locks the request and the visit first.
    @transition(field=state, source=State.BOOKED, target=State.MOVED)
    def move(self) -> None:
        """The request's visit was booked into another window; this one frees its place."""

    @transition(field=state, source=State.BOOKED, target=State.CANCELLED)
    def cancel(self, *, by_customer: bool) -> None:
        """The visit is called off; its window place is freed."""
        self.cancelled_by_customer = by_customer
        # A cancellation is a change of the event: calendars apply it only with a higher SEQUENCE.
        self.calendar_sequence += 1

    @transition(field=state, source=State.BOOKED, target=State.COMPLETED)
    def complete(self) -> None:
        """The technician installed, removed or replaced the device."""

    @transition(
        field=state, source=State.BOOKED, target=State.FAILED, conditions=[_failure_code_given]
    )
    def fail(self) -> None:
        """The technician could not complete the visit, for the reason in ``failure_code``."""


class VisitNotice(models.Model):
    """An email about a visit that has gone out: one per visit and kind.

    Tasks are acknowledged after they run, so a worker restart runs one again; the marker is
    what keeps the customer from getting the same "visit booked" email twice.
    """

    class Kind(models.TextChoices):
        BOOKED = "booked", _("Visit booked")
        RESCHEDULED = "rescheduled", _("Visit moved")
        REMINDER = "reminder", _("Visit reminder")
        CANCELLED = "cancelled", _("Visit cancelled")
        COMPLETED = "completed", _("Visit completed")
        FAILED = "failed", _("Visit not completed")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit email")
        verbose_name_plural = _("visit emails")
        constraints = [
            models.UniqueConstraint(fields=["visit", "kind"], name="one_email_per_visit_and_kind")
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.kind}"


class UnplaceableReport(models.Model):
    """Why the scheduler could not place an approved request: staff read these in admin."""

    class Reason(models.TextChoices):
        UNKNOWN_ZIP = "unknown_zip", _("Premises ZIP code is outside the known service territory")
        NO_TECHNICIAN = "no_technician", _("No active technician serves this ZIP code")
        NO_CAPACITY = "no_capacity", _("No free window within the scheduling horizon")

    msa_request = models.OneToOneField(
        "enrollment.Request", on_delete=models.CASCADE, related_name="unplaceable_report"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), auto_now=True)

    class Meta:
        verbose_name = _("unplaceable request")
        verbose_name_plural = _("unplaceable requests")
        ordering = ["first_seen_at"]

    def __str__(self) -> str:
        return f"{self.msa_request_id}: {self.reason}"


class FieldReport(models.Model):
    """An outcome sent from a technician's phone, kept once per id the phone made for it.

    The phone may send the same report again (no answer reached it, the signal dropped): the
    unique ``client_id`` is what makes the repeat change nothing. A report that arrives after
    staff cancelled or moved the visit is kept as a conflict, with its photos, for staff to read.
    """

    class Result(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        ALREADY = "already", _("Already recorded the same way")
        CONFLICT = "conflict", _("Conflict: the visit had changed")

    client_id = models.UUIDField(_("id made on the phone"), unique=True, editable=False)
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="field_reports")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed = models.BooleanField(_("completed"))
    failure_code = models.CharField(
        _("failure reason"), max_length=40, choices=FailureCode, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result)
    visit_state_found = models.CharField(
        _("visit state found"), max_length=10, choices=Visit.State, blank=True
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outcome from the field")
        verbose_name_plural = _("outcomes from the field")
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completed=True, failure_code="")
                | models.Q(completed=False) & ~models.Q(failure_code=""),
                name="field_report_outcome_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.client_id}"


class VisitPhoto(models.Model):
    """A photo taken at the meter, stored privately under a random name."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="photos")
    report = models.ForeignKey(
        FieldReport, on_delete=models.PROTECT, related_name="photos", null=True, blank=True
    )
    file = models.FileField(_("file"), upload_to="visit-photos/%Y/%m/", max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.file.name}"
