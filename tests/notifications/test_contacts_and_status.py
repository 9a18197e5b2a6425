"""Who is texted about a request (contractors as designated contacts) and status/payment texts."""

import datetime as dt

import pytest
from django.utils import timezone

from enrollment import services as enrollment
from enrollment.models import Request, RequestEvent, Status
from notifications import tasks, texts
from notifications.models import TextMessage
from notifications.services import choices_update
from scheduling import services as scheduling
from tests.factories import (
    ContractorCompanyFactory,
    ContractorFactory,
    MsaRequestFactory,
    StaffFactory,
    UserFactory,
)
from tests.scheduling.conftest import _frozen_clock, _scheduling_settings, approved_request
from tests.scheduling.factories import TechnicianFactory

from .conftest import NUMBER, verify_number

pytestmark = pytest.mark.django_db
__all__ = ["_frozen_clock", "_scheduling_settings"]  # the scheduling tests' clock and settings

CONTRACTOR_NUMBER = "+16265550177"
ADMIN_NUMBER = "+16265550188"
DAY = dt.date(2026, 12, 1)


def request_texts(fake, number: str) -> list[str]:
    """The texts about a request a number received (not its verification code)."""
    return [m["Body"] for m in fake.to(number) if m["Body"].startswith("MSA-")]


@pytest.fixture
def contractor_request():
    contractor = ContractorFactory()
    return approved_request(
        applicant=UserFactory(), filed_by=contractor, contractor_company=contractor.company
    )


def book(msa_request, capture):
    technician = TechnicianFactory(windows=[(8, 12, 2)])
    with capture(execute=True):
        return scheduling.visit_book(
            msa_request_id=msa_request.pk,
            window_id=technician.windows.get().pk,
            day=DAY,
        )


def test_the_contractor_as_designated_contact_is_texted_with_the_customer(
    contractor_request, fake_twilio, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    verify_number(contractor_request.applicant, fake_twilio, capture)
    verify_number(contractor_request.filed_by, fake_twilio, capture, number=CONTRACTOR_NUMBER)

    book(contractor_request, capture)

    expected = f"{contractor_request.reference}: meter visit booked for "
    for number in (NUMBER, CONTRACTOR_NUMBER):
        (body,) = request_texts(fake_twilio, number)
        assert body.startswith(expected)


def test_the_contractor_chooses_for_themselves(
    contractor_request, fake_twilio, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    verify_number(contractor_request.applicant, fake_twilio, capture)
    verify_number(contractor_request.filed_by, fake_twilio, capture, number=CONTRACTOR_NUMBER)
    choices_update(user=contractor_request.filed_by, text_visit=False)

    book(contractor_request, capture)

    assert request_texts(fake_twilio, CONTRACTOR_NUMBER) == []
    assert len(request_texts(fake_twilio, NUMBER)) == 1


def test_a_contractor_whose_authorization_was_revoked_is_not_texted(
    contractor_request, fake_twilio, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    verify_number(contractor_request.applicant, fake_twilio, capture)
    verify_number(contractor_request.filed_by, fake_twilio, capture, number=CONTRACTOR_NUMBER)
    Request.objects.filter(pk=contractor_request.pk).update(authorization_revoked_at=timezone.now())

    book(contractor_request, capture)

    assert request_texts(fake_twilio, CONTRACTOR_NUMBER) == []
    assert len(request_texts(fake_twilio, NUMBER)) == 1


def test_when_the_filer_left_the_company_its_admins_are_the_contacts(
    contractor_request, fake_twilio, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    filer = contractor_request.filed_by
    admin = ContractorFactory(company=filer.company, is_company_admin=True)
    verify_number(filer, fake_twilio, capture, number=CONTRACTOR_NUMBER)
    verify_number(admin, fake_twilio, capture, number=ADMIN_NUMBER)
    filer.company = ContractorCompanyFactory()  # moved to another installer
    filer.save(update_fields=["company"])

    book(contractor_request, capture)

    assert request_texts(fake_twilio, CONTRACTOR_NUMBER) == []
    assert len(request_texts(fake_twilio, ADMIN_NUMBER)) == 1


def test_a_status_change_is_texted_only_to_those_who_chose_it(
    fake_twilio, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    contractor = ContractorFactory()
    msa_request = MsaRequestFactory(
        applicant=UserFactory(preferred_language="es"),
        filed_by=contractor,
        contractor_company=contractor.company,
        status=Status.UNDER_REVIEW,
        submitted_at=timezone.now(),
    )
    verify_number(msa_request.applicant, fake_twilio, capture)
    verify_number(contractor, fake_twilio, capture, number=CONTRACTOR_NUMBER)
    choices_update(user=msa_request.applicant, text_status=True)  # the contractor keeps the default

    with capture(execute=True):
        enrollment.request_ask_for_info(
            msa_request_id=msa_request.pk, actor=StaffFactory(), question="Which meter?"
        )

    assert request_texts(fake_twilio, NUMBER) == [
        f"{msa_request.reference}: el estado de la solicitud ahora es Información solicitada. "
        "STOP para no recibir más"
    ]
    assert request_texts(fake_twilio, CONTRACTOR_NUMBER) == []


def test_payment_due_is_its_own_choice(fake_twilio, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    paying, status_only = MsaRequestFactory(), MsaRequestFactory()
    verify_number(paying.applicant, fake_twilio, capture)
    verify_number(status_only.applicant, fake_twilio, capture, number=CONTRACTOR_NUMBER)
    choices_update(user=paying.applicant, text_payment=True)
    choices_update(user=status_only.applicant, text_status=True)

    with capture(execute=True):
        for msa_request in (paying, status_only):
            enrollment.request_sign_agreement(msa_request_id=msa_request.pk)

    assert request_texts(fake_twilio, NUMBER) == [
        f"{paying.reference}: the site-visit fee is due; pay in the portal. STOP to opt out"
    ]
    assert request_texts(fake_twilio, CONTRACTOR_NUMBER) == []
    assert TextMessage.objects.get(recipient=paying.applicant, kind="payment_due").msa_request == (
        paying
    )


def test_a_visit_being_scheduled_is_not_texted_as_a_status_change(
    fake_twilio, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    msa_request = approved_request()
    verify_number(msa_request.applicant, fake_twilio, capture)
    choices_update(user=msa_request.applicant, text_status=True, text_visit=False)

    book(msa_request, capture)

    assert Request.objects.get(pk=msa_request.pk).status == Status.SCHEDULED
    assert request_texts(fake_twilio, NUMBER) == []


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "kind",
    ["day_before", "morning_of", "booked", "rescheduled", "cancelled", "status", "payment_due"],
)
def test_every_text_names_the_request_once_at_its_start(kind, language):
    visit = type("Visit", (), {"date": DAY, "window": "8:00-12:00"})()

    body = texts.render(
        kind=kind, language=language, reference="MSA-000001", visit=visit, status="Approved"
    )

    assert body.startswith("MSA-000001: ")
    assert "MSA MSA-" not in body


def test_a_status_text_task_run_twice_texts_once(fake_twilio, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    msa_request = MsaRequestFactory(status=Status.UNDER_REVIEW, submitted_at=timezone.now())
    verify_number(msa_request.applicant, fake_twilio, capture)
    choices_update(user=msa_request.applicant, text_status=True)
    with capture(execute=True):
        enrollment.request_ask_for_info(
            msa_request_id=msa_request.pk, actor=StaffFactory(), question="Which meter?"
        )
    event = RequestEvent.objects.filter(msa_request=msa_request).latest("pk")

    with capture(execute=True):  # a worker restart redelivers the same task
        assert tasks.text_status_changed.delay(event.pk).get() == 0

    assert len(request_texts(fake_twilio, NUMBER)) == 1
