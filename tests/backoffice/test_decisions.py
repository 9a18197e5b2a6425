"""Decisions from every state: allowed once, a harmless repeat, or refused with nothing changed."""

import pytest
from django.core.exceptions import ValidationError

from enrollment import decisions
from enrollment.models import EligibilityOutcome, Rejection, RejectionReason, RequestEvent, Status
from enrollment.services import TransitionError
from tests.backoffice.conftest import make_request

pytestmark = pytest.mark.django_db

OTHER_STATES = {
    "approve": [s for s in Status.values if s not in (Status.UNDER_REVIEW, Status.APPROVED)],
    "reject": [s for s in Status.values if s not in (Status.UNDER_REVIEW, Status.REJECTED)],
    "ask": [s for s in Status.values if s not in (Status.UNDER_REVIEW, Status.INFO_REQUESTED)],
}


def decide(kind: str, msa_request, actor):
    if kind == "approve":
        return decisions.request_decide_approve(msa_request_id=msa_request.pk, actor=actor)
    if kind == "reject":
        return decisions.request_decide_reject(
            msa_request_id=msa_request.pk,
            actor=actor,
            reason_code=RejectionReason.INELIGIBLE_SITE,
            message="Your panel is rated 400 A.",
        )
    return decisions.request_decide_ask_for_info(
        msa_request_id=msa_request.pk, actor=actor, question="Please send a photo of the meter."
    )


TARGET = {"approve": Status.APPROVED, "reject": Status.REJECTED, "ask": Status.INFO_REQUESTED}


@pytest.mark.parametrize("kind", ["approve", "reject", "ask"])
def test_decision_from_under_review_moves_the_request_once(kind, reviewer):
    msa_request = make_request(outcome=EligibilityOutcome.REVIEW if kind != "approve" else "pass")

    first = decide(kind, msa_request, reviewer)
    second = decide(kind, msa_request, reviewer)

    msa_request.refresh_from_db()
    assert msa_request.status == TARGET[kind]
    assert first.changed and not second.changed
    events = RequestEvent.objects.filter(msa_request=msa_request)
    assert [(e.from_status, e.to_status, e.actor) for e in events] == [
        (Status.UNDER_REVIEW, TARGET[kind], reviewer)
    ]


@pytest.mark.parametrize(
    ("kind", "state"), [(k, s) for k, states in OTHER_STATES.items() for s in states]
)
def test_decision_from_a_wrong_state_is_refused_and_changes_nothing(kind, state, reviewer):
    msa_request = make_request(state)

    with pytest.raises(TransitionError):
        decide(kind, msa_request, reviewer)

    msa_request.refresh_from_db()
    assert msa_request.status == state
    assert not RequestEvent.objects.filter(msa_request=msa_request).exists()
    assert not Rejection.objects.exists()


def test_approving_a_request_that_failed_its_checks_is_refused(reviewer):
    msa_request = make_request(outcome=EligibilityOutcome.FAIL)

    with pytest.raises(TransitionError):
        decisions.request_decide_approve(msa_request_id=msa_request.pk, actor=reviewer)

    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW


def test_approving_a_request_that_needs_staff_review_is_allowed(reviewer):
    msa_request = make_request(outcome=EligibilityOutcome.REVIEW)

    decisions.request_decide_approve(msa_request_id=msa_request.pk, actor=reviewer)

    msa_request.refresh_from_db()
    assert msa_request.status == Status.APPROVED
    assert msa_request.decided_at is not None


def test_rejection_keeps_reason_code_and_shows_the_customer_the_message(reviewer):
    msa_request = make_request()

    decisions.request_decide_reject(
        msa_request_id=msa_request.pk,
        actor=reviewer,
        reason_code=RejectionReason.DEVICE_NOT_APPROVED,
        message="The adapter you chose serves installs only.",
    )

    rejection = Rejection.objects.get(msa_request=msa_request)
    assert rejection.reason_code == RejectionReason.DEVICE_NOT_APPROVED
    assert rejection.decided_by == reviewer
    assert rejection.event.to_status == Status.REJECTED
    assert "The adapter you chose serves installs only." in rejection.event.note
    assert str(RejectionReason.DEVICE_NOT_APPROVED.label) in rejection.event.note


@pytest.mark.parametrize(
    ("code", "message"), [("NOT_A_CODE", "Something"), (RejectionReason.OTHER, "   ")]
)
def test_rejection_needs_a_known_code_and_a_message(code, message, reviewer):
    msa_request = make_request()

    with pytest.raises(ValidationError):
        decisions.request_decide_reject(
            msa_request_id=msa_request.pk, actor=reviewer, reason_code=code, message=message
        )

    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW


def test_asking_for_information_needs_a_question(reviewer):
    msa_request = make_request()

    with pytest.raises(ValidationError):
        decisions.request_decide_ask_for_info(
            msa_request_id=msa_request.pk, actor=reviewer, question=""
        )


def test_bulk_approve_approves_only_passed_requests_under_review(reviewer):
    passed = make_request(outcome=EligibilityOutcome.PASS)
    needs_review = make_request(outcome=EligibilityOutcome.REVIEW)
    failed = make_request(outcome=EligibilityOutcome.FAIL)
    submitted = make_request(Status.SUBMITTED)
    already = make_request(Status.APPROVED)

    result = decisions.requests_bulk_approve(
        msa_request_ids=[a.pk for a in (passed, needs_review, failed, submitted, already)],
        actor=reviewer,
    )

    assert [a.pk for a in result.approved] == [passed.pk]
    assert [a.pk for a in result.already] == [already.pk]
    assert {a.pk for a in result.skipped} == {needs_review.pk, failed.pk, submitted.pk}
    statuses = {a.pk: a.status for a in type(passed).objects.all()}
    assert statuses == {
        passed.pk: Status.APPROVED,
        needs_review.pk: Status.UNDER_REVIEW,
        failed.pk: Status.UNDER_REVIEW,
        submitted.pk: Status.SUBMITTED,
        already.pk: Status.APPROVED,
    }
    assert RequestEvent.objects.count() == 1
