from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import ReadOnlyAdminMixin
from common.phones import phone_display

from . import services
from .models import ApiToken, CompanyInvitation, ContractorCompany, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "staff_roles", "company", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_active", "groups", "company"]
    list_select_related = ["company"]
    search_fields = ["email", "full_name", "company__name"]
    autocomplete_fields = ["company"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Person"),
            {
                "fields": (
                    "full_name",
                    "phone",
                    "preferred_language",
                    "role",
                    "company",
                    "is_company_admin",
                )
            },
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "password1", "password2", "role")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("staff roles"))
    def staff_roles(self, obj):
        # Roles are the groups created by accounts/migrations/0004_staff_roles.py.
        return ", ".join(sorted(group.name for group in obj.groups.all())) or "—"


@admin.register(ContractorCompany)
class ContractorCompanyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "cslb_license_number",
        "phone_shown",
        "verified_at",
        "created_at",
    ]
    list_filter = ["kind", ("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "cslb_license_number"]
    readonly_fields = ["verified_at", "created_at"]
    actions = ["verify"]

    @admin.display(description=_("phone"), ordering="phone")
    def phone_shown(self, obj):
        # The stored E.164 would hide the extension (issue 24).
        return phone_display(obj.phone)

    @admin.action(description=_("Verify selected companies"), permissions=["change"])
    def verify(self, request, queryset):
        for company in queryset:
            services.company_verify(company=company, actor=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)d company verified.", "%(count)d companies verified.", count)
            % {"count": count},
        )


@admin.register(CompanyInvitation)
class CompanyInvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["email", "company", "invited_by", "created_at", "expires_at", "accepted_at"]
    list_select_related = ["company", "invited_by"]
    search_fields = ["email", "company__name"]
    readonly_fields = [f.name for f in CompanyInvitation._meta.fields]
    still_allowed = ("delete",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__email"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]
    still_allowed = ("change", "delete")

    @admin.action(description=_("Revoke selected tokens"), permissions=["view"])
    def revoke(self, request, queryset):
        for token in queryset:
            services.api_token_revoke(token=token, actor=request.user)
        self.message_user(request, _("Tokens revoked."))
