"""Staff decisions on requests: approve, reject with a reason code, ask for information.

Each function goes through ``enrollment.services`` (which locks the row, checks the source state
and writes the audit row) and reports whether anything changed, so the back office can tell
"done" from "already done" without a second decision ever being recorded.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.i18n import Message, label_message

from . import services
from .eligibility import eligibility_check_rerun
from .models import (
    EligibilityOutcome,
    Rejection,
    RejectionReason,
    Request,
    RequestEvent,
    Status,
)
from .services import TransitionError

logger = logging.getLogger(__name__)

QUESTION_MAX_LENGTH = 2000
MESSAGE_MAX_LENGTH = 2000


@dataclass(frozen=True)
class Decision:
    """What a decision did: ``changed`` is False when the request was already in that state."""

    msa_request: Request
    changed: bool


@dataclass
class BulkApproval:
    approved: list[Request] = field(default_factory=list)
    already: list[Request] = field(default_factory=list)
    skipped: list[Request] = field(default_factory=list)


def _locked(msa_request_id: int) -> Request:
    return Request.objects.select_for_update().get(pk=msa_request_id)


def request_decide_approve(*, msa_request_id: int, actor, note: str = "") -> Decision:
    """Approve a request under review, refusing one whose eligibility check failed."""
    with transaction.atomic():
        msa_request = _locked(msa_request_id)
        if msa_request.status == Status.APPROVED:
            return Decision(msa_request=msa_request, changed=False)
        if (
            msa_request.status == Status.UNDER_REVIEW
            and msa_request.eligibility_outcome == EligibilityOutcome.FAIL
        ):
            raise TransitionError(
                _(
                    "This request failed its eligibility checks: reject it, or ask for "
                    "information and re-run the checks once the facts are corrected."
                )
            )
        msa_request = services.request_approve(
            msa_request_id=msa_request_id, actor=actor, note=note.strip()
        )
    return Decision(msa_request=msa_request, changed=True)


def requests_bulk_approve(*, msa_request_ids: Iterable[int], actor) -> BulkApproval:
    """Approve each request under review whose eligibility checks all passed; skip the others."""
    result = BulkApproval()
    for msa_request_id in msa_request_ids:
        with transaction.atomic():
            msa_request = _locked(msa_request_id)
            if msa_request.status == Status.APPROVED:
                result.already.append(msa_request)
                continue
            if not (
                msa_request.status == Status.UNDER_REVIEW
                and msa_request.eligibility_outcome == EligibilityOutcome.PASS
            ):
                result.skipped.append(msa_request)
                continue
            result.approved.append(
                services.request_approve(msa_request_id=msa_request_id, actor=actor)
            )
    logger.info(
        "bulk approval: %d approved, %d already approved, %d skipped",
        len(result.approved),
        len(result.already),
        len(result.skipped),
    )
    return result


def request_decide_reject(
    *, msa_request_id: int, actor, reason_code: str, message: str
) -> Decision:
    """Reject a request under review with a reason code and a message the customer reads."""
    message = message.strip()
    if reason_code not in RejectionReason.values:
        raise ValidationError(_("Choose a reason from the list."), code="invalid_reason")
    if not message:
        raise ValidationError(_("Write a message to the customer."), code="required")
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            _("Keep the message under %(limit)d characters.") % {"limit": MESSAGE_MAX_LENGTH},
            code="max_length",
        )
    with transaction.atomic():
        msa_request = _locked(msa_request_id)
        if msa_request.status == Status.REJECTED:
            return Decision(msa_request=msa_request, changed=False)
        note = Message(gettext_noop("%(reason)s. %(message)s")) % {
            "reason": label_message(RejectionReason(reason_code).label),
            "message": message,
        }
        msa_request = services.request_reject(
            msa_request_id=msa_request_id, actor=actor, reason=note
        )
        event = (
            RequestEvent.objects.filter(msa_request=msa_request, to_status=Status.REJECTED)
            .order_by("-created_at", "-pk")
            .first()
        )
        Rejection.objects.create(
            msa_request=msa_request,
            event=event,
            reason_code=reason_code,
            message=message,
            decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    return Decision(msa_request=msa_request, changed=True)


def request_decide_ask_for_info(*, msa_request_id: int, actor, question: str) -> Decision:
    """Send the applicant a question; the request waits for their answer."""
    question = question.strip()
    if not question:
        raise ValidationError(_("Write the question the applicant should answer."), code="required")
    if len(question) > QUESTION_MAX_LENGTH:
        raise ValidationError(
            _("Keep the question under %(limit)d characters.") % {"limit": QUESTION_MAX_LENGTH},
            code="max_length",
        )
    with transaction.atomic():
        msa_request = _locked(msa_request_id)
        if msa_request.status == Status.INFO_REQUESTED:
            return Decision(msa_request=msa_request, changed=False)
        msa_request = services.request_ask_for_info(
            msa_request_id=msa_request_id, actor=actor, question=question
        )
    return Decision(msa_request=msa_request, changed=True)


def request_decide_rerun_eligibility(*, msa_request_id: int, actor) -> Decision:
    """Re-run the eligibility check of a request under review (after its facts were corrected)."""
    msa_request = eligibility_check_rerun(msa_request_id=msa_request_id, actor=actor)
    return Decision(msa_request=msa_request, changed=True)
