"""Filing through the API: drafts from site facts, Idempotency-Key, cancel, the checkout link."""

import json

import pytest

from accounts import services as account_services
from enrollment.models import Request, Status
from tests.factories import ApprovedProductFactory, ContractorFactory, MsaRequestFactory

pytestmark = pytest.mark.django_db

DRAFT = {
    "request_type": "install",
    "customer_name": "Rosa Diaz",
    "customer_email": "rosa@example.com",
    "service_account_number": "8000000099",
    "meter_number": "M7654321",
    "premises_street": "10 Garvey Ave",
    "premises_city": "Rosemead",
    "premises_zip": "91770",
    "residential": True,
    "meter_self_contained": True,
    "service_phase": 1,
    "service_wires": 3,
    "service_voltage": "120/240",
    "panel_rating_amps": 200,
    "backfeed_amps": 40,
    "waterproof_bag_commitment": True,
}


@pytest.fixture
def contractor():
    return ContractorFactory()


@pytest.fixture
def token(contractor):
    return account_services.api_token_create(user=contractor, name="CRM")[1]


def post(client, url, token, body=None, key=None):
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return client.post(
        url, json.dumps(body or {}), content_type="application/json", headers=headers
    )


def test_a_contractor_files_a_draft_from_site_facts(client, contractor, token):
    device = ApprovedProductFactory()

    response = post(client, "/api/v1/requests", token, {**DRAFT, "device": device.pk})

    assert response.status_code == 201
    msa_request = Request.objects.get(pk=response.json()["id"])
    assert msa_request.status == Status.DRAFT
    assert msa_request.contractor_company == contractor.company
    assert msa_request.device == device
    assert msa_request.panel_rating_amps == 200
    assert response.json()["premises_address"] == "10 Garvey Ave, Rosemead, CA 91770"


def test_a_null_character_is_refused_with_the_field_named(client, token):
    # PostgreSQL cannot store U+0000: the schema fuzzing found it as a server error.
    response = post(client, "/api/v1/requests", token, {**DRAFT, "premises_street": "1\x00 A"})

    assert response.status_code == 400
    assert "premises_street" in json.dumps(response.json())
    assert Request.objects.count() == 0


def test_the_account_holders_language_is_kept(client, token):
    response = post(client, "/api/v1/requests", token, {**DRAFT, "customer_language": "es"})

    assert response.status_code == 201
    assert response.json()["customer_language"] == "es"
    assert Request.objects.get().customer_language == "es"


def test_a_retried_post_with_the_same_key_returns_the_first_result(client, token):
    first = post(client, "/api/v1/requests", token, DRAFT, key="crm-4711")
    second = post(client, "/api/v1/requests", token, DRAFT, key="crm-4711")

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Request.objects.count() == 1


def test_the_same_key_for_another_request_is_refused(client, token):
    post(client, "/api/v1/requests", token, DRAFT, key="crm-1")

    response = post(client, "/api/v1/requests", token, {**DRAFT, "meter_number": "M1"}, key="crm-1")

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Request.objects.count() == 1


def test_bad_site_facts_are_a_400_with_field_errors_and_nothing_is_created(client, token):
    response = post(
        client, "/api/v1/requests", token, {**DRAFT, "panel_rating_amps": "lots", "device": 999}
    )

    assert response.status_code == 400
    assert "panel_rating_amps" in response.json()["errors"]
    assert not Request.objects.exists()


def test_an_unknown_device_is_a_400(client, token):
    response = post(client, "/api/v1/requests", token, {**DRAFT, "device": 999})

    assert response.status_code == 400
    assert response.json()["errors"]["device"]


def test_cancel_goes_through_the_lifecycle(client, contractor, token):
    msa_request = MsaRequestFactory(filed_by=contractor, contractor_company=contractor.company)
    theirs = MsaRequestFactory()

    response = post(client, f"/api/v1/requests/{msa_request.pk}/cancel", token)
    again = post(client, f"/api/v1/requests/{msa_request.pk}/cancel", token)

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert again.status_code == 200
    assert msa_request.events.filter(to_status=Status.CANCELLED).count() == 1
    assert post(client, f"/api/v1/requests/{theirs.pk}/cancel", token).status_code == 404


def test_checkout_link_for_a_request_awaiting_its_fee(client, contractor, token):
    msa_request = MsaRequestFactory(
        filed_by=contractor, contractor_company=contractor.company, status=Status.AWAITING_PAYMENT
    )
    draft = MsaRequestFactory(filed_by=contractor, contractor_company=contractor.company)

    first = post(client, f"/api/v1/requests/{msa_request.pk}/checkout", token)
    second = post(client, f"/api/v1/requests/{msa_request.pk}/checkout", token)

    assert first.status_code == 200
    assert first.json()["url"] == second.json()["url"]
    assert msa_request.payments.count() == 1
    assert post(client, f"/api/v1/requests/{draft.pk}/checkout", token).status_code == 409


def test_the_approved_product_list(client):
    active = ApprovedProductFactory()
    ApprovedProductFactory(status="retired")

    body = client.get("/api/v1/eligibility/products").json()

    assert [p["id"] for p in body] == [active.pk]


def test_the_whole_filing_through_the_api(client, contractor, token):
    from tests.enrollment.factories import pdf_bytes, png_bytes
    from tests.factories import MeterRecordFactory

    device = ApprovedProductFactory()
    MeterRecordFactory(service_account_number="8000000099", meter_number="M7654321")
    created = post(client, "/api/v1/requests", token, {**DRAFT, "device": device.pk}).json()
    headers = {"Authorization": f"Bearer {token}"}
    for kind, name, content in [
        ("meter_panel_photo", "panel.png", png_bytes()),
        ("authorization_form", "authorization.pdf", pdf_bytes()),
    ]:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile(name, content)
        response = client.post(
            f"/api/v1/requests/{created['id']}/documents",
            {"kind": kind, "file": upload},
            headers={**headers, "Idempotency-Key": f"doc-{kind}"},
        )
        assert response.status_code == 201, response.json()
    agreement = client.get(f"/api/v1/requests/{created['id']}/agreement", headers=headers).json()
    signature = {
        "signer_name": "Carlos Contractor",
        "consent": True,
        "agreement_sha256": agreement["sha256"],
    }
    # No consent to electronic records (E-SIGN): nothing is signed.
    refused = post(client, f"/api/v1/requests/{created['id']}/submit", token, signature)
    assert refused.status_code == 400
    assert "consent" in str(refused.json())
    assert agreement["esign_disclosure_version"] == "esign-2026-11"
    assert "paper" in agreement["esign_disclosure"]

    submitted = post(
        client,
        f"/api/v1/requests/{created['id']}/submit",
        token,
        {**signature, "esign_disclosure_sha256": agreement["esign_disclosure_sha256"]},
        key="submit-with-consent",
    )
    checkout = post(client, f"/api/v1/requests/{created['id']}/checkout", token)

    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "awaiting_payment"
    assert checkout.status_code == 200
    assert "/payments/demo/" in checkout.json()["url"]


def test_a_text_file_posing_as_a_pdf_is_refused(client, contractor, token):
    from django.core.files.uploadedfile import SimpleUploadedFile

    msa_request = MsaRequestFactory(filed_by=contractor, contractor_company=contractor.company)

    response = client.post(
        f"/api/v1/requests/{msa_request.pk}/documents",
        {"kind": "authorization_form", "file": SimpleUploadedFile("form.pdf", b"just text")},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 400
    assert not msa_request.documents.exists()


def test_signing_with_a_stale_agreement_hash_is_refused(client, contractor, token):
    msa_request = MsaRequestFactory(filed_by=contractor, contractor_company=contractor.company)

    response = post(
        client,
        f"/api/v1/requests/{msa_request.pk}/submit",
        token,
        {"signer_name": "Carlos Contractor", "consent": True, "agreement_sha256": "0" * 64},
    )

    assert response.status_code == 400
    msa_request.refresh_from_db()
    assert msa_request.status == Status.DRAFT


def test_a_contractor_asks_for_the_customers_signing_link(
    client, contractor, token, django_capture_on_commit_callbacks
):
    from django.core import mail

    msa_request = MsaRequestFactory(
        filed_by=contractor,
        contractor_company=contractor.company,
        customer_email="rosa@example.com",
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, f"/api/v1/requests/{msa_request.pk}/signing-link", token)

    assert response.status_code == 200
    assert response.json()["sent_to"] == "rosa@example.com"
    assert any("rosa@example.com" in m.to for m in mail.outbox)
    assert f"/requests/{msa_request.pk}/authorize/" in mail.outbox[-1].body


def test_a_removal_filed_through_the_api_keeps_the_device_there_now_and_normalised_facts(
    client, token
):
    removal = {
        **DRAFT,
        "request_type": "removal",
        "service_account_number": "8000-000 099",
        "service_voltage": "240/120",
        "meter_socket_form": " 2s ",
        "panel_rating_amps": 225,
        "backfeed_amps": 240,
        "existing_device_kind": "msa",
        "existing_device_manufacturer": "Sample Maker",
        "existing_device_model": "Isolator",
        "existing_device_isolating": True,
    }

    response = post(client, "/api/v1/requests", token, removal)

    assert response.status_code == 201, response.json()
    detail = client.get(
        f"/api/v1/requests/{response.json()['id']}", headers={"Authorization": f"Bearer {token}"}
    ).json()
    facts = detail["site_facts"]
    assert (facts["service_account_number"], facts["service_voltage"]) == ("8000000099", "120/240")
    assert facts["meter_socket_form"] == "2S"
    assert (facts["existing_device_kind"], facts["existing_device_isolating"]) == ("msa", True)
    assert facts["existing_device_model"] == "Isolator"


def test_a_contractor_cancels_through_the_api_after_a_failed_visit(client, contractor, token):
    failed = MsaRequestFactory(
        filed_by=contractor, contractor_company=contractor.company, status=Status.VISIT_FAILED
    )
    done = MsaRequestFactory(
        filed_by=contractor, contractor_company=contractor.company, status=Status.COMPLETED
    )

    response = post(client, f"/api/v1/requests/{failed.pk}/cancel", token)

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert post(client, f"/api/v1/requests/{done.pk}/cancel", token).status_code == 409
    schema = client.get("/api/v1/openapi.json").json()
    summary = schema["paths"]["/api/v1/requests/{request_id}/cancel"]["post"]["description"]
    assert "after a visit that failed" in summary
