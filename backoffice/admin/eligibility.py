"""Eligibility results on the request's admin page, and the staff "re-run" action.

The request admin (``backoffice/admin/requests.py``) shows the inline and offers the action to
staff who
may decide on requests.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from enrollment.eligibility import eligibility_check_rerun
from enrollment.models import EligibilityResult, Status
from enrollment.services import TransitionError


class EligibilityResultInline(admin.TabularInline):
    model = EligibilityResult
    extra = 0
    can_delete = False
    fields = ["rule", "result_label", "message", "checked_at"]
    readonly_fields = fields
    ordering = ["position"]
    verbose_name_plural = _("eligibility results (one per rule)")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("rule"))
    def rule(self, obj: EligibilityResult) -> str:
        return f"{obj.title} ({obj.code})"

    @admin.display(description=_("result"))
    def result_label(self, obj: EligibilityResult) -> str:
        # Words, not colour alone: staff scan this column.
        return obj.get_result_display().upper()


@admin.action(description=_("Re-run the eligibility check"), permissions=["decide"])
def rerun_eligibility(modeladmin, request, queryset) -> None:
    """Re-check each selected request under review and report what happened."""
    done, skipped = 0, 0
    for msa_request_id in queryset.filter(status=Status.UNDER_REVIEW).values_list("pk", flat=True):
        try:
            eligibility_check_rerun(msa_request_id=msa_request_id, actor=request.user)
            done += 1
        except TransitionError:
            skipped += 1
    skipped += queryset.exclude(status=Status.UNDER_REVIEW).count()
    if done:
        modeladmin.message_user(
            request,
            ngettext(
                "Eligibility re-checked for %(count)d request.",
                "Eligibility re-checked for %(count)d requests.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )
    if skipped:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d request was skipped: only requests under review can be re-checked.",
                "%(count)d requests were skipped: only requests under review can be re-checked.",
                skipped,
            )
            % {"count": skipped},
            messages.WARNING,
        )
