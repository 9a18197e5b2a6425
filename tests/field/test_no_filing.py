"""A technician's or a device maker's account does the utility's or the maker's work only."""

import pytest
from django.urls import reverse

from accounts.models import User
from enrollment.models import Request
from tests.factories import UserFactory
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "make", [lambda: UserFactory(role=User.Role.TECHNICIAN), VendorFactory], ids=["tech", "vendor"]
)
def test_a_technician_or_vendor_account_cannot_start_a_request(client, make):
    user = make()
    client.force_login(user)

    response = client.post(reverse("enrollment:wizard_start"), {"request_type": "install"})

    assert response.status_code == 200
    assert "requests are filed from a customer" in " ".join(
        response.context["form"].non_field_errors()
    )
    assert not Request.objects.filter(filed_by=user).exists()
