"""The fee ledger: a failed visit needs a new fee, unless staff waive it."""

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError
from django.urls import reverse

from enrollment.models import Status
from enrollment.services import request_record_visit_outcome
from payments.errors import PaymentError
from payments.models import Payment
from payments.services import (
    payment_fulfil_from_session,
    payment_start_checkout,
    payment_waive_revisit_fee,
)
from tests.factories import ContractorFactory, MsaRequestFactory, StaffFactory

from .factories import PaymentFactory

pytestmark = pytest.mark.django_db


def failed_visit(msa_request, staff):
    """Put a paid, scheduled request through a failed visit."""
    PaymentFactory(msa_request=msa_request, status=Payment.Status.SUCCEEDED)
    msa_request.status = Status.SCHEDULED
    msa_request.save(update_fields=["status"])
    request_record_visit_outcome(
        msa_request_id=msa_request.pk, actor=staff, completed=False, note="NOT_LEFT_IN_BAG"
    )
    msa_request.refresh_from_db()
    return msa_request


@pytest.fixture
def contractor_request(staff_user):
    contractor = ContractorFactory()
    msa_request = MsaRequestFactory(filed_by=contractor, contractor_company=contractor.company)
    return failed_visit(msa_request, staff_user), contractor


def test_contractor_pays_the_revisit_fee_and_the_request_returns_to_scheduling(
    fake_stripe, client, contractor_request
):
    msa_request, contractor = contractor_request
    client.force_login(contractor)

    page = client.get(msa_request.get_absolute_url()).content.decode()
    assert "needs a new site-visit fee" in page
    response = client.post(reverse("payments:checkout_start", kwargs={"pk": msa_request.pk}))

    revisit = Payment.objects.get(purpose=Payment.Purpose.REVISIT)
    assert revisit.visit_number == 2
    [create] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert create.params["line_items[0][price_data][unit_amount]"] == "27922"
    assert response.url.endswith(revisit.checkout_session_id)

    payment_fulfil_from_session(
        session=fake_stripe.complete(revisit.checkout_session_id), provider="stripe"
    )

    msa_request.refresh_from_db()
    revisit.refresh_from_db()
    assert revisit.status == Payment.Status.SUCCEEDED
    assert msa_request.status == Status.APPROVED
    assert Payment.objects.filter(status=Payment.Status.SUCCEEDED).count() == 2
    # The request's history says which fee was paid, and its receipt.
    note = str(msa_request.events.order_by("pk").last().note)
    assert "$279.22" in note
    assert revisit.receipt_number in note


def test_second_failed_visit_needs_a_third_fee(fake_stripe, staff_user, contractor_request):
    msa_request, contractor = contractor_request
    payment_start_checkout(msa_request_id=msa_request.pk, actor=contractor)
    revisit = Payment.objects.get(purpose=Payment.Purpose.REVISIT)
    payment_fulfil_from_session(
        session=fake_stripe.complete(revisit.checkout_session_id), provider="stripe"
    )
    msa_request.refresh_from_db()
    msa_request.status = Status.SCHEDULED
    msa_request.save(update_fields=["status"])
    request_record_visit_outcome(msa_request_id=msa_request.pk, actor=staff_user, completed=False)

    payment_start_checkout(msa_request_id=msa_request.pk, actor=contractor)

    assert Payment.objects.get(status=Payment.Status.PENDING).visit_number == 3


def test_staff_waive_the_revisit_fee_when_the_utility_caused_the_failure(
    client, fake_stripe, contractor_request
):
    msa_request, _contractor = contractor_request
    staff = StaffFactory(is_superuser=False)
    staff.user_permissions.add(Permission.objects.get(codename="waive_fee"))
    client.force_login(staff)

    response = client.post(
        reverse("admin:payments_payment_waive", kwargs={"msa_request_pk": msa_request.pk}),
        {"reason": "Technician arrived without the right meter"},
    )

    assert response.status_code == 302
    msa_request.refresh_from_db()
    waived = Payment.objects.get(status=Payment.Status.WAIVED)
    assert msa_request.status == Status.APPROVED
    assert waived.amount_cents == 0
    assert waived.visit_number == 2
    assert waived.waived_by == staff
    assert fake_stripe.requests == []
    assert "waived" in msa_request.events.last().note


def test_a_waived_fee_cannot_be_paid_or_waived_again(fake_stripe, staff_user, contractor_request):
    msa_request, contractor = contractor_request
    payment_waive_revisit_fee(msa_request_id=msa_request.pk, staff_user=staff_user, reason="ours")

    with pytest.raises(PaymentError):
        payment_start_checkout(msa_request_id=msa_request.pk, actor=contractor)
    with pytest.raises(PaymentError):
        payment_waive_revisit_fee(msa_request_id=msa_request.pk, staff_user=staff_user, reason="x")


def test_no_waiver_while_the_customer_is_paying(fake_stripe, staff_user, contractor_request):
    msa_request, contractor = contractor_request
    payment_start_checkout(msa_request_id=msa_request.pk, actor=contractor)

    with pytest.raises(PaymentError, match="in progress"):
        payment_waive_revisit_fee(msa_request_id=msa_request.pk, staff_user=staff_user, reason="x")


def test_waiving_needs_the_permission(client, contractor_request):
    msa_request, _contractor = contractor_request
    client.force_login(StaffFactory(is_superuser=False))

    response = client.post(
        reverse("admin:payments_payment_waive", kwargs={"msa_request_pk": msa_request.pk}),
        {"reason": "x"},
    )

    assert response.status_code == 403
    assert not Payment.objects.filter(status=Payment.Status.WAIVED).exists()


def test_only_a_failed_visit_fee_can_be_waived(staff_user, awaiting):
    with pytest.raises(PaymentError):
        payment_waive_revisit_fee(msa_request_id=awaiting.pk, staff_user=staff_user, reason="x")


def test_database_refuses_two_live_fees_for_one_visit(awaiting):
    PaymentFactory(msa_request=awaiting, status=Payment.Status.SUCCEEDED)

    with pytest.raises(IntegrityError):
        PaymentFactory(msa_request=awaiting, status=Payment.Status.PENDING)


def test_expired_fees_do_not_hold_the_visit(awaiting):
    PaymentFactory(msa_request=awaiting, status=Payment.Status.EXPIRED)
    PaymentFactory(msa_request=awaiting, status=Payment.Status.FAILED)

    PaymentFactory(msa_request=awaiting, status=Payment.Status.PENDING)

    assert Payment.objects.count() == 3


def test_database_refuses_a_charged_waiver(awaiting):
    with pytest.raises(IntegrityError):
        PaymentFactory(
            msa_request=awaiting,
            status=Payment.Status.WAIVED,
            provider=Payment.Provider.WAIVER,
            amount_cents=27922,
        )


def test_waive_action_for_the_request_admin_opens_the_waive_page(rf, contractor_request):
    from django.contrib import admin

    from enrollment.models import Request
    from payments.admin import WaiveRevisitFeeAdminMixin

    class RequestAdmin(WaiveRevisitFeeAdminMixin, admin.ModelAdmin):
        actions = ["waive_revisit_fee"]

    msa_request, _contractor = contractor_request
    staff = StaffFactory(is_superuser=False)
    staff.user_permissions.add(Permission.objects.get(codename="waive_fee"))
    request = rf.post("/")
    request.user = staff
    model_admin = RequestAdmin(Request, admin.AdminSite())

    assert "waive_revisit_fee" in model_admin.get_actions(request)
    response = model_admin.waive_revisit_fee(request, Request.objects.filter(pk=msa_request.pk))

    assert response.url == reverse(
        "admin:payments_payment_waive", kwargs={"msa_request_pk": msa_request.pk}
    )


def test_waive_page_shows_the_request(client, staff_user, contractor_request):
    msa_request, _contractor = contractor_request
    client.force_login(staff_user)

    page = client.get(
        reverse("admin:payments_payment_waive", kwargs={"msa_request_pk": msa_request.pk})
    )

    assert page.status_code == 200
    assert msa_request.reference in page.content.decode()


def test_waive_index_lists_requests_whose_visit_failed(client, staff_user, contractor_request):
    msa_request, _contractor = contractor_request
    client.force_login(staff_user)

    changelist = client.get(reverse("admin:payments_payment_changelist")).content.decode()
    page = client.get(reverse("admin:payments_payment_waive_index")).content.decode()

    assert reverse("admin:payments_payment_waive_index") in changelist
    assert (
        reverse("admin:payments_payment_waive", kwargs={"msa_request_pk": msa_request.pk}) in page
    )
