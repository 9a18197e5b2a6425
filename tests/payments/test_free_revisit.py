"""A visit that failed on the utility's side costs the customer nothing, wherever they look."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.urls import reverse

from accounts import services as account_services
from enrollment.models import Request, Status
from enrollment.selectors import revisit_is_free
from payments.errors import PaymentError
from payments.models import Payment
from payments.selectors import fee_due
from payments.services import payment_start_checkout
from scheduling import services as scheduling
from scheduling.models import FailureCode, Visit
from tests.factories import ContractorFactory
from tests.scheduling.conftest import approved_request, on_the_day
from tests.scheduling.factories import TechnicianFactory

from .factories import PaymentFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


@pytest.fixture
def failed_on_our_side(staff_user, django_capture_on_commit_callbacks):
    """A contractor's paid request whose visit failed with the utility at fault."""
    contractor = ContractorFactory()
    msa_request = approved_request(filed_by=contractor, contractor_company=contractor.company)
    PaymentFactory(msa_request=msa_request, status=Payment.Status.SUCCEEDED)
    technician = TechnicianFactory(windows=[(8, 12, 1)])
    visit = scheduling.visit_book(
        msa_request_id=msa_request.pk,
        window_id=technician.windows.get().pk,
        day=DAY,
        today=DAY - dt.timedelta(days=14),
    )
    mail.outbox.clear()
    with on_the_day(DAY), django_capture_on_commit_callbacks(execute=True):
        scheduling.visit_record_outcome(
            visit_id=visit.pk,
            actor=staff_user,
            completed=False,
            failure_code=FailureCode.OTHER,
            note="Our meter seal tool broke.",
            utility_fault=True,
        )
    msa_request.refresh_from_db()
    return msa_request, contractor


def test_utility_fault_sends_the_request_back_to_the_scheduler_by_itself(failed_on_our_side):
    msa_request, _contractor = failed_on_our_side

    assert msa_request.status in (Status.APPROVED, Status.SCHEDULED)
    assert revisit_is_free(msa_request_id=msa_request.pk)
    assert msa_request.events.filter(
        from_status=Status.VISIT_FAILED, to_status=Status.APPROVED
    ).exists()
    [email] = [m for m in mail.outbox if "could not complete" in m.subject]
    assert "no new fee" in email.body
    assert "pay a new site-visit fee" not in email.body


def test_status_page_and_contractor_dashboard_ask_no_fee(client, failed_on_our_side):
    msa_request, contractor = failed_on_our_side
    client.force_login(contractor)

    page = client.get(msa_request.get_absolute_url()).content.decode()
    dashboard = client.get(reverse("enrollment:company_requests")).content.decode()

    assert "Pay $279.22" not in page
    assert "needs a new site-visit fee" not in page
    assert "the next visit is free" in page
    assert "Pay the fee" not in dashboard


def test_pay_view_refuses_with_a_clear_message(fake_stripe, client, failed_on_our_side):
    msa_request, contractor = failed_on_our_side
    client.force_login(contractor)

    response = client.post(
        reverse("payments:checkout_start", kwargs={"pk": msa_request.pk}), follow=True
    )

    assert "the next visit is free" in response.content.decode()
    assert fake_stripe.calls("POST", "/v1/checkout/sessions") == []
    assert not Payment.objects.filter(purpose=Payment.Purpose.REVISIT).exists()


def test_api_checkout_refuses_a_free_revisit(fake_stripe, client, failed_on_our_side):
    msa_request, contractor = failed_on_our_side
    token = account_services.api_token_create(user=contractor, name="CRM")[1]

    response = client.post(
        f"/api/v1/requests/{msa_request.pk}/checkout",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        content_type="application/json",
    )

    assert response.status_code == 409
    assert "the next visit is free" in response.json()["message"]
    assert fake_stripe.calls("POST", "/v1/checkout/sessions") == []


def _failed_visit(msa_request, technician, staff_user, note: str) -> Visit:
    """Book ``msa_request`` on DAY and record the visit failed ("Other", with ``note``)."""
    visit = scheduling.visit_book(
        msa_request_id=msa_request.pk,
        window_id=technician.windows.get().pk,
        day=DAY,
        today=DAY - dt.timedelta(days=14),
    )
    with on_the_day(DAY):
        scheduling.visit_record_outcome(
            visit_id=visit.pk,
            actor=staff_user,
            completed=False,
            failure_code=FailureCode.OTHER,
            note=note,
            notify=False,
        )
    return visit


def test_a_utility_fault_recorded_before_free_revisits_existed_is_freed_by_the_migration(
    client, staff_user
):
    """Requests left in "visit failed" by the old code, their visit marked the utility's fault,
    asked a fee: the migration sends them back to the scheduler, free, as the new code does."""
    contractor = ContractorFactory()
    msa_request = approved_request(filed_by=contractor, contractor_company=contractor.company)
    PaymentFactory(msa_request=msa_request, status=Payment.Status.SUCCEEDED)
    technician = TechnicianFactory(windows=[(8, 12, 1)])
    visit = _failed_visit(msa_request, technician, staff_user, "Our meter seal tool broke.")
    # What the old code left behind: the fault on the visit, the request still owing a fee.
    Visit.objects.filter(pk=visit.pk).update(utility_fault=True)
    untouched = ContractorFactory()
    owing = approved_request(filed_by=untouched, contractor_company=untouched.company)
    _failed_visit(owing, technician, staff_user, "No access to the meter.")
    msa_request.refresh_from_db()
    assert fee_due(msa_request=msa_request) is not None  # the bug: a fee asked
    migration = importlib.import_module("scheduling.migrations.0012_free_utility_fault_revisits")

    with on_the_day(DAY + dt.timedelta(days=1)):  # released after the failures were recorded
        migration.free_utility_fault_revisits(django_apps, None)

    msa_request.refresh_from_db()
    assert msa_request.status == Status.APPROVED
    assert revisit_is_free(msa_request_id=msa_request.pk)
    assert fee_due(msa_request=msa_request) is None
    client.force_login(contractor)
    page = client.get(msa_request.get_absolute_url()).content.decode()
    assert "Pay $279.22" not in page
    assert "the next visit is free" in page
    owing.refresh_from_db()
    assert owing.status == Status.VISIT_FAILED  # the customer's own failure still owes a fee
    assert fee_due(msa_request=owing) is not None


def test_a_request_cancelled_while_its_free_revisit_was_owed_only_says_no_fee_is_due(
    failed_on_our_side, fake_stripe
):
    msa_request, contractor = failed_on_our_side
    Request.objects.filter(pk=msa_request.pk).update(status=Status.CANCELLED)

    with pytest.raises(PaymentError, match="no fee to pay right now"):
        payment_start_checkout(msa_request_id=msa_request.pk, actor=contractor)
