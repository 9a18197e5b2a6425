"""The staff back office for requests: the review queue, the request page, decisions, audit.

Staff decide, they don't edit: a request's facts, status and timestamps are read-only for
everyone, and every decision goes through ``enrollment.decisions`` → ``enrollment.services``.
"""

import json
from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, OuterRef
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from msa_portal.history_admin import ReadOnlyHistoryAdmin
from payments.admin import PaymentInline, WaiveRevisitFeeAdminMixin
from payments.models import Payment, PaymentStatus
from scheduling.selectors import SlaRisk, requests_sla, requests_with_sla_risk

from . import backoffice, decisions
from .admin_eligibility import EligibilityResultInline, rerun_eligibility
from .models import Application, CustomerAuthorization, Rejection, RequestEvent, Status
from .services import TransitionError

DECIDABLE_STATUSES = {Status.UNDER_REVIEW}


class ReadOnlyInline(admin.TabularInline):
    """An inline that shows audit rows and can never add, change or delete them."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RequestEventInline(ReadOnlyInline):
    model = RequestEvent
    verbose_name = gettext_lazy("timeline entry")
    verbose_name_plural = gettext_lazy("Audit timeline")
    fields = ["created_at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class RejectionInline(ReadOnlyInline):
    model = Rejection
    verbose_name_plural = gettext_lazy("Rejection reasons")
    fields = ["created_at", "reason_code", "message", "decided_by"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("decided_by")


class CustomerAuthorizationInline(ReadOnlyInline):
    model = CustomerAuthorization
    verbose_name_plural = gettext_lazy("Customer authorization of the contractor")
    fields = ["signed_at", "company", "method", "signer_name", "ip_address", "revoked_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company").defer("signed_text")


class DeviceTypeFilter(admin.ChoicesFieldListFilter):
    """Isolating or non-isolating, titled so it is not mistaken for the request type."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = gettext_lazy("device type")


class SlaRiskFilter(admin.SimpleListFilter):
    """Open requests by where they stand against the 30-business-day visit target."""

    title = gettext_lazy("30-day target")
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return [(SlaRisk.AT_RISK, SlaRisk.AT_RISK.label), (SlaRisk.OVERDUE, SlaRisk.OVERDUE.label)]

    def queryset(self, request, queryset):
        if self.value() not in (SlaRisk.AT_RISK, SlaRisk.OVERDUE):
            return queryset
        ids = requests_with_sla_risk(applications=queryset, risks={self.value()})
        return queryset.filter(pk__in=ids)


class SlaChangeList(ChangeList):
    """The queue's page of requests, each with its business-day age and target (3 queries)."""

    def get_results(self, request):
        super().get_results(request)
        page_ids = [obj.pk for obj in self.result_list]
        rows = requests_sla(applications=Application.objects.filter(pk__in=page_ids))
        for obj in self.result_list:
            obj.sla = rows.get(obj.pk)


@admin.register(Application)
class ApplicationAdmin(WaiveRevisitFeeAdminMixin, ReadOnlyHistoryAdmin):
    change_form_template = "admin/enrollment/application/change_form.html"
    change_list_template = "admin/enrollment/application/change_list.html"

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
        "applicant__email",
        "applicant__full_name",
        "filed_by__email",
    ]
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
        PaymentInline,
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
                    "comm_cable_in_liquidtight",
                    ("energized_conductors_display", "energized_in_liquidtight"),
                    "esr_violation",
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
        "device_requirements",
        "device_snapshot_display",
    ]

    # ------------------------------------------------------------------ permissions

    def has_add_permission(self, request):
        # Requests are filed by customers and contractors through the portal.
        return False

    def has_change_permission(self, request, obj=None):
        # Staff decide through the actions; nobody edits a request's facts or status here.
        return False

    def has_delete_permission(self, request, obj=None):
        # A request and its audit trail are kept; customers cancel through the portal.
        return False

    def get_readonly_fields(self, request, obj=None):
        # Every field on the page, so the history pages' forms have nothing to edit either.
        return admin.utils.flatten_fieldsets(self.get_fieldsets(request, obj))

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None or not obj.rejections.exists():
            inlines = [i for i in inlines if not isinstance(i, RejectionInline)]
        return inlines

    def has_decide_permission(self, request, obj=None):
        return self.has_view_permission(request, obj) and request.user.has_perm(
            "enrollment.decide_application"
        )

    def has_export_permission(self, request, obj=None):
        return self.has_view_permission(request, obj) and request.user.has_perm(
            "enrollment.export_application"
        )

    # ------------------------------------------------------------------ queue

    def get_queryset(self, request):
        return self.annotate_paid(super().get_queryset(request))

    def annotate_paid(self, queryset):
        """Annotate ``is_paid``: the request's current site-visit fee is paid or waived."""
        settled = Payment.objects.filter(
            application=OuterRef("pk"),
            status__in=[
                PaymentStatus.SUCCEEDED,
                PaymentStatus.PARTIALLY_REFUNDED,
                PaymentStatus.WAIVED,
            ],
        )
        return queryset.annotate(is_paid=Exists(settled))

    @admin.display(description=gettext_lazy("request"), ordering="pk")
    def reference_column(self, obj):
        return obj.reference

    @admin.display(description=gettext_lazy("customer"), ordering="customer_name")
    def customer_column(self, obj):
        return obj.customer_name or obj.customer_email or "—"

    @admin.display(description=gettext_lazy("filed by"), ordering="filed_by__email")
    def filed_by_column(self, obj):
        if obj.filed_by_id == obj.applicant_id:
            return _("customer")
        company = obj.filed_by.company
        return f"{obj.filed_by.email} ({company})" if company else obj.filed_by.email

    @admin.display(description=gettext_lazy("device"), ordering="device__model_name")
    def device_column(self, obj):
        return f"{obj.device.manufacturer} {obj.device.model_name}" if obj.device else "—"

    @admin.display(description=gettext_lazy("paid"))
    def paid_column(self, obj):
        # Filled by the payments app at merge through ``annotate_paid``.
        paid = getattr(obj, "is_paid", None)
        if paid is None:
            return "—"
        return _("yes") if paid else _("no")

    @admin.display(description=gettext_lazy("age (business days)"), ordering="submitted_at")
    def age_column(self, obj):
        row = getattr(obj, "sla", None)
        return row.age_business_days if row else "—"

    @admin.display(description=gettext_lazy("30-day target"))
    def sla_column(self, obj):
        row = getattr(obj, "sla", None)
        if row is None:
            return "—"
        label = SlaRisk(row.risk).label
        return format_html(
            '<span class="sla-{}">{}</span> · {}', row.risk, label, date_format(row.due)
        )

    def get_changelist(self, request, **kwargs):
        return SlaChangeList

    # ------------------------------------------------------------------ request page

    @admin.display(description=gettext_lazy("premises"))
    def premises_address(self, obj):
        return obj.premises_address or "—"

    @admin.display(description=gettext_lazy("energized conductors at the meter"))
    def energized_conductors_display(self, obj):
        from .models import EnergizedConductor

        labels = dict(EnergizedConductor.choices)
        return ", ".join(str(labels.get(v, v)) for v in obj.energized_conductors or []) or "—"

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

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["decision_tools"] = self.get_decision_tools(request, obj)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def get_decision_tools(self, request, obj) -> list[tuple[str, str]]:
        """Buttons on the request page as (label, url); re-run and refund join at merge."""
        if not self.has_decide_permission(request, obj) or obj.status not in DECIDABLE_STATUSES:
            return []
        return [
            (_("Approve"), reverse(self._url_name("approve"), args=[obj.pk])),
            (_("Reject"), reverse(self._url_name("reject"), args=[obj.pk])),
            (_("Ask for information"), reverse(self._url_name("ask_info"), args=[obj.pk])),
            *(
                [(_("Re-run eligibility"), reverse(self._url_name("rerun"), args=[obj.pk]))]
                if obj.status == Status.UNDER_REVIEW
                else []
            ),
        ]

    def _url_name(self, view: str, *, namespaced: bool = True) -> str:
        name = f"{self.opts.app_label}_{self.opts.model_name}_{view}"
        return f"{self.admin_site.name}:{name}" if namespaced else name

    # ------------------------------------------------------------------ urls and pages

    def get_urls(self):
        wrap = self.admin_site.admin_view
        name = partial(self._url_name, namespaced=False)
        return [
            path(
                "<int:object_id>/approve/",
                wrap(self.approve_view),
                name=name("approve"),
            ),
            path(
                "<int:object_id>/reject/",
                wrap(self.reject_view),
                name=name("reject"),
            ),
            path(
                "<int:object_id>/ask-for-information/",
                wrap(self.ask_info_view),
                name=name("ask_info"),
            ),
            path(
                "<int:object_id>/rerun-eligibility/",
                wrap(self.rerun_view),
                name=name("rerun"),
            ),
            path("export.csv", wrap(self.export_view), name=name("export")),
            *super().get_urls(),
        ]

    def approve_view(self, request, object_id):
        return self._decision_view(
            request,
            object_id,
            form_class=backoffice.ApproveForm,
            title=_("Approve request"),
            decide=lambda obj, data: decisions.request_decide_approve(
                application_id=obj.pk, actor=request.user, note=data["note"]
            ),
            done=_("%(reference)s approved."),
            already=_("%(reference)s was already approved; nothing changed."),
        )

    def reject_view(self, request, object_id):
        return self._decision_view(
            request,
            object_id,
            form_class=backoffice.RejectForm,
            title=_("Reject request"),
            decide=lambda obj, data: decisions.request_decide_reject(
                application_id=obj.pk,
                actor=request.user,
                reason_code=data["reason_code"],
                message=data["message"],
            ),
            done=_("%(reference)s rejected; the customer sees your message."),
            already=_("%(reference)s was already rejected; nothing changed."),
        )

    def ask_info_view(self, request, object_id):
        return self._decision_view(
            request,
            object_id,
            form_class=backoffice.AskForInfoForm,
            title=_("Ask for information"),
            decide=lambda obj, data: decisions.request_decide_ask_for_info(
                application_id=obj.pk, actor=request.user, question=data["question"]
            ),
            done=_("Question sent for %(reference)s."),
            already=_("%(reference)s is already waiting for an answer; nothing changed."),
        )

    def rerun_view(self, request, object_id):
        return self._decision_view(
            request,
            object_id,
            form_class=backoffice.RerunEligibilityForm,
            title=_("Re-run the eligibility check"),
            decide=lambda obj, data: decisions.request_decide_rerun_eligibility(
                application_id=obj.pk, actor=request.user
            ),
            done=_("Eligibility of %(reference)s checked again; see the results below."),
            already=_("%(reference)s: nothing changed."),
        )

    def _decision_view(self, request, object_id, *, form_class, title, decide, done, already):
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_decide_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(self._url_name("change"), args=[obj.pk])
        form = form_class(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                decision = decide(obj, form.cleaned_data)
            except TransitionError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(change_url)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                self._report(request, decision, done=done, already=already, title=title)
                return HttpResponseRedirect(change_url)
        return self._render_decision_page(request, title=title, form=form, objects=[obj])

    def _report(self, request, decision, *, done, already, title):
        reference = {"reference": decision.application.reference}
        if decision.changed:
            self.log_change(request, decision.application, str(title))
            self.message_user(request, done % reference, messages.SUCCESS)
        else:
            self.message_user(request, already % reference, messages.WARNING)

    def _render_decision_page(self, request, *, title, form, objects, action=None):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "form": form,
            "objects": objects,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "changelist_url": reverse(self._url_name("changelist")),
        }
        return TemplateResponse(request, "admin/enrollment/application/decision_form.html", context)

    def export_view(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
        # The changelist the user is looking at: same filters, search and ordering.
        changelist = self.get_changelist_instance(request)
        return backoffice.csv_response(changelist.queryset)

    # ------------------------------------------------------------------ actions

    @admin.action(
        permissions=["decide"],
        description=gettext_lazy("Approve selected requests whose eligibility checks all passed"),
    )
    def approve_selected(self, request, queryset):
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        result = decisions.requests_bulk_approve(application_ids=ids, actor=request.user)
        for application in result.approved:
            self.log_change(request, application, _("Approved (bulk)"))
        if result.approved:
            self.message_user(
                request,
                ngettext(
                    "%(count)d request approved.",
                    "%(count)d requests approved.",
                    len(result.approved),
                )
                % {"count": len(result.approved)},
                messages.SUCCESS,
            )
        if result.already:
            self.message_user(
                request,
                _("Already approved, nothing changed: %(references)s.")
                % {"references": ", ".join(a.reference for a in result.already)},
                messages.WARNING,
            )
        if result.skipped:
            self.message_user(
                request,
                _(
                    "Skipped (not under review with all checks passed; open each to decide): "
                    "%(references)s."
                )
                % {"references": ", ".join(a.reference for a in result.skipped)},
                messages.WARNING,
            )

    @admin.action(permissions=["decide"], description=gettext_lazy("Reject selected requests…"))
    def reject_selected(self, request, queryset):
        return self._bulk_decision(
            request,
            queryset,
            action="reject_selected",
            form_class=backoffice.RejectForm,
            title=_("Reject requests"),
            decide=lambda pk, data: decisions.request_decide_reject(
                application_id=pk,
                actor=request.user,
                reason_code=data["reason_code"],
                message=data["message"],
            ),
            done=_("%(reference)s rejected."),
            already=_("%(reference)s was already rejected; nothing changed."),
        )

    @admin.action(
        permissions=["decide"], description=gettext_lazy("Ask the applicants of selected requests…")
    )
    def ask_for_info_selected(self, request, queryset):
        return self._bulk_decision(
            request,
            queryset,
            action="ask_for_info_selected",
            form_class=backoffice.AskForInfoForm,
            title=_("Ask for information"),
            decide=lambda pk, data: decisions.request_decide_ask_for_info(
                application_id=pk, actor=request.user, question=data["question"]
            ),
            done=_("Question sent for %(reference)s."),
            already=_("%(reference)s is already waiting for an answer; nothing changed."),
        )

    def _bulk_decision(
        self, request, queryset, *, action, form_class, title, decide, done, already
    ):
        objects = list(queryset.order_by("pk"))
        form = form_class(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            for obj in objects:
                try:
                    decision = decide(obj.pk, form.cleaned_data)
                except (TransitionError, ValidationError) as exc:
                    error = " ".join(getattr(exc, "messages", [str(exc)]))
                    self.message_user(
                        request,
                        _("%(reference)s: %(error)s")
                        % {"reference": obj.reference, "error": error},
                        messages.ERROR,
                    )
                else:
                    self._report(request, decision, done=done, already=already, title=title)
            return None
        return self._render_decision_page(
            request, title=title, form=form, objects=objects, action=action
        )

    @admin.action(permissions=["export"], description=gettext_lazy("Export selected to CSV"))
    def export_selected(self, request, queryset):
        return backoffice.csv_response(queryset)

    # ------------------------------------------------------------------ history

    @admin.display(description=gettext_lazy("status"))
    def state(self, record):
        return record.get_status_display()

    @admin.display(description=gettext_lazy("eligibility outcome"))
    def eligibility(self, record):
        return record.get_eligibility_outcome_display() or "—"


@admin.register(RequestEvent)
class RequestEventAdmin(admin.ModelAdmin):
    """The audit log across all requests: read-only for everyone, superusers included."""

    list_display = ["created_at", "application", "from_status", "to_status", "actor"]
    list_filter = ["to_status", "from_status"]
    list_select_related = ["application", "actor"]
    search_fields = ["=application__id", "actor__email"]
    date_hierarchy = "created_at"
    fields = ["application", "created_at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rejection)
class RejectionAdmin(admin.ModelAdmin):
    """Rejections by reason code: read-only, written only by the reject decision."""

    list_display = ["created_at", "application", "reason_code", "decided_by"]
    list_filter = ["reason_code"]
    list_select_related = ["application", "decided_by"]
    fields = ["application", "created_at", "reason_code", "message", "decided_by"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CustomerAuthorization)
class CustomerAuthorizationAdmin(admin.ModelAdmin):
    """Customers' authorizations of contractors: read-only evidence, written by the services."""

    list_display = ["signed_at", "application", "company", "method", "signer_name", "revoked_at"]
    list_filter = ["method", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["application", "company"]
    search_fields = ["=application__id", "company__name", "signer_name"]
    date_hierarchy = "signed_at"
    fields = [
        "application",
        "company",
        "method",
        "document",
        "version",
        "signer_name",
        "signer",
        "consent",
        "signed_at",
        "ip_address",
        "text_sha256",
        "signed_text",
        "pdf",
        "recorded_by",
        "revoked_at",
        "revoked_by",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
