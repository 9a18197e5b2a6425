"""Fixtures for the back office: staff in each role, and requests in a given state."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import roles
from enrollment.models import EligibilityOutcome, Status
from tests.factories import MsaRequestFactory, UserFactory


def ensure_staff_roles() -> None:
    """Recreate the roles if a transactional test flushed the migration's data before us."""
    if Group.objects.filter(name__in=roles.STAFF_GROUPS).count() < len(roles.STAFF_GROUPS):
        migration = importlib.import_module("accounts.migrations.0004_staff_roles")
        migration.create_roles(django_apps, None)


def staff_in(group_name: str, email: str):
    ensure_staff_roles()
    user = UserFactory(email=email, role="staff", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def reviewer(db):
    return staff_in(roles.REVIEWER, "reviewer@example.com")


@pytest.fixture
def scheduler(db):
    return staff_in(roles.SCHEDULER, "scheduler@example.com")


@pytest.fixture
def finance(db):
    return staff_in(roles.FINANCE, "finance@example.com")


@pytest.fixture
def program_admin(db):
    return staff_in(roles.PROGRAM_ADMIN, "apl-admin@example.com")


def make_request(
    status: str = Status.UNDER_REVIEW,
    outcome: str = EligibilityOutcome.PASS,
    *,
    days_ago: int = 3,
    **fields,
):
    """A request in ``status`` as if it had gone through the lifecycle up to there."""
    submitted = status not in (Status.DRAFT, Status.AWAITING_PAYMENT)
    submitted_at = timezone.now() - datetime.timedelta(days=days_ago) if submitted else None
    checked = submitted and status != Status.SUBMITTED
    return MsaRequestFactory(
        status=status,
        submitted_at=submitted_at,
        eligibility_outcome=outcome if checked else "",
        eligibility_checked_at=submitted_at if checked else None,
        **fields,
    )


@pytest.fixture
def under_review(db):
    return make_request()
