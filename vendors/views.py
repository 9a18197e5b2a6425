from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import once
from accounts.services import user_can_submit_devices

from . import selectors, services
from .forms import EvaluationForm, FileForm, MessageForm
from .models import EvaluationFile, Status


@require_GET
def guide(request):
    """The public page for vendors: how evaluation works, what to prepare, the FAQ."""
    return render(request, "vendors/guide.html")


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_list(request):
    """A vendor's own evaluations and the form that starts a new one."""
    if not user_can_submit_devices(request.user):
        raise Http404
    form = EvaluationForm(request.POST or None)
    token = once.once_token_posted(request.POST) or once.once_token()
    if request.method == "POST" and form.is_valid():
        # Posted twice: one evaluation, and both posts open it.
        evaluation_id, _created = once.once_submit(
            user=request.user,
            form="vendor_evaluation",
            token=token,
            create=lambda: (
                services.evaluation_create(
                    actor=request.user,
                    **{name: form.cleaned_data[name] for name in services.EVALUATION_FIELDS},
                ).pk
            ),
        )
        return redirect("vendors:evaluation_detail", pk=evaluation_id)
    evaluations = selectors.evaluations_editable_by(request.user).order_by("-created_at")
    return render(
        request,
        "vendors/evaluation_list.html",
        {"form": form, "evaluations": evaluations, "once": token},
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_detail(request, pk: int):
    evaluation = get_object_or_404(selectors.evaluations_editable_by(request.user), pk=pk)
    file_form, message_form = FileForm(), MessageForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "upload":
                file_form = FileForm(request.POST, request.FILES)
                if file_form.is_valid():
                    services.evaluation_file_add(
                        evaluation_id=pk,
                        actor=request.user,
                        kind=file_form.cleaned_data["kind"],
                        standard=file_form.cleaned_data["standard"],
                        upload=file_form.cleaned_data["file"],
                    )
                    return redirect("vendors:evaluation_detail", pk=pk)
            elif action in ("message", "answer"):
                message_form = MessageForm(request.POST)
                if message_form.is_valid():
                    body = message_form.cleaned_data["body"]
                    if evaluation.status == Status.INFO_REQUESTED:
                        services.evaluation_answer(
                            evaluation_id=pk, actor=request.user, message=body
                        )
                    else:
                        services.evaluation_message_send(
                            evaluation_id=pk, actor=request.user, body=body
                        )
                    messages.success(request, _("Your message was sent to meter engineering."))
                    return redirect("vendors:evaluation_detail", pk=pk)
            elif action == "submit":
                services.evaluation_submit(evaluation_id=pk, actor=request.user)
                messages.success(request, _("Submitted. Meter engineering will review it."))
                return redirect("vendors:evaluation_detail", pk=pk)
            elif action == "withdraw":
                services.evaluation_withdraw(evaluation_id=pk, actor=request.user)
                return redirect("vendors:evaluation_detail", pk=pk)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
    return render(
        request,
        "vendors/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "files": evaluation.files.all(),
            "thread": evaluation.messages.all(),
            "events": evaluation.events.all(),
            "missing": services.submission_missing(evaluation)
            if evaluation.status == Status.DRAFT
            else [],
            "file_form": file_form,
            "message_form": message_form,
            "can_add_files": evaluation.status in services.VENDOR_EDITABLE,
        },
    )


@login_required
@require_GET
def file_download(request, pk: int):
    visible = selectors.evaluations_visible_to(request.user)
    record = get_object_or_404(EvaluationFile.objects.filter(evaluation__in=visible), pk=pk)
    return FileResponse(
        record.file.open("rb"),
        as_attachment=True,
        filename=record.original_name,
        content_type=record.content_type,
    )
