"""Enrollment's own read-only admins: the audit log, rejections and customer authorizations.

The request admin itself is in ``backoffice.admin`` (it composes payments and scheduling).
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import ReadOnlyAdminMixin

from .authorizations import authorization_accept
from .models import AuthorizationMethod, CustomerAuthorization, Rejection, RequestEvent


@admin.register(RequestEvent)
class RequestEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log across all requests: read-only for everyone, superusers included."""

    list_display = ["created_at", "msa_request", "from_status", "to_status", "actor"]
    list_filter = ["to_status", "from_status"]
    list_select_related = ["msa_request", "actor"]
    search_fields = ["=msa_request__id", "actor__email"]
    date_hierarchy = "created_at"
    fields = ["msa_request", "created_at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields


@admin.register(Rejection)
class RejectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Rejections by reason code: read-only, written only by the reject decision."""

    list_display = ["created_at", "msa_request", "reason_code", "decided_by"]
    list_filter = ["reason_code"]
    list_select_related = ["msa_request", "decided_by"]
    fields = ["msa_request", "created_at", "reason_code", "message", "decided_by"]
    readonly_fields = fields


@admin.register(CustomerAuthorization)
class CustomerAuthorizationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Customers' authorizations of contractors: read-only evidence, written by the services."""

    list_display = [
        "signed_at",
        "msa_request",
        "company",
        "method",
        "signer_name",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = [
        "method",
        ("accepted_at", admin.EmptyFieldListFilter),
        ("revoked_at", admin.EmptyFieldListFilter),
    ]
    actions = ["accept_uploaded_forms"]
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
        "signed_pdf",
        "recorded_by",
        "accepted_at",
        "accepted_by",
        "revoked_at",
        "revoked_by",
    ]
    readonly_fields = fields

    @admin.display(description=_("signed authorization PDF"))
    def signed_pdf(self, authorization: CustomerAuthorization) -> str:
        """A link through the permission-checking view: it prints the PDF if not stored yet."""
        if not authorization.text_sha256:
            return "-"
        url = reverse(
            "enrollment:authorization_pdf", args=[authorization.msa_request_id, authorization.pk]
        )
        return format_html('<a href="{}">{}</a>', url, _("PDF"))

    def has_decide_permission(self, request) -> bool:
        return request.user.has_perm("enrollment.decide_request")

    @admin.action(
        permissions=["decide"], description=_("Accept the uploaded forms (after reading them)")
    )
    def accept_uploaded_forms(self, request, queryset):
        """Staff read each uploaded form; accepting puts the authorization on file."""
        accepted = 0
        for authorization in queryset.filter(method=AuthorizationMethod.UPLOAD):
            try:
                authorization_accept(authorization_id=authorization.pk, actor=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), level=messages.WARNING)
            else:
                accepted += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d uploaded form accepted.",
                "%(count)d uploaded forms accepted.",
                accepted,
            )
            % {"count": accepted},
        )
