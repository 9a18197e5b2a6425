"""CSRF everywhere: a signed-in user's browser tricked into posting changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from enrollment.models import Status
from tests.backoffice.conftest import make_request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "status", "data"),
    [
        ("enrollment:request_cancel", Status.UNDER_REVIEW, {"reason": "forged"}),
        ("enrollment:info_answer", Status.INFO_REQUESTED, {"answer": "forged"}),
        ("enrollment:agreement_sign", Status.DRAFT, {"signer_name": "x", "consent": "on"}),
        ("payments:checkout_start", Status.AWAITING_PAYMENT, {}),
    ],
)
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(name, status, data):
    user = UserFactory()
    msa_request = make_request(status, applicant=user)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    response = browser.post(reverse(name, kwargs={"pk": msa_request.pk}), data)

    assert response.status_code == 403
    assert b"CSRF" in response.content
    msa_request.refresh_from_db()
    assert msa_request.status == status
    assert not msa_request.payments.exists()


def test_staff_decisions_need_the_csrf_token(staff_user):
    msa_request = make_request(Status.UNDER_REVIEW)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff_user)

    response = browser.post(
        reverse("admin:enrollment_request_approve", args=[msa_request.pk]), {"note": ""}
    )

    assert response.status_code == 403
    assert b"CSRF" in response.content
    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW
