"""Staff create a technician's sign-in in admin and link it; only then does the phone work."""

import pytest
from django.urls import reverse

from accounts.models import User
from scheduling.models import Technician
from tests.factories import StaffFactory, UserFactory
from tests.scheduling.factories import TechnicianFactory

pytestmark = pytest.mark.django_db

NO_INLINES = {
    f"{prefix}-{field}": value
    for prefix in ("windows", "time_off")
    for field, value in (
        ("TOTAL_FORMS", "0"),
        ("INITIAL_FORMS", "0"),
        ("MIN_NUM_FORMS", "0"),
        ("MAX_NUM_FORMS", "1000"),
    )
}


def technician_form(technician: Technician, user) -> dict:
    return {
        "name": technician.name,
        "home_zip": technician.home_zip,
        "territory": " ".join(technician.territory_zips),
        "working_weekdays": "[0, 1, 2, 3, 4]",
        "is_active": "on",
        "user": str(user.pk),
        **NO_INLINES,
    }


def test_staff_create_a_technician_account_link_it_and_the_technician_opens_their_day(client):
    technician = TechnicianFactory(windows=[(8, 12, 2)])
    client.force_login(StaffFactory())

    added = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "pat.field@example.com",
            "password1": "a long truck password 42",
            "password2": "a long truck password 42",
            "role": User.Role.TECHNICIAN,
        },
    )
    account = User.objects.get(email="pat.field@example.com")
    linked = client.post(
        reverse("admin:scheduling_technician_change", args=[technician.pk]),
        technician_form(technician, account),
    )

    assert added.status_code == linked.status_code == 302
    assert (account.role, account.is_staff) == (User.Role.TECHNICIAN, False)
    technician.refresh_from_db()
    assert technician.user == account
    client.force_login(account)
    assert client.get(reverse("field:my_day")).status_code == 200


@pytest.mark.parametrize("kind", ["staff", "customer"])
def test_only_a_technician_account_that_is_not_staff_can_be_linked(client, kind):
    technician = TechnicianFactory(windows=[(8, 12, 2)])
    client.force_login(StaffFactory())
    account = StaffFactory() if kind == "staff" else UserFactory()

    refused = client.post(
        reverse("admin:scheduling_technician_change", args=[technician.pk]),
        technician_form(technician, account),
    )

    assert refused.status_code == 200
    technician.refresh_from_db()
    assert technician.user is None
