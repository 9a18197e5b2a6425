"""The authoritative eligibility check of a request, and its re-run by staff.

The rules themselves are pure functions in ``eligibility.rules``; ``selectors.request_precheck``
gathers what they need for one request, the same way for the wizard's pre-check. This module keeps
the APL entry the request was judged against, stores one result row per rule and records the
outcome through ``enrollment.services``.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.i18n import Message, english, label_message
from eligibility.rules import Report
from eligibility.selectors import device_snapshot

from .models import EligibilityOutcome, EligibilityResult, Request, RequestEvent, Status
from .selectors import request_precheck
from .services import TransitionError, request_record_eligibility

logger = logging.getLogger(__name__)


def _judge(msa_request: Request, *, fresh_snapshot: bool) -> Report:
    # Keep the APL entry the request is judged against, so later edits to the list never
    # rewrite why it passed. The first check takes it as the list stands at submission; a
    # re-run keeps it unless the request now names another device.
    snapshot = msa_request.device_snapshot
    if msa_request.device_id is None:
        snapshot = None
    elif fresh_snapshot or not snapshot or snapshot.get("id") != msa_request.device_id:
        snapshot = device_snapshot(msa_request.device_id)
    msa_request.device_snapshot = snapshot
    return request_precheck(msa_request, device=snapshot)


def _store_results(msa_request: Request, report: Report) -> int:
    """Write one row per rule, touching only rows whose result or message changed.

    Returns how many rows were written. A constant number of queries, whatever the rule count.
    """
    now = timezone.now()
    existing = {r.code: r for r in msa_request.eligibility_results.all()}
    create, update = [], []
    for position, rule_result in enumerate(report.rules):
        row = existing.pop(rule_result.code, None)
        values = {
            "result": str(rule_result.result),
            "message": english(rule_result.message),
            "message_data": rule_result.message.as_data(),
            "position": position,
        }
        if row is None:
            create.append(
                EligibilityResult(
                    msa_request=msa_request, code=rule_result.code, checked_at=now, **values
                )
            )
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.checked_at = now
            update.append(row)
    EligibilityResult.objects.bulk_create(create)
    EligibilityResult.objects.bulk_update(
        update, ["result", "message", "message_data", "position", "checked_at"]
    )
    if existing:  # rules that no longer exist
        EligibilityResult.objects.filter(pk__in=[r.pk for r in existing.values()]).delete()
    return len(create) + len(update) + len(existing)


def eligibility_check_run(*, msa_request_id: int) -> Request:
    """Run the authoritative check of a submitted request and put it under review.

    Safe to run twice: a request that is no longer submitted is returned unchanged.
    """
    with transaction.atomic():
        msa_request = Request.objects.select_for_update().get(pk=msa_request_id)
        if msa_request.status != Status.SUBMITTED:
            logger.info(
                "eligibility check for request %s skipped: status %s",
                msa_request.pk,
                msa_request.status,
            )
            return msa_request
        report = _judge(msa_request, fresh_snapshot=True)
        # The transition below saves the row again (and writes its history entry), so a plain
        # update is enough here and keeps one history entry per check.
        Request.objects.filter(pk=msa_request.pk).update(
            device_snapshot=msa_request.device_snapshot
        )
        _store_results(msa_request, report)
        msa_request = request_record_eligibility(
            msa_request_id=msa_request.pk, outcome=str(report.outcome)
        )
    logger.info("eligibility check for request %s: %s", msa_request.pk, report.outcome)
    return msa_request


def eligibility_results_refresh(msa_request: Request):
    """Judge a locked, already checked request again and store its outcome and rule results.

    For a request whose facts changed after its first check (staff's re-check, the applicant's
    corrected answers): the device snapshot taken at the first check is kept. Call inside the
    transaction holding the request's row lock. Returns ``(report, rule results changed)``.
    """
    report = _judge(msa_request, fresh_snapshot=False)
    msa_request.eligibility_outcome = str(report.outcome)
    msa_request.eligibility_checked_at = timezone.now()
    msa_request.save(
        update_fields=[
            "device_snapshot",
            "eligibility_outcome",
            "eligibility_checked_at",
            "updated_at",
        ]
    )
    return report, _store_results(msa_request, report)


def eligibility_check_rerun(*, msa_request_id: int, actor) -> Request:
    """Re-run the check of a request under review, refresh its results and note who asked."""
    with transaction.atomic():
        msa_request = Request.objects.select_for_update().get(pk=msa_request_id)
        if msa_request.status != Status.UNDER_REVIEW:
            raise TransitionError(
                _("Eligibility can be re-checked only while a request is under review.")
            )
        previous = msa_request.eligibility_outcome
        report, changed = eligibility_results_refresh(msa_request)
        RequestEvent.objects.create(
            msa_request=msa_request,
            from_status=msa_request.status,
            to_status=msa_request.status,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            **RequestEvent.note_values(
                Message(
                    gettext_noop(
                        "Eligibility re-checked by staff: %(outcome)s (was %(previous)s; "
                        "%(changed)s rule results changed)."
                    )
                )
                % {
                    "outcome": label_message(EligibilityOutcome(report.outcome).label),
                    "previous": (
                        label_message(EligibilityOutcome(previous).label) if previous else "-"
                    ),
                    "changed": changed,
                }
            ),
        )
    logger.info("eligibility re-check for request %s: %s", msa_request.pk, report.outcome)
    return msa_request
