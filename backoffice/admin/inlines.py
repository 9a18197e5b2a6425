"""Read-only sections of the request page: the audit timeline, rejections, the authorization,
consents to electronic records and requests for paper copies."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from common.admin import ReadOnlyAdminMixin
from enrollment.models import (
    CustomerAuthorization,
    ElectronicRecordsConsent,
    PaperCopyRequest,
    Rejection,
    RequestEvent,
    RequestMessage,
)


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """An inline that shows audit rows and can never add, change or delete them."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False


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


class RequestMessageInline(ReadOnlyInline):
    """Messages with the applicant; staff write through "Write to the applicant"."""

    model = RequestMessage
    verbose_name_plural = gettext_lazy("Messages with the applicant")
    fields = ["created_at", "from_staff", "author", "body"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class ElectronicRecordsConsentInline(ReadOnlyInline):
    """Who consented to electronic records (E-SIGN), to which disclosure, and any withdrawal."""

    model = ElectronicRecordsConsent
    verbose_name_plural = gettext_lazy("Consents to electronic records")
    fields = ["given_at", "email", "version", "language", "ip_address", "withdrawn_at"]
    readonly_fields = fields


class PaperCopyRequestInline(ReadOnlyInline):
    """Requests for the records on paper: staff mail them free of charge."""

    model = PaperCopyRequest
    verbose_name_plural = gettext_lazy("Paper copies asked for")
    fields = ["requested_at", "email", "language", "mailing_address"]
    readonly_fields = fields
