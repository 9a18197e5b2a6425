"""CSV columns of the Approved Product List and the meter records (django-import-export).

The same resources serve ``import_apl`` / ``import_meters`` and the admin's CSV export, so an
exported file imports back unchanged. Lists (request types, socket forms) are written
``install|replacement``.
"""

import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from common.csvexport import csv_safe

from .models import ApprovedProduct, MeterRecord, RequestType

SERVICE_ACCOUNT_RE = re.compile(r"^8\d{9}$")


class ListWidget(widgets.Widget):
    """A list cell such as ``install|replacement`` (``;`` and ``,`` also separate)."""

    def __init__(self, *, choices: list[str] | None = None, upper: bool = False):
        super().__init__()
        self.choices = choices
        self.upper = upper

    def clean(self, value, row=None, **kwargs) -> list[str]:
        items = [p.strip() for p in re.split(r"[|;,]", str(value or "")) if p.strip()]
        if self.upper:
            items = [i.upper() for i in items]
        if self.choices is not None:
            wrong = [i for i in items if i not in self.choices]
            if wrong:
                raise ValueError(
                    _("%(values)s: choose from %(choices)s")
                    % {"values": ", ".join(wrong), "choices": ", ".join(self.choices)}
                )
        return list(dict.fromkeys(items))

    def render(self, value, obj=None, **kwargs) -> str:
        return "|".join(value or [])


class WholeNumberWidget(widgets.IntegerWidget):
    """A whole number of amps, phases or wires: "200" yes, "lots", "-5" or "200.5" no."""

    def clean(self, value, row=None, **kwargs) -> int | None:
        if self.is_empty(value):
            return None
        text = str(value).strip()
        if not text.isdigit() or len(text) > 6:
            raise ValueError(_("%(value)s is not a whole number") % {"value": text})
        return int(text)


class YesNoWidget(widgets.BooleanWidget):
    """1/0, true/false or yes/no; anything else is an error, never a silent "no"."""

    TRUE_WORDS = {"1", "true", "yes", "y"}
    FALSE_WORDS = {"0", "false", "no", "n"}

    def clean(self, value, row=None, **kwargs) -> bool | None:
        text = str(value if value is not None else "").strip().lower()
        if text == "":
            return None
        if text in self.TRUE_WORDS:
            return True
        if text in self.FALSE_WORDS:
            return False
        raise ValueError(_("%(value)s is not yes or no (use 1 or 0)") % {"value": value})


class ExcelDateWidget(widgets.DateWidget):
    """A date as 2026-01-15, or as US Excel writes it: 1/15/2026 (month/day/year)."""

    FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y")

    def __init__(self):
        super().__init__("%Y-%m-%d")

    def clean(self, value, row=None, **kwargs) -> date | None:
        if isinstance(value, date):
            return value
        text = str(value if value is not None else "").strip()
        if not text:
            return None
        for pattern in self.FORMATS:
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise ValueError(
            _("%(value)s is not a date: write it as 2026-01-15 or 1/15/2026 (month/day/year)")
            % {"value": text}
        )


def yes_no(name: str) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=YesNoWidget())


def whole_number(name: str) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=WholeNumberWidget())


class SpreadsheetSafeResource(resources.ModelResource):
    """Exports text a spreadsheet will not run as a formula (a name starting with ``=``...)."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return csv_safe(value) if isinstance(value, str) else value


class ApprovedProductResource(SpreadsheetSafeResource):
    rated_current_amps = whole_number("rated_current_amps")
    max_panel_rating_amps = whole_number("max_panel_rating_amps")
    max_backfeed_amps = whole_number("max_backfeed_amps")
    is_sample = yes_no("is_sample")
    request_types = fields.Field(
        attribute="request_types",
        column_name="request_types",
        widget=ListWidget(choices=list(RequestType.values)),
    )
    compatible_socket_forms = fields.Field(
        attribute="compatible_socket_forms",
        column_name="compatible_socket_forms",
        widget=ListWidget(upper=True),
    )
    approved_on = fields.Field(
        attribute="approved_on", column_name="approved_on", widget=ExcelDateWidget()
    )
    status_changed_on = fields.Field(
        attribute="status_changed_on",
        column_name="status_changed_on",
        widget=ExcelDateWidget(),
    )

    class Meta:
        model = ApprovedProduct
        import_id_fields = ["manufacturer", "model_number"]
        fields = [
            "manufacturer",
            "model_name",
            "model_number",
            "adapter_type",
            "request_types",
            "rated_current_amps",
            "compatible_socket_forms",
            "ring_requirement",
            "max_panel_rating_amps",
            "max_backfeed_amps",
            "standards",
            "customer_requirements",
            "spec_sheet_url",
            "status",
            "approved_on",
            "status_changed_on",
            "is_sample",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    required_columns = [
        "manufacturer",
        "model_name",
        "model_number",
        "adapter_type",
        "request_types",
        "rated_current_amps",
    ]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if "request_types" not in errors and not instance.request_types:
            errors["request_types"] = ValidationError(_("Name at least one request type."))
        super().validate_instance(instance, errors, validate_unique)


class MeterRecordResource(SpreadsheetSafeResource):
    service_phase = whole_number("service_phase")
    service_wires = whole_number("service_wires")
    panel_rating_amps = whole_number("panel_rating_amps")
    residential = yes_no("residential")
    meter_self_contained = yes_no("meter_self_contained")
    is_sample = yes_no("is_sample")

    class Meta:
        model = MeterRecord
        import_id_fields = ["meter_number"]
        fields = [
            "service_account_number",
            "meter_number",
            "service_address",
            "city",
            "zip_code",
            "residential",
            "meter_self_contained",
            "service_phase",
            "service_wires",
            "service_voltage",
            "panel_rating_amps",
            "is_sample",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    required_columns = [
        "service_account_number",
        "meter_number",
        "service_address",
        "city",
        "zip_code",
        "panel_rating_amps",
    ]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if "service_account_number" not in errors and not SERVICE_ACCOUNT_RE.match(
            instance.service_account_number or ""
        ):
            errors["service_account_number"] = ValidationError(
                _("The service account number has 10 digits and starts with 8.")
            )
        if "service_phase" not in errors and instance.service_phase not in (1, 3):
            errors["service_phase"] = ValidationError(_("Phases are 1 or 3."))
        if "service_wires" not in errors and instance.service_wires not in (2, 3, 4):
            errors["service_wires"] = ValidationError(_("Wires are 2, 3 or 4."))
        super().validate_instance(instance, errors, validate_unique)
