"""The review queue: columns, filters, search, ordering, and a constant number of queries."""

import datetime

import pytest
from django import forms
from django.contrib.admin import helpers
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backoffice.admin.queue import SearchPaginator
from enrollment.models import EligibilityOutcome, Request, Status
from tests.backoffice.conftest import make_request
from tests.factories import (
    ApprovedProductFactory,
    ContractorCompanyFactory,
    ContractorFactory,
    MsaRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:enrollment_request_changelist")


def bulk_requests(count: int, *, start: int) -> None:
    company = ContractorCompanyFactory()
    filer = ContractorFactory(company=company)
    customer = UserFactory()
    device = ApprovedProductFactory()
    now = timezone.now()
    Request.objects.bulk_create(
        Request(
            applicant=customer,
            filed_by=filer,
            contractor_company=company,
            customer_name=f"Customer {n}",
            customer_email=f"c{n}@example.com",
            request_type="install",
            status=Status.UNDER_REVIEW,
            eligibility_outcome=EligibilityOutcome.PASS,
            service_account_number=f"8{n:09d}",
            meter_number=f"Q{n:07d}",
            device=device,
            submitted_at=now - datetime.timedelta(minutes=n),
        )
        for n in range(start, start + count)
    )


@pytest.mark.parametrize("query", ["", "?status__exact=under_review&q=Customer"])
def test_queue_makes_the_same_number_of_queries_for_10_and_1000_requests(
    query, client, staff_user, django_assert_num_queries
):
    client.force_login(staff_user)
    bulk_requests(10, start=0)
    client.get(CHANGELIST + query)  # warm: the calendar's changes are cached after the first page
    with CaptureQueriesContext(connection) as at_ten:
        assert client.get(CHANGELIST + query).status_code == 200

    bulk_requests(990, start=10)
    with django_assert_num_queries(len(at_ten.captured_queries)):
        response = client.get(CHANGELIST + query)

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1000


def test_queue_lists_oldest_waiting_first_and_unsubmitted_last(client, staff_user):
    draft = make_request(Status.DRAFT)
    recent = make_request(days_ago=1)
    oldest = make_request(days_ago=20)
    client.force_login(staff_user)

    response = client.get(CHANGELIST)

    listed = [a.pk for a in response.context["cl"].result_list]
    assert listed == [oldest.pk, recent.pk, draft.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=approved", {"approved"}),
        ("eligibility_outcome__exact=fail", {"failed"}),
        ("request_type__exact=removal", {"removal"}),
        ("device__adapter_type__exact=non_isolating", {"non_isolating"}),
        ("q=8123456789", {"approved"}),
        ("q=M-UNIQUE-1", {"failed"}),
        ("q=Zelda", {"removal"}),
        ("q=Yucaipa", {"non_isolating"}),
        ("q=zelda@example.com", {"removal"}),
    ],
)
def test_queue_filters_and_search(query, expected, client, staff_user):
    rows = {
        "approved": make_request(Status.APPROVED, service_account_number="8123456789"),
        "failed": make_request(outcome=EligibilityOutcome.FAIL, meter_number="M-UNIQUE-1"),
        "removal": make_request(
            request_type="removal",
            device=None,
            customer_name="Zelda Removal",
            customer_email="zelda@example.com",
        ),
        "non_isolating": make_request(
            device=ApprovedProductFactory(adapter_type="non_isolating"), premises_city="Yucaipa"
        ),
    }
    client.force_login(staff_user)

    response = client.get(f"{CHANGELIST}?{query}")

    names = {name for name, a in rows.items() if a in response.context["cl"].result_list}
    assert names == expected


def test_queue_filters_by_contractor_company(client, staff_user):
    contractor = ContractorFactory()
    filed = make_request(filed_by=contractor, contractor_company=contractor.company)
    make_request()
    client.force_login(staff_user)

    response = client.get(f"{CHANGELIST}?contractor_company__id__exact={contractor.company_id}")

    assert list(response.context["cl"].result_list) == [filed]
    assert contractor.email.encode() in response.content


def test_request_page_shows_everything_on_one_page(client, staff_user):
    msa_request = make_request(
        device_snapshot={"id": 1, "model_name": "Old name", "rated_current_amps": 200}
    )
    from enrollment import decisions

    decisions.request_decide_ask_for_info(
        msa_request_id=msa_request.pk, actor=staff_user, question="Photo of the meter, please."
    )
    client.force_login(staff_user)

    response = client.get(reverse("admin:enrollment_request_change", args=[msa_request.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        msa_request.reference,
        msa_request.customer_name,
        msa_request.meter_number,
        "Site facts",
        "Old name",
        "changed since",
        "Photo of the meter, please.",
        "Audit timeline",
        reverse("admin:enrollment_request_history", args=[msa_request.pk]),
    ):
        assert text in page, text


@pytest.mark.parametrize("state", Status.values)
def test_request_page_opens_in_every_state(state, client, staff_user):
    msa_request = make_request(state, request_type="removal", device=None)
    client.force_login(staff_user)

    response = client.get(reverse("admin:enrollment_request_change", args=[msa_request.pk]))

    assert response.status_code == 200
    labels = [label for label, _url in response.context["decision_tools"]]
    assert ("Approve" in labels) == (state == Status.UNDER_REVIEW)
    assert ("Write to the applicant" in labels) == (state != Status.DRAFT)


def test_request_page_queries_do_not_grow_with_its_timeline(client, staff_user):
    from enrollment import services

    msa_request = make_request(Status.DRAFT)
    client.force_login(staff_user)
    url = reverse("admin:enrollment_request_change", args=[msa_request.pk])
    services.request_sign_agreement(msa_request_id=msa_request.pk, actor=staff_user)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    services.request_mark_paid(msa_request_id=msa_request.pk, actor=staff_user)
    services.request_record_eligibility(msa_request_id=msa_request.pk, outcome="review")
    for n in range(5):
        services.request_ask_for_info(
            msa_request_id=msa_request.pk, actor=staff_user, question=f"Q{n}"
        )
        services.request_answer_info(
            msa_request_id=msa_request.pk, actor=staff_user, answer=f"A{n}"
        )

    with CaptureQueriesContext(connection) as long:
        client.get(url)

    assert msa_request.events.count() == 13
    assert len(long.captured_queries) == len(short.captured_queries)


def test_search_finds_requests_by_their_applicants_and_filers_details(client, staff_user):
    customer = UserFactory(email="quincy@example.net", full_name="Quincy Applicant")
    contractor = ContractorFactory(email="filer@installer.example")
    by_customer = MsaRequestFactory(applicant=customer, customer_name="Someone Else")
    by_contractor = MsaRequestFactory(filed_by=contractor, customer_name="Another Person")
    MsaRequestFactory(customer_name="Unrelated")
    client.force_login(staff_user)

    def found(term):
        response = client.get(CHANGELIST, {"q": term})
        return {r.pk for r in response.context["cl"].result_list}

    assert found("quincy@example") == {by_customer.pk}
    assert found("Quincy Applicant") == {by_customer.pk}
    assert found("installer.example") == {by_contractor.pk}
    assert found("quincy installer") == set()


def test_a_search_counts_its_matches_only_up_to_the_cap(client, staff_user, monkeypatch):
    monkeypatch.setattr(SearchPaginator, "cap", 5)
    bulk_requests(8, start=0)
    client.force_login(staff_user)

    many = client.get(CHANGELIST, {"q": "Customer"})
    few = client.get(CHANGELIST, {"q": "Q0000003"})
    unsearched = client.get(CHANGELIST)

    assert many.context["cl"].result_count == 6 and many.context["cl"].result_count_capped
    html = many.content.decode()
    assert "more than 5 requests: add a word to the search to narrow it" in html
    assert "more than 5 results" in html
    assert "Select all 6" not in html
    assert len(many.context["cl"].result_list) == 8  # one page: every match is still listed
    assert few.context["cl"].result_count == 1 and not few.context["cl"].result_count_capped
    assert unsearched.context["cl"].result_count == 8
    assert not unsearched.context["cl"].result_count_capped


def test_each_row_has_djangos_own_tick_box_for_the_bulk_actions(client, reviewer):
    msa_request = MsaRequestFactory()
    client.force_login(reviewer)
    html = client.get(CHANGELIST).content.decode()
    # What ModelAdmin.action_checkbox renders through the widget's template.
    label = f"Select this object for an action - {msa_request}"
    widget = forms.CheckboxInput({"class": "action-select", "aria-label": label}, lambda v: False)
    django_box = widget.render(helpers.ACTION_CHECKBOX_NAME, str(msa_request.pk))
    assert django_box in html
    assert 'id="action-toggle"' in html
