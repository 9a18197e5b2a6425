"""The decision pages on a request: approve, reject, ask for information, re-run eligibility.

Each page asks for what the decision needs and calls one of ``enrollment.decisions``' services.
"""

from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from enrollment import conversation, decisions
from enrollment.models import Status
from enrollment.services import TransitionError

from .. import forms

DECIDABLE_STATUSES = {Status.UNDER_REVIEW}


class DecisionPagesMixin:
    """The request page's decision buttons and the pages behind them."""

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["decision_tools"] = self.get_decision_tools(request, obj)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def get_decision_tools(self, request, obj) -> list[tuple[str, str]]:
        """Buttons on the request page as (label, url); re-run and refund join at merge."""
        if not self.has_decide_permission(request, obj):
            return []
        write = (
            [(_("Write to the applicant"), reverse(self._url_name("message"), args=[obj.pk]))]
            if obj.status != Status.DRAFT
            else []
        )
        if obj.status not in DECIDABLE_STATUSES:
            return write
        return [
            *write,
            (_("Approve"), reverse(self._url_name("approve"), args=[obj.pk])),
            (_("Reject"), reverse(self._url_name("reject"), args=[obj.pk])),
            (_("Ask for information"), reverse(self._url_name("ask_info"), args=[obj.pk])),
            *(
                [(_("Re-run eligibility"), reverse(self._url_name("rerun"), args=[obj.pk]))]
                if obj.status == Status.UNDER_REVIEW
                else []
            ),
        ]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        name = partial(self._url_name, namespaced=False)
        return [
            path(
                "<int:object_id>/approve/",
                wrap(self.approve_view),
                name=name("approve"),
            ),
            path(
                "<int:object_id>/reject/",
                wrap(self.reject_view),
                name=name("reject"),
            ),
            path(
                "<int:object_id>/ask-for-information/",
                wrap(self.ask_info_view),
                name=name("ask_info"),
            ),
            path(
                "<int:object_id>/rerun-eligibility/",
                wrap(self.rerun_view),
                name=name("rerun"),
            ),
            path(
                "<int:object_id>/message/",
                wrap(self.message_view),
                name=name("message"),
            ),
            *super().get_urls(),
        ]

    def message_view(self, request, object_id):
        """Write to the applicant: shown on their status page and emailed to them."""
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_decide_permission(request, obj):
            raise PermissionDenied
        title = _("Write to the applicant")
        form = forms.StaffMessageForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                conversation.request_message_post(
                    msa_request_id=obj.pk, actor=request.user, body=form.cleaned_data["body"]
                )
            except (TransitionError, ValidationError) as exc:
                for message in getattr(exc, "messages", [str(exc)]):
                    form.add_error(None, message)
            else:
                self.log_change(request, obj, str(title))
                self.message_user(
                    request,
                    _("Message sent for %(reference)s.") % {"reference": obj.reference},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse(self._url_name("change"), args=[obj.pk]))
        return self._render_decision_page(request, title=title, form=form, objects=[obj])

    def approve_view(self, request, object_id):
        return self._decision_view(
            request,
            object_id,
            form_class=forms.ApproveForm,
            title=_("Approve request"),
            decide=lambda obj, data: decisions.request_decide_approve(
                msa_request_id=obj.pk, actor=request.user, note=data["note"]
            ),
            done=_("%(reference)s approved."),
            already=_("%(reference)s was already approved; nothing changed."),
        )

    def reject_view(self, request, object_id):
        return self._decision_view(
            request,
            object_id,
            form_class=forms.RejectForm,
            title=_("Reject request"),
            decide=lambda obj, data: decisions.request_decide_reject(
                msa_request_id=obj.pk,
                actor=request.user,
                reason_code=data["reason_code"],
                message=data["message"],
            ),
            done=_("%(reference)s rejected; the customer sees your message."),
            already=_("%(reference)s was already rejected; nothing changed."),
        )

    def ask_info_view(self, request, object_id):
        return self._decision_view(
            request,
            object_id,
            form_class=forms.AskForInfoForm,
            title=_("Ask for information"),
            decide=lambda obj, data: decisions.request_decide_ask_for_info(
                msa_request_id=obj.pk, actor=request.user, question=data["question"]
            ),
            done=_("Question sent for %(reference)s."),
            already=_("%(reference)s is already waiting for an answer; nothing changed."),
        )

    def rerun_view(self, request, object_id):
        return self._decision_view(
            request,
            object_id,
            form_class=forms.RerunEligibilityForm,
            title=_("Re-run the eligibility check"),
            decide=lambda obj, data: decisions.request_decide_rerun_eligibility(
                msa_request_id=obj.pk, actor=request.user
            ),
            done=_("Eligibility of %(reference)s checked again; see the results below."),
            already=_("%(reference)s: nothing changed."),
        )

    def _decision_view(self, request, object_id, *, form_class, title, decide, done, already):
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_decide_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(self._url_name("change"), args=[obj.pk])
        form = form_class(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                decision = decide(obj, form.cleaned_data)
            except TransitionError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(change_url)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                self._report(request, decision, done=done, already=already, title=title)
                return HttpResponseRedirect(change_url)
        return self._render_decision_page(request, title=title, form=form, objects=[obj])

    def _report(self, request, decision, *, done, already, title):
        reference = {"reference": decision.msa_request.reference}
        if decision.changed:
            self.log_change(request, decision.msa_request, str(title))
            self.message_user(request, done % reference, messages.SUCCESS)
        else:
            self.message_user(request, already % reference, messages.WARNING)

    def _render_decision_page(self, request, *, title, form, objects, action=None):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "form": form,
            "objects": objects,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "changelist_url": reverse(self._url_name("changelist")),
        }
        return TemplateResponse(request, "admin/enrollment/request/decision_form.html", context)
