"""What every part of the request admin shares: its URL names and the staff permissions."""

from common.history_admin import ReadOnlyHistoryAdmin
from payments.admin import WaiveRevisitFeeAdminMixin


class RequestAdminBase(WaiveRevisitFeeAdminMixin, ReadOnlyHistoryAdmin):
    """The request admin's base: URL names for its extra pages, decide and export permissions."""

    def _url_name(self, view: str, *, namespaced: bool = True) -> str:
        name = f"{self.opts.app_label}_{self.opts.model_name}_{view}"
        return f"{self.admin_site.name}:{name}" if namespaced else name

    def has_decide_permission(self, request, obj=None):
        return self.has_view_permission(request, obj) and request.user.has_perm(
            "enrollment.decide_request"
        )

    def has_export_permission(self, request, obj=None):
        return self.has_view_permission(request, obj) and request.user.has_perm(
            "enrollment.export_request"
        )
