"""The one admin base for models whose change history staff read (requests, fees, visits, APL)."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Show a model's history; never let its "revert" form write an old version back.

    simple-history's history form saves on any POST from someone who may merely view, which
    would bypass the services (and, for a request, its lifecycle). History is for reading only.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
