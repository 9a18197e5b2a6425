"""The request wizard: one topic per step, saved after every step, resumable."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrollment.models import Request, Status
from tests.enrollment.factories import eligible_draft, png_bytes, upload
from tests.factories import (
    ApprovedProductFactory,
    ContractorFactory,
    MeterRecordFactory,
    MsaRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def step_url(msa_request, step):
    return reverse("enrollment:wizard_step", kwargs={"pk": msa_request.pk, "step": step})


ANSWERS = {
    "accounts": {
        "customer_name": "Dana Customer",
        "customer_phone": "(626) 555-0199",
        "service_account_number": "8123456789",
        "customer_account_number": "712345678901",
        "meter_number": "m1234567",
        "rule21_reference": "",
    },
    "records": {"record_right": "True"},
    "safety": {"life_support": "True"},
    "premises": {
        "premises_street": "8631 Rush St",
        "premises_unit": "",
        "premises_city": "Rosemead",
        "premises_zip": "91770",
    },
    "meter": {
        "residential": "True",
        "meter_self_contained": "True",
        "service_phase": "1",
        "service_wires": "3",
        "service_voltage": "120/240",
        "panel_rating_amps": "200",
    },
    "wiring": {
        "backfeed_amps": "40",
        "comm_cable": "none",
        "energized_present": "True",
        "energized_conductors": ["solar_load_side_tap"],
        "energized_in_liquidtight": "True",
    },
    "socket": {"meter_socket_form": "2S", "socket_ring_type": "ring", "esr_violation": "none"},
    "preparation": {"waterproof_bag_commitment": "on"},
    "existing": {
        "existing_device_kind": "gma",
        "existing_device_manufacturer": "Sample Maker",
        "existing_device_model": "GMA-1",
        "existing_device_isolating": "False",
    },
    "photos": {},
}


def test_new_request_creates_a_draft_and_emails_a_resume_link(
    client, customer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(customer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enrollment:wizard_start"), {"request_type": "install"})

    msa_request = Request.objects.get()
    assert msa_request.status == Status.DRAFT
    assert (msa_request.filed_by, msa_request.applicant) == (customer, customer)
    assert response.url == step_url(msa_request, "accounts")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [customer.email]
    assert f"/requests/{msa_request.pk}/apply/" in mailoutbox[0].body
    assert mailoutbox[0].alternatives[0][1] == "text/html"


def test_a_customer_walks_every_step_to_a_passing_review(client, customer):
    device = ApprovedProductFactory(customer_requirements="Ring-type sockets only.")
    MeterRecordFactory(service_account_number="8123456789", meter_number="M1234567")
    client.force_login(customer)
    client.post(reverse("enrollment:wizard_start"), {"request_type": "install"})
    msa_request = Request.objects.get()
    answers = {**ANSWERS, "device": {"device": str(device.pk)}}
    answers["records"] = {"record_right": "True"}
    # The meter is on record: its address and service are confirmed, not asked.
    order = ["accounts", "records", "safety", "wiring", "socket", "device"]
    order += ["preparation", "photos"]

    for index, step in enumerate(order):
        page = client.get(step_url(msa_request, step))
        assert page.status_code == 200
        # The total only shrinks, once, when the numbers match the record (12, then 11).
        assert f"Step {index + 2} of {12 if step == 'accounts' else 11}" in page.content.decode()
        response = client.post(step_url(msa_request, step), answers[step])
        assert response.status_code == 302, (
            step,
            response.context and response.context["form"].errors,
        )
        following = order[index + 1] if index + 1 < len(order) else "review"
        assert response.url == step_url(msa_request, following)

    msa_request.refresh_from_db()
    assert msa_request.meter_number == "M1234567"
    assert msa_request.life_support is True
    assert msa_request.energized_conductors == ["solar_load_side_tap"]
    assert msa_request.comm_cable_present is False
    assert msa_request.comm_cable_in_liquidtight is None
    assert msa_request.energized_present is True
    assert msa_request.device == device
    review = client.get(step_url(msa_request, "review"))
    html = review.content.decode()
    assert review.context["report"].outcome == "pass"
    assert reverse("enrollment:agreement_sign", kwargs={"pk": msa_request.pk}) in html


def test_the_device_step_shows_the_devices_own_requirements(client, customer):
    ApprovedProductFactory(customer_requirements="Needs a ring-type meter socket.")
    ApprovedProductFactory(request_types=["removal"], model_name="Removal only")
    msa_request = MsaRequestFactory(applicant=customer, device=None)
    client.force_login(customer)

    html = client.get(step_url(msa_request, "device")).content.decode()

    assert "Needs a ring-type meter socket." in html
    assert "Removal only" not in html


def test_bad_input_keeps_what_was_typed_and_explains_each_field(client, customer):
    msa_request = MsaRequestFactory(applicant=customer)
    before = msa_request.service_account_number
    client.force_login(customer)

    response = client.post(
        step_url(msa_request, "accounts"),
        {**ANSWERS["accounts"], "service_account_number": "12345", "customer_account_number": "7x"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="12345"' in html
    assert 'value="7x"' in html
    assert 'value="Dana Customer"' in html
    assert "10 digits and starts with 8" in html
    assert "12 digits and starts with 7" in html
    msa_request.refresh_from_db()
    assert msa_request.service_account_number == before


def test_an_unanswered_question_is_an_error_not_a_crash(client, customer):
    msa_request = MsaRequestFactory(applicant=customer)
    client.force_login(customer)

    response = client.post(
        step_url(msa_request, "wiring"), {"energized_conductors": ["ev_charging_cable"]}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "backfeed_amps" in errors
    assert "energized_in_liquidtight" in errors


def test_resume_opens_the_step_after_the_last_one_saved(client, customer):
    msa_request = MsaRequestFactory(applicant=customer, wizard_step="premises")
    client.force_login(customer)

    response = client.get(reverse("enrollment:wizard_resume", kwargs={"pk": msa_request.pk}))

    assert response.url == step_url(msa_request, "meter")
    # and the saved answers are there when the customer goes back
    html = client.get(step_url(msa_request, "premises")).content.decode()
    assert 'value="8631 Rush St"' in html


def test_save_and_finish_later_keeps_the_draft_and_emails_a_resume_link(
    client, customer, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = MsaRequestFactory(applicant=customer, premises_city="")
    client.force_login(customer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            step_url(msa_request, "premises"), {**ANSWERS["premises"], "later": "1"}
        )

    assert response.url == reverse("enrollment:request_list")
    msa_request.refresh_from_db()
    assert msa_request.premises_city == "Rosemead"
    assert msa_request.wizard_step == "premises"
    resume = reverse("enrollment:wizard_resume", kwargs={"pk": msa_request.pk})
    assert resume in client.get(reverse("enrollment:request_list")).content.decode()
    assert len(mailoutbox) == 1
    assert resume in mailoutbox[0].body


def test_back_saves_a_valid_step_and_returns_to_the_previous_one(client, customer):
    msa_request = MsaRequestFactory(applicant=customer)
    client.force_login(customer)

    response = client.post(step_url(msa_request, "safety"), {"life_support": "True", "back": "1"})

    assert response.url == step_url(msa_request, "accounts")
    msa_request.refresh_from_db()
    assert msa_request.life_support is True


def test_a_removal_skips_the_device_and_bag_steps(client, customer):
    msa_request = MsaRequestFactory(applicant=customer, request_type="install")
    client.force_login(customer)
    client.post(step_url(msa_request, "type"), {"request_type": "removal"})
    msa_request.refresh_from_db()

    response = client.post(step_url(msa_request, "socket"), ANSWERS["socket"])

    # The device there now is asked instead of the device to install.
    assert response.url == step_url(msa_request, "existing")
    response = client.post(step_url(msa_request, "existing"), ANSWERS["existing"])
    assert response.url == step_url(msa_request, "photos")
    assert client.get(step_url(msa_request, "device")).status_code == 404
    assert client.get(step_url(msa_request, "preparation")).status_code == 404
    msa_request.refresh_from_db()
    assert msa_request.device is None
    assert "Step 9 of 11" in client.get(step_url(msa_request, "photos")).content.decode()


def test_a_failed_rule_explains_the_fix_links_the_step_and_keeps_the_draft(client, customer):
    msa_request = eligible_draft(applicant=customer, panel_rating_amps=400)
    client.force_login(customer)

    response = client.get(step_url(msa_request, "review"))

    html = response.content.decode()
    assert response.context["report"].outcome == "fail"
    assert response.context["can_sign"] is False
    assert step_url(msa_request, "meter") in html
    assert "Fix the answers above to continue" in html
    msa_request.refresh_from_db()
    assert msa_request.status == Status.DRAFT
    assert msa_request.panel_rating_amps == 400


def test_viewing_the_review_step_writes_nothing(client, customer):
    msa_request = eligible_draft(applicant=customer, wizard_step="photos")
    client.force_login(customer)
    saved = Request.objects.values("wizard_step", "updated_at").get(pk=msa_request.pk)
    versions = msa_request.history.count()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(step_url(msa_request, "review"))

    assert response.status_code == 200
    assert response.context["report"].outcome == "pass"
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert Request.objects.values("wizard_step", "updated_at").get(pk=msa_request.pk) == saved
    assert msa_request.history.count() == versions


def test_posting_the_review_step_records_the_step_reached(client, customer):
    msa_request = eligible_draft(applicant=customer, wizard_step="photos")
    client.force_login(customer)

    response = client.post(step_url(msa_request, "review"))

    assert response.status_code == 302
    assert response.url == step_url(msa_request, "review")
    msa_request.refresh_from_db()
    assert msa_request.wizard_step == "review"
    assert msa_request.status == Status.DRAFT


def test_photos_step_stores_a_photo_and_refuses_a_fake_one(client, customer):
    msa_request = MsaRequestFactory(applicant=customer)
    client.force_login(customer)

    bad = client.post(
        step_url(msa_request, "photos"), {"photos": [upload("panel.jpg", b"<svg></svg>")]}
    )
    assert bad.status_code == 200
    assert "is not a JPG / PNG / HEIC / WebP file" in bad.content.decode()
    assert not msa_request.documents.exists()

    good = client.post(
        step_url(msa_request, "photos"), {"photos": [upload("panel.png", png_bytes())]}
    )
    assert good.status_code == 302
    assert msa_request.documents.get().original_name == "panel.png"


def test_a_contractor_files_for_a_customer_and_uploads_the_authorization(client):
    contractor = ContractorFactory()
    client.force_login(contractor)
    client.post(reverse("enrollment:wizard_start"), {"request_type": "install"})
    msa_request = Request.objects.get()
    assert msa_request.contractor_company == contractor.company
    assert msa_request.applicant is None

    response = client.post(
        step_url(msa_request, "accounts"),
        {**ANSWERS["accounts"], "customer_email": "owner@example.com"},
    )
    assert response.status_code == 302
    from tests.enrollment.factories import pdf_bytes

    client.post(
        step_url(msa_request, "photos"),
        {"authorization_form": upload("auth.pdf", pdf_bytes())},
    )
    assert msa_request.documents.get().kind == "authorization_form"


def test_someone_elses_draft_is_a_404(client):
    msa_request = MsaRequestFactory()
    client.force_login(UserFactory())

    assert client.get(step_url(msa_request, "accounts")).status_code == 404
    assert client.post(step_url(msa_request, "accounts"), ANSWERS["accounts"]).status_code == 404


def test_a_signed_request_can_no_longer_be_edited(client, customer):
    msa_request = MsaRequestFactory(applicant=customer, status=Status.AWAITING_PAYMENT)
    client.force_login(customer)

    assert client.get(step_url(msa_request, "accounts")).status_code == 404


def test_an_unverified_contractor_company_cannot_file(client):
    contractor = ContractorFactory(company__verified_at=None)
    client.force_login(contractor)

    response = client.post(reverse("enrollment:wizard_start"), {"request_type": "install"})

    assert response.status_code == 200
    assert "must be verified" in response.content.decode()
    assert not Request.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("premises_zip", "1234", "5-digit ZIP"),
        ("premises_zip", "10001", "California"),
    ],
)
def test_the_premises_must_be_a_california_address(client, customer, field, value, message):
    msa_request = MsaRequestFactory(applicant=customer)
    client.force_login(customer)

    response = client.post(step_url(msa_request, "premises"), {**ANSWERS["premises"], field: value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert f'value="{value}"' in response.content.decode()
