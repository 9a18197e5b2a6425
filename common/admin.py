"""Admin building blocks shared by the apps, and the admin of the email outbox."""

from collections.abc import Collection

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .mail import outbox_retry
from .models import OutgoingEmail


class ReadOnlyAdminMixin:
    """Nobody adds, changes or deletes these rows in the admin, superusers included.

    The rows are written by the services (audit entries, fees, evidence); staff read them.
    Viewing follows Django's usual permission. An admin or inline that does let staff change
    or delete names that action in ``still_allowed``, which then follows Django's usual
    permission too. Put the mixin before ``ModelAdmin`` or the inline class.
    """

    still_allowed: Collection[str] = ()

    def has_add_permission(self, request, obj=None) -> bool:
        # ModelAdmin asks with the request alone, an inline also with the parent object.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return "change" in self.still_allowed and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return "delete" in self.still_allowed and super().has_delete_permission(request, obj)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Emails waiting in the outbox (``common.mail``): the ones failing show their last error."""

    still_allowed = ("change",)  # only for the action below; every field is read-only
    list_display = ["created_at", "recipients", "attempts", "last_error", "next_attempt_at"]
    list_filter = ["last_error"]
    fields = ["created_at", "from_email", "recipients", "attempts", "last_error", "next_attempt_at"]
    readonly_fields = fields
    actions = ["try_again"]

    @admin.action(permissions=["change"], description=_("Try again within a minute"))
    def try_again(self, request, queryset):
        count = outbox_retry(email_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d email will be tried again within a minute.",
                "%(count)d emails will be tried again within a minute.",
                count,
            )
            % {"count": count},
        )
