"""Meter engineering's evaluation queue: the checklist per standard and the decisions."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.admin import ReadOnlyAdminMixin

from . import selectors, services
from .models import (
    DeviceEvaluation,
    EvaluationEvent,
    EvaluationFile,
    EvaluationMessage,
    StandardReview,
    Status,
)


class DecisionForm(forms.Form):
    ACTIONS = [
        ("start_review", gettext_lazy("Take into review")),
        ("request_info", gettext_lazy("Ask the vendor for information")),
        ("start_lab", gettext_lazy("Send to lab evaluation")),
        ("approve", gettext_lazy("Approve and write the Approved Product List")),
        ("reject", gettext_lazy("Reject")),
        ("message", gettext_lazy("Send a message only")),
    ]
    action = forms.ChoiceField(label=gettext_lazy("Decision"), choices=ACTIONS)
    text = forms.CharField(
        label=gettext_lazy("Reason or message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=gettext_lazy("Required to ask, approve, reject or message; the vendor reads it."),
    )


def _decide(evaluation_id: int, actor, action: str, text: str) -> None:
    if action == "start_review":
        services.evaluation_start_review(evaluation_id=evaluation_id, actor=actor)
    elif action == "request_info":
        services.evaluation_request_info(evaluation_id=evaluation_id, actor=actor, message=text)
    elif action == "start_lab":
        services.evaluation_start_lab(evaluation_id=evaluation_id, actor=actor)
    elif action == "approve":
        services.evaluation_approve(evaluation_id=evaluation_id, actor=actor, reason=text)
    elif action == "reject":
        services.evaluation_reject(evaluation_id=evaluation_id, actor=actor, reason=text)
    else:
        services.evaluation_message_send(evaluation_id=evaluation_id, actor=actor, body=text)


class StandardReviewInline(admin.StackedInline):
    """Stacked: each checkbox has its own label (a tabular row's cells have none)."""

    model = StandardReview
    extra = 0
    can_delete = False
    fields = [
        "standard",
        "certificate_matches_model",
        "listing_current",
        "ratings_match",
        "note",
        "reviewed_by",
        "reviewed_at",
    ]
    readonly_fields = ["standard", "reviewed_by", "reviewed_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class FileInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = EvaluationFile
    extra = 0
    fields = ["kind", "standard", "download", "content_type", "size", "created_at"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("file"))
    def download(self, obj):
        url = reverse("vendors:file_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


class MessageInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = EvaluationMessage
    extra = 0
    fields = ["created_at", "author", "from_staff", "body"]
    readonly_fields = fields


class EventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = EvaluationEvent
    extra = 0
    fields = ["created_at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields


@admin.register(DeviceEvaluation)
class DeviceEvaluationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The queue: submissions waiting on meter engineering first, oldest first."""

    list_display = [
        "reference",
        "manufacturer",
        "model_name",
        "model_number",
        "company",
        "status",
        "submitted_at",
        "apl_entry",
    ]
    list_filter = ["status", "adapter_type"]
    list_select_related = ["company", "apl_entry"]
    search_fields = ["manufacturer", "model_name", "model_number", "company__name"]
    ordering = ["submitted_at"]
    readonly_fields = [f.name for f in DeviceEvaluation._meta.fields] + ["decide_link"]
    inlines = [StandardReviewInline, FileInline, MessageInline, EventInline]
    still_allowed = ("change",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).exclude(status=Status.DRAFT)
        return selectors.evaluations_visible_to(request.user, queryset)

    @admin.display(description=gettext_lazy("decide"))
    def decide_link(self, obj):
        url = reverse("admin:vendors_deviceevaluation_decide", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Decide or message"))

    def has_change_permission(self, request, obj=None) -> bool:
        # Meter engineering may decide: its change form is the checklist (the evaluation's own
        # fields are read-only and save_model keeps nothing), so deciding is what allows it.
        return selectors.can_decide(request.user)

    def save_model(self, request, obj, form, change):
        # Evaluation fields are read-only; only the checklist inline is saved (save_formset).
        return None

    def save_formset(self, request, form, formset, change):
        # No formset saves itself; Django's change message reads what each one changed.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is not StandardReview:
            return
        for inline_form in formset.forms:
            if not inline_form.has_changed() or inline_form.instance.pk is None:
                continue
            data = inline_form.cleaned_data
            services.standard_review_record(
                review_id=inline_form.instance.pk,
                actor=request.user,
                certificate_matches_model=data["certificate_matches_model"],
                listing_current=data["listing_current"],
                ratings_match=data["ratings_match"],
                note=data.get("note", ""),
            )
            formset.changed_objects.append((inline_form.instance, inline_form.changed_data))

    def get_urls(self):
        return [
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="vendors_deviceevaluation_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk: int):
        if not selectors.can_decide(request.user):
            raise PermissionDenied
        evaluation = get_object_or_404(self.get_queryset(request), pk=pk)
        form = DecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                _decide(pk, request.user, form.cleaned_data["action"], form.cleaned_data["text"])
            except ValidationError as exc:
                for text in exc.messages:
                    form.add_error(None, text)
            else:
                self.message_user(request, _("Done."), messages.SUCCESS)
                return redirect("admin:vendors_deviceevaluation_change", pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Decide on %(reference)s") % {"reference": evaluation.reference},
            "evaluation": evaluation,
            "reviews": evaluation.standard_reviews.all(),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/vendors/evaluation_decide.html", context)
