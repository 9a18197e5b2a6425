"""Audit: every change to a request or an APL entry leaves a history row; nobody edits them."""

import pytest
from django.contrib import admin
from django.urls import reverse

from eligibility.models import ApprovedProduct
from enrollment import services
from enrollment.models import Request, RequestEvent, Status
from tests.backoffice.conftest import make_request
from tests.factories import ApprovedProductFactory, MsaRequestFactory

pytestmark = pytest.mark.django_db


def history_of(msa_request):
    return list(msa_request.history.order_by("history_date", "history_id"))


def test_each_kind_of_change_on_a_request_leaves_a_history_row(
    client, reviewer, django_capture_on_commit_callbacks
):
    msa_request = MsaRequestFactory()  # created
    services.request_sign_agreement(msa_request_id=msa_request.pk, actor=msa_request.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_mark_paid(msa_request_id=msa_request.pk)  # queues the check
    client.force_login(reviewer)
    client.post(
        reverse("admin:enrollment_request_ask_info", args=[msa_request.pk]),
        {"question": "Photo?"},
    )
    services.request_answer_info(
        msa_request_id=msa_request.pk, actor=msa_request.applicant, answer="Attached."
    )
    client.post(
        reverse("admin:enrollment_request_reject", args=[msa_request.pk]),
        {"reason_code": "OTHER", "message": "Not this time."},
    )

    rows = history_of(msa_request)
    assert [(r.history_type, r.status) for r in rows] == [
        ("+", Status.DRAFT),
        ("~", Status.AWAITING_PAYMENT),
        ("~", Status.SUBMITTED),
        ("~", Status.UNDER_REVIEW),
        ("~", Status.INFO_REQUESTED),
        ("~", Status.UNDER_REVIEW),
        ("~", Status.REJECTED),
    ]
    # Decisions made in admin carry the staff member who made them.
    assert rows[4].history_user == reviewer
    assert rows[6].history_user == reviewer
    assert rows[6].decided_at is not None


def test_approval_in_admin_leaves_a_history_row_with_the_reviewer(client, reviewer):
    msa_request = make_request()
    client.force_login(reviewer)

    client.post(reverse("admin:enrollment_request_approve", args=[msa_request.pk]), {})

    latest = msa_request.history.latest()
    assert (latest.status, latest.history_user) == (Status.APPROVED, reviewer)


def test_each_kind_of_change_on_an_apl_entry_leaves_a_history_row():
    product = ApprovedProductFactory(model_name="IslandDER (sample)")
    product.status = ApprovedProduct.Status.SUSPENDED
    product.save()
    product.customer_requirements = "Ring-type sockets only."
    product.save()
    pk = product.pk
    product.delete()

    rows = ApprovedProduct.history.filter(id=pk).order_by("history_date", "history_id")
    assert [(r.history_type, r.status) for r in rows] == [
        ("+", "active"),
        ("~", "suspended"),
        ("~", "suspended"),
        ("-", "suspended"),
    ]


def test_history_is_visible_in_admin(client, reviewer):
    msa_request = make_request()
    services.request_approve(msa_request_id=msa_request.pk, actor=reviewer)
    client.force_login(reviewer)

    response = client.get(reverse("admin:enrollment_request_history", args=[msa_request.pk]))

    assert response.status_code == 200
    records = list(response.context["page_obj"].object_list)
    assert [r.status for r in records] == [Status.APPROVED, Status.UNDER_REVIEW]
    assert b"Approved" in response.content


def test_history_cannot_be_reverted_from_admin(client, staff_user):
    msa_request = make_request()
    old = msa_request.history.latest()
    services.request_approve(msa_request_id=msa_request.pk, actor=staff_user)
    client.force_login(staff_user)  # even a superuser
    url = reverse("admin:enrollment_request_simple_history", args=[msa_request.pk, old.history_id])

    page = client.get(url)
    revert = client.post(url, {})

    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert revert.status_code == 403
    msa_request.refresh_from_db()
    assert msa_request.status == Status.APPROVED


@pytest.mark.parametrize("model", [Request.history.model, ApprovedProduct.history.model], ids=str)
def test_history_models_have_no_admin_to_edit_them(model):
    assert model not in admin.site._registry


def test_audit_rows_cannot_be_added_changed_or_deleted_in_admin(client, staff_user):
    msa_request = make_request()
    services.request_approve(msa_request_id=msa_request.pk, actor=staff_user)
    event = RequestEvent.objects.get()
    client.force_login(staff_user)

    change_url = reverse("admin:enrollment_requestevent_change", args=[event.pk])
    view = client.get(change_url)
    edit = client.post(change_url, {"note": "rewritten", "to_status": "rejected"})
    delete = client.post(
        reverse("admin:enrollment_requestevent_delete", args=[event.pk]), {"post": "yes"}
    )
    add = client.get(reverse("admin:enrollment_requestevent_add"))
    bulk_delete = client.post(
        reverse("admin:enrollment_requestevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )

    assert view.status_code == 200
    assert edit.status_code == delete.status_code == add.status_code == 403
    assert bulk_delete.status_code in (200, 302)
    event.refresh_from_db()
    assert event.note == "Approved."


@pytest.mark.parametrize("model_name", ["requestevent", "rejection", "request"], ids=str)
def test_audit_admins_refuse_change_and_delete_permissions(model_name, rf, staff_user):
    from django.apps import apps

    model_admin = admin.site._registry[apps.get_model("enrollment", model_name)]
    request = rf.get("/")
    request.user = staff_user

    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_add_permission(request)
    for inline in model_admin.get_inline_instances(request):
        assert not inline.has_change_permission(request)
        assert not inline.has_delete_permission(request)


def test_payment_visit_and_apl_changes_are_kept_and_cannot_be_reverted(client, staff_user):
    from payments.models import Payment
    from tests.factories import ApprovedProductFactory
    from tests.payments.factories import PaymentFactory
    from tests.scheduling.factories import TechnicianFactory

    payment = PaymentFactory()
    payment.status = Payment.Status.SUCCEEDED
    payment.save()
    product = ApprovedProductFactory()
    product.status = product.Status.SUSPENDED
    product.save()
    technician = TechnicianFactory()
    from scheduling.models import Visit

    visit = Visit.objects.create(
        msa_request=make_request(Status.APPROVED),
        technician=technician,
        window=technician.windows.first(),
        date="2026-12-01",
        slot=0,
        source=Visit.Source.STAFF,
    )
    visit.state = Visit.State.CANCELLED
    visit.save()
    client.force_login(staff_user)

    for obj, route in [
        (payment, "admin:payments_payment_simple_history"),
        (visit, "admin:scheduling_visit_simple_history"),
        (product, "admin:eligibility_approvedproduct_simple_history"),
    ]:
        first = obj.history.earliest()
        assert obj.history.count() == 2
        response = client.post(reverse(route, args=[obj.pk, first.history_id]), {})
        assert response.status_code == 403, route

    payment.refresh_from_db()
    visit.refresh_from_db()
    product.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert visit.state == Visit.State.CANCELLED
    assert product.status == product.Status.SUSPENDED
