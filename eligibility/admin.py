from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ExportMixin
from import_export.formats import base_formats

from common.history_admin import ReadOnlyHistoryAdmin

from .models import ApprovedProduct, MeterRecord
from .resources import ApprovedProductResource, MeterRecordResource
from .services import product_set_status, product_stamp_status_change


class ExcelCSV(base_formats.CSV):
    """CSV with a UTF-8 byte-order mark first, so Excel reads "Peña", not "PeÃ±a".

    ``import_apl`` and ``import_meters`` read the mark (``importing.decode_csv``).
    """

    def export_data(self, dataset, **kwargs) -> str:
        return "\ufeff" + super().export_data(dataset, **kwargs)


class SpreadsheetExportMixin(ExportMixin):
    """django-import-export's admin export, with ``ExcelCSV`` in place of its plain CSV."""

    export_formats = [
        ExcelCSV if file_format is base_formats.CSV else file_format
        for file_format in base_formats.DEFAULT_FORMATS
    ]


def _status_action(status: str, description: str):
    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        changed = product_set_status(
            product_ids=list(queryset.values_list("pk", flat=True)), status=status
        )
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d entry is now %(status)s.",
                "%(count)d entries are now %(status)s.",
                changed,
            )
            % {"count": changed, "status": ApprovedProduct.Status(status).label.lower()},
            messages.SUCCESS,
        )

    action.__name__ = f"mark_{status}"
    return action


@admin.register(ApprovedProduct)
class ApprovedProductAdmin(SpreadsheetExportMixin, ReadOnlyHistoryAdmin):
    """The Approved Product List: edited here or loaded with ``import_apl``; exported as CSV."""

    resource_classes = [ApprovedProductResource]
    list_display = [
        "manufacturer",
        "model_name",
        "model_number",
        "adapter_type",
        "rated_current_amps",
        "ring_requirement",
        "status",
        "status_changed_on",
        "is_sample",
    ]
    list_filter = ["status", "adapter_type", "ring_requirement", "manufacturer", "is_sample"]
    search_fields = ["manufacturer", "model_name", "model_number", "standards"]
    readonly_fields = ["updated_at"]
    history_list_display = ["status"]
    actions = [
        _status_action(ApprovedProduct.Status.SUSPENDED, _("Suspend the selected entries")),
        _status_action(ApprovedProduct.Status.RETIRED, _("Retire the selected entries")),
        _status_action(ApprovedProduct.Status.ACTIVE, _("Reactivate the selected entries")),
    ]
    fieldsets = [
        (None, {"fields": ["manufacturer", "model_name", "model_number", "adapter_type"]}),
        (
            _("What it serves"),
            {
                "fields": [
                    "request_types",
                    "rated_current_amps",
                    "compatible_socket_forms",
                    "ring_requirement",
                    "max_panel_rating_amps",
                    "max_backfeed_amps",
                    "standards",
                ]
            },
        ),
        (_("Shown to customers"), {"fields": ["customer_requirements", "spec_sheet_url"]}),
        (
            _("Status"),
            {
                "fields": [
                    "status",
                    "approved_on",
                    "status_changed_on",
                    "is_sample",
                    "updated_at",
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        if (
            change
            and "status" in form.changed_data
            and "status_changed_on" not in form.changed_data
        ):
            product_stamp_status_change(product=obj)
        super().save_model(request, obj, form, change)


@admin.register(MeterRecord)
class MeterRecordAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    """The utility's meter records, loaded with ``import_meters``."""

    resource_classes = [MeterRecordResource]
    list_display = [
        "service_account_number",
        "meter_number",
        "service_address",
        "city",
        "zip_code",
        "meter_self_contained",
        "service_phase",
        "service_voltage",
        "panel_rating_amps",
        "is_sample",
    ]
    list_filter = ["meter_self_contained", "residential", "service_phase", "is_sample"]
    search_fields = ["=service_account_number", "=meter_number", "service_address", "zip_code"]
    readonly_fields = ["updated_at"]
