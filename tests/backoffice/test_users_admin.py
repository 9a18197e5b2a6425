"""The users list shows each staff member's roles without a query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from tests.backoffice.conftest import staff_in

pytestmark = pytest.mark.django_db

USERS = reverse("admin:accounts_user_changelist")


def test_users_list_shows_roles_in_a_constant_number_of_queries(client, staff_user):
    client.force_login(staff_user)
    staff_in(roles.REVIEWER, "r1@example.com")
    with CaptureQueriesContext(connection) as few:
        client.get(USERS)
    for n, group in enumerate(roles.STAFF_GROUPS * 3):
        staff_in(group, f"more{n}@example.com")

    with CaptureQueriesContext(connection) as many:
        response = client.get(USERS)

    assert len(many.captured_queries) == len(few.captured_queries)
    assert b"Program admin" in response.content


def test_users_can_be_filtered_by_role(client, staff_user):
    client.force_login(staff_user)
    reviewer = staff_in(roles.REVIEWER, "only-reviewer@example.com")
    staff_in(roles.FINANCE, "finance-person@example.com")
    group_id = reviewer.groups.get().pk

    response = client.get(f"{USERS}?groups__id__exact={group_id}")

    assert list(response.context["cl"].result_list) == [reviewer]
