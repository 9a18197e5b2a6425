"""Writes to requests. Every change of a request's status goes through ``_transition``."""

import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from .models import Application, RequestEvent, Status

logger = logging.getLogger(__name__)


class TransitionError(Exception):
    """The request is not in a state from which this step is allowed."""


def _transition(
    *,
    application_id: int,
    step: str,
    target: str,
    actor=None,
    note: str = "",
    allow_repeat: bool = False,
    before_save: Callable[[Application], list[str]] | None = None,
    on_commit: Callable[[Application], None] | None = None,
) -> Application:
    """Move a request one step along its lifecycle, once.

    Locks the row, returns the request unchanged when it is already in ``target`` (so a repeat
    is harmless) unless ``allow_repeat`` (a reschedule is scheduled → scheduled), checks the step
    against the lifecycle declared on the model, saves, writes the audit row and queues
    ``on_commit`` to run after the transaction commits.
    """
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application_id)
        if application.status == target and not allow_repeat:
            return application
        source = application.status
        try:
            getattr(application, step)()
        except TransitionNotAllowed as exc:
            raise TransitionError(
                _("A request that is %(status)s cannot be moved to %(target)s.")
                % {
                    "status": application.get_status_display().lower(),
                    "target": Status(target).label.lower(),
                }
            ) from exc
        fields = ["status", "updated_at"]
        if before_save is not None:
            fields += before_save(application)
        application.save(update_fields=fields)
        RequestEvent.objects.create(
            application=application,
            from_status=source,
            to_status=application.status,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            note=note,
        )
        logger.info("request %s: %s -> %s", application.pk, source, application.status)
        if on_commit is not None:
            transaction.on_commit(lambda: on_commit(application))
    return application


def request_sign_agreement(*, application_id: int, actor=None) -> Application:
    """Move a draft whose Customer Agreement is signed on to paying the site-visit fee."""
    return _transition(
        application_id=application_id,
        step="sign_agreement",
        target=Status.AWAITING_PAYMENT,
        actor=actor,
        note=_("Customer Agreement signed."),
    )


def request_mark_paid(*, application_id: int, actor=None, note: str = "") -> Application:
    """Submit a request whose site-visit fee is paid and queue its eligibility check."""

    def stamp(application: Application) -> list[str]:
        application.submitted_at = timezone.now()
        return ["submitted_at"]

    def check(application: Application) -> None:
        from . import tasks

        tasks.send_eligibility_check(application.pk)

    return _transition(
        application_id=application_id,
        step="mark_paid",
        target=Status.SUBMITTED,
        actor=actor,
        note=note or _("Site-visit fee paid; request submitted."),
        before_save=stamp,
        on_commit=check,
    )


def request_mark_revisit_paid(*, application_id: int, actor=None, note: str = "") -> Application:
    """Return a request whose visit failed to the scheduler once the new fee is settled."""
    return _transition(
        application_id=application_id,
        step="reopen_for_revisit",
        target=Status.APPROVED,
        actor=actor,
        note=note or _("Revisit fee paid; waiting for a new visit."),
    )


def request_record_eligibility(*, application_id: int, outcome: str) -> Application:
    """Record the authoritative check's overall outcome and put the request under review."""

    def stamp(application: Application) -> list[str]:
        application.eligibility_outcome = outcome
        application.eligibility_checked_at = timezone.now()
        return ["eligibility_outcome", "eligibility_checked_at"]

    return _transition(
        application_id=application_id,
        step="record_eligibility",
        target=Status.UNDER_REVIEW,
        note=_("Eligibility checked: %(outcome)s.") % {"outcome": outcome},
        before_save=stamp,
    )


def request_ask_for_info(*, application_id: int, actor, question: str) -> Application:
    """Ask the applicant a question; the 30-business-day clock pauses until they answer."""
    return _transition(
        application_id=application_id,
        step="request_info",
        target=Status.INFO_REQUESTED,
        actor=actor,
        note=question,
    )


def request_answer_info(*, application_id: int, actor, answer: str) -> Application:
    """Record the applicant's answer and return the request to review."""
    return _transition(
        application_id=application_id,
        step="answer_info",
        target=Status.UNDER_REVIEW,
        actor=actor,
        note=answer,
    )


def _decide(application: Application) -> list[str]:
    application.decided_at = timezone.now()
    return ["decided_at"]


def request_approve(*, application_id: int, actor, note: str = "") -> Application:
    """Approve a reviewed request; the scheduler picks approved requests up."""
    return _transition(
        application_id=application_id,
        step="approve",
        target=Status.APPROVED,
        actor=actor,
        note=note or _("Approved."),
        before_save=_decide,
    )


def request_reject(*, application_id: int, actor, reason: str) -> Application:
    """Reject a reviewed request with the reason the customer will read."""
    return _transition(
        application_id=application_id,
        step="reject",
        target=Status.REJECTED,
        actor=actor,
        note=reason,
        before_save=_decide,
    )


def request_mark_scheduled(*, application_id: int, actor=None, note: str = "") -> Application:
    """Record that a visit is booked or moved (scheduled → scheduled is a reschedule)."""
    return _transition(
        application_id=application_id,
        step="schedule",
        target=Status.SCHEDULED,
        actor=actor,
        note=note,
        allow_repeat=True,
    )


def request_mark_unscheduled(*, application_id: int, actor=None, note: str = "") -> Application:
    """Return a request whose visit was released to the scheduler's queue."""
    return _transition(
        application_id=application_id,
        step="unschedule",
        target=Status.APPROVED,
        actor=actor,
        note=note,
    )


def request_record_visit_outcome(
    *, application_id: int, actor, completed: bool, note: str = ""
) -> Application:
    """Close a request whose visit is done, or mark the visit failed."""
    return _transition(
        application_id=application_id,
        step="complete_visit" if completed else "fail_visit",
        target=Status.COMPLETED if completed else Status.VISIT_FAILED,
        actor=actor,
        note=note,
    )


def request_cancel(*, application_id: int, actor, reason: str = "") -> Application:
    """Cancel a request before a visit is scheduled."""
    return _transition(
        application_id=application_id,
        step="cancel",
        target=Status.CANCELLED,
        actor=actor,
        note=reason or _("Cancelled by the applicant."),
    )
