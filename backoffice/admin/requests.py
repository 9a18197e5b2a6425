"""The request admin, composed from the queue, decision pages, bulk actions and exports."""

import json

from django.contrib import admin
from django.db.models import F
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.admin import ReadOnlyAdminMixin
from enrollment import wizard
from enrollment.models import EnergizedConductor, Request
from payments.admin import PaymentInline

from .base import RequestAdminBase
from .bulk import BulkActionsMixin
from .decisions import DecisionPagesMixin
from .eligibility import EligibilityResultInline, rerun_eligibility
from .exports import ExportMixin
from .inlines import (
    CustomerAuthorizationInline,
    ElectronicRecordsConsentInline,
    PaperCopyRequestInline,
    RejectionInline,
    RequestEventInline,
    RequestMessageInline,
)
from .queue import DeviceTypeFilter, RequestQueueMixin, SlaRiskFilter


@admin.register(Request)
class RequestAdmin(
    ReadOnlyAdminMixin,
    RequestQueueMixin,
    DecisionPagesMixin,
    BulkActionsMixin,
    ExportMixin,
    RequestAdminBase,
):
    """The request admin: the queue, the request page, decisions, bulk actions and exports.

    Staff decide, they don't edit: a request's facts, status and timestamps are read-only for
    everyone, and every decision goes through ``enrollment.decisions`` → ``enrollment.services``.
    """

    change_form_template = "admin/enrollment/request/change_form.html"
    change_list_template = "admin/enrollment/request/change_list.html"

    list_display = [
        "reference_column",
        "customer_column",
        "filed_by_column",
        "request_type",
        "device_column",
        "status",
        "eligibility_outcome",
        "paid_column",
        "age_column",
        "sla_column",
        "submitted_at",
    ]
    list_display_links = ["reference_column", "customer_column"]
    list_filter = [
        "status",
        "request_type",
        ("device__adapter_type", DeviceTypeFilter),
        "eligibility_outcome",
        SlaRiskFilter,
        "contractor_company",
    ]
    search_fields = [
        "service_account_number",
        "customer_account_number",
        "meter_number",
        "customer_name",
        "customer_email",
        "premises_street",
        "premises_city",
        "premises_zip",
    ]  # and the applicant's email and name, the filer's email: ``search_people``
    search_help_text = gettext_lazy(
        "Account or meter number, customer name or email, street, city or ZIP."
    )
    # Oldest waiting first; requests not yet submitted go last.
    ordering = [F("submitted_at").asc(nulls_last=True), "pk"]
    list_select_related = ["filed_by", "filed_by__company", "device", "contractor_company"]
    list_per_page = 50
    # A second COUNT over the whole table on every filtered page is not worth its cost at 100k.
    show_full_result_count = False
    history_list_display = ["state", "eligibility"]
    actions = [
        "approve_selected",
        "reject_selected",
        "ask_for_info_selected",
        rerun_eligibility,
        "waive_revisit_fee",
        "export_selected",
    ]

    # Where the other apps' sections join the request page (appended at merge):
    # EligibilityResult (rule by rule), Document / Agreement, Payment / Refund, Visit.
    inlines = [
        EligibilityResultInline,
        CustomerAuthorizationInline,
        ElectronicRecordsConsentInline,
        PaperCopyRequestInline,
        PaymentInline,
        RequestMessageInline,
        RequestEventInline,
        RejectionInline,
    ]

    fieldsets = [
        (
            gettext_lazy("Request"),
            {
                "fields": [
                    ("reference_column", "request_type", "status"),
                    ("eligibility_outcome", "eligibility_checked_at"),
                    ("created_at", "submitted_at", "decided_at", "updated_at"),
                ]
            },
        ),
        (
            gettext_lazy("Applicant and contractor"),
            {
                "fields": [
                    ("customer_name", "customer_email", "customer_phone", "customer_language"),
                    ("applicant", "filed_by", "contractor_company"),
                    ("service_account_number", "customer_account_number"),
                    ("meter_number", "rule21_reference"),
                ]
            },
        ),
        (
            gettext_lazy("Premises"),
            {"fields": ["premises_address", "life_support"]},
        ),
        (
            gettext_lazy("Site facts (as entered by the applicant)"),
            {
                "fields": [
                    ("residential", "meter_self_contained"),
                    ("service_phase", "service_wires", "service_voltage"),
                    ("panel_rating_amps", "backfeed_amps"),
                    ("meter_socket_form", "socket_ring_type"),
                    ("comm_cable_present", "comm_cable_in_liquidtight"),
                    ("energized_present", "energized_conductors_display"),
                    "energized_in_liquidtight",
                    "esr_violation",
                    "answers_by_photo_display",
                    "waterproof_bag_commitment",
                ]
            },
        ),
        (
            gettext_lazy("Device"),
            {
                "fields": [
                    "device",
                    "device_requirements",
                    "device_snapshot_display",
                    ("existing_device_kind", "existing_device_isolating"),
                    ("existing_device_manufacturer", "existing_device_model"),
                ]
            },
        ),
    ]
    readonly_fields = [
        "reference_column",
        "premises_address",
        "energized_conductors_display",
        "answers_by_photo_display",
        "device_requirements",
        "device_snapshot_display",
    ]

    # ReadOnlyAdminMixin: requests are filed by customers and contractors through the portal;
    # staff decide through the actions, and nobody edits a request's facts or status here; a
    # request and its audit trail are kept (customers cancel through the portal).

    def get_readonly_fields(self, request, obj=None):
        # Every field on the page, so the history pages' forms have nothing to edit either.
        return admin.utils.flatten_fieldsets(self.get_fieldsets(request, obj))

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None or not obj.rejections.exists():
            inlines = [i for i in inlines if not isinstance(i, RejectionInline)]
        return inlines

    @admin.display(description=gettext_lazy("premises"))
    def premises_address(self, obj):
        return obj.premises_address or "—"

    @admin.display(description=gettext_lazy("energized conductors at the meter"))
    def energized_conductors_display(self, obj):
        labels = dict(EnergizedConductor.choices)
        return ", ".join(str(labels.get(v, v)) for v in obj.energized_conductors or []) or "—"

    @admin.display(description=gettext_lazy("answered with a meter photo instead"))
    def answers_by_photo_display(self, obj):
        """The wizard steps the customer left to the meter photo: staff read them from it."""
        steps = [
            wizard.BY_SLUG[slug] for slug in obj.answers_by_photo or [] if slug in wizard.BY_SLUG
        ]
        return ", ".join(str(step.title) for step in steps) or "—"

    @admin.display(description=gettext_lazy("device requirements (current list)"))
    def device_requirements(self, obj):
        device = obj.device
        if device is None:
            return "—"
        return format_html(
            "{} · {} A · {}: {} · {}<br>{}",
            device.get_adapter_type_display(),
            device.rated_current_amps,
            _("socket forms"),
            ", ".join(device.compatible_socket_forms) or "—",
            device.get_ring_requirement_display(),
            device.customer_requirements or "—",
        )

    @admin.display(description=gettext_lazy("device as checked (snapshot)"))
    def device_snapshot_display(self, obj):
        snapshot = obj.device_snapshot
        if not snapshot:
            return _("No snapshot yet: taken when the eligibility check runs.")
        current = obj.device.snapshot() if obj.device else {}
        rows = [
            (
                key,
                json.dumps(value) if isinstance(value, list | dict) else value,
                _("changed since") if current and current.get(key) != value else "",
            )
            for key, value in snapshot.items()
        ]
        return format_html(
            '<table class="msa-snapshot"><tbody>{}</tbody></table>',
            format_html_join("", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description=gettext_lazy("status"))
    def state(self, record):
        return record.get_status_display()

    @admin.display(description=gettext_lazy("eligibility outcome"))
    def eligibility(self, record):
        return record.get_eligibility_outcome_display() or "—"
