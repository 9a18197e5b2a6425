"""Every lifecycle step of DESIGN.md §3, legal and illegal, through the services."""

import pytest
from django.db import IntegrityError, transaction

from enrollment import services
from enrollment.models import Request, RequestEvent, Status
from tests.factories import MsaRequestFactory, StaffFactory

# service name -> (kwargs builder, sources it is allowed from, target)
STEPS = {
    "request_sign_agreement": (lambda s: {}, {Status.DRAFT}, Status.AWAITING_PAYMENT),
    "request_mark_paid": (lambda s: {}, {Status.AWAITING_PAYMENT}, Status.SUBMITTED),
    "request_record_eligibility": (
        lambda s: {"outcome": "pass"},
        {Status.SUBMITTED},
        Status.UNDER_REVIEW,
    ),
    "request_ask_for_info": (
        lambda s: {"actor": s, "question": "Photo of the panel label, please."},
        {Status.UNDER_REVIEW},
        Status.INFO_REQUESTED,
    ),
    "request_answer_info": (
        lambda s: {"actor": s, "answer": "Attached."},
        {Status.INFO_REQUESTED},
        Status.UNDER_REVIEW,
    ),
    "request_approve": (lambda s: {"actor": s}, {Status.UNDER_REVIEW}, Status.APPROVED),
    "request_reject": (
        lambda s: {"actor": s, "reason": "Panel rated 400 A."},
        {Status.UNDER_REVIEW},
        Status.REJECTED,
    ),
    "request_mark_scheduled": (lambda s: {}, {Status.APPROVED, Status.SCHEDULED}, Status.SCHEDULED),
    "request_mark_unscheduled": (lambda s: {}, {Status.SCHEDULED}, Status.APPROVED),
    "request_mark_revisit_paid": (lambda s: {}, {Status.VISIT_FAILED}, Status.APPROVED),
    "request_cancel": (
        lambda s: {"actor": s},
        {
            Status.DRAFT,
            Status.AWAITING_PAYMENT,
            Status.SUBMITTED,
            Status.UNDER_REVIEW,
            Status.INFO_REQUESTED,
            Status.APPROVED,
            Status.VISIT_FAILED,  # the customer gives up instead of paying for a revisit
        },
        Status.CANCELLED,
    ),
}
CASES = [(name, source) for name in STEPS for source in Status.values]


@pytest.mark.django_db
@pytest.mark.parametrize(("service", "source"), CASES)
def test_each_step_from_each_state(service, source, django_capture_on_commit_callbacks):
    staff = StaffFactory()
    kwargs_for, allowed, target = STEPS[service]
    msa_request = MsaRequestFactory(status=source)
    call = getattr(services, service)

    if source in allowed or source == target:
        with django_capture_on_commit_callbacks(execute=False):
            result = call(msa_request_id=msa_request.pk, **kwargs_for(staff))
        assert result.status == target
        msa_request.refresh_from_db()
        assert msa_request.status == target
        moved = source != target or service == "request_mark_scheduled"
        assert RequestEvent.objects.filter(msa_request=msa_request).count() == int(moved)
    else:
        with pytest.raises(services.TransitionError):
            call(msa_request_id=msa_request.pk, **kwargs_for(staff))
        msa_request.refresh_from_db()
        assert msa_request.status == source
        assert not RequestEvent.objects.filter(msa_request=msa_request).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("completed", [True, False])
def test_visit_outcome_moves_a_scheduled_request(completed, staff_user):
    msa_request = MsaRequestFactory(status=Status.SCHEDULED)

    result = services.request_record_visit_outcome(
        msa_request_id=msa_request.pk, actor=staff_user, completed=completed
    )

    assert result.status == (Status.COMPLETED if completed else Status.VISIT_FAILED)


@pytest.mark.django_db
def test_visit_outcome_is_refused_before_a_visit_is_scheduled(staff_user):
    msa_request = MsaRequestFactory(status=Status.APPROVED)

    with pytest.raises(services.TransitionError):
        services.request_record_visit_outcome(
            msa_request_id=msa_request.pk, actor=staff_user, completed=True
        )


@pytest.mark.django_db
def test_repeated_approval_is_harmless_and_audited_once(staff_user):
    msa_request = MsaRequestFactory(status=Status.UNDER_REVIEW)

    services.request_approve(msa_request_id=msa_request.pk, actor=staff_user)
    services.request_approve(msa_request_id=msa_request.pk, actor=staff_user)

    events = list(msa_request.events.all())
    assert len(events) == 1
    assert (events[0].from_status, events[0].to_status) == (Status.UNDER_REVIEW, Status.APPROVED)
    assert events[0].actor == staff_user


@pytest.mark.django_db
def test_payment_stamps_submission_time_and_runs_the_eligibility_check(
    django_capture_on_commit_callbacks,
):
    msa_request = MsaRequestFactory(status=Status.AWAITING_PAYMENT)

    with django_capture_on_commit_callbacks(execute=True):
        services.request_mark_paid(msa_request_id=msa_request.pk)

    msa_request.refresh_from_db()
    assert msa_request.submitted_at is not None
    assert msa_request.status == Status.UNDER_REVIEW
    assert msa_request.eligibility_outcome


@pytest.mark.django_db
def test_database_refuses_a_second_open_request_for_the_same_meter():
    MsaRequestFactory(status=Status.SUBMITTED, meter_number="M1234567")

    with pytest.raises(IntegrityError), transaction.atomic():
        MsaRequestFactory(status=Status.APPROVED, meter_number="M1234567")

    MsaRequestFactory(status=Status.COMPLETED, meter_number="M1234567")
    MsaRequestFactory(status=Status.DRAFT, meter_number="M1234567")
    assert Request.objects.filter(meter_number="M1234567").count() == 3


# --- the enrollment services that act on drafts and open questions --------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("source", Status.values)
def test_only_a_draft_can_be_edited(source):
    msa_request = MsaRequestFactory(status=source, premises_city="Rosemead")

    if source == Status.DRAFT:
        services.request_update_draft(
            msa_request_id=msa_request.pk,
            actor=msa_request.applicant,
            step="premises",
            data={"premises_city": "El Monte"},
        )
        msa_request.refresh_from_db()
        assert msa_request.premises_city == "El Monte"
        assert msa_request.wizard_step == "premises"
    else:
        with pytest.raises(services.TransitionError):
            services.request_update_draft(
                msa_request_id=msa_request.pk,
                actor=msa_request.applicant,
                step="premises",
                data={"premises_city": "El Monte"},
            )
        msa_request.refresh_from_db()
        assert msa_request.premises_city == "Rosemead"


@pytest.mark.django_db
def test_a_draft_update_cannot_touch_the_status_or_outcomes():
    msa_request = MsaRequestFactory()

    for field in ("status", "eligibility_outcome", "submitted_at", "applicant"):
        with pytest.raises(ValueError):
            services.request_update_draft(
                msa_request_id=msa_request.pk,
                actor=msa_request.applicant,
                step="type",
                data={field: "approved"},
            )


@pytest.mark.django_db
def test_a_draft_update_validates_the_utility_formats():
    from django.core.exceptions import ValidationError

    msa_request = MsaRequestFactory()

    with pytest.raises(ValidationError):
        services.request_update_draft(
            msa_request_id=msa_request.pk,
            actor=msa_request.applicant,
            step="accounts",
            data={"service_account_number": "9123456789"},
        )


@pytest.mark.django_db
def test_creating_a_draft_records_who_started_it(customer):
    msa_request = services.request_create_draft(actor=customer, request_type="replacement")

    assert msa_request.status == Status.DRAFT
    assert msa_request.customer_email == customer.email
    event = msa_request.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("", Status.DRAFT, customer)


@pytest.mark.django_db
@pytest.mark.parametrize("source", Status.values)
def test_answering_a_question_is_only_possible_while_one_is_open(source, customer):
    msa_request = MsaRequestFactory(status=source)

    if source == Status.INFO_REQUESTED:
        services.request_respond_to_info(
            msa_request_id=msa_request.pk, actor=customer, answer="Yes, 200 A."
        )
        msa_request.refresh_from_db()
        assert msa_request.status == Status.UNDER_REVIEW
    else:
        with pytest.raises(services.TransitionError):
            services.request_respond_to_info(
                msa_request_id=msa_request.pk, actor=customer, answer="Yes, 200 A."
            )
        msa_request.refresh_from_db()
        assert msa_request.status == source


@pytest.mark.django_db
def test_a_batch_of_approved_requests_is_scheduled_once_each_with_audit_and_history():
    approved = [MsaRequestFactory(status=Status.APPROVED) for _ in range(3)]
    cancelled = MsaRequestFactory(status=Status.CANCELLED)

    moved = services.requests_mark_scheduled(
        msa_request_ids=[a.pk for a in approved] + [cancelled.pk], note="Booked."
    )
    again = services.requests_mark_scheduled(msa_request_ids=[a.pk for a in approved])

    assert sorted(moved) == sorted(a.pk for a in approved)
    assert again == []
    for msa_request in approved:
        msa_request.refresh_from_db()
        assert msa_request.status == Status.SCHEDULED
        assert msa_request.events.get().to_status == Status.SCHEDULED
        assert msa_request.history.latest().status == Status.SCHEDULED
    cancelled.refresh_from_db()
    assert cancelled.status == Status.CANCELLED
    assert not cancelled.events.exists()
