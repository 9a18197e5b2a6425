from decimal import Decimal

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.admin import ReadOnlyAdminMixin
from common.history_admin import ReadOnlyHistoryAdmin
from common.money import format_cents
from enrollment.models import Request

from .errors import PaymentError, ProviderUnavailable
from .forms import RefundForm, WaiveFeeForm, dollars_to_cents
from .models import Dispute, Payment, Refund, StripeEvent
from .selectors import requests_with_revisit_fee_due
from .services import payment_clear_attention, payment_refund, payment_waive_revisit_fee

PAYMENT_FIELDS = [
    "msa_request",
    "visit_number",
    "purpose",
    "amount_cents",
    "currency",
    "provider",
    "status",
    "attention",
    "attention_note",
    "amount_refunded_cents",
    "checkout_session_id",
    "payment_intent_id",
    "session_expires_at",
    "started_by",
    "waived_by",
    "note",
    "paid_at",
    "receipt_sent_at",
    "created_at",
    "updated_at",
]


class RefundInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "amount_cents",
        "origin",
        "reason",
        "staff_user",
        "status",
        "provider_refund_id",
    ]
    readonly_fields = fields
    still_allowed = ("change", "delete")


class DisputeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Dispute
    extra = 0
    can_delete = False
    fields = ["provider_dispute_id", "amount_cents", "reason", "status", "evidence_due_by"]
    readonly_fields = fields


class NeedsAttentionFilter(admin.SimpleListFilter):
    """One list of payments waiting for a person; the admin home page links to it."""

    title = gettext_lazy("needs attention")
    parameter_name = "needs_attention"

    def lookups(self, request, model_admin):
        return [("yes", _("Needs attention"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(attention="")
        return queryset


class PaymentInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The fee ledger of one request, for the request's admin page."""

    model = Payment
    extra = 0
    can_delete = False
    fields = ["visit_number", "purpose", "amount_cents", "status", "provider", "paid_at"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, ReadOnlyHistoryAdmin):
    list_display = [
        "receipt_number",
        "msa_request",
        "purpose",
        "visit_number",
        "amount",
        "status",
        "attention",
        "provider",
        "paid_at",
        "created_at",
    ]
    list_filter = [NeedsAttentionFilter, "attention", "status", "purpose", "provider"]
    search_fields = ["=checkout_session_id", "=payment_intent_id", "=msa_request__id"]
    list_select_related = ["msa_request"]
    date_hierarchy = "created_at"
    fields = [*PAYMENT_FIELDS, "refund_link"]
    readonly_fields = fields
    inlines = [RefundInline, DisputeInline]
    actions = ["refund_payment", "clear_attention"]
    change_list_template = "payments/admin/payment_change_list.html"

    @admin.display(description=gettext_lazy("amount"), ordering="amount_cents")
    def amount(self, obj: Payment) -> str:
        return format_cents(obj.amount_cents)

    @admin.display(description=gettext_lazy("refund"))
    def refund_link(self, obj: Payment) -> str:
        if not obj.refundable_cents:
            return "-"
        url = reverse("admin:payments_payment_refund", kwargs={"payment_pk": obj.pk})
        return format_html('<a href="{}">{}</a>', url, _("Refund all or part of this fee…"))

    def has_refund_permission(self, request) -> bool:
        return request.user.has_perm("payments.refund_payment")

    def has_waive_fee_permission(self, request) -> bool:
        return request.user.has_perm("payments.waive_fee")

    @admin.action(description=gettext_lazy("Refund the selected payment…"), permissions=["refund"])
    def refund_payment(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one payment to refund."), messages.WARNING)
            return None
        return redirect("admin:payments_payment_refund", payment_pk=queryset.get().pk)

    @admin.action(
        description=gettext_lazy("Mark as dealt with (off the needs-attention list)"),
        permissions=["refund"],
    )
    def clear_attention(self, request, queryset):
        for payment_id in queryset.exclude(attention="").values_list("pk", flat=True):
            payment_clear_attention(payment_id=payment_id, staff_user=request.user)
        self.message_user(request, _("Taken off the needs-attention list."), messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "<int:payment_pk>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="payments_payment_refund",
            ),
            path(
                "waive/",
                self.admin_site.admin_view(self.waive_index_view),
                name="payments_payment_waive_index",
            ),
            path(
                "waive/<int:msa_request_pk>/",
                self.admin_site.admin_view(self.waive_view),
                name="payments_payment_waive",
            ),
            *super().get_urls(),
        ]

    def _page(self, request, template: str, **context) -> TemplateResponse:
        return TemplateResponse(
            request,
            template,
            {**self.admin_site.each_context(request), "opts": self.model._meta, **context},
        )

    def refund_view(self, request, payment_pk: int):
        if not self.has_refund_permission(request):
            raise PermissionDenied
        payment = get_object_or_404(Payment.objects.select_related("msa_request"), pk=payment_pk)
        initial = {"amount": Decimal(payment.refundable_cents) / 100}
        form = RefundForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                refund = payment_refund(
                    payment_id=payment.pk,
                    amount_cents=dollars_to_cents(form.cleaned_data["amount"]),
                    reason=form.cleaned_data["reason"],
                    staff_user=request.user,
                )
            except ProviderUnavailable:
                form.add_error(
                    None,
                    _(
                        "Stripe did not confirm the refund, so nothing is recorded yet. Try "
                        "again: a repeat with the same amount never refunds twice."
                    ),
                )
            except PaymentError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    _("Refunded %(amount)s on %(receipt)s.")
                    % {
                        "amount": format_cents(refund.amount_cents),
                        "receipt": payment.receipt_number,
                    },
                    messages.SUCCESS,
                )
                return redirect("admin:payments_payment_change", payment.pk)
        return self._page(
            request,
            "payments/admin/payment_refund.html",
            title=_("Refund %(receipt)s") % {"receipt": payment.receipt_number},
            payment=payment,
            form=form,
        )

    def waive_index_view(self, request):
        if not self.has_waive_fee_permission(request):
            raise PermissionDenied
        return self._page(
            request,
            "payments/admin/payment_waive_index.html",
            title=_("Requests whose visit failed"),
            msa_requests=requests_with_revisit_fee_due()[:200],
        )

    def waive_view(self, request, msa_request_pk: int):
        if not self.has_waive_fee_permission(request):
            raise PermissionDenied
        msa_request = get_object_or_404(Request, pk=msa_request_pk)
        form = WaiveFeeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                payment_waive_revisit_fee(
                    msa_request_id=msa_request.pk,
                    staff_user=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except PaymentError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    _("Revisit fee waived for %(reference)s; it is back with the scheduler.")
                    % {"reference": msa_request.reference},
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:payments_payment_waive_index"))
        return self._page(
            request,
            "payments/admin/payment_waive.html",
            title=_("Waive the revisit fee of %(reference)s")
            % {"reference": msa_request.reference},
            msa_request=msa_request,
            form=form,
        )


class WaiveRevisitFeeAdminMixin:
    """Add to the request admin: an action opening the waive-revisit-fee page for one request."""

    def has_waive_fee_permission(self, request) -> bool:
        return request.user.has_perm("payments.waive_fee")

    @admin.action(
        description=gettext_lazy("Waive the revisit fee (utility-caused failure)…"),
        permissions=["waive_fee"],
    )
    def waive_revisit_fee(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one request."), messages.WARNING)
            return None
        return redirect("admin:payments_payment_waive", msa_request_pk=queryset.get().pk)


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "provider_dispute_id",
        "payment",
        "amount_cents",
        "reason",
        "status",
        "evidence_due_by",
        "created_at",
    ]
    list_filter = ["status"]
    list_select_related = ["payment"]
    search_fields = ["=provider_dispute_id", "=payment__msa_request__id"]
    readonly_fields = [
        "payment",
        "provider_dispute_id",
        "amount_cents",
        "reason",
        "status",
        "evidence_due_by",
        "staff_alerted_at",
        "created_at",
        "updated_at",
    ]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["payment", "amount_cents", "origin", "status", "staff_user", "created_at"]
    list_filter = ["status", "origin"]
    list_select_related = ["payment", "staff_user"]
    search_fields = ["=provider_refund_id", "=payment__msa_request__id"]
    readonly_fields = [
        "payment",
        "amount_cents",
        "origin",
        "reason",
        "staff_user",
        "provider_refund_id",
        "status",
        "customer_notified_at",
        "created_at",
    ]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event_id", "type", "provider", "received_at", "processed_at"]
    list_filter = ["type", "provider"]
    search_fields = ["=event_id"]
    readonly_fields = ["event_id", "type", "provider", "payload", "received_at", "processed_at"]
