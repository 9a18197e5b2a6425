"""The staff CSV export: the queue as filtered on screen, or the selected requests."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy

from .. import exports


class ExportMixin:
    """``export.csv`` beside the queue, and the "Export selected" action."""

    def get_urls(self):
        name = self._url_name("export", namespaced=False)
        wrap = self.admin_site.admin_view
        return [path("export.csv", wrap(self.export_view), name=name), *super().get_urls()]

    def export_view(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
        # The changelist the user is looking at: same filters, search and ordering.
        changelist = self.get_changelist_instance(request)
        return exports.csv_response(changelist.queryset)

    @admin.action(permissions=["export"], description=gettext_lazy("Export selected to CSV"))
    def export_selected(self, request, queryset):
        return exports.csv_response(queryset)
