"""Staff roles: least privilege, proved through what each role can and cannot do in admin."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse

from accounts import roles
from enrollment.models import Status
from tests.backoffice.conftest import make_request

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:enrollment_request_changelist")


def offered_actions(user) -> set[str]:
    """Every admin action offered to ``user`` on every registered model."""
    request = RequestFactory().get("/admin/")
    request.user = user
    names: set[str] = set()
    for model_admin in admin.site._registry.values():
        if model_admin.has_view_or_change_permission(request):
            names |= set(model_admin.get_actions(request))
    return names


def group_permissions(name: str) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=name).permissions.select_related("content_type")
    }


def test_the_migration_creates_every_staff_group():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.STAFF_GROUPS)


@pytest.mark.parametrize("group", roles.STAFF_GROUPS)
def test_no_role_may_delete_anything_or_edit_requests(group):
    permissions = group_permissions(group)

    assert not [p for p in permissions if p.split(".")[1].startswith("delete_")]
    assert "enrollment.change_request" not in permissions
    assert "enrollment.view_request" in permissions


def test_only_reviewers_may_decide():
    deciders = {
        group.name
        for group in Group.objects.filter(
            permissions__codename="decide_request",
            permissions__content_type__app_label="enrollment",
        )
    }
    assert deciders == {roles.REVIEWER}


def test_reviewer_can_approve(client, reviewer):
    msa_request = make_request()
    client.force_login(reviewer)

    response = client.post(
        reverse("admin:enrollment_request_approve", args=[msa_request.pk]), {"note": ""}
    )

    assert response.status_code == 302
    msa_request.refresh_from_db()
    assert msa_request.status == Status.APPROVED
    assert "approve_selected" in offered_actions(reviewer)


@pytest.mark.parametrize("role", ["scheduler", "finance", "program_admin"])
def test_other_roles_cannot_approve(role, client, request):
    user = request.getfixturevalue(role)
    msa_request = make_request()
    client.force_login(user)

    page = client.get(reverse("admin:enrollment_request_approve", args=[msa_request.pk]))
    post = client.post(
        reverse("admin:enrollment_request_approve", args=[msa_request.pk]), {"note": ""}
    )
    action = client.post(
        CHANGELIST, {"action": "approve_selected", "_selected_action": [msa_request.pk]}
    )
    queue = client.get(CHANGELIST)

    assert page.status_code == post.status_code == 403
    assert action.status_code in (200, 302)
    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW
    assert queue.status_code == 200
    assert not {"approve_selected", "reject_selected", "ask_for_info_selected"} & offered_actions(
        user
    )


def test_reviewer_cannot_refund(reviewer):
    # After payments merge, PaymentAdmin's refund action joins the admin registry: this test
    # then proves it is not offered to reviewers, with no change here.
    refund_permissions = Permission.objects.filter(codename__icontains="refund")

    assert not [
        p
        for p in refund_permissions
        if reviewer.has_perm(f"{p.content_type.app_label}.{p.codename}")
    ]
    assert not any("refund" in p for p in reviewer.get_all_permissions())
    assert not [name for name in offered_actions(reviewer) if "refund" in name]


def test_scheduler_cannot_export_personal_data(client, scheduler):
    client.force_login(scheduler)

    response = client.get(reverse("admin:enrollment_request_export"))

    assert response.status_code == 403
    assert "export_selected" not in offered_actions(scheduler)


def test_program_admin_manages_the_approved_product_list_but_cannot_decide(program_admin):
    assert program_admin.has_perms(
        ["eligibility.add_approvedproduct", "eligibility.change_approvedproduct"]
    )
    assert not program_admin.has_perm("eligibility.delete_approvedproduct")
    assert not program_admin.has_perm("enrollment.decide_request")


def test_staff_without_a_role_cannot_see_the_queue(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(role="staff", is_staff=True))

    assert client.get(CHANGELIST).status_code == 403
    assert client.get(reverse("admin_dashboard")).status_code == 403


@pytest.mark.parametrize(
    ("group_name", "permission", "held"),
    [
        ("Finance", "payments.refund_payment", True),
        ("Finance", "payments.waive_fee", True),
        ("Reviewer", "payments.refund_payment", False),
        ("Scheduler", "payments.refund_payment", False),
        ("Scheduler", "scheduling.change_visit", True),
        ("Scheduler", "enrollment.decide_request", False),
        ("Program admin", "scheduling.add_utilityholiday", True),
        ("Reviewer", "scheduling.change_visit", False),
    ],
)
def test_apps_give_each_role_just_its_permissions(group_name, permission, held):
    from django.contrib.auth.models import Group

    app_label, codename = permission.split(".")
    holds = Group.objects.filter(
        name=group_name,
        permissions__content_type__app_label=app_label,
        permissions__codename=codename,
    ).exists()

    assert holds is held
