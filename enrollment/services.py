"""Writes to requests. Every change of a request's status goes through ``_transition``."""

import hashlib
import io
import logging
import uuid
from collections.abc import Callable
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_fsm import TransitionNotAllowed
from PIL import Image, ImageOps
from simple_history.utils import bulk_update_with_history

from common.business_days import current_calendar
from common.i18n import Message, label_message
from common.uploads import display_name, safe_name, upload_check
from eligibility.models import RequestType
from eligibility.selectors import meter_record_summary

from . import signing, targets
from .authorizations import authorization_record_upload, authorizations_void_changed
from .consent import consent_require
from .models import (
    AgreementSignature,
    CustomerAuthorization,
    Document,
    EligibilityOutcome,
    MeterRecordState,
    Request,
    RequestEvent,
    Status,
)
from .notifications import notify_applicant
from .selectors import (
    FREE_REVISIT_NOTE,
    agreement_current,
    agreement_signs_as_contractor,
    agreement_text,
    devices_for,
    request_customer_signature,
    request_precheck,
)

logger = logging.getLogger(__name__)


def _notify(event: str) -> Callable[[Request], None]:
    """Return an on-commit effect that emails the applicant about ``event``."""

    def send(msa_request: Request) -> None:
        notify_applicant(msa_request_id=msa_request.pk, event=event)

    return send


def _schedule(notify: Callable[[Request], None] | None = None):
    """Return an on-commit effect that (emails, then) asks the scheduler to place the request."""

    def run(msa_request: Request) -> None:
        from . import tasks  # local: tasks.py imports these services (the one circle)

        if notify is not None:
            notify(msa_request)
        tasks.send_scheduler_run()

    return run


STATUS_TEXT_TASK = "notifications.tasks.text_status_changed"


def _text_status(event_id: int) -> None:
    """Ask the texting app (higher, so by name) to text the contacts who chose status texts."""
    from . import tasks  # local: tasks.py imports these services (the one circle)

    tasks.send_by_name(STATUS_TEXT_TASK, event_id, what="status text")


class TransitionError(Exception):
    """The request is not in a state from which this step is allowed."""


def _transition(
    *,
    msa_request_id: int,
    step: str,
    target: str,
    actor=None,
    note: "Message | str" = "",
    allow_repeat: bool = False,
    before_save: Callable[[Request], list[str]] | None = None,
    on_commit: Callable[[Request], None] | None = None,
) -> Request:
    """Move a request one step along its lifecycle, once.

    Locks the row, returns the request unchanged when it is already in ``target`` (so a repeat
    is harmless) unless ``allow_repeat`` (a reschedule is scheduled → scheduled), checks the step
    against the lifecycle declared on the model, saves, writes the audit row and queues
    ``on_commit`` to run after the transaction commits.
    """
    with transaction.atomic():
        msa_request = Request.objects.select_for_update().get(pk=msa_request_id)
        if msa_request.status == target and not allow_repeat:
            return msa_request
        source = msa_request.status
        try:
            getattr(msa_request, step)()
        except TransitionNotAllowed as exc:
            raise TransitionError(
                _("A request that is %(status)s cannot be moved to %(target)s.")
                % {
                    "status": msa_request.get_status_display().lower(),
                    "target": Status(target).label.lower(),
                }
            ) from exc
        fields = ["status", "updated_at"]
        if before_save is not None:
            fields += before_save(msa_request)
        fields += _move_target_clock(msa_request, source=source)
        msa_request.save(update_fields=fields)
        event = RequestEvent.objects.create(
            msa_request=msa_request,
            from_status=source,
            to_status=msa_request.status,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            **RequestEvent.note_values(note),
        )
        logger.info("request %s: %s -> %s", msa_request.pk, source, msa_request.status)
        transaction.on_commit(lambda: _text_status(event.pk))
        if on_commit is not None:
            transaction.on_commit(lambda: on_commit(msa_request))
    return msa_request


def _move_target_clock(msa_request: Request, *, source: str) -> list[str]:
    """Pause the visit target while information is asked for; resume it on leaving that state."""
    entering = msa_request.status == Status.INFO_REQUESTED and source != Status.INFO_REQUESTED
    leaving = source == Status.INFO_REQUESTED and msa_request.status != Status.INFO_REQUESTED
    if not (entering or leaving) or msa_request.target_date is None:
        return []
    move = targets.target_pause if entering else targets.target_resume
    return move(msa_request=msa_request, calendar=current_calendar(), today=timezone.localdate())


def request_sign_agreement(*, msa_request_id: int, actor=None) -> Request:
    """Move a draft whose Customer Agreement is signed on to paying the site-visit fee."""
    return _transition(
        msa_request_id=msa_request_id,
        step="sign_agreement",
        target=Status.AWAITING_PAYMENT,
        actor=actor,
        note=Message(gettext_noop("Customer Agreement signed.")),
    )


def request_mark_paid(*, msa_request_id: int, actor=None, note: "Message | str" = "") -> Request:
    """Submit a request whose site-visit fee is paid and queue its eligibility check."""

    def stamp(msa_request: Request) -> list[str]:
        msa_request.submitted_at = timezone.now()
        return [
            "submitted_at",
            *targets.target_start(msa_request=msa_request, calendar=current_calendar()),
        ]

    def check(msa_request: Request) -> None:
        from . import tasks  # local: tasks.py imports these services (the one circle)

        _notify("submitted")(msa_request)
        tasks.send_eligibility_check(msa_request.pk)

    return _transition(
        msa_request_id=msa_request_id,
        step="mark_paid",
        target=Status.SUBMITTED,
        actor=actor,
        note=note or _("Site-visit fee paid; request submitted."),
        before_save=stamp,
        on_commit=check,
    )


def request_mark_revisit_paid(
    *, msa_request_id: int, actor=None, note: "Message | str" = ""
) -> Request:
    """Return a request whose visit failed to the scheduler once the new fee is settled."""
    return _transition(
        msa_request_id=msa_request_id,
        step="reopen_for_revisit",
        target=Status.APPROVED,
        actor=actor,
        note=note or _("Revisit fee paid; waiting for a new visit."),
        on_commit=_schedule(),
    )


def request_record_eligibility(*, msa_request_id: int, outcome: str) -> Request:
    """Record the authoritative check's overall outcome and put the request under review."""

    def stamp(msa_request: Request) -> list[str]:
        msa_request.eligibility_outcome = outcome
        msa_request.eligibility_checked_at = timezone.now()
        return ["eligibility_outcome", "eligibility_checked_at"]

    return _transition(
        msa_request_id=msa_request_id,
        step="record_eligibility",
        target=Status.UNDER_REVIEW,
        note=Message(gettext_noop("Eligibility checked: %(outcome)s."))
        % {"outcome": label_message(EligibilityOutcome(outcome).label)},
        before_save=stamp,
    )


def request_ask_for_info(*, msa_request_id: int, actor, question: str) -> Request:
    """Ask the applicant a question; the 30-business-day clock pauses until they answer."""
    return _transition(
        msa_request_id=msa_request_id,
        step="request_info",
        target=Status.INFO_REQUESTED,
        actor=actor,
        note=question,
        on_commit=_notify("info_requested"),
    )


def request_answer_info(*, msa_request_id: int, actor, answer: str) -> Request:
    """Record the applicant's answer and return the request to review."""
    return _transition(
        msa_request_id=msa_request_id,
        step="answer_info",
        target=Status.UNDER_REVIEW,
        actor=actor,
        note=answer,
    )


def _decide(msa_request: Request) -> list[str]:
    msa_request.decided_at = timezone.now()
    return ["decided_at"]


def request_approve(*, msa_request_id: int, actor, note: "Message | str" = "") -> Request:
    """Approve a reviewed request; the scheduler picks approved requests up."""
    return _transition(
        msa_request_id=msa_request_id,
        step="approve",
        target=Status.APPROVED,
        actor=actor,
        note=note or Message(gettext_noop("Approved.")),
        before_save=_decide,
        on_commit=_schedule(_notify("approved")),
    )


def request_reject(*, msa_request_id: int, actor, reason: "Message | str") -> Request:
    """Reject a reviewed request with the reason the customer will read."""
    return _transition(
        msa_request_id=msa_request_id,
        step="reject",
        target=Status.REJECTED,
        actor=actor,
        note=reason,
        before_save=_decide,
        on_commit=_notify("rejected"),
    )


def request_mark_scheduled(
    *, msa_request_id: int, actor=None, note: "Message | str" = ""
) -> Request:
    """Record that a visit is booked or moved (scheduled → scheduled is a reschedule)."""
    return _transition(
        msa_request_id=msa_request_id,
        step="schedule",
        target=Status.SCHEDULED,
        actor=actor,
        note=note,
        allow_repeat=True,
    )


def requests_mark_scheduled(*, msa_request_ids: list[int], note: "Message | str" = "") -> list[int]:
    """Mark a batch of approved requests scheduled at once; return the ids that moved.

    The scheduler books thousands of visits in one run: this is the same step as
    ``request_mark_scheduled`` (locked rows, the lifecycle's check, an audit row and a history
    row each) in a constant number of queries. Requests no longer approved are left alone.
    """
    with transaction.atomic():
        msa_requests = list(
            Request.objects.select_for_update()
            .filter(pk__in=msa_request_ids, status=Status.APPROVED)
            .order_by("pk")
        )
        now = timezone.now()
        for msa_request in msa_requests:
            msa_request.schedule()
            msa_request.updated_at = now
        bulk_update_with_history(
            msa_requests,
            Request,
            ["status", "updated_at"],
            batch_size=500,
            default_change_reason=RequestEvent.note_values(note)["note"],
        )
        RequestEvent.objects.bulk_create(
            [
                RequestEvent(
                    msa_request=msa_request,
                    from_status=Status.APPROVED,
                    to_status=Status.SCHEDULED,
                    **RequestEvent.note_values(note),
                )
                for msa_request in msa_requests
            ],
            batch_size=500,
        )
    logger.info("%d requests scheduled", len(msa_requests))
    return [msa_request.pk for msa_request in msa_requests]


def request_mark_unscheduled(
    *, msa_request_id: int, actor=None, note: "Message | str" = ""
) -> Request:
    """Return a request whose visit was released to the scheduler's queue."""
    return _transition(
        msa_request_id=msa_request_id,
        step="unschedule",
        target=Status.APPROVED,
        actor=actor,
        note=note,
    )


def request_record_visit_outcome(
    *,
    msa_request_id: int,
    actor,
    completed: bool,
    note: "Message | str" = "",
    utility_fault: bool = False,
) -> Request:
    """Close a request whose visit is done, or mark the visit failed.

    A visit that failed on the utility's side is not the customer's visit to pay for (the
    program charges per site visit the customer asks for): the request goes straight back to
    the scheduler with no new fee (DESIGN.md §3, visit_failed → approved).
    """
    with transaction.atomic():
        msa_request = _transition(
            msa_request_id=msa_request_id,
            step="complete_visit" if completed else "fail_visit",
            target=Status.COMPLETED if completed else Status.VISIT_FAILED,
            actor=actor,
            note=note,
        )
        if utility_fault and not completed and msa_request.status == Status.VISIT_FAILED:
            msa_request = _transition(
                msa_request_id=msa_request_id,
                step="reopen_for_revisit",
                target=Status.APPROVED,
                actor=actor,
                note=Message(FREE_REVISIT_NOTE),
                on_commit=_schedule(),
            )
    return msa_request


def request_cancel(*, msa_request_id: int, actor, reason: str = "") -> Request:
    """Cancel a request before a visit is scheduled, or after a visit that failed."""
    return _transition(
        msa_request_id=msa_request_id,
        step="cancel",
        target=Status.CANCELLED,
        actor=actor,
        note=reason or Message(gettext_noop("Cancelled by the applicant.")),
        on_commit=_notify("cancelled"),
    )


# --- drafts (the request wizard) -------------------------------------------------------

# What an applicant may write on a draft; status, outcomes and stamps are never among them.
DRAFT_FIELDS = frozenset(
    {
        "request_type",
        "customer_name",
        "customer_email",
        "customer_phone",
        "customer_language",
        "service_account_number",
        "customer_account_number",
        "meter_number",
        "rule21_reference",
        "meter_record_state",
        "life_support",
        "premises_street",
        "premises_unit",
        "premises_city",
        "premises_zip",
        "residential",
        "meter_self_contained",
        "service_phase",
        "service_wires",
        "service_voltage",
        "panel_rating_amps",
        "backfeed_amps",
        "device",
        "meter_socket_form",
        "socket_ring_type",
        "comm_cable_present",
        "comm_cable_in_liquidtight",
        "energized_present",
        "energized_conductors",
        "energized_in_liquidtight",
        "answers_by_photo",
        "esr_violation",
        "waterproof_bag_commitment",
        "existing_device_kind",
        "existing_device_manufacturer",
        "existing_device_model",
        "existing_device_isolating",
    }
)
EXISTING_DEVICE_FIELDS = (
    "existing_device_kind",
    "existing_device_manufacturer",
    "existing_device_model",
    "existing_device_isolating",
)


def request_create_draft(*, actor, request_type: str) -> Request:
    """Start a draft request filed by ``actor`` and email them a link to resume it."""
    if request_type not in RequestType.values:
        raise ValidationError({"request_type": _("Choose what you would like us to do.")})
    if getattr(actor, "is_technician", False) or getattr(actor, "is_vendor", False):
        # Their accounts do the utility's or a maker's work (issues 20, 21), not a customer's.
        raise ValidationError(
            _(
                "This account is for a technician's or a device maker's work: requests are filed "
                "from a customer's or a contractor's account."
            )
        )
    msa_request = Request(
        filed_by=actor,
        request_type=request_type,
        wizard_step="type",
        # The filer's language until the contact step says which the account holder reads.
        customer_language=translation.get_supported_language_variant(
            getattr(actor, "preferred_language", "") or translation.get_language()
        ),
    )
    if getattr(actor, "is_contractor", False):
        if actor.company is None or not actor.company.is_verified:
            raise ValidationError(
                _("Your company must be verified by utility staff before you can file requests.")
            )
        msa_request.contractor_company_id = actor.company_id
    else:
        msa_request.applicant = actor
        msa_request.customer_name = actor.full_name
        msa_request.customer_email = actor.email
        msa_request.customer_phone = actor.phone
    with transaction.atomic():
        msa_request.full_clean()
        msa_request.save()
        RequestEvent.objects.create(
            msa_request=msa_request,
            from_status="",
            to_status=Status.DRAFT,
            actor=actor,
            **RequestEvent.note_values(Message(gettext_noop("Request started."))),
        )
        transaction.on_commit(lambda: _notify("draft_saved")(msa_request))
    logger.info("request %s: draft created", msa_request.pk)
    return msa_request


# The public pre-check's answers a new draft takes (site-fact names, DESIGN.md §4).
PRECHECK_FIELDS = (
    "residential",
    "meter_self_contained",
    "service_phase",
    "service_wires",
    "service_voltage",
    "panel_rating_amps",
    "backfeed_amps",
    "meter_socket_form",
    "socket_ring_type",
    "comm_cable_present",
    "comm_cable_in_liquidtight",
    "energized_present",
    "energized_conductors",
    "energized_in_liquidtight",
    "esr_violation",
    *EXISTING_DEVICE_FIELDS,
)
# Text facts the draft keeps blank rather than null.
_PRECHECK_TEXT = {
    "service_voltage",
    "meter_socket_form",
    "socket_ring_type",
    "esr_violation",
    "existing_device_kind",
    "existing_device_manufacturer",
    "existing_device_model",
}


def request_create_from_precheck(*, actor, facts: dict) -> Request:
    """Start a draft from the public pre-check's answers, so nothing is typed twice.

    ``facts`` is ``SiteFacts.as_dict()`` of the pre-check (normalised): the request type, the
    device id (kept only when it serves that type) and the site facts in ``PRECHECK_FIELDS``
    (the device at the meter now only for a removal or a replacement); unknown answers stay
    unanswered. Raises ``ValidationError`` as ``request_create_draft`` does.
    """
    request_type = facts.get("request_type") or RequestType.INSTALL
    msa_request = request_create_draft(actor=actor, request_type=request_type)
    data = {}
    for name in PRECHECK_FIELDS:
        if name in EXISTING_DEVICE_FIELDS and not msa_request.has_existing_device:
            continue  # an install has nothing at the meter to take out
        value = facts.get(name)
        if name in _PRECHECK_TEXT:
            value = value or ""
        elif name == "energized_conductors":
            value = list(value or [])
        data[name] = value
    if facts.get("waterproof_bag_commitment"):
        data["waterproof_bag_commitment"] = True
    device_id = facts.get("device")
    if device_id and devices_for(request_type).filter(pk=device_id).exists():
        data["device_id"] = device_id
    with transaction.atomic():
        msa_request = Request.objects.select_for_update().get(pk=msa_request.pk)
        for name, value in data.items():
            setattr(msa_request, name, value)
        msa_request.full_clean(validate_constraints=False)
        msa_request.save(update_fields=[*data, "updated_at"])
    logger.info("request %s: draft started from the pre-check", msa_request.pk)
    return msa_request


def request_update_draft(
    *, msa_request_id: int, actor, step: str, data: dict, send_resume_link: bool = False
) -> Request:
    """Save one wizard step's answers on a draft and remember the step reached.

    ``send_resume_link`` emails the applicant a link back to the draft (they chose to finish
    later).
    """
    unknown = set(data) - DRAFT_FIELDS
    if unknown:
        raise ValueError(f"not draft fields: {sorted(unknown)}")
    with transaction.atomic():
        msa_request = Request.objects.select_for_update().get(pk=msa_request_id)
        if msa_request.status != Status.DRAFT:
            raise TransitionError(_("Only a draft can be changed; this request is already signed."))
        numbers_before = (msa_request.service_account_number, msa_request.meter_number)
        for name, value in data.items():
            setattr(msa_request, name, value)
        if step == "accounts":
            data = {**data, **_apply_meter_record(msa_request, numbers_before=numbers_before)}
        if not msa_request.needs_device:
            # A removal takes no device (and no bagging promise); drop any chosen earlier.
            msa_request.device = None
            msa_request.waterproof_bag_commitment = False
        if not msa_request.has_existing_device:
            # An install has nothing at the meter to describe; drop what a removal draft said.
            msa_request.existing_device_kind = ""
            msa_request.existing_device_manufacturer = ""
            msa_request.existing_device_model = ""
            msa_request.existing_device_isolating = None
        msa_request.wizard_step = step
        changed = [
            *data,
            *EXISTING_DEVICE_FIELDS,
            "device",
            "waterproof_bag_commitment",
            "wizard_step",
            "updated_at",
        ]
        msa_request.full_clean(validate_constraints=False)
        msa_request.save(update_fields=sorted(set(changed)))
        if msa_request.contractor_company_id:
            authorizations_void_changed(msa_request=msa_request, actor=actor)
        if send_resume_link:
            transaction.on_commit(lambda: _notify("draft_saved")(msa_request))
    return msa_request


def _apply_meter_record(msa_request: Request, *, numbers_before: tuple[str, str]) -> dict:
    """Prefill the draft from the meter record its numbers match; return the changed fields.

    Ask the record before the person (STYLE.md): the address and service facts the utility
    holds are shown for confirmation instead of asked. New numbers matching a record take its
    facts; the same numbers keep what the customer confirmed or corrected.
    """
    summary = meter_record_summary(
        service_account_number=msa_request.service_account_number,
        meter_number=msa_request.meter_number,
    )
    if summary is None:
        msa_request.meter_record_state = MeterRecordState.NONE
        return {"meter_record_state": MeterRecordState.NONE}
    numbers = (msa_request.service_account_number, msa_request.meter_number)
    if numbers == numbers_before and msa_request.meter_record_state:
        return {}
    for name, value in summary.items():
        setattr(msa_request, name, value)
    msa_request.meter_record_state = MeterRecordState.FOUND
    return {**summary, "meter_record_state": MeterRecordState.FOUND}


# --- documents -----------------------------------------------------------------------------

_IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png"}
# Photos as phones take them (an iPhone's HEIC, Android's WebP): stored converted to JPEG.
_CONVERTED_TO_JPEG = {"image/heic": "heic", "image/heif": "heif", "image/webp": "webp"}
_PHOTO_TYPES = {**_IMAGE_TYPES, **_CONVERTED_TO_JPEG}
_PDF_TYPES = {"application/pdf": "pdf"}
# How refusals name what is accepted, in the order people know them.
_TYPE_LABELS = [
    ("PDF", ("application/pdf",)),
    ("JPG", ("image/jpeg",)),
    ("PNG", ("image/png",)),
    ("HEIC", ("image/heic", "image/heif")),
    ("WebP", ("image/webp",)),
]
ALLOWED_TYPES = {
    Document.Kind.METER_PANEL_PHOTO: _PHOTO_TYPES,
    Document.Kind.AUTHORIZATION_FORM: _PDF_TYPES,
    Document.Kind.INFO_RESPONSE: {**_PDF_TYPES, **_PHOTO_TYPES},
    Document.Kind.OTHER: {**_PDF_TYPES, **_PHOTO_TYPES},
}


def document_download_name(document: Document) -> str:
    """The file name a stored document downloads under, its extension from its checked type."""
    extension = {**_IMAGE_TYPES, **_PDF_TYPES}.get(document.content_type, "bin")
    return display_name(document.original_name, extension)


def _register_heif() -> None:
    """Teach Pillow to open HEIC/HEIF (``pillow-heif``); repeating it is harmless."""
    from pillow_heif import register_heif_opener

    register_heif_opener()


def _as_jpeg(upload) -> ContentFile:
    """Return a phone's HEIC/HEIF/WebP photo as a JPEG, upright and named ``<stem>.jpg``."""
    _register_heif()
    upload.seek(0)
    with Image.open(upload) as image:
        picture = ImageOps.exif_transpose(image).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=90)
    stem = PurePath(safe_name(upload.name, "jpg")).stem or "photo"
    return ContentFile(buffer.getvalue(), name=f"{stem}.jpg")


def document_check(*, upload, kind: str) -> tuple[str, str]:
    """Return ``(content_type, extension)`` read from the file's content, else raise.

    ``common.uploads.upload_check`` against ``ALLOWED_TYPES[kind]``; its ``ValidationError``
    codes: ``too_large``, ``empty``, ``bad_type``, ``too_many_pixels``.
    """
    allowed = ALLOWED_TYPES[kind]
    if any(content_type in _CONVERTED_TO_JPEG for content_type in allowed):
        _register_heif()
    wanted = " / ".join(label for label, types in _TYPE_LABELS if any(t in allowed for t in types))
    return upload_check(upload=upload, allowed=allowed, types_label=wanted)


def document_upload(*, msa_request_id: int, actor, kind: str, upload) -> Document:
    """Check an uploaded file by its content and store it privately under a random name.

    The count cap (``MSA_MAX_DOCUMENTS_PER_REQUEST``) is read under the request's row lock, so
    uploads racing to the same request wait for each other and never pass it together.
    Raises ``ValidationError`` (``document_check``'s codes, or ``too_many``). The display name
    keeps the uploader's name but takes the extension of the checked type.
    """
    content_type, extension = document_check(upload=upload, kind=kind)
    if content_type in _CONVERTED_TO_JPEG:
        upload, content_type, extension = _as_jpeg(upload), "image/jpeg", "jpg"
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        msa_request = Request.objects.select_for_update().get(pk=msa_request_id)
        if msa_request.documents.count() >= settings.MSA_MAX_DOCUMENTS_PER_REQUEST:
            raise ValidationError(
                _("A request can hold at most %(count)s files.")
                % {"count": settings.MSA_MAX_DOCUMENTS_PER_REQUEST},
                code="too_many",
            )
        document = Document(
            msa_request=msa_request,
            kind=kind,
            original_name=display_name(upload.name, extension),
            content_type=content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
        )
        document.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
        document.save()
    logger.info("request %s: document %s stored (%s)", msa_request.pk, document.pk, kind)
    return document


def request_attach_documents(
    *, msa_request_id: int, actor, uploads: list[tuple[str, object]], send_resume_link: bool = False
) -> list[Document]:
    """Attach the wizard's files to a draft, all or none, and mark the photos step answered."""
    for kind, upload in uploads:
        # Check every file before storing any, so a bad second file leaves no first one behind.
        document_check(upload=upload, kind=kind)
    with transaction.atomic():
        documents = [
            document_upload(msa_request_id=msa_request_id, actor=actor, kind=kind, upload=upload)
            for kind, upload in uploads
        ]
        for document in documents:
            authorization_record_upload(document=document, actor=actor)
        request_update_draft(
            msa_request_id=msa_request_id,
            actor=actor,
            step="photos",
            data={},
            send_resume_link=send_resume_link,
        )
    return documents


def request_attach_each(
    *, msa_request_id: int, actor, uploads: list[tuple[str, object]], send_resume_link: bool = False
) -> tuple[list[Document], list[str]]:
    """Attach the wizard's files one by one: each is kept or refused on its own.

    Returns the stored documents and, for each refused file, why (its name in the reason). A
    refused photo never throws away the good one sent with it; the photos step counts as
    answered only when nothing was refused, so the page asks again for what was refused.
    """
    documents, refused = [], []
    for kind, upload in uploads:
        try:
            with transaction.atomic():
                document = document_upload(
                    msa_request_id=msa_request_id, actor=actor, kind=kind, upload=upload
                )
                authorization_record_upload(document=document, actor=actor)
        except ValidationError as error:
            name = safe_name(getattr(upload, "name", ""), "file")
            refused.extend(m if name in m else f"{name}: {m}" for m in error.messages)
        else:
            documents.append(document)
    if not refused:
        request_update_draft(
            msa_request_id=msa_request_id,
            actor=actor,
            step="photos",
            data={},
            send_resume_link=send_resume_link,
        )
    return documents, refused


def document_delete(*, document: Document) -> None:
    """Remove a file from a draft (the applicant changed their mind)."""
    if document.msa_request.status != Status.DRAFT:
        raise TransitionError(_("Files can only be removed while the request is a draft."))
    storage_name = document.file.name
    document.delete()
    transaction.on_commit(lambda: document.file.storage.delete(storage_name))


def request_respond_to_info(*, msa_request_id: int, actor, answer: str, upload=None) -> Request:
    """Store the applicant's answer (and file) to staff's question and return it to review."""
    answer = answer.strip()
    if not answer and upload is None:
        raise ValidationError(_("Write an answer or attach a file."))
    with transaction.atomic():
        msa_request = Request.objects.select_for_update().get(pk=msa_request_id)
        if msa_request.status != Status.INFO_REQUESTED:
            raise TransitionError(_("There is no open question on this request."))
        if upload is not None:
            document_upload(
                msa_request_id=msa_request.pk,
                actor=actor,
                kind=Document.Kind.INFO_RESPONSE,
                upload=upload,
            )
        note = answer or Message(gettext_noop("File attached."))
        return request_answer_info(msa_request_id=msa_request.pk, actor=actor, answer=note)


# --- the Customer Agreement ----------------------------------------------------------------


def agreement_submit_signed_by_customer(*, msa_request_id: int, actor) -> CustomerAuthorization:
    """Move a contractor's draft the customer signed through the emailed link on to payment.

    The account holder signs the Customer Agreement once (issue 17): the customer's online
    signature (``selectors.request_customer_signature``) is the request's signature, and the
    contractor who submits is recorded under their own name in a separate audit row, never as
    a signer. Raises ``ValidationError`` when no customer signature covers the text as it reads
    now or the pre-check fails, ``TransitionError`` when the request is past the draft.
    """
    with transaction.atomic():
        msa_request = Request.objects.select_for_update().get(pk=msa_request_id)
        signature = request_customer_signature(msa_request)
        if msa_request.status == Status.AWAITING_PAYMENT and signature is not None:
            return signature  # a double click submits once
        if msa_request.status != Status.DRAFT:
            raise TransitionError(_("Only a draft request can be signed."))
        if signature is None:
            raise ValidationError(
                _("The customer has not signed the agreement as it reads now: send a new link.")
            )
        if request_precheck(msa_request).failed:
            raise ValidationError(
                _("The pre-check found problems to fix before you can sign. Go back to the review.")
            )
        if msa_request.device_id is not None:
            msa_request.device_snapshot = msa_request.device.snapshot()
            msa_request.save(update_fields=["device_snapshot", "updated_at"])
        _transition(
            msa_request_id=msa_request.pk,
            step="sign_agreement",
            target=Status.AWAITING_PAYMENT,
            actor=None,  # the signer is the customer, who may have no account
            note=Message(
                gettext_noop("Customer Agreement signed by the customer, %(name)s, online.")
            )
            % {"name": signature.signer_name},
        )
        RequestEvent.objects.create(
            msa_request=msa_request,
            from_status=Status.AWAITING_PAYMENT,
            to_status=Status.AWAITING_PAYMENT,
            actor=actor,
            **RequestEvent.note_values(
                Message(gettext_noop("Submitted for the customer by %(name)s, %(company)s."))
                % {"name": actor.get_full_name(), "company": msa_request.contractor_company.name}
            ),
        )
    logger.info("request %s: submitted on the customer's online signature", msa_request.pk)
    return signature


def _signs_in_the_customers_name(*, actor, msa_request: Request, name: str) -> bool:
    """Whether a contractor types the customer's name (not their own) to sign (issue 17).

    On a contractor's request the customer's signature is theirs alone (the uploaded form, or
    the emailed link); the contractor's signature is recorded in the contractor's own name.
    Names compare with white space folded and case ignored.
    """
    if not agreement_signs_as_contractor(msa_request=msa_request, user=actor):
        return False
    fold = " ".join((name or "").split()).casefold()
    own = " ".join((actor.full_name or "").split()).casefold()
    customer = " ".join((msa_request.customer_name or "").split()).casefold()
    return bool(customer) and fold == customer and fold != own


def agreement_sign(
    *,
    msa_request_id: int,
    actor,
    signer_name: str,
    consent: bool,
    shown_sha256: str,
    ip_address: str | None,
) -> AgreementSignature:
    """Sign the current Customer Agreement for a draft and move it to payment (PDF: ``signing``).

    ``shown_sha256`` is the hash of the text the signer was shown: if the text changed since
    (a new version, an edited draft), nothing is signed. Raises ``ValidationError`` (code
    ``esign_consent``) when the signer has no current consent to electronic records
    (``enrollment.consent``).
    """
    signer_name = signing.signer_name_clean(signer_name=signer_name, consent=consent)
    with transaction.atomic():
        msa_request = Request.objects.select_for_update().get(pk=msa_request_id)
        if msa_request.status != Status.DRAFT:
            existing = msa_request.signatures.first()
            if existing is not None and msa_request.status == Status.AWAITING_PAYMENT:
                return existing  # a double click signs once
            raise TransitionError(_("Only a draft request can be signed."))
        report = request_precheck(msa_request)
        if report.failed:
            raise ValidationError(
                _("The pre-check found problems to fix before you can sign. Go back to the review.")
            )
        if _signs_in_the_customers_name(actor=actor, msa_request=msa_request, name=signer_name):
            raise ValidationError(
                {
                    "signer_name": _(
                        "Type your own name: you sign as the contractor. Only the customer "
                        "signs in the customer's name."
                    )
                }
            )
        # E-SIGN §7001(c): the signer consented to electronic records first.
        consent_require(msa_request=msa_request, email=actor.email)
        version = agreement_current()
        signature = signing.signature_record(
            model=AgreementSignature,
            msa_request=msa_request,
            version=version,
            text=agreement_text(msa_request=msa_request, version=version),
            shown_sha256=shown_sha256,
            signer_name=signer_name,
            signer=actor,
            ip_address=ip_address,
            language=translation.get_language(),
        )
        if msa_request.device_id is not None:
            # Keep the APL entry as it was when signed, so a later edit never rewrites it.
            msa_request.device_snapshot = msa_request.device.snapshot()
            msa_request.save(update_fields=["device_snapshot", "updated_at"])
        request_sign_agreement(msa_request_id=msa_request.pk, actor=actor)
    logger.info("request %s: agreement v%s signed", msa_request.pk, version.version)
    return signature
