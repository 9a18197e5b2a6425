from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts import once
from common.business_days import current_calendar
from common.client_ip import client_ip
from common.page_cache import cache_for_reader
from common.pdf import render_pdf
from eligibility.forms import EligibilityCheckForm
from eligibility.rules import SiteFacts

from . import (
    authorizations,
    consent,
    conversation,
    forms,
    selectors,
    services,
    signing,
    tracker,
    wizard,
)
from . import company_requests as dashboard
from .guidance import NEXT_STEPS, TIMELINE
from .models import (
    CANCELLABLE_STATUSES,
    CustomerAuthorization,
    Document,
    ElectronicRecordsConsent,
    Request,
    Status,
)
from .permissions import (
    acts_for_request,
    get_request_for_user_or_404,
    requests_editable_by,
    requests_owned_by,
)
from .selectors import (
    request_detail_prefetch_authorizations,
    request_detail_queryset,
    request_list_for,
)


@login_required
def request_list(request):
    if request.user.company_id:
        # A contractor's list is the company's dashboard, with its filters and export.
        return redirect("enrollment:company_requests")
    page = Paginator(request_list_for(request.user), 25).get_page(request.GET.get("page"))
    awaiting = authorizations.requests_awaiting_confirmation(request.user)
    return render(request, "enrollment/request_list.html", {"page": page, "awaiting": awaiting})


@login_required
@require_POST
def request_confirm(request, pk: int):
    """The signed-in customer confirms a contractor's request for their address as theirs."""
    try:
        msa_request = authorizations.request_confirm_customer(msa_request_id=pk, user=request.user)
    except (PermissionDenied, Request.DoesNotExist):
        raise Http404("No such request.") from None
    messages.success(
        request,
        _(
            "The request is in your account. You can revoke the contractor's authorization "
            "at any time."
        ),
    )
    return redirect(msa_request)


def _timeline_label(event, user) -> str:
    """The timeline's words for ``event``: "You signed" only for the person who signed."""
    if event.from_status == event.to_status:
        # A note on the request (an authorization signed, a submission for the customer), not
        # a move: the state's words would claim something that did not happen then.
        return _("Note")
    if event.to_status == Status.AWAITING_PAYMENT and (
        event.actor_id is None or event.actor_id != user.pk
    ):
        return _("The Customer Agreement was signed")
    return TIMELINE[event.to_status]


def _status_page_version(request, pk: int) -> str | None:
    """The status page's key part; None (render, keep nothing) while a draft message waits."""
    if "unsent_message" in request.session:
        return None
    return selectors.request_page_version(request.user, pk)


@login_required
@cache_for_reader("status-page", _status_page_version)
def request_detail(request, pk: int):
    msa_request = get_request_for_user_or_404(
        request.user,
        pk,
        request_detail_queryset(request.user).annotate(
            **consent.consent_annotations(request.user.email)
        ),
    )
    # Only the contractor's side sees the authorization links (``_authorization_context``).
    request_detail_prefetch_authorizations(
        msa_request, links=request.user.company_id == msa_request.contractor_company_id
    )
    events = list(msa_request.events.all())
    # Same-status rows (an authorization signed or revoked) are notes, never staff's question.
    question = next(
        (
            e
            for e in reversed(events)
            if e.to_status == Status.INFO_REQUESTED and e.from_status != e.to_status
        ),
        None,
    )
    next_step, must_do = NEXT_STEPS[msa_request.status]
    applicant_side = acts_for_request(request.user, msa_request)
    asking = msa_request.status == Status.INFO_REQUESTED and applicant_side
    scheduled = msa_request.status == Status.SCHEDULED
    results = list(msa_request.eligibility_results.all())
    can_add_document = applicant_side and msa_request.status in conversation.ADD_DOCUMENT_STATUSES
    can_message = applicant_side and msa_request.status != Status.DRAFT
    context = {
        "msa_request": msa_request,
        "timeline": [
            (_timeline_label(e, request.user), e) for e in events if e.to_status != Status.DRAFT
        ],
        "next_step": next_step,
        "must_do": must_do,
        "question": question if asking else None,
        "answer_form": forms.AnswerForm() if asking else None,
        "signature": selectors.request_signature_summary(msa_request),
        "documents": list(msa_request.documents.all()),
        "can_cancel": applicant_side and msa_request.status in CANCELLABLE_STATUSES,
        "milestones": tracker.request_milestones(
            msa_request,
            events=events,
            calendar=current_calendar(),
            visit_day=tracker.booked_visit_day(msa_request) if scheduled else None,
        ),
        "todo": tracker.request_todo(msa_request, results=results, applicant_side=applicant_side),
        "conversation": list(msa_request.messages.all()),
        "message_form": (
            forms.MessageForm(initial={"body": request.session.pop("unsent_message", "")})
            if can_message
            else None
        ),
        "add_document_form": forms.AddDocumentForm() if can_add_document else None,
        "correctable_steps": (
            [
                wizard.BY_SLUG[slug]
                for slug in conversation.CORRECTABLE_STEPS
                if wizard.BY_SLUG[slug].applies_to(msa_request)
            ]
            if applicant_side and msa_request.status in conversation.CORRECTION_STATUSES
            else []
        ),
        "esign_consent": consent.consent_summary(msa_request),
        **_authorization_context(request.user, msa_request),
    }
    return render(request, "enrollment/request_detail.html", context)


@login_required
@require_POST
def request_message(request, pk: int):
    """Send a message to staff from the status page (``conversation.request_message_post``)."""
    msa_request = get_request_for_user_or_404(request.user, pk, requests_editable_by(request.user))
    form = forms.MessageForm(request.POST)
    if form.is_valid():
        try:
            conversation.request_message_post(
                msa_request_id=msa_request.pk, actor=request.user, body=form.cleaned_data["body"]
            )
        except (ValidationError, services.TransitionError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Your message is sent. We answer here and by email."))
            return redirect(f"{msa_request.get_absolute_url()}#messages")
    for error in form.errors.get("body", []):
        messages.error(request, error)
    # What was typed comes back in the box (kept in the session for one page view).
    request.session["unsent_message"] = request.POST.get("body", "")[:20000]
    return redirect(f"{msa_request.get_absolute_url()}#messages")


@login_required
@require_http_methods(["GET", "POST"])
def answers_correct(request, pk: int, step: str):
    """Correct one site step's answers after submission (``conversation.request_correct_answers``).

    The wizard's own form for the step, on the submitted request, until staff decide.
    """
    msa_request = get_request_for_user_or_404(request.user, pk, requests_editable_by(request.user))
    current = wizard.BY_SLUG.get(step)
    if (
        step not in conversation.CORRECTABLE_STEPS
        or msa_request.status not in conversation.CORRECTION_STATUSES
        or not current.applies_to(msa_request)
    ):
        raise Http404("Nothing to correct here.")
    data = request.POST if request.method == "POST" else None
    form = current.form_class(data, msa_request=msa_request, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            changed = conversation.request_correct_answers(
                msa_request_id=msa_request.pk, actor=request.user, step=step, data=form.changes()
            )
        except (ValidationError, services.TransitionError) as error:
            for message in getattr(error, "messages", [str(error)]):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Your answers are corrected; our staff see the change and the check again.")
                if changed
                else _("Nothing changed."),
            )
            return redirect(msa_request)
    return render(
        request,
        "enrollment/correct_answers.html",
        {"msa_request": msa_request, "step": current, "form": form},
    )


@login_required
@require_POST
def document_add(request, pk: int):
    """Add a photo or a PDF after submission (``conversation.request_add_document``)."""
    msa_request = get_request_for_user_or_404(request.user, pk, requests_editable_by(request.user))
    form = forms.AddDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = conversation.request_add_document(
                msa_request_id=msa_request.pk, actor=request.user, upload=form.cleaned_data["file"]
            )
        except (ValidationError, services.TransitionError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request,
                _("%(name)s is added; our staff will see it.") % {"name": document.original_name},
            )
    for error in form.errors.get("file", []):
        messages.error(request, error)
    return redirect(f"{msa_request.get_absolute_url()}#add-document")


def _authorization_context(user, msa_request: Request) -> dict:
    """What the status page shows about the customer's authorization, and to whom."""
    if not msa_request.contractor_company_id:
        return {}
    active = [a for a in msa_request.authorizations.all() if a.is_active]
    contractor_side = bool(
        user.company_id == msa_request.contractor_company_id and acts_for_request(user, msa_request)
    )
    links = list(msa_request.authorization_links.all()) if contractor_side else []
    open_link = next((link for link in links if not link.used_at and not link.withdrawn_at), None)
    return {
        "authorizations": active,
        "show_authorization": True,
        "revoked": msa_request.authorization_revoked_at is not None,
        "open_link": open_link,
        "can_send_link": contractor_side and msa_request.status == Status.DRAFT and not active,
        "can_revoke": msa_request.applicant_id == user.pk
        and msa_request.authorization_revoked_at is None,
    }


# --- the wizard ------------------------------------------------------------------------------


def _draft_or_404(user, pk: int) -> Request:
    """A draft ``user`` may fill in; anything else (or anyone else's) is a 404."""
    return get_request_for_user_or_404(
        user, pk, requests_editable_by(user).filter(status=Status.DRAFT)
    )


def _step_url(msa_request: Request, slug: str) -> str:
    return reverse("enrollment:wizard_step", kwargs={"pk": msa_request.pk, "step": slug})


def _render_step(request, msa_request, step, form, **extra):
    steps = wizard.steps_for(msa_request) if msa_request.pk else wizard.STEPS
    slugs = [s.slug for s in steps]
    index = slugs.index(step.slug)
    # Signing the agreement is the last step: counted from the start, so the total never grows.
    total = len(steps) + 1
    context = {
        "msa_request": msa_request,
        "step": step,
        "steps": steps,
        "number": index + 1,
        "total": total,
        "percent": int(100 * (index + 1) / total),
        "previous": steps[index - 1] if index else None,
        "form": form,
        **extra,
    }
    return render(request, step.template, context)


@login_required
@require_http_methods(["GET", "POST"])
def wizard_start(request):
    """The first step: creates the draft once the customer says what they need.

    ``?type=install`` (a link that already said what the customer came for, such as the home
    page's "Create an account to apply") chooses that answer in advance; the customer still
    presses "Save and continue", as a GET never creates a draft.
    """
    step = wizard.BY_SLUG["type"]
    msa_request = Request(filed_by=request.user)
    form = forms.RequestTypeForm(
        request.POST or None,
        msa_request=msa_request,
        user=request.user,
        initial={"request_type": request.GET.get("type", "")},
    )
    token = once.once_token_posted(request.POST) or once.once_token()
    if request.method == "POST" and form.is_valid():
        try:
            # Posted twice (a double click, a resent form): one draft, and both posts land on it.
            draft_id, _created = once.once_submit(
                user=request.user,
                form="request_new",
                token=token,
                create=lambda: (
                    services.request_create_draft(
                        actor=request.user, request_type=form.cleaned_data["request_type"]
                    ).pk
                ),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            msa_request = get_request_for_user_or_404(request.user, draft_id)
            if msa_request.status != Status.DRAFT:
                return redirect(msa_request)  # an old page posted again, long after
            return redirect(_step_url(msa_request, wizard.neighbours(msa_request, "type")[1].slug))
    waiting = PRECHECK_SESSION_KEY in request.session
    return _render_step(request, msa_request, step, form, once=token, precheck_waiting=waiting)


# The public pre-check's answers, kept in the session until a draft takes them (through a login
# or a sign-up in between).
PRECHECK_SESSION_KEY = "precheck_facts"


@require_http_methods(["GET", "POST"])
def precheck_apply(request):
    """ "Apply with these answers": the pre-check's answers become a new draft.

    A POST from the pre-check's answer carries its questions; they wait in the session while a
    visitor signs in or signs up, and a GET then asks to confirm (a GET never writes). A signed-in
    POST starts the draft and opens the wizard at its first unanswered step.
    """
    if request.method == "POST" and "request_type" in request.POST:
        form = EligibilityCheckForm(request.POST)
        if form.is_valid():
            request.session[PRECHECK_SESSION_KEY] = SiteFacts.from_dict(form.site_facts()).as_dict()
    facts = request.session.get(PRECHECK_SESSION_KEY)
    if facts is None:
        return redirect("eligibility:check")
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("enrollment:precheck_apply"))
    if request.method == "GET":
        return render(request, "enrollment/precheck_apply.html", {"facts": facts})
    try:
        msa_request = services.request_create_from_precheck(actor=request.user, facts=facts)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("enrollment:request_list")
    del request.session[PRECHECK_SESSION_KEY]
    return redirect(_step_url(msa_request, wizard.resume_step(msa_request).slug))


@login_required
def wizard_resume(request, pk: int):
    msa_request = _draft_or_404(request.user, pk)
    return redirect(_step_url(msa_request, wizard.resume_step(msa_request).slug))


@login_required
@require_http_methods(["GET", "POST"])
def wizard_step(request, pk: int, step: str):
    msa_request = _draft_or_404(request.user, pk)
    current = wizard.BY_SLUG.get(step)
    if current is None or not current.applies_to(msa_request):
        raise Http404("No such step.")
    if current.slug == "review":
        return _review(request, msa_request, current)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = current.form_class(data, files, msa_request=msa_request, user=request.user)
    if request.method == "POST":
        going_back = "back" in request.POST
        if form.is_valid():
            try:
                later = "later" in request.POST
                if current.slug == "photos":
                    _save_uploads(request, msa_request, form, send_resume_link=later)
                else:
                    msa_request = services.request_update_draft(
                        msa_request_id=msa_request.pk,
                        actor=request.user,
                        step=current.slug,
                        data=form.changes(),
                        send_resume_link=later,
                    )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                if later:
                    messages.success(
                        request,
                        _(
                            "Your draft %(reference)s is saved. Continue it from My requests or "
                            "from the link we emailed you."
                        )
                        % {"reference": msa_request.reference},
                    )
                    return redirect("enrollment:request_list")
                before, after = wizard.neighbours(msa_request, current.slug)
                target = before if going_back else after
                return redirect(_step_url(msa_request, (target or current).slug))
        elif going_back:
            # Leaving a half-answered step backwards keeps what was saved before.
            before, _after = wizard.neighbours(msa_request, current.slug)
            return redirect(_step_url(msa_request, (before or current).slug))
    if request.method == "GET" and wizard.answers_kept(
        request.session, path=request.path, form=form
    ):
        messages.info(
            request,
            _(
                "Here are the answers you typed on this step before. Nothing was saved yet: "
                "check them and continue."
            ),
        )
    extra = {}
    if current.slug == "photos":
        extra["documents"] = list(msa_request.documents.all())
        if msa_request.contractor_company_id:
            extra["authorization_on_file"] = selectors.request_authorization_on_file(msa_request)
            extra["open_link"] = msa_request.authorization_links.filter(
                used_at__isnull=True, withdrawn_at__isnull=True
            ).first()
    return _render_step(request, msa_request, current, form, **extra)


def _save_uploads(request, msa_request, form, *, send_resume_link: bool) -> None:
    uploads = [(Document.Kind.METER_PANEL_PHOTO, f) for f in form.cleaned_data["photos"]]
    if form.cleaned_data.get("authorization_form"):
        uploads.append((Document.Kind.AUTHORIZATION_FORM, form.cleaned_data["authorization_form"]))
    _documents, refused = services.request_attach_each(
        msa_request_id=msa_request.pk,
        actor=request.user,
        uploads=uploads,
        send_resume_link=send_resume_link,
    )
    if refused:
        # The good files are kept; the step asks again only for the refused ones.
        raise ValidationError(refused)


def _fix_step(msa_request: Request, code: str) -> str | None:
    """The step where a rule's answer is changed: the record's step once it was confirmed."""
    slug = wizard.RULE_STEPS.get(code)
    records = wizard.BY_SLUG["records"]
    if (
        slug
        and not wizard.BY_SLUG[slug].applies_to(msa_request)
        and records.applies_to(msa_request)
    ):
        return records.slug
    return slug


def _review(request, msa_request, step):
    if request.method == "POST":
        # Only a POST records the step reached; showing the review (a reload, a link preview,
        # the browser's prefetch) writes nothing.
        if msa_request.wizard_step != step.slug:
            services.request_update_draft(
                msa_request_id=msa_request.pk, actor=request.user, step=step.slug, data={}
            )
        return redirect(_step_url(msa_request, step.slug))
    report = selectors.request_precheck(msa_request)
    fixes = [
        (rule, _fix_step(msa_request, rule.code))
        for rule in report.rules
        if rule.result != "pass"
        and wizard.BY_SLUG.get(_fix_step(msa_request, rule.code) or "", step).applies_to(
            msa_request
        )
    ]
    return _render_step(
        request,
        msa_request,
        step,
        None,
        report=report,
        fixes=[(rule, _step_url(msa_request, slug) if slug else "") for rule, slug in fixes],
        can_sign=not report.failed,
        documents=list(msa_request.documents.all()),
    )


@login_required
@require_POST
def document_delete(request, pk: int, document_pk: int):
    msa_request = _draft_or_404(request.user, pk)
    document = msa_request.documents.filter(pk=document_pk).first()
    if document is None:
        raise Http404("No such document.")
    services.document_delete(document=document)
    messages.info(request, _("The file was removed."))
    return redirect(_step_url(msa_request, "photos"))


# --- agreement, documents, answers, cancelling ----------------------------------------------


def _refuse_signature(form, error: ValidationError, *, shown: str) -> None:
    """Show why a signature was refused on its form, keeping the text the signer was shown."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
    form.data = form.data.copy()
    form.data["shown_sha256"] = shown


@login_required
@require_http_methods(["GET", "POST"])
def agreement_sign(request, pk: int):
    msa_request = get_request_for_user_or_404(request.user, pk, requests_editable_by(request.user))
    if msa_request.status != Status.DRAFT:
        # Signed already (a second click, the back button): the status page says what is next.
        return redirect(msa_request)
    customer_signature = selectors.request_customer_signature(msa_request)
    if customer_signature is not None:
        return _agreement_signed_by_customer(request, msa_request, customer_signature)
    language = translation.get_language()
    records = _esign_records(
        request,
        msa_request,
        email=request.user.email,
        language=language,
        after_paper=msa_request.get_absolute_url(),
    )
    if records.response is not None:
        return records.response
    version = selectors.agreement_current()
    text = selectors.agreement_text(msa_request=msa_request, version=version)
    shown = selectors.text_sha256(text)
    form = forms.SignForm(
        request.POST or None,
        initial={
            "shown_sha256": shown,
            "signer_name": selectors.agreement_signer_name(
                msa_request=msa_request, user=request.user
            ),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_sign(
                msa_request_id=msa_request.pk,
                actor=request.user,
                signer_name=form.cleaned_data["signer_name"],
                consent=form.cleaned_data["consent"],
                shown_sha256=form.cleaned_data["shown_sha256"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            _refuse_signature(form, error, shown=shown)
        except services.TransitionError as error:
            messages.error(request, str(error))
            return redirect(msa_request)
        else:
            messages.success(
                request,
                _("Thank you: the Customer Agreement is signed. Pay the site-visit fee to submit."),
            )
            return redirect(msa_request)
    steps = wizard.steps_for(msa_request)
    return render(
        request,
        "enrollment/agreement/sign.html",
        {
            "msa_request": msa_request,
            "version": version,
            "text": text,
            "form": form,
            "total": len(steps) + 1,
            "review_url": _step_url(msa_request, "review"),
            "esign_consent": records.consent,
        },
    )


def _agreement_signed_by_customer(request, msa_request: Request, signature):
    """The contractor's last step when the customer signed online: submit, sign nothing."""
    if request.method == "POST":
        try:
            services.agreement_submit_signed_by_customer(
                msa_request_id=msa_request.pk, actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except services.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Submitted on the customer's signature. The site-visit fee is due next."),
            )
        return redirect(msa_request)
    return render(
        request,
        "enrollment/agreement/signed_by_customer.html",
        {
            "msa_request": msa_request,
            "signature": signature,
            "total": len(wizard.steps_for(msa_request)) + 1,
            "review_url": _step_url(msa_request, "review"),
        },
    )


def _private_file(file, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def agreement_pdf(request, pk: int):
    msa_request = get_request_for_user_or_404(request.user, pk)
    signature = msa_request.signatures.first()
    if signature is None:
        raise Http404("No signed agreement.")
    return _private_file(
        signing.signed_pdf_file(signature),
        filename=f"{msa_request.reference}-customer-agreement.pdf",
        content_type="application/pdf",
    )


@login_required
def authorization_form_pdf(request, pk: int):
    """A printable Authorization Form for the customer to sign, for a contractor's draft."""
    msa_request = _draft_or_404(request.user, pk)
    if msa_request.contractor_company_id is None:
        raise Http404("Only a contractor's request needs an authorization form.")
    version = selectors.agreement_current()
    # The customer signs this page on paper: it is printed in the customer's language.
    with translation.override(msa_request.customer_language):
        pdf = render_pdf(
            "enrollment/agreement/authorization_form_pdf.html",
            {
                "msa_request": msa_request,
                "version": version,
                "title": version.text_for(msa_request.customer_language)[0],
                "text": selectors.agreement_text(msa_request=msa_request, version=version),
            },
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{msa_request.reference}-authorization-form.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def document_download(request, pk: int, document_pk: int):
    msa_request = get_request_for_user_or_404(request.user, pk)
    document = msa_request.documents.filter(pk=document_pk).first()
    if document is None:
        raise Http404("No such document.")
    return _private_file(
        document.file,
        filename=services.document_download_name(document),
        content_type=document.content_type,
    )


@login_required
@require_POST
def info_answer(request, pk: int):
    msa_request = get_request_for_user_or_404(request.user, pk, requests_editable_by(request.user))
    form = forms.AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.request_respond_to_info(
                msa_request_id=msa_request.pk,
                actor=request.user,
                answer=form.cleaned_data["answer"],
                upload=form.cleaned_data.get("attachment"),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        except services.TransitionError as error:
            messages.error(request, str(error))
            return redirect(msa_request)
        else:
            messages.success(request, _("Thank you: your answer is sent and the review continues."))
            return redirect(msa_request)
    for error in form.non_field_errors() + form.errors.get("attachment", []):
        messages.error(request, error)
    return redirect(f"{msa_request.get_absolute_url()}#answer")


@login_required
@require_http_methods(["GET", "POST"])
def request_cancel(request, pk: int):
    msa_request = get_request_for_user_or_404(request.user, pk, requests_editable_by(request.user))
    if msa_request.status not in CANCELLABLE_STATUSES:
        messages.error(request, _("This request can no longer be cancelled here."))
        return redirect(msa_request)
    form = forms.CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_cancel(
                msa_request_id=msa_request.pk,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your request is cancelled."))
        return redirect(msa_request)
    return render(
        request, "enrollment/request_cancel.html", {"msa_request": msa_request, "form": form}
    )


# --- consent to electronic records (E-SIGN) --------------------------------------------------


@dataclass(frozen=True)
class _EsignRecords:
    """The signer's consent when it is current; otherwise the page to show instead of signing."""

    consent: ElectronicRecordsConsent | None = None
    response: HttpResponse | None = None


def _esign_records(
    request, msa_request: Request, *, email: str, language: str, after_paper: str
) -> _EsignRecords:
    """Handle the consent step of a signing page for the signer at ``email``.

    A POST with ``esign_action`` gives consent ("consent"), withdraws it ("withdraw") or asks
    for paper ("paper"), then redirects (to the signing page; after paper, to ``after_paper``).
    Without a current consent the consent step is shown instead of the signing form, whatever
    else was posted; the signing services refuse a signature without it too.
    """
    action = request.POST.get("esign_action") if request.method == "POST" else None
    if action == "paper":
        response = _paper_copy(request, msa_request, email, language, after_paper)
        return _EsignRecords(response=response)
    if action == "withdraw":
        if consent.consent_withdraw(msa_request_id=msa_request.pk, email=email, user=request.user):
            _withdrawn(request)
        return _EsignRecords(response=redirect(request.path))
    disclosure = consent.disclosure(language)
    form = forms.EsignConsentForm(
        request.POST if action == "consent" else None,
        initial={"shown_sha256": disclosure.sha256},
    )
    if action == "consent" and form.is_valid():
        try:
            consent.consent_give(
                msa_request_id=msa_request.pk,
                email=email,
                user=request.user,
                language=language,
                shown_sha256=form.cleaned_data["shown_sha256"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return _EsignRecords(response=redirect(request.path))
    current = consent.consent_current(msa_request=msa_request, email=email)
    if current is not None and action != "consent":
        return _EsignRecords(consent=current)
    return _EsignRecords(
        response=render(
            request,
            "enrollment/consent/consent.html",
            {
                "msa_request": msa_request,
                "disclosure": disclosure,
                "form": form,
                # A signature posted without consent (withdrawn in another tab, say).
                "signature_refused": request.method == "POST" and action is None,
                "paper_form": forms.PaperCopyForm(),
            },
        )
    )


def _withdrawn(request) -> None:
    messages.info(
        request,
        _(
            "Your consent to electronic records is withdrawn, and staff have been told. To sign "
            "electronically again, you will be asked for your consent first."
        ),
    )


def _paper_copy(request, msa_request: Request, email: str, language: str, after: str):
    form = forms.PaperCopyForm(request.POST)
    consent.paper_copy_request(
        msa_request_id=msa_request.pk,
        email=email,
        user=request.user,
        language=language,
        mailing_address=form.cleaned_data["mailing_address"] if form.is_valid() else "",
    )
    messages.success(
        request,
        _(
            "We will mail you a paper copy of this request's records, free of charge. Staff "
            "have been told."
        ),
    )
    return redirect(after)


@login_required
@require_POST
def esign_records(request, pk: int):
    """From the status page: withdraw one's consent to electronic records, or ask for paper."""
    msa_request = get_request_for_user_or_404(request.user, pk)
    action = request.POST.get("esign_action")
    if action == "paper":
        return _paper_copy(
            request,
            msa_request,
            request.user.email,
            translation.get_language(),
            msa_request.get_absolute_url(),
        )
    if action == "withdraw" and consent.consent_withdraw(
        msa_request_id=msa_request.pk, email=request.user.email, user=request.user
    ):
        _withdrawn(request)
    return redirect(msa_request)


# --- the customer's authorization ------------------------------------------------------------


@login_required
@require_POST
def authorization_link_send(request, pk: int):
    msa_request = get_request_for_user_or_404(request.user, pk, requests_editable_by(request.user))
    try:
        link, _token = authorizations.authorization_link_send(
            msa_request_id=msa_request.pk, actor=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(
            request,
            " ".join(error.messages)
            if isinstance(error, ValidationError)
            else _("Only the contractor filing this request can send the customer a signing link."),
        )
    else:
        messages.success(
            request,
            _(
                "We emailed %(email)s a link to sign the authorization; it works once, for "
                "%(days)s days."
            )
            % {"email": link.email, "days": settings.MSA_AUTHORIZATION_LINK_DAYS},
        )
    if request.POST.get("next") == "photos" and msa_request.status == Status.DRAFT:
        return redirect(_step_url(msa_request, "photos"))
    return redirect(msa_request)


_REFUSALS = {
    "invalid": _lazy(
        "This signing link is not valid. Check that you opened the whole link from the email."
    ),
    "used": _lazy("This signing link was already used: the authorization is signed."),
    "withdrawn": _lazy(
        "This signing link no longer works: a newer link was sent, or the authorization was "
        "revoked. Use the newest email, or ask your contractor to send a new link."
    ),
    "expired": _lazy("This signing link has expired. Ask your contractor to send a new one."),
    "closed": _lazy("This request no longer needs a signature through this link."),
    "other_account": _lazy(
        "This signing link was sent to the address of another portal account. Sign out, open "
        "the link again and sign in with the account that received the email."
    ),
}


def _link_refused(request, reason: str):
    return _no_store(
        render(
            request,
            "enrollment/authorization/link_refused.html",
            {"reason": _REFUSALS[reason]},
            status=404,
        )
    )


def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


_SIGNED_COPIES = "enrollment_signed_authorizations"


@require_http_methods(["GET", "POST"])
def authorization_link(request, pk: int, token: str):
    """The customer's signing page behind the emailed link: the agreement only.

    No login, unless the link went to the address of an existing account: then that account
    signs in first (issue 17), and its signature confirms the request into the account.
    """
    check = authorizations.authorization_link_check(msa_request_id=pk, raw_token=token)
    if not check.ok:
        return _link_refused(request, check.refusal)
    account = authorizations.account_for_email(check.link.email)
    if account is not None and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if account is not None and request.user.pk != account.pk:
        return _link_refused(request, "other_account")
    # Shown in the customer's language, as the email was: the text signed is the text read.
    language = check.link.msa_request.customer_language
    with translation.override(language):
        response = _authorization_sign_page(
            request, pk, token, check.link.msa_request, check.link.email
        )
    response["Content-Language"] = language
    return response


def _authorization_sign_page(request, pk: int, token: str, msa_request: Request, email: str):
    records = _esign_records(
        request,
        msa_request,
        email=email,
        language=msa_request.customer_language,
        after_paper=request.path,
    )
    if records.response is not None:
        return _no_store(records.response)
    version = selectors.agreement_current()
    text = selectors.agreement_text(msa_request=msa_request, version=version)
    shown = selectors.text_sha256(text)
    form = forms.AuthorizationSignForm(request.POST or None, initial={"shown_sha256": shown})
    if request.method == "POST" and form.is_valid():
        try:
            authorization = authorizations.authorization_sign(
                msa_request_id=pk,
                raw_token=token,
                signer_name=form.cleaned_data["signer_name"],
                consent=form.cleaned_data["consent"],
                shown_sha256=form.cleaned_data["shown_sha256"],
                ip_address=client_ip(request),
                user=request.user,
            )
        except authorizations.LinkRefused as refused:
            return _link_refused(request, refused.reason)
        except ValidationError as error:
            _refuse_signature(form, error, shown=shown)
        else:
            # The signer keeps a copy: this browser may download the PDF it just signed.
            request.session[_SIGNED_COPIES] = [
                *request.session.get(_SIGNED_COPIES, []),
                authorization.pk,
            ][-10:]
            return _no_store(
                render(
                    request,
                    "enrollment/authorization/signed.html",
                    {"msa_request": msa_request, "authorization": authorization},
                )
            )
    return _no_store(
        render(
            request,
            "enrollment/authorization/sign.html",
            {
                "msa_request": msa_request,
                "version": version,
                "text": text,
                "form": form,
                "esign_consent": records.consent,
            },
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def authorization_revoke(request, pk: int):
    msa_request = get_request_for_user_or_404(
        request.user, pk, requests_owned_by(request.user).select_related("contractor_company")
    )
    if not msa_request.contractor_company_id:
        raise Http404("No contractor on this request.")
    form = forms.RevokeAuthorizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        authorizations.authorization_revoke(msa_request_id=msa_request.pk, actor=request.user)
        messages.success(
            request,
            _("%(company)s no longer has access to this request.")
            % {"company": msa_request.contractor_company.name},
        )
        return redirect(msa_request)
    return render(
        request, "enrollment/authorization/revoke.html", {"msa_request": msa_request, "form": form}
    )


@login_required
def authorization_pdf(request, pk: int, authorization_pk: int):
    msa_request = get_request_for_user_or_404(request.user, pk)
    authorization = msa_request.authorizations.exclude(text_sha256="").filter(pk=authorization_pk)
    authorization = authorization.first()
    if authorization is None:
        raise Http404("No signed authorization.")
    return _private_file(
        signing.signed_pdf_file(authorization),
        filename=f"{msa_request.reference}-authorization.pdf",
        content_type="application/pdf",
    )


def authorization_signed_copy(request, pk: int, authorization_pk: int):
    """The signed PDF, for the browser that signed it (the thank-you page links here)."""
    if authorization_pk not in request.session.get(_SIGNED_COPIES, []):
        raise Http404("Not signed in this browser.")
    authorization = (
        CustomerAuthorization.objects.filter(pk=authorization_pk, msa_request_id=pk)
        .exclude(text_sha256="")
        .first()
    )
    if authorization is None:
        raise Http404("No signed authorization.")
    return _no_store(
        _private_file(
            signing.signed_pdf_file(authorization),
            filename=f"{authorization.msa_request.reference}-authorization.pdf",
            content_type="application/pdf",
        )
    )


# --- the contractor company's dashboard ------------------------------------------------------


def _company_filters(request):
    if not request.user.company_id:
        raise Http404("Not a contractor.")
    form = forms.CompanyRequestFilterForm(request.GET or None)
    return form, form.filters() if request.GET else {}


@login_required
@cache_for_reader(
    "company-requests", lambda request: dashboard.company_requests_version(request.user)
)
def company_requests(request):
    form, filters = _company_filters(request)
    requests = dashboard.company_requests(request.user, **filters)
    page = Paginator(requests, settings.MSA_COMPANY_REQUESTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    sort, _ordering = dashboard.sort_ordering(filters.get("sort", dashboard.DEFAULT_SORT))
    query = request.GET.copy()
    query.pop("page", None)
    page_query = query.urlencode()
    query.pop("sort", None)
    return render(
        request,
        "enrollment/company_requests.html",
        {
            "form": form,
            "page": page,
            "sort": sort,
            "query_string": page_query,
            "filter_query": query.urlencode(),
            "export_query": request.GET.urlencode(),
            "columns": [
                ("reference", _("Request")),
                ("customer", _("Customer")),
                ("type", _("Type")),
                ("address", _("Premises")),
                ("status", _("Status")),
                ("updated", _("Last change")),
            ],
        },
    )


@login_required
def company_requests_export(request):
    _form, filters = _company_filters(request)
    return dashboard.csv_response(dashboard.company_requests(request.user, **filters))
