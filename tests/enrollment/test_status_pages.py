"""My requests and the status page: plain words, what to do next, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrollment import services
from enrollment.models import Status
from tests.enrollment.factories import DocumentFactory
from tests.factories import MsaRequestFactory, StaffFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    client.get(url)  # warm: the calendar's changes are cached after the first page
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_my_requests_makes_the_same_number_of_queries_for_1_and_20_requests(
    client, customer, django_assert_num_queries
):
    MsaRequestFactory(applicant=customer)
    client.force_login(customer)
    url = reverse("enrollment:request_list")
    with_one = queries_for(client, url)

    MsaRequestFactory.create_batch(19, applicant=customer, status=Status.UNDER_REVIEW)
    with django_assert_num_queries(with_one):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 20


def test_the_status_page_makes_the_same_number_of_queries_for_1_and_20_events(
    client, customer, django_assert_num_queries, settings
):
    # The page as rendered; the reader's cached copy is pinned in tests/common/test_page_cache.py.
    settings.READER_PAGE_SECONDS = 0
    staff = StaffFactory()
    msa_request = MsaRequestFactory(applicant=customer, status=Status.UNDER_REVIEW)
    services.request_ask_for_info(msa_request_id=msa_request.pk, actor=staff, question="Q0?")
    DocumentFactory(msa_request=msa_request)
    client.force_login(customer)
    url = msa_request.get_absolute_url()
    with_one = queries_for(client, url)

    for number in range(1, 10):
        services.request_answer_info(msa_request_id=msa_request.pk, actor=customer, answer="A")
        services.request_ask_for_info(
            msa_request_id=msa_request.pk, actor=staff, question=f"Q{number}?"
        )
        DocumentFactory(msa_request=msa_request)
    MsaRequestFactory.create_batch(10, applicant=customer)
    assert msa_request.events.count() == 19
    with django_assert_num_queries(with_one):
        response = client.get(url)
    assert "Q9?" in response.content.decode()


@pytest.mark.parametrize(
    ("status", "must_do"),
    [
        (Status.DRAFT, "Finish the questions"),
        (Status.AWAITING_PAYMENT, "Pay the site-visit fee"),
        (Status.APPROVED, "waterproof bag"),
        (Status.SCHEDULED, "waterproof bag"),
        (Status.VISIT_FAILED, "new visit"),
    ],
)
def test_the_status_page_says_what_the_customer_must_do(client, customer, status, must_do):
    msa_request = MsaRequestFactory(applicant=customer, status=status)
    client.force_login(customer)

    html = client.get(msa_request.get_absolute_url()).content.decode()

    assert "What happens next" in html
    assert must_do in html


def test_the_timeline_tells_every_step_in_plain_words_with_dates(client, customer):
    staff = StaffFactory()
    msa_request = MsaRequestFactory(applicant=customer, status=Status.AWAITING_PAYMENT)
    services.request_mark_paid(msa_request_id=msa_request.pk)
    services.request_record_eligibility(msa_request_id=msa_request.pk, outcome="pass")
    services.request_reject(msa_request_id=msa_request.pk, actor=staff, reason="Panel is 400 A.")
    client.force_login(customer)

    html = client.get(msa_request.get_absolute_url()).content.decode()

    for words in (
        "Fee paid: your request was submitted",
        "Our staff are reviewing your request",
        "Your request was not approved",
        "Panel is 400 A.",
        "<time datetime=",
    ):
        assert words in html
    assert "Cancel this request" not in html


def test_info_requested_shows_the_question_and_the_answer_returns_it_to_review(client, customer):
    from tests.enrollment.factories import png_bytes, upload

    staff = StaffFactory()
    msa_request = MsaRequestFactory(applicant=customer, status=Status.UNDER_REVIEW)
    services.request_ask_for_info(
        msa_request_id=msa_request.pk, actor=staff, question="Please send a photo of the label."
    )
    client.force_login(customer)
    html = client.get(msa_request.get_absolute_url()).content.decode()
    assert "Please send a photo of the label." in html
    assert "Send my answer" in html

    response = client.post(
        reverse("enrollment:info_answer", kwargs={"pk": msa_request.pk}),
        {"answer": "Here it is.", "attachment": upload("label.png", png_bytes())},
    )

    assert response.url == msa_request.get_absolute_url()
    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW
    assert msa_request.events.last().note == "Here it is."
    assert msa_request.documents.get().kind == "info_response"


def test_an_answer_with_a_bad_file_changes_nothing(client, customer):
    from tests.enrollment.factories import upload

    staff = StaffFactory()
    msa_request = MsaRequestFactory(applicant=customer, status=Status.UNDER_REVIEW)
    services.request_ask_for_info(msa_request_id=msa_request.pk, actor=staff, question="Photo?")
    client.force_login(customer)

    client.post(
        reverse("enrollment:info_answer", kwargs={"pk": msa_request.pk}),
        {"answer": "here", "attachment": upload("label.png", b"text, not an image")},
    )

    msa_request.refresh_from_db()
    assert msa_request.status == Status.INFO_REQUESTED
    assert not msa_request.documents.exists()


def test_cancel_asks_for_confirmation_then_cancels(client, customer):
    msa_request = MsaRequestFactory(applicant=customer, status=Status.UNDER_REVIEW)
    client.force_login(customer)
    url = reverse("enrollment:request_cancel", kwargs={"pk": msa_request.pk})

    page = client.get(url)
    assert "Yes, cancel the request" in page.content.decode()
    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW

    client.post(url, {"reason": "Changed my mind."})
    msa_request.refresh_from_db()
    assert msa_request.status == Status.CANCELLED
    assert msa_request.events.last().note == "Changed my mind."


def test_a_scheduled_request_cannot_be_cancelled_here(client, customer):
    msa_request = MsaRequestFactory(applicant=customer, status=Status.SCHEDULED)
    client.force_login(customer)

    client.post(reverse("enrollment:request_cancel", kwargs={"pk": msa_request.pk}))

    msa_request.refresh_from_db()
    assert msa_request.status == Status.SCHEDULED


def test_home_and_my_requests_offer_a_new_request(client, customer):
    client.force_login(customer)
    new = reverse("enrollment:wizard_start")

    assert new in client.get("/").content.decode()
    assert new in client.get(reverse("enrollment:request_list")).content.decode()


def test_staff_see_the_status_page_without_the_customers_actions(client):
    staff = StaffFactory()
    msa_request = MsaRequestFactory(status=Status.UNDER_REVIEW)
    services.request_ask_for_info(msa_request_id=msa_request.pk, actor=staff, question="Label?")
    client.force_login(staff)

    html = client.get(msa_request.get_absolute_url()).content.decode()

    assert "Label?" in html
    assert "Send my answer" not in html
    assert "Cancel this request" not in html
