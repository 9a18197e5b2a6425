import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from eligibility.models import ApprovedProduct
from eligibility.rules import SiteFacts
from eligibility.selectors import check_site_facts
from tests.enrollment.factories import pdf_bytes, png_bytes
from tests.factories import (
    ApprovedProductFactory,
    ContractorFactory,
    StaffFactory,
    UserFactory,
)
from tests.vendors.factories import VendorFactory
from vendors import selectors, services
from vendors.models import EvaluationFile, Status

DEVICE = {
    "manufacturer": "Collar Devices",
    "model_name": "GridGate 200",
    "model_number": "GG-200",
    "variants": "GG-200-R",
    "adapter_type": "isolating",
    "continuous_rating_amps": 200,
    "interrupting_rating_ka": 22,
    "service_types": ["1ph_3w_120_240"],
    "socket_forms": ["2S"],
    "ring_requirement": "ringless",
    "communication_interface": "RS-485 to the battery inverter",
    "max_backfeed_amps": 100,
}


def _pdf(name="certificate.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def _png(name="photo.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture
def engineer():
    user = UserFactory(email="engineer@example.com", is_staff=True, role="staff")
    user.groups.add(Group.objects.get(name="Meter engineering"))
    return user


def _complete_draft(vendor, **overrides):
    evaluation = services.evaluation_create(actor=vendor, **{**DEVICE, **overrides})
    for standard in ("UL 414", "UL 2735"):
        services.evaluation_file_add(
            evaluation_id=evaluation.pk,
            actor=vendor,
            kind=EvaluationFile.Kind.CERTIFICATE,
            standard=standard,
            upload=_pdf(),
        )
    services.evaluation_file_add(
        evaluation_id=evaluation.pk, actor=vendor, kind="spec_sheet", upload=_pdf("spec.pdf")
    )
    services.evaluation_file_add(
        evaluation_id=evaluation.pk, actor=vendor, kind="installation", upload=_pdf("inst.pdf")
    )
    services.evaluation_file_add(
        evaluation_id=evaluation.pk, actor=vendor, kind="photo", upload=_png()
    )
    return evaluation


def _check_all(evaluation, engineer):
    for review in evaluation.standard_reviews.all():
        services.standard_review_record(
            review_id=review.pk,
            actor=engineer,
            certificate_matches_model=True,
            listing_current=True,
            ratings_match=True,
        )


def _site(device_id):
    return SiteFacts(
        request_type="install",
        residential=True,
        meter_self_contained=True,
        service_phase=1,
        service_wires=3,
        service_voltage="120/240",
        panel_rating_amps=200,
        backfeed_amps=50,
        device=device_id,
        meter_socket_form="2S",
        socket_ring_type="ringless",
    )


def _rule(report, code):
    return next(r for r in report.rules if r.code == code).result


@pytest.mark.django_db
def test_the_whole_lifecycle_from_draft_to_the_public_list(
    client, engineer, django_capture_on_commit_callbacks
):
    vendor = VendorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = _complete_draft(vendor)
        services.evaluation_submit(evaluation_id=evaluation.pk, actor=vendor)
    assert {m.to[0] for m in mail.outbox} >= {vendor.email, engineer.email}
    evaluation.refresh_from_db()
    assert evaluation.status == Status.SUBMITTED
    assert sorted(evaluation.standard_reviews.values_list("standard", flat=True)) == [
        "UL 2735",
        "UL 414",
    ]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_start_review(evaluation_id=evaluation.pk, actor=engineer)
        services.evaluation_request_info(
            evaluation_id=evaluation.pk, actor=engineer, message="Send the UL 916 report too."
        )
    assert any("UL 916" in m.body and m.to == [vendor.email] for m in mail.outbox)

    mail.outbox.clear()
    services.evaluation_file_add(
        evaluation_id=evaluation.pk, actor=vendor, kind="answer", upload=_pdf("ul916.pdf")
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_answer(
            evaluation_id=evaluation.pk, actor=vendor, message="Attached the UL 916 report."
        )
    assert any("UL 916 report" in m.body and m.to == [engineer.email] for m in mail.outbox)

    services.evaluation_start_lab(evaluation_id=evaluation.pk, actor=engineer)
    with pytest.raises(ValidationError):
        services.evaluation_approve(evaluation_id=evaluation.pk, actor=engineer, reason="Fine.")
    _check_all(evaluation, engineer)
    services.evaluation_approve(
        evaluation_id=evaluation.pk, actor=engineer, reason="Certificates and lab tests pass."
    )
    evaluation.refresh_from_db()
    assert evaluation.status == Status.APPROVED
    entry = evaluation.apl_entry
    assert (entry.manufacturer, entry.model_number, entry.version) == (
        "Collar Devices",
        "GG-200",
        1,
    )
    assert entry.standards == "UL 2735, UL 414"
    assert entry.ring_requirement == "ringless" and entry.rated_current_amps == 200
    assert [e.to_status for e in evaluation.events.all()] == [
        "draft",
        "submitted",
        "in_review",
        "info_requested",
        "answered",
        "lab_evaluation",
        "approved",
    ]
    assert evaluation.history.count() >= 7

    page = client.get("/eligibility/approved-products/").content.decode()
    assert "GridGate 200" in page and "UL 2735, UL 414" in page


@pytest.mark.django_db
def test_an_approval_changes_the_eligibility_answer_for_a_site_that_needs_the_device(engineer):
    vendor = VendorFactory()
    evaluation = _complete_draft(vendor)
    services.evaluation_submit(evaluation_id=evaluation.pk, actor=vendor)
    assert not ApprovedProduct.objects.filter(model_number="GG-200").exists()
    before = check_site_facts(_site(device_id=987654))
    assert _rule(before, "DEVICE_APPROVED") == "fail"

    services.evaluation_start_review(evaluation_id=evaluation.pk, actor=engineer)
    services.evaluation_start_lab(evaluation_id=evaluation.pk, actor=engineer)
    _check_all(evaluation, engineer)
    services.evaluation_approve(evaluation_id=evaluation.pk, actor=engineer, reason="Passes.")
    evaluation.refresh_from_db()
    after = check_site_facts(_site(device_id=evaluation.apl_entry_id))
    assert _rule(after, "DEVICE_APPROVED") == "pass"
    assert _rule(after, "DEVICE_REQUIREMENTS") == "pass"


@pytest.mark.django_db
def test_an_approved_new_version_rewrites_the_entry_and_changes_a_ringless_sites_answer(engineer):
    old = ApprovedProductFactory(
        manufacturer="Collar Devices", model_number="GG-200", ring_requirement="ring"
    )
    assert _rule(check_site_facts(_site(device_id=old.pk)), "DEVICE_REQUIREMENTS") == "fail"
    vendor = VendorFactory()
    evaluation = _complete_draft(vendor)
    services.evaluation_submit(evaluation_id=evaluation.pk, actor=vendor)
    services.evaluation_start_review(evaluation_id=evaluation.pk, actor=engineer)
    services.evaluation_start_lab(evaluation_id=evaluation.pk, actor=engineer)
    _check_all(evaluation, engineer)
    services.evaluation_approve(evaluation_id=evaluation.pk, actor=engineer, reason="v2 ok.")
    old.refresh_from_db()
    assert old.version == 2 and old.ring_requirement == "ringless"
    assert old.evaluations.get() == evaluation
    assert _rule(check_site_facts(_site(device_id=old.pk)), "DEVICE_REQUIREMENTS") == "pass"


@pytest.mark.django_db
def test_rejection_needs_a_reason_and_the_vendor_reads_it(
    engineer, django_capture_on_commit_callbacks
):
    vendor = VendorFactory()
    evaluation = _complete_draft(vendor)
    services.evaluation_submit(evaluation_id=evaluation.pk, actor=vendor)
    with pytest.raises(ValidationError):
        services.evaluation_reject(evaluation_id=evaluation.pk, actor=engineer, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_reject(
            evaluation_id=evaluation.pk, actor=engineer, reason="UL 414 listing expired."
        )
    assert "UL 414 listing expired." in mail.outbox[-1].body
    evaluation.refresh_from_db()
    assert evaluation.status == Status.REJECTED and evaluation.apl_entry is None


@pytest.mark.django_db
def test_a_vendor_withdraws_and_a_withdrawn_device_cannot_be_approved(engineer):
    vendor = VendorFactory()
    evaluation = _complete_draft(vendor)
    services.evaluation_submit(evaluation_id=evaluation.pk, actor=vendor)
    services.evaluation_withdraw(evaluation_id=evaluation.pk, actor=vendor)
    with pytest.raises(services.TransitionError):
        services.evaluation_start_review(evaluation_id=evaluation.pk, actor=engineer)


@pytest.mark.django_db
def test_an_incomplete_draft_cannot_be_submitted():
    vendor = VendorFactory()
    evaluation = services.evaluation_create(
        actor=vendor, **{**DEVICE, "communication_interface": ""}
    )
    with pytest.raises(ValidationError) as error:
        services.evaluation_submit(evaluation_id=evaluation.pk, actor=vendor)
    text = " ".join(error.value.messages)
    assert "certificate" in text and "communication interface" in text


@pytest.mark.django_db
def test_uploads_are_checked_by_content_not_by_name():
    vendor = VendorFactory()
    evaluation = services.evaluation_create(actor=vendor, **DEVICE)
    fake = SimpleUploadedFile("certificate.pdf", b"<html>not a pdf</html>", "application/pdf")
    with pytest.raises(ValidationError) as error:
        services.evaluation_file_add(
            evaluation_id=evaluation.pk,
            actor=vendor,
            kind="certificate",
            standard="UL 414",
            upload=fake,
        )
    assert error.value.code == "bad_type"
    with pytest.raises(ValidationError):
        services.evaluation_file_add(
            evaluation_id=evaluation.pk, actor=vendor, kind="photo", upload=_pdf("photo.png")
        )
    assert not evaluation.files.exists()


@pytest.mark.django_db
def test_a_vendor_sees_only_its_own_meter_engineering_all_contractors_and_customers_none(
    client, engineer
):
    vendor, other_vendor = VendorFactory(), VendorFactory()
    own = services.evaluation_create(actor=vendor, **DEVICE)
    theirs = services.evaluation_create(actor=other_vendor, **{**DEVICE, "model_number": "X-1"})
    contractor, customer = ContractorFactory(), UserFactory()
    reviewer = StaffFactory(is_superuser=False)

    assert list(selectors.evaluations_visible_to(vendor)) == [own]
    assert set(selectors.evaluations_visible_to(engineer)) == {own, theirs}
    for nobody in (contractor, customer, reviewer):
        assert not selectors.evaluations_visible_to(nobody).exists()

    client.force_login(vendor)
    assert client.get(f"/vendors/evaluations/{own.pk}/").status_code == 200
    assert client.get(f"/vendors/evaluations/{theirs.pk}/").status_code == 404
    for nobody in (contractor, customer):
        client.force_login(nobody)
        assert client.get("/vendors/evaluations/").status_code == 404
        assert client.get(f"/vendors/evaluations/{own.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.evaluation_submit(evaluation_id=theirs.pk, actor=vendor)
    with pytest.raises(PermissionDenied):
        services.evaluation_start_review(evaluation_id=own.pk, actor=vendor)
    with pytest.raises(PermissionDenied):
        services.evaluation_create(actor=contractor, **DEVICE)


@pytest.mark.django_db
def test_meter_engineering_decides_in_the_admin_queue(client, engineer):
    vendor = VendorFactory()
    evaluation = _complete_draft(vendor)
    services.evaluation_submit(evaluation_id=evaluation.pk, actor=vendor)
    client.force_login(engineer)
    queue = client.get("/admin/vendors/deviceevaluation/")
    assert queue.status_code == 200 and "GridGate 200" in queue.content.decode()
    url = f"/admin/vendors/deviceevaluation/{evaluation.pk}/decide/"
    client.post(url, {"action": "start_review", "text": ""})
    response = client.post(url, {"action": "request_info", "text": "Which firmware?"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == Status.INFO_REQUESTED
    assert evaluation.messages.get().from_staff


@pytest.mark.django_db
def test_the_vendor_page_explains_evaluation_in_english_and_spanish(client):
    english = client.get("/vendors/").content.decode()
    assert "How evaluation works" in english and "UL 2735" in english
    spanish = client.get("/vendors/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Cómo funciona la evaluación" in spanish
