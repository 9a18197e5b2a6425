"""Enrollment's own read-only admins: the audit log, rejections and customer authorizations.

The request admin itself is in ``backoffice.admin`` (it composes payments and scheduling).
"""

from django.contrib import admin

from .models import CustomerAuthorization, Rejection, RequestEvent


@admin.register(RequestEvent)
class RequestEventAdmin(admin.ModelAdmin):
    """The audit log across all requests: read-only for everyone, superusers included."""

    list_display = ["created_at", "msa_request", "from_status", "to_status", "actor"]
    list_filter = ["to_status", "from_status"]
    list_select_related = ["msa_request", "actor"]
    search_fields = ["=msa_request__id", "actor__email"]
    date_hierarchy = "created_at"
    fields = ["msa_request", "created_at", "from_status", "to_status", "actor", "note"]
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

    list_display = ["created_at", "msa_request", "reason_code", "decided_by"]
    list_filter = ["reason_code"]
    list_select_related = ["msa_request", "decided_by"]
    fields = ["msa_request", "created_at", "reason_code", "message", "decided_by"]
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

    list_display = ["signed_at", "msa_request", "company", "method", "signer_name", "revoked_at"]
    list_filter = ["method", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["msa_request", "company"]
    search_fields = ["=msa_request__id", "company__name", "signer_name"]
    date_hierarchy = "signed_at"
    fields = [
        "msa_request",
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
