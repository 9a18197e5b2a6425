import re
from datetime import date, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.admin import ReadOnlyAdminMixin
from common.history_admin import ReadOnlyHistoryAdmin
from common.queue import task_send

from . import selectors, services, tasks
from .calendar import default_closures, get_calendar
from .forms import AssignVisitForm, OutcomeForm
from .geo import zip_centroids
from .models import (
    AppointmentWindow,
    FieldReport,
    Technician,
    TimeOff,
    UnplaceableReport,
    UtilityHoliday,
    Visit,
    VisitPhoto,
)


class AppointmentWindowInline(admin.TabularInline):
    model = AppointmentWindow
    extra = 0


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    extra = 0


class TechnicianForm(forms.ModelForm):
    territory = forms.CharField(
        label=gettext_lazy("Territory (ZIP codes)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("ZIP codes served, separated by commas or spaces."),
    )

    class Meta:
        model = Technician
        fields = ["name", "email", "phone", "home_zip", "working_weekdays", "is_active", "user"]

    def clean_user(self):
        user = self.cleaned_data.get("user")
        # A staff account on a phone in a truck would carry the whole admin with it.
        if user is not None and (user.role != "technician" or user.is_staff):
            raise forms.ValidationError(
                _("Link an account with the role “Meter technician” that is not staff.")
            )
        return user

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].initial = " ".join(self.instance.territory_zips or [])

    def clean_territory(self) -> list[str]:
        zips = sorted(set(re.findall(r"\S+", self.cleaned_data["territory"].replace(",", " "))))
        known = zip_centroids()
        unknown = [z for z in zips if z not in known]
        if unknown:
            raise forms.ValidationError(
                _("Not in the service territory's ZIP table: %(zips)s")
                % {"zips": ", ".join(unknown)}
            )
        return zips

    def save(self, commit=True):
        self.instance.territory_zips = self.cleaned_data["territory"]
        return super().save(commit)


@admin.register(Technician)
class TechnicianAdmin(admin.ModelAdmin):
    form = TechnicianForm
    list_display = ["name", "home_zip", "territory_size", "user", "is_active", "is_sample", "today"]
    list_filter = ["is_active", "is_sample"]
    list_select_related = ["user"]
    search_fields = ["name", "email", "home_zip", "user__email"]
    raw_id_fields = ["user"]
    inlines = [AppointmentWindowInline, TimeOffInline]

    @admin.display(description=gettext_lazy("ZIP codes served"))
    def territory_size(self, obj: Technician) -> int:
        return len(obj.territory_zips or [])

    @admin.display(description=gettext_lazy("Route sheet"))
    def today(self, obj: Technician):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("scheduling:route_sheet", args=[obj.pk, timezone.localdate().isoformat()]),
            _("today"),
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.technician_ensure_default_windows(technician=form.instance)


@admin.register(UtilityHoliday)
class UtilityHolidayAdmin(admin.ModelAdmin):
    """Staff's changes to the default closures, with the resulting closures shown above them."""

    list_display = ["date", "name", "closed"]
    list_filter = ["closed"]
    date_hierarchy = "date"
    change_list_template = "admin/scheduling/utilityholiday/change_list.html"

    def changelist_view(self, request, extra_context=None):
        calendar = get_calendar()
        year = timezone.localdate().year
        names = {}
        for y in range(year, year + 3):
            names.update(default_closures(y))
        staff_names = dict(UtilityHoliday.objects.values_list("date", "name"))
        closures = [
            (y, [(d, staff_names.get(d) or names.get(d, "")) for d in calendar.closures(y)])
            for y in range(year, year + 3)
        ]
        return super().changelist_view(request, {**(extra_context or {}), "closures": closures})


@admin.action(description=gettext_lazy("Run the scheduler again now"), permissions=["view"])
def run_scheduler(modeladmin, request, queryset):
    # The whole queue is planned together: placing only the selected rows could take places
    # from older requests.
    if task_send(tasks.schedule_approved_requests.s(), what="scheduler run (admin) not sent"):
        modeladmin.message_user(
            request, _("The scheduler is running; reload this page in a moment.")
        )
    else:
        # The periodic run still places them once the task queue is back.
        modeladmin.message_user(
            request,
            _(
                "The task queue is unavailable, so the scheduler did not start; it runs by "
                "itself within about a minute of the queue coming back."
            ),
            level=messages.WARNING,
        )


@admin.register(UnplaceableReport)
class UnplaceableReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    actions = [run_scheduler]
    list_display = ["msa_request", "reason", "detail", "first_seen_at", "last_seen_at"]
    list_filter = ["reason"]
    list_select_related = ["msa_request"]
    search_fields = ["msa_request__premises_zip", "msa_request__meter_number"]
    readonly_fields = ["msa_request", "reason", "detail", "first_seen_at", "last_seen_at"]
    still_allowed = ("change", "delete")


@admin.action(description=gettext_lazy("Mark completed"), permissions=["change"])
def mark_completed(modeladmin, request, queryset):
    done = 0
    # A visit still to come cannot be done yet.
    due = queryset.filter(state=Visit.State.BOOKED, date__lte=timezone.localdate())
    for visit in due:
        services.visit_record_outcome(visit_id=visit.pk, actor=request.user, completed=True)
        done += 1
    modeladmin.message_user(request, _("%(count)d visit(s) marked completed.") % {"count": done})


@admin.action(description=gettext_lazy("Cancel visit (release the window)"), permissions=["change"])
def cancel_visits(modeladmin, request, queryset):
    done = 0
    for visit in queryset.filter(state=Visit.State.BOOKED):
        services.visit_cancel(visit_id=visit.pk, actor=request.user, by_customer=False)
        done += 1
    modeladmin.message_user(request, _("%(count)d visit(s) cancelled.") % {"count": done})


class VisitPhotoInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = VisitPhoto
    extra = 0
    fields = ["photo", "report", "content_type", "size", "taken_by", "created_at"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("photo"))
    def photo(self, obj: VisitPhoto):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:scheduling_visit_photo", args=[obj.visit_id, obj.pk]),
            _("open"),
        )


class FieldReportInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = FieldReport
    extra = 0
    fields = [
        "received_at",
        "sent_by",
        "completed",
        "failure_code",
        "note",
        "result",
        "visit_state_found",
        "client_id",
    ]
    readonly_fields = fields


@admin.register(FieldReport)
class FieldReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Outcomes sent from technicians' phones; the conflicts are the ones to call back."""

    list_display = ["visit", "received_at", "sent_by", "completed", "failure_code", "result"]
    list_filter = ["result", "completed", "failure_code"]
    list_select_related = ["visit", "sent_by"]
    search_fields = ["visit__msa_request__meter_number", "sent_by__email"]
    readonly_fields = [f.name for f in FieldReport._meta.fields]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdminMixin, ReadOnlyHistoryAdmin):
    list_display = [
        "msa_request",
        "date",
        "window",
        "technician",
        "route_order",
        "state",
        "arrived_at",
        "failure_code",
        "utility_fault",
        "within_target",
        "links",
    ]
    list_filter = [
        "state",
        "source",
        "within_target",
        "utility_fault",
        "failure_code",
        "technician",
    ]
    list_select_related = ["msa_request", "window", "technician"]
    date_hierarchy = "date"
    search_fields = ["msa_request__meter_number", "msa_request__premises_zip"]
    actions = [mark_completed, cancel_visits]
    fields = [
        "msa_request",
        "technician",
        "window",
        "date",
        "slot",
        "route_order",
        "state",
        "source",
        "within_target",
        "notes",
        "failure_code",
        "outcome_note",
        "utility_fault",
        "outcome_recorded_at",
        "outcome_recorded_by",
        "cancelled_by_customer",
        "reminder_sent_at",
        "arrived_at",
    ]
    inlines = [FieldReportInline, VisitPhotoInline]
    # Every change but the notes goes through the services (outcome, move, cancel).
    readonly_fields = [f for f in fields if f != "notes"]
    change_list_template = "admin/scheduling/visit/change_list.html"
    still_allowed = ("change", "delete")

    @admin.display(description=gettext_lazy("Actions"))
    def links(self, obj: Visit):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:scheduling_visit_outcome", args=[obj.pk]),
            _("outcome"),
            reverse("admin:scheduling_visit_assign") + f"?msa_request={obj.msa_request_id}",
            _("move"),
            reverse("scheduling:route_sheet", args=[obj.technician_id, obj.date.isoformat()]),
            _("route sheet"),
        )

    def get_urls(self):
        extra = [
            path("board/", self.admin_site.admin_view(self.board_view), name="scheduling_board"),
            path(
                "assign/",
                self.admin_site.admin_view(self.assign_view),
                name="scheduling_visit_assign",
            ),
            path(
                "<int:visit_id>/outcome/",
                self.admin_site.admin_view(self.outcome_view),
                name="scheduling_visit_outcome",
            ),
            path(
                "<int:visit_id>/photos/<int:photo_id>/",
                self.admin_site.admin_view(self.photo_view),
                name="scheduling_visit_photo",
            ),
        ]
        return extra + super().get_urls()

    def photo_view(self, request, visit_id: int, photo_id: int):
        """A photo from the meter, served privately to staff who may see visits."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        photo = get_object_or_404(VisitPhoto, pk=photo_id, visit_id=visit_id)
        response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
        response["Content-Disposition"] = "inline"
        return response

    def board_view(self, request):
        """A day or week of visits per technician."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            start = date.fromisoformat(request.GET.get("start", ""))
        except ValueError:
            start = timezone.localdate()
        days = 1 if request.GET.get("span") == "day" else 7
        dates, rows = selectors.visit_board(start=start, days=days)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Visit board"),
            "dates": dates,
            "rows": rows,
            "span": "day" if days == 1 else "week",
            "previous": (start - timedelta(days=days)).isoformat(),
            "next": (start + timedelta(days=days)).isoformat(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/scheduling/board.html", context)

    def assign_view(self, request):
        """Book or move a request's visit by hand, under the same capacity rules."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = AssignVisitForm(request.POST or None, initial=request.GET.dict())
        if request.method == "POST" and form.is_valid():
            try:
                visit = services.visit_book(
                    msa_request_id=form.cleaned_data["msa_request"].pk,
                    window_id=form.cleaned_data["window"].pk,
                    day=form.cleaned_data["day"],
                    actor=request.user,
                    source=Visit.Source.STAFF,
                )
            except services.SchedulingError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(request, _("Visit booked."), messages.SUCCESS)
                return redirect("admin:scheduling_visit_change", visit.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Book or move a visit"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/scheduling/form.html", context)

    def outcome_view(self, request, visit_id: int):
        """Record a visit's outcome."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        visit = get_object_or_404(Visit.objects.select_related("msa_request"), pk=visit_id)
        form = OutcomeForm(request.POST or None, visit=visit)
        if request.method == "POST" and form.is_valid():
            try:
                services.visit_record_outcome(
                    visit_id=visit.pk, actor=request.user, **form.cleaned_data
                )
            except services.SchedulingError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(request, _("Outcome recorded."), messages.SUCCESS)
                return redirect("admin:scheduling_visit_change", visit.pk)
        context = {
            **self.admin_site.each_context(request),
            # The request's reference, as staff and customers know it, not a row id.
            "title": _("Outcome of the visit for %(reference)s on %(day)s")
            % {
                "reference": visit.msa_request.reference,
                "day": date_format(visit.date, "DATE_FORMAT"),
            },
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/scheduling/form.html", context)
