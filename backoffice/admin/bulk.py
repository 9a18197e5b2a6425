"""Bulk decisions from the queue: approve the clean ones, reject or ask many at once."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from enrollment import decisions
from enrollment.services import TransitionError

from .. import forms


class BulkActionsMixin:
    """The queue's bulk actions; each request goes through its own decision service."""

    @admin.action(
        permissions=["decide"],
        description=gettext_lazy("Approve selected requests whose eligibility checks all passed"),
    )
    def approve_selected(self, request, queryset):
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        result = decisions.requests_bulk_approve(msa_request_ids=ids, actor=request.user)
        for msa_request in result.approved:
            self.log_change(request, msa_request, _("Approved (bulk)"))
        if result.approved:
            self.message_user(
                request,
                ngettext(
                    "%(count)d request approved.",
                    "%(count)d requests approved.",
                    len(result.approved),
                )
                % {"count": len(result.approved)},
                messages.SUCCESS,
            )
        if result.already:
            self.message_user(
                request,
                _("Already approved, nothing changed: %(references)s.")
                % {"references": ", ".join(a.reference for a in result.already)},
                messages.WARNING,
            )
        if result.skipped:
            self.message_user(
                request,
                _(
                    "Skipped (not under review with all checks passed; open each to decide): "
                    "%(references)s."
                )
                % {"references": ", ".join(a.reference for a in result.skipped)},
                messages.WARNING,
            )

    @admin.action(permissions=["decide"], description=gettext_lazy("Reject selected requests…"))
    def reject_selected(self, request, queryset):
        return self._bulk_decision(
            request,
            queryset,
            action="reject_selected",
            form_class=forms.RejectForm,
            title=_("Reject requests"),
            decide=lambda pk, data: decisions.request_decide_reject(
                msa_request_id=pk,
                actor=request.user,
                reason_code=data["reason_code"],
                message=data["message"],
            ),
            done=_("%(reference)s rejected."),
            already=_("%(reference)s was already rejected; nothing changed."),
        )

    @admin.action(
        permissions=["decide"], description=gettext_lazy("Ask the applicants of selected requests…")
    )
    def ask_for_info_selected(self, request, queryset):
        return self._bulk_decision(
            request,
            queryset,
            action="ask_for_info_selected",
            form_class=forms.AskForInfoForm,
            title=_("Ask for information"),
            decide=lambda pk, data: decisions.request_decide_ask_for_info(
                msa_request_id=pk, actor=request.user, question=data["question"]
            ),
            done=_("Question sent for %(reference)s."),
            already=_("%(reference)s is already waiting for an answer; nothing changed."),
        )

    def _bulk_decision(
        self, request, queryset, *, action, form_class, title, decide, done, already
    ):
        objects = list(queryset.order_by("pk"))
        form = form_class(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            for obj in objects:
                try:
                    decision = decide(obj.pk, form.cleaned_data)
                except (TransitionError, ValidationError) as exc:
                    error = " ".join(getattr(exc, "messages", [str(exc)]))
                    self.message_user(
                        request,
                        _("%(reference)s: %(error)s")
                        % {"reference": obj.reference, "error": error},
                        messages.ERROR,
                    )
                else:
                    self._report(request, decision, done=done, already=already, title=title)
            return None
        return self._render_decision_page(
            request, title=title, form=form, objects=objects, action=action
        )
