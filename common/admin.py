"""Admin building blocks shared by the apps."""

from collections.abc import Collection


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
