"""The vendor's pages: what was typed survives an error, files are refused with the reason,
a vendor sees only its company's submissions, and staff decisions stay in the history."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.enrollment.factories import pdf_bytes, png_bytes
from tests.factories import UserFactory
from tests.vendors.factories import VendorFactory
from tests.vendors.test_lifecycle import DEVICE, _check_all, _complete_draft
from vendors import services
from vendors.models import DeviceEvaluation, EvaluationEvent, Status

pytestmark = pytest.mark.django_db
LIST = "/vendors/evaluations/"


@pytest.fixture
def vendor(client):
    user = VendorFactory()
    client.force_login(user)
    return user


@pytest.fixture
def engineer():
    user = UserFactory(email="engineer@example.com", is_staff=True, role="staff")
    user.groups.add(Group.objects.get(name="Meter engineering"))
    return user


def detail(evaluation) -> str:
    return f"/vendors/evaluations/{evaluation.pk}/"


def upload(client, evaluation, *, kind: str, name: str, content: bytes, standard: str = ""):
    data = {
        "action": "upload",
        "kind": kind,
        "standard": standard,
        "file": SimpleUploadedFile(name, content),
    }
    return client.post(detail(evaluation), data, follow=True)


def test_a_form_with_errors_keeps_what_was_typed(client, vendor):
    response = client.post(
        LIST,
        {
            "manufacturer": "Collar Devices",
            "model_name": "GridGate 200",
            "model_number": "",
            "variants": "GG-200-R",
            "adapter_type": "isolating",
            "continuous_rating_amps": "two hundred",
            "interrupting_rating_ka": "22",
            "service_types": ["1ph_3w_120_240"],
            "socket_forms": "2S, 12S",
            "ring_requirement": "ringless",
            "communication_interface": "RS-485",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    for typed in ('value="Collar Devices"', 'value="GridGate 200"', 'value="2S, 12S"', "GG-200-R"):
        assert typed in page
    assert 'value="two hundred"' in page
    assert re.search(r'value="1ph_3w_120_240"[^>]*checked', page)
    assert re.search(r'<option value="ringless" selected>', page)
    assert "This field is required." in page
    assert "Enter a whole number." in page
    assert not DeviceEvaluation.objects.exists()


def test_a_bad_certificate_is_refused_with_the_reason_and_the_good_files_are_kept(client, vendor):
    evaluation = services.evaluation_create(actor=vendor, **DEVICE)
    upload(client, evaluation, kind="spec_sheet", name="spec.pdf", content=pdf_bytes())
    upload(
        client,
        evaluation,
        kind="certificate",
        name="ul414.pdf",
        content=pdf_bytes(),
        standard="UL 414",
    )

    response = upload(
        client,
        evaluation,
        kind="certificate",
        name="ul2735.pdf",
        content=png_bytes(),
        standard="UL 2735",
    )

    page = response.content.decode()
    assert "ul2735.pdf is not a PDF file (we check what is inside, not the name)." in page
    assert sorted(evaluation.files.values_list("original_name", flat=True)) == [
        "spec.pdf",
        "ul414.pdf",
    ]
    assert "spec.pdf</a>" in page and "ul414.pdf</a>" in page
    # The choices made for the refused file are still there to try again.
    assert re.search(r'<option value="certificate" selected>', page)
    assert re.search(r'<option value="UL 2735" selected>', page)


def test_a_certificate_must_name_its_standard(client, vendor):
    evaluation = services.evaluation_create(actor=vendor, **DEVICE)

    response = upload(client, evaluation, kind="certificate", name="c.pdf", content=pdf_bytes())

    assert "Say which standard this certificate is for." in response.content.decode()
    assert not evaluation.files.exists()


def test_a_vendor_sees_only_their_companys_submissions(client, vendor):
    colleague = VendorFactory(company=vendor.company)
    other = VendorFactory()
    ours = services.evaluation_create(actor=colleague, **DEVICE)
    theirs = _complete_draft(other, model_number="OTHER-1", model_name="Other Gate")

    page = client.get(LIST).content.decode()

    assert ours.reference in page and "GridGate 200" in page
    assert theirs.reference not in page and "Other Gate" not in page
    assert client.get(detail(ours)).status_code == 200
    assert client.get(detail(theirs)).status_code == 404
    their_file = theirs.files.first()
    assert client.get(f"/vendors/evaluations/files/{their_file.pk}/").status_code == 404
    response = client.post(detail(theirs), {"action": "withdraw"})
    assert response.status_code == 404
    assert DeviceEvaluation.objects.get(pk=theirs.pk).status == Status.DRAFT


def test_staff_decisions_are_recorded_in_the_history_the_vendor_reads(
    client, vendor, engineer, django_capture_on_commit_callbacks
):
    evaluation = _complete_draft(vendor)
    client.post(detail(evaluation), {"action": "submit"})
    decide = f"/admin/vendors/deviceevaluation/{evaluation.pk}/decide/"
    client.force_login(engineer)
    client.post(decide, {"action": "start_review", "text": ""})
    client.post(decide, {"action": "request_info", "text": "Which firmware is certified?"})
    client.force_login(vendor)
    client.post(detail(evaluation), {"action": "message", "body": "Firmware 2.1, as listed."})
    client.force_login(engineer)
    client.post(decide, {"action": "start_lab", "text": ""})
    _check_all(evaluation, engineer)
    client.post(decide, {"action": "approve", "text": "Certificates and lab results match."})

    events = list(EvaluationEvent.objects.filter(evaluation=evaluation).order_by("pk"))
    assert [(e.to_status, e.actor) for e in events] == [
        (Status.DRAFT, vendor),
        (Status.SUBMITTED, vendor),
        (Status.IN_REVIEW, engineer),
        (Status.INFO_REQUESTED, engineer),
        (Status.ANSWERED, vendor),
        (Status.LAB_EVALUATION, engineer),
        (Status.APPROVED, engineer),
    ]
    assert events[3].note == "Which firmware is certified?"
    assert events[-1].note == "Certificates and lab results match."
    evaluation.refresh_from_db()
    assert evaluation.history.first().status == Status.APPROVED  # django-simple-history

    client.force_login(vendor)
    page = client.get(detail(evaluation)).content.decode()
    assert "Certificates and lab results match." in page
    for label in ("Submitted", "In review", "Information requested", "Lab evaluation", "Approved"):
        assert label in page
    staff_page = client.get(f"/admin/vendors/deviceevaluation/{evaluation.pk}/change/")
    assert staff_page.status_code == 302  # a vendor never reaches the staff admin


def test_a_certificate_sent_with_an_answer_gets_its_checklist_before_approval(
    client, vendor, engineer
):
    evaluation = _complete_draft(vendor)
    services.evaluation_submit(evaluation_id=evaluation.pk, actor=vendor)
    services.evaluation_start_review(evaluation_id=evaluation.pk, actor=engineer)
    services.evaluation_request_info(
        evaluation_id=evaluation.pk, actor=engineer, message="Send the UL 916 report."
    )
    upload(
        client,
        evaluation,
        kind="certificate",
        name="ul916.pdf",
        content=pdf_bytes(),
        standard="UL 916",
    )
    services.evaluation_answer(evaluation_id=evaluation.pk, actor=vendor, message="Attached.")
    services.evaluation_start_lab(evaluation_id=evaluation.pk, actor=engineer)
    for review in evaluation.standard_reviews.exclude(standard="UL 916"):
        services.standard_review_record(
            review_id=review.pk,
            actor=engineer,
            certificate_matches_model=True,
            listing_current=True,
            ratings_match=True,
        )

    # The list would name UL 916: its checklist must be done first.
    with pytest.raises(ValidationError, match="UL 916"):
        services.evaluation_approve(evaluation_id=evaluation.pk, actor=engineer, reason="Fine.")
    _check_all(evaluation, engineer)
    services.evaluation_approve(evaluation_id=evaluation.pk, actor=engineer, reason="Fine.")
    evaluation.refresh_from_db()
    assert evaluation.apl_entry.standards == "UL 2735, UL 414, UL 916"


class _FormFields(HTMLParser):
    """The values a browser would post from a page's form (inputs and textareas)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("checkbox", "submit"):
            self.data[name] = attrs.get("value") or ""
        elif tag == "input" and name and "checked" in attrs:
            self.data[name] = "on"
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def test_meter_engineering_ticks_the_checklist_in_the_admin(client, vendor, engineer):
    evaluation = _complete_draft(vendor)
    services.evaluation_submit(evaluation_id=evaluation.pk, actor=vendor)
    client.force_login(engineer)
    url = f"/admin/vendors/deviceevaluation/{evaluation.pk}/change/"
    page = client.get(url).content.decode()
    fields = _FormFields()
    fields.feed(page)
    data = fields.data
    for index in range(2):
        for name in ("certificate_matches_model", "listing_current", "ratings_match"):
            data[f"standard_reviews-{index}-{name}"] = "on"
    data["standard_reviews-0-note"] = "Certificate names GG-200 and GG-200-R."

    response = client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 302
    reviews = list(evaluation.standard_reviews.order_by("standard"))
    assert all(review.is_complete and review.reviewed_by == engineer for review in reviews)
    assert reviews[0].note == "Certificate names GG-200 and GG-200-R."
