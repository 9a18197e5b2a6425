from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ContractorCompany, User


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
        (_("Person"), {"fields": ("full_name", "phone", "role", "company", "is_company_admin")}),
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
        # Roles are the groups created by accounts/migrations/0002_staff_roles.py.
        return ", ".join(sorted(group.name for group in obj.groups.all())) or "—"


@admin.register(ContractorCompany)
class ContractorCompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "cslb_license_number", "phone", "verified_at", "created_at"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "cslb_license_number"]
    readonly_fields = ["created_at"]
