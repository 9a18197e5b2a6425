"""The only way to change a device evaluation: create, attach, move, message, decide."""

import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from common.emails import send_templated_email
from common.uploads import display_name, upload_check
from eligibility.models import ApprovedProduct

from . import selectors
from .models import (
    DeviceEvaluation,
    EvaluationEvent,
    EvaluationFile,
    EvaluationMessage,
    StandardReview,
    Status,
)

logger = logging.getLogger(__name__)

PDF = {"application/pdf": "pdf"}
IMAGES = {"image/jpeg": "jpg", "image/png": "png"}
ALLOWED = {
    EvaluationFile.Kind.CERTIFICATE: PDF,
    EvaluationFile.Kind.SPEC_SHEET: PDF,
    EvaluationFile.Kind.INSTALLATION: PDF,
    EvaluationFile.Kind.PHOTO: IMAGES,
    EvaluationFile.Kind.ANSWER: {**PDF, **IMAGES},
}
# The vendor may add files while the evaluation is theirs to complete.
VENDOR_EDITABLE = [Status.DRAFT, Status.INFO_REQUESTED]
EVALUATION_FIELDS = (
    "manufacturer",
    "model_name",
    "model_number",
    "variants",
    "adapter_type",
    "continuous_rating_amps",
    "interrupting_rating_ka",
    "service_types",
    "socket_forms",
    "ring_requirement",
    "communication_interface",
    "max_backfeed_amps",
)


class TransitionError(ValidationError):
    """The evaluation cannot make this move from where it is."""


def _vendor_evaluation(*, evaluation_id: int, actor) -> DeviceEvaluation:
    evaluation = (
        selectors.evaluations_editable_by(actor).select_for_update().filter(pk=evaluation_id)
    )
    found = evaluation.first()
    if found is None:
        raise PermissionDenied
    return found


def _require_decider(actor) -> None:
    if not selectors.can_decide(actor):
        raise PermissionDenied


def _notify_vendor(evaluation: DeviceEvaluation, *, template: str, context: dict) -> None:
    groups: dict[str, list[str]] = {}
    for address, language in selectors.vendor_addresses(evaluation):
        groups.setdefault(language or settings.LANGUAGE_CODE, []).append(address)
    for language, addresses in groups.items():
        send_templated_email(
            to=addresses,
            template=template,
            context={"evaluation": evaluation, **context},
            language=language,
        )


def _notify_meter_engineering(evaluation: DeviceEvaluation, *, template: str, context: dict):
    send_templated_email(
        to=selectors.meter_engineering_addresses(),
        template=template,
        context={"evaluation": evaluation, **context},
        language=settings.LANGUAGE_CODE,
    )


def evaluation_create(*, actor, **fields) -> DeviceEvaluation:
    """Start a draft evaluation for the actor's verified vendor company."""
    company_id = selectors._vendor_company_id(actor)
    if company_id is None:
        raise PermissionDenied(_("Only users of verified vendor companies can submit devices."))
    unknown = set(fields) - set(EVALUATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown evaluation fields: {sorted(unknown)}")
    evaluation = DeviceEvaluation(company_id=company_id, submitted_by=actor, **fields)
    evaluation.full_clean()
    evaluation.save()
    EvaluationEvent.objects.create(
        evaluation=evaluation, from_status=Status.DRAFT, to_status=Status.DRAFT, actor=actor
    )
    return evaluation


def evaluation_file_add(
    *, evaluation_id: int, actor, kind: str, upload, standard: str = ""
) -> EvaluationFile:
    """Check a file by its content and attach it, privately, to the vendor's evaluation."""
    content_type, extension = upload_check(upload=upload, allowed=ALLOWED[kind])
    if kind == EvaluationFile.Kind.CERTIFICATE and not standard:
        raise ValidationError(_("Say which standard this certificate is for."))
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        evaluation = _vendor_evaluation(evaluation_id=evaluation_id, actor=actor)
        if evaluation.status not in VENDOR_EDITABLE:
            raise ValidationError(_("Files can be added to a draft or to an answer only."))
        record = EvaluationFile(
            evaluation=evaluation,
            kind=kind,
            standard=standard if kind == EvaluationFile.Kind.CERTIFICATE else "",
            original_name=display_name(upload.name, extension),
            content_type=content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
        )
        record.file.save(f"{digest.hexdigest()[:16]}.{extension}", upload, save=False)
        record.save()
    return record


def evaluation_transition(
    *,
    evaluation_id: int,
    step: str,
    target: str,
    actor,
    note: str = "",
    before_save: Callable[[DeviceEvaluation], list[str]] | None = None,
    on_commit: Callable[[DeviceEvaluation], None] | None = None,
) -> DeviceEvaluation:
    """Move an evaluation one step along its lifecycle, once, with its audit row."""
    with transaction.atomic():
        evaluation = DeviceEvaluation.objects.select_for_update().get(pk=evaluation_id)
        if evaluation.status == target:
            return evaluation
        source = evaluation.status
        try:
            getattr(evaluation, step)()
        except TransitionNotAllowed as exc:
            raise TransitionError(
                _("An evaluation that is %(status)s cannot be moved to %(target)s.")
                % {
                    "status": evaluation.get_status_display().lower(),
                    "target": Status(target).label.lower(),
                }
            ) from exc
        fields = ["status", "updated_at"]
        if before_save is not None:
            fields += before_save(evaluation)
        evaluation.save(update_fields=fields)
        EvaluationEvent.objects.create(
            evaluation=evaluation,
            from_status=source,
            to_status=evaluation.status,
            actor=actor,
            note=note,
        )
        logger.info("evaluation %s: %s -> %s", evaluation.pk, source, evaluation.status)
        if on_commit is not None:
            transaction.on_commit(lambda: on_commit(evaluation))
    return evaluation


def _status_email(evaluation: DeviceEvaluation) -> None:
    _notify_vendor(evaluation, template="vendors/emails/evaluation_status", context={})


def evaluation_submit(*, evaluation_id: int, actor) -> DeviceEvaluation:
    """Send the vendor's complete draft to meter engineering."""
    with transaction.atomic():
        evaluation = _vendor_evaluation(evaluation_id=evaluation_id, actor=actor)
        missing = submission_missing(evaluation)
        if missing:
            raise ValidationError(missing)

        def before_save(item: DeviceEvaluation) -> list[str]:
            item.submitted_at = timezone.now()
            _checklists_open(item)
            return ["submitted_at"]

        def on_commit(item: DeviceEvaluation) -> None:
            _status_email(item)
            _notify_meter_engineering(
                item, template="vendors/emails/evaluation_submitted", context={}
            )

        return evaluation_transition(
            evaluation_id=evaluation.pk,
            step="submit",
            target=Status.SUBMITTED,
            actor=actor,
            before_save=before_save,
            on_commit=on_commit,
        )


def _checklists_open(evaluation: DeviceEvaluation) -> list[str]:
    """A checklist for each standard the vendor sent a certificate for (submitted or answered).

    Changes no field of the evaluation: returns ``[]``, so it serves as a ``before_save``.
    """
    for standard in certificate_standards(evaluation):
        StandardReview.objects.get_or_create(evaluation=evaluation, standard=standard)
    return []


def certificate_standards(evaluation: DeviceEvaluation) -> list[str]:
    return sorted(
        set(
            evaluation.files.filter(kind=EvaluationFile.Kind.CERTIFICATE).values_list(
                "standard", flat=True
            )
        )
    )


def submission_missing(evaluation: DeviceEvaluation) -> list[str]:
    """What the draft still lacks before it can be submitted, as sentences."""
    kinds = set(evaluation.files.values_list("kind", flat=True))
    missing = []
    if EvaluationFile.Kind.CERTIFICATE not in kinds:
        missing.append(_("A certificate for at least one standard the device is listed to."))
    if EvaluationFile.Kind.SPEC_SHEET not in kinds:
        missing.append(_("The spec sheet."))
    if EvaluationFile.Kind.INSTALLATION not in kinds:
        missing.append(_("The installation instructions."))
    if EvaluationFile.Kind.PHOTO not in kinds:
        missing.append(_("At least one product photo."))
    if not evaluation.service_types:
        missing.append(_("The service types the device serves."))
    if not evaluation.socket_forms:
        missing.append(_("The meter socket forms the device fits."))
    if evaluation.is_isolating and not evaluation.communication_interface.strip():
        missing.append(_("The communication interface of the isolating device."))
    return missing


def evaluation_start_review(*, evaluation_id: int, actor) -> DeviceEvaluation:
    """Meter engineering takes a submission (or an answer) into review."""
    _require_decider(actor)
    return evaluation_transition(
        evaluation_id=evaluation_id,
        step="start_review",
        target=Status.IN_REVIEW,
        actor=actor,
        on_commit=_status_email,
    )


def evaluation_request_info(*, evaluation_id: int, actor, message: str) -> DeviceEvaluation:
    """Ask the vendor a question; the evaluation waits for their answer."""
    _require_decider(actor)
    if not message.strip():
        raise ValidationError(_("Write what the vendor should send or explain."))
    with transaction.atomic():
        evaluation = evaluation_transition(
            evaluation_id=evaluation_id,
            step="request_info",
            target=Status.INFO_REQUESTED,
            actor=actor,
            note=message.strip(),
        )
        evaluation_message_send(evaluation_id=evaluation.pk, actor=actor, body=message)
    return evaluation


def evaluation_answer(*, evaluation_id: int, actor, message: str) -> DeviceEvaluation:
    """The vendor answers meter engineering's question (files are added before)."""
    if not message.strip():
        raise ValidationError(_("Write your answer."))
    with transaction.atomic():
        _vendor_evaluation(evaluation_id=evaluation_id, actor=actor)
        evaluation = evaluation_transition(
            evaluation_id=evaluation_id,
            step="answer",
            target=Status.ANSWERED,
            actor=actor,
            note=message.strip(),
            # A certificate added with the answer gets its checklist like the first ones.
            before_save=_checklists_open,
        )
        evaluation_message_send(evaluation_id=evaluation.pk, actor=actor, body=message)
    return evaluation


def evaluation_message_send(*, evaluation_id: int, actor, body: str) -> EvaluationMessage:
    """Post a message on the evaluation and email it to the other side."""
    body = body.strip()
    if not body:
        raise ValidationError(_("Write a message."))
    from_staff = selectors.can_decide(actor)
    if from_staff:
        evaluation = DeviceEvaluation.objects.get(pk=evaluation_id)
    else:
        evaluation = selectors.evaluations_editable_by(actor).filter(pk=evaluation_id).first()
        if evaluation is None:
            raise PermissionDenied
    message = EvaluationMessage.objects.create(
        evaluation=evaluation, author=actor, from_staff=from_staff, body=body
    )
    context = {"message": message}
    if from_staff:
        transaction.on_commit(
            lambda: _notify_vendor(
                evaluation, template="vendors/emails/evaluation_message", context=context
            )
        )
    else:
        transaction.on_commit(
            lambda: _notify_meter_engineering(
                evaluation, template="vendors/emails/evaluation_message", context=context
            )
        )
    return message


def evaluation_start_lab(*, evaluation_id: int, actor) -> DeviceEvaluation:
    """Send the device to lab evaluation once the paperwork is in order."""
    _require_decider(actor)
    return evaluation_transition(
        evaluation_id=evaluation_id,
        step="start_lab",
        target=Status.LAB_EVALUATION,
        actor=actor,
        on_commit=_status_email,
    )


def standard_review_record(
    *,
    review_id: int,
    actor,
    certificate_matches_model: bool,
    listing_current: bool,
    ratings_match: bool,
    note: str = "",
) -> StandardReview:
    """Record meter engineering's checklist for one standard."""
    _require_decider(actor)
    with transaction.atomic():
        review = StandardReview.objects.select_for_update().get(pk=review_id)
        review.certificate_matches_model = certificate_matches_model
        review.listing_current = listing_current
        review.ratings_match = ratings_match
        review.note = note.strip()
        review.reviewed_by = actor
        review.reviewed_at = timezone.now()
        review.save()
    return review


def _apl_values(evaluation: DeviceEvaluation) -> dict:
    """The device's requirements under the names the eligibility rules read."""
    return {
        "model_name": evaluation.model_name,
        "adapter_type": evaluation.adapter_type,
        # A device serves installs and GMA replacements; removals need no device.
        "request_types": ["install", "replacement"],
        "rated_current_amps": evaluation.continuous_rating_amps,
        "compatible_socket_forms": list(evaluation.socket_forms),
        "ring_requirement": evaluation.ring_requirement,
        "max_backfeed_amps": evaluation.max_backfeed_amps,
        "standards": ", ".join(certificate_standards(evaluation)),
        "status": ApprovedProduct.Status.ACTIVE,
        "approved_on": timezone.localdate(),
        "status_changed_on": timezone.localdate(),
        "is_sample": False,
    }


def evaluation_approve(*, evaluation_id: int, actor, reason: str) -> DeviceEvaluation:
    """Approve the device and write it to the Approved Product List (new entry or version)."""
    _require_decider(actor)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the decision."))
    with transaction.atomic():
        evaluation = DeviceEvaluation.objects.select_for_update().get(pk=evaluation_id)
        if evaluation.status == Status.APPROVED:
            return evaluation
        complete = {
            review.standard for review in evaluation.standard_reviews.all() if review.is_complete
        }
        # Every standard the list will name must have been checked, not only the first ones.
        unchecked = [s for s in certificate_standards(evaluation) if s not in complete]
        if unchecked or not complete:
            raise ValidationError(
                _("Complete the checklist for every standard first: %(standards)s.")
                % {"standards": ", ".join(unchecked) or "—"}
            )

        def before_save(item: DeviceEvaluation) -> list[str]:
            values = _apl_values(item)
            entry = (
                ApprovedProduct.objects.select_for_update()
                .filter(manufacturer=item.manufacturer, model_number=item.model_number)
                .first()
            )
            if entry is None:
                entry = ApprovedProduct(
                    manufacturer=item.manufacturer, model_number=item.model_number, **values
                )
            else:
                for name, value in values.items():
                    setattr(entry, name, value)
                entry.version += 1
            entry.full_clean()
            entry.save()
            item.apl_entry = entry
            item.decision_reason = reason.strip()
            item.decided_at = timezone.now()
            return ["apl_entry", "decision_reason", "decided_at"]

        return evaluation_transition(
            evaluation_id=evaluation.pk,
            step="approve",
            target=Status.APPROVED,
            actor=actor,
            note=reason.strip(),
            before_save=before_save,
            on_commit=_status_email,
        )


def evaluation_reject(*, evaluation_id: int, actor, reason: str) -> DeviceEvaluation:
    """Reject the device, with the reason the vendor reads."""
    _require_decider(actor)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the decision."))

    def before_save(item: DeviceEvaluation) -> list[str]:
        item.decision_reason = reason.strip()
        item.decided_at = timezone.now()
        return ["decision_reason", "decided_at"]

    return evaluation_transition(
        evaluation_id=evaluation_id,
        step="reject",
        target=Status.REJECTED,
        actor=actor,
        note=reason.strip(),
        before_save=before_save,
        on_commit=_status_email,
    )


def evaluation_withdraw(*, evaluation_id: int, actor) -> DeviceEvaluation:
    """The vendor withdraws its device from evaluation."""
    with transaction.atomic():
        _vendor_evaluation(evaluation_id=evaluation_id, actor=actor)
        return evaluation_transition(
            evaluation_id=evaluation_id,
            step="withdraw",
            target=Status.WITHDRAWN,
            actor=actor,
            on_commit=lambda item: _notify_meter_engineering(
                item, template="vendors/emails/evaluation_status", context={}
            ),
        )
