"""After a failed visit the customer can give up instead of paying for a revisit: the request is
cancelled, the fee is explained plainly, and the meter is free for a new request."""

import pytest
from django.urls import reverse

from enrollment import services
from enrollment.models import RequestEvent, Status
from enrollment.selectors import request_has_open_duplicate, request_precheck
from tests.factories import MeterRecordFactory, MsaRequestFactory

pytestmark = pytest.mark.django_db


def failed_visit_request(customer, **fields):
    return MsaRequestFactory(applicant=customer, status=Status.VISIT_FAILED, **fields)


def test_a_customer_whose_visit_failed_can_cancel_the_request(client, customer):
    msa_request = failed_visit_request(customer, panel_rating_amps=225)
    client.force_login(customer)
    assert "Cancel this request" in client.get(msa_request.get_absolute_url()).content.decode()

    response = client.post(
        reverse("enrollment:request_cancel", kwargs={"pk": msa_request.pk}),
        {"reason": "The panel is 225 A; we will not replace it."},
    )

    assert response.status_code == 302
    msa_request.refresh_from_db()
    assert msa_request.status == Status.CANCELLED
    event = RequestEvent.objects.filter(msa_request=msa_request).last()
    assert (event.from_status, event.to_status) == (Status.VISIT_FAILED, Status.CANCELLED)


def test_the_cancel_page_after_a_failed_visit_says_plainly_what_happens_to_the_fee(
    client, customer
):
    msa_request = failed_visit_request(customer)
    client.force_login(customer)

    html = client.get(
        reverse("enrollment:request_cancel", kwargs={"pk": msa_request.pk})
    ).content.decode()

    assert "$279.22" in html
    assert "is not refunded" in html
    assert "no new fee is charged" in html
    assert "contact you about a refund" not in html


def test_the_failed_visit_panel_offers_cancelling_when_the_problem_cannot_be_fixed(
    client, customer
):
    msa_request = failed_visit_request(customer)
    client.force_login(customer)

    html = client.get(msa_request.get_absolute_url()).content.decode()

    assert "if it cannot be fixed, cancel the request" in html


def test_cancelling_a_failed_request_frees_the_meter_for_a_new_request(customer):
    old = failed_visit_request(customer)
    MeterRecordFactory(
        service_account_number=old.service_account_number, meter_number=old.meter_number
    )
    new = MsaRequestFactory(
        applicant=customer,
        service_account_number=old.service_account_number,
        meter_number=old.meter_number,
    )
    assert request_has_open_duplicate(new) is True

    services.request_cancel(msa_request_id=old.pk, actor=customer)

    assert request_has_open_duplicate(new) is False
    duplicate = next(r for r in request_precheck(new).rules if r.code == "NO_OPEN_DUPLICATE")
    assert duplicate.result == "pass"


def test_a_request_after_a_successful_visit_still_cannot_be_cancelled(client, customer):
    msa_request = MsaRequestFactory(applicant=customer, status=Status.COMPLETED)

    with pytest.raises(services.TransitionError):
        services.request_cancel(msa_request_id=msa_request.pk, actor=customer)
