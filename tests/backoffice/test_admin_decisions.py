"""Decisions through the admin: the buttons' pages and the changelist actions."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse

from enrollment.models import EligibilityOutcome, Rejection, RequestEvent, Status
from tests.backoffice.conftest import make_request

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:enrollment_request_changelist")
PAGES = {
    "approve": ("admin:enrollment_request_approve", {"note": ""}, Status.APPROVED),
    "reject": (
        "admin:enrollment_request_reject",
        {"reason_code": "INCOMPLETE", "message": "Please add the meter photo."},
        Status.REJECTED,
    ),
    "ask": (
        "admin:enrollment_request_ask_info",
        {"question": "Which socket form is printed on the meter?"},
        Status.INFO_REQUESTED,
    ),
}


def messages_of(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("kind", PAGES)
def test_request_page_decision_moves_the_request(kind, client, reviewer):
    msa_request = make_request(outcome=EligibilityOutcome.PASS)
    url_name, data, target = PAGES[kind]
    client.force_login(reviewer)

    page = client.get(reverse(url_name, args=[msa_request.pk]))
    response = client.post(reverse(url_name, args=[msa_request.pk]), data)

    assert page.status_code == 200
    assert response.status_code == 302
    msa_request.refresh_from_db()
    assert msa_request.status == target
    assert messages_of(response)[0][0] == "success"
    assert RequestEvent.objects.get(msa_request=msa_request).actor == reviewer
    # Django's own admin log (the "Recent actions" box) records it too.
    assert LogEntry.objects.filter(object_id=str(msa_request.pk), user=reviewer).exists()


@pytest.mark.parametrize("kind", PAGES)
@pytest.mark.parametrize("state", [s for s in Status.values if s != Status.UNDER_REVIEW], ids=str)
def test_request_page_decision_from_another_state_changes_nothing(kind, state, client, reviewer):
    msa_request = make_request(state)
    url_name, data, target = PAGES[kind]
    client.force_login(reviewer)

    response = client.post(reverse(url_name, args=[msa_request.pk]), data)

    assert response.status_code == 302
    msa_request.refresh_from_db()
    assert msa_request.status == state
    assert not RequestEvent.objects.filter(msa_request=msa_request).exists()
    level, _text = messages_of(response)[0]
    # Already there: a warning that nothing changed; anywhere else: an error.
    assert level == ("warning" if state == target else "error")


def test_reject_page_requires_reason_and_message(client, reviewer, under_review):
    client.force_login(reviewer)
    url = reverse("admin:enrollment_request_reject", args=[under_review.pk])

    response = client.post(url, {"reason_code": "", "message": ""})

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"reason_code", "message"}
    under_review.refresh_from_db()
    assert under_review.status == Status.UNDER_REVIEW


def test_request_page_shows_decision_buttons_only_when_a_decision_is_possible(
    client, reviewer, under_review
):
    approved = make_request(Status.APPROVED)
    client.force_login(reviewer)

    open_page = client.get(reverse("admin:enrollment_request_change", args=[under_review.pk]))
    closed_page = client.get(reverse("admin:enrollment_request_change", args=[approved.pk]))

    approve_url = reverse("admin:enrollment_request_approve", args=[under_review.pk])
    assert approve_url in open_page.content.decode()
    assert [label for label, _url in closed_page.context["decision_tools"]] == [
        "Write to the applicant"
    ]


def test_bulk_approve_action_approves_passed_and_reports_the_skipped(client, reviewer):
    passed = make_request(outcome=EligibilityOutcome.PASS)
    needs_review = make_request(outcome=EligibilityOutcome.REVIEW)
    client.force_login(reviewer)

    response = client.post(
        CHANGELIST,
        {"action": "approve_selected", "_selected_action": [passed.pk, needs_review.pk]},
    )

    assert response.status_code == 302
    passed.refresh_from_db()
    needs_review.refresh_from_db()
    assert passed.status == Status.APPROVED
    assert needs_review.status == Status.UNDER_REVIEW
    texts = dict(messages_of(response))
    assert "1 request approved." in texts["success"]
    assert needs_review.reference in texts["warning"]


def test_bulk_reject_action_asks_for_reason_then_rejects(client, reviewer):
    first = make_request()
    second = make_request(Status.APPROVED)
    client.force_login(reviewer)
    selected = {"action": "reject_selected", "_selected_action": [first.pk, second.pk]}

    form_page = client.post(CHANGELIST, selected)
    response = client.post(
        CHANGELIST,
        {**selected, "apply": "1", "reason_code": "DUPLICATE", "message": "See MSA-000001."},
    )

    assert form_page.status_code == 200
    assert b"Message to the customer" in form_page.content
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.REJECTED, Status.APPROVED)
    assert Rejection.objects.get().msa_request == first
    levels = [level for level, _text in messages_of(response)]
    assert levels == ["success", "error"]


def test_bulk_ask_for_info_action_sends_the_question(client, reviewer, under_review):
    client.force_login(reviewer)

    client.post(
        CHANGELIST,
        {
            "action": "ask_for_info_selected",
            "_selected_action": [under_review.pk],
            "apply": "1",
            "question": "Is the meter ring-type?",
        },
    )

    under_review.refresh_from_db()
    assert under_review.status == Status.INFO_REQUESTED
    assert under_review.events.get().note == "Is the meter ring-type?"


def test_nobody_edits_or_deletes_a_request_in_admin(client, staff_user, under_review):
    client.force_login(staff_user)  # a superuser
    url = reverse("admin:enrollment_request_change", args=[under_review.pk])

    page = client.get(url)
    post = client.post(url, {"status": Status.APPROVED, "customer_name": "Changed"})
    delete = client.get(reverse("admin:enrollment_request_delete", args=[under_review.pk]))
    add = client.get(reverse("admin:enrollment_request_add"))

    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert post.status_code == 403
    assert delete.status_code == 403
    assert add.status_code == 403
    under_review.refresh_from_db()
    assert under_review.status == Status.UNDER_REVIEW


def test_rerun_button_refreshes_the_results_of_a_corrected_request(client, reviewer):
    from enrollment.eligibility import eligibility_check_run
    from enrollment.models import Request

    msa_request = make_request(Status.SUBMITTED)
    Request.objects.filter(pk=msa_request.pk).update(panel_rating_amps=400)
    eligibility_check_run(msa_request_id=msa_request.pk)
    msa_request.refresh_from_db()
    assert msa_request.eligibility_outcome == EligibilityOutcome.FAIL
    Request.objects.filter(pk=msa_request.pk).update(panel_rating_amps=200)
    client.force_login(reviewer)
    url = reverse("admin:enrollment_request_rerun", args=[msa_request.pk])

    assert (
        "Re-run eligibility"
        in client.get(
            reverse("admin:enrollment_request_change", args=[msa_request.pk])
        ).content.decode()
    )
    response = client.post(url, {})

    assert response.status_code == 302
    msa_request.refresh_from_db()
    assert msa_request.eligibility_results.get(code="PANEL_MAX_200A").result == "pass"
    assert RequestEvent.objects.filter(msa_request=msa_request, actor=reviewer).exists()


def test_a_scheduler_cannot_rerun_eligibility(client, scheduler):
    msa_request = make_request(outcome=EligibilityOutcome.PASS)
    client.force_login(scheduler)

    response = client.post(reverse("admin:enrollment_request_rerun", args=[msa_request.pk]))

    assert response.status_code == 403
