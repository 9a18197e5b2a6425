"""The authoritative eligibility check of a submitted request, and staff re-runs."""

import pytest

from backoffice.admin.eligibility import rerun_eligibility
from eligibility.models import ApprovedProduct
from enrollment import tasks
from enrollment.authorizations import authorization_record_upload
from enrollment.eligibility import eligibility_check_rerun, eligibility_check_run
from enrollment.models import EligibilityResult, Request, RequestEvent, Status
from enrollment.selectors import request_authorization_on_file
from enrollment.services import TransitionError, request_mark_paid
from tests.eligibility.factories import eligible_submitted_request
from tests.factories import ContractorCompanyFactory, MsaRequestFactory

pytestmark = pytest.mark.django_db


def results_of(msa_request) -> dict[str, str]:
    return dict(msa_request.eligibility_results.values_list("code", "result"))


def test_submitted_eligible_request_gets_one_pass_row_per_rule_and_goes_under_review():
    msa_request = eligible_submitted_request()

    tasks.check_eligibility.delay(msa_request.pk)

    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW
    assert msa_request.eligibility_outcome == "pass"
    assert msa_request.eligibility_checked_at is not None
    results = results_of(msa_request)
    assert len(results) == 13
    assert set(results.values()) == {"pass"}
    assert msa_request.events.filter(to_status=Status.UNDER_REVIEW).count() == 1


def test_paying_the_fee_runs_the_check_after_commit(django_capture_on_commit_callbacks):
    msa_request = eligible_submitted_request()
    Request.objects.filter(pk=msa_request.pk).update(status=Status.AWAITING_PAYMENT)

    with django_capture_on_commit_callbacks(execute=True):
        request_mark_paid(msa_request_id=msa_request.pk)

    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW
    assert msa_request.eligibility_results.count() == 13


def test_running_the_task_twice_changes_nothing_and_adds_no_rows():
    msa_request = eligible_submitted_request()
    tasks.check_eligibility.delay(msa_request.pk)
    first = list(EligibilityResult.objects.filter(msa_request=msa_request).values())
    events = RequestEvent.objects.filter(msa_request=msa_request).count()

    tasks.check_eligibility.delay(msa_request.pk)

    assert list(EligibilityResult.objects.filter(msa_request=msa_request).values()) == first
    assert RequestEvent.objects.filter(msa_request=msa_request).count() == events


def test_failing_site_is_recorded_as_fail_with_the_reason():
    msa_request = eligible_submitted_request(panel_rating_amps=201, backfeed_amps=0)

    eligibility_check_run(msa_request_id=msa_request.pk)

    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW
    assert msa_request.eligibility_outcome == "fail"
    row = msa_request.eligibility_results.get(code="PANEL_MAX_200A")
    assert row.result == "fail"
    assert "201 A" in row.message


def test_unknown_meter_fails_the_meter_record_match():
    msa_request = MsaRequestFactory(status=Status.SUBMITTED)  # no meter record

    eligibility_check_run(msa_request_id=msa_request.pk)

    assert results_of(msa_request)["METER_RECORD_MATCH"] == "fail"


def test_another_open_request_on_the_same_service_account_is_a_duplicate():
    msa_request = eligible_submitted_request()
    MsaRequestFactory(
        status=Status.APPROVED,
        service_account_number=msa_request.service_account_number,
    )
    MsaRequestFactory(status=Status.CANCELLED, meter_number=msa_request.meter_number)

    eligibility_check_run(msa_request_id=msa_request.pk)

    assert results_of(msa_request)["NO_OPEN_DUPLICATE"] == "fail"


def test_closed_requests_on_the_same_meter_are_not_duplicates():
    msa_request = eligible_submitted_request()
    MsaRequestFactory(status=Status.COMPLETED, meter_number=msa_request.meter_number)

    eligibility_check_run(msa_request_id=msa_request.pk)

    assert results_of(msa_request)["NO_OPEN_DUPLICATE"] == "pass"


def test_contractor_filed_request_without_authorization_fails_that_rule():
    msa_request = eligible_submitted_request(contractor_company=ContractorCompanyFactory())

    eligibility_check_run(msa_request_id=msa_request.pk)

    assert not request_authorization_on_file(msa_request)
    assert results_of(msa_request)["AUTHORIZATION_ON_FILE"] == "fail"


def test_the_apl_snapshot_keeps_a_past_request_judged_as_it_was():
    msa_request = eligible_submitted_request()
    eligibility_check_run(msa_request_id=msa_request.pk)
    msa_request.refresh_from_db()
    assert msa_request.device_snapshot["status"] == "active"
    ApprovedProduct.objects.filter(pk=msa_request.device_id).update(status="suspended")

    eligibility_check_rerun(msa_request_id=msa_request.pk, actor=None)

    msa_request.refresh_from_db()
    assert msa_request.device_snapshot["status"] == "active"
    assert results_of(msa_request)["DEVICE_APPROVED"] == "pass"


def test_staff_rerun_refreshes_results_and_notes_who_asked(staff_user):
    msa_request = eligible_submitted_request()
    eligibility_check_run(msa_request_id=msa_request.pk)
    Request.objects.filter(pk=msa_request.pk).update(esr_violation="yes")

    eligibility_check_rerun(msa_request_id=msa_request.pk, actor=staff_user)

    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW
    assert msa_request.eligibility_outcome == "fail"
    assert results_of(msa_request)["NO_ESR_VIOLATION"] == "fail"
    assert msa_request.eligibility_results.count() == 13
    note = msa_request.events.order_by("-pk").first()
    assert note.actor == staff_user
    assert "re-checked" in note.note
    assert "1 rule results changed" in note.note


def test_rerun_is_refused_outside_review():
    msa_request = eligible_submitted_request()

    with pytest.raises(TransitionError):
        eligibility_check_rerun(msa_request_id=msa_request.pk, actor=None)


def test_cancelled_request_is_left_alone_by_a_late_task():
    msa_request = MsaRequestFactory(status=Status.CANCELLED)

    tasks.check_eligibility.delay(msa_request.pk)

    msa_request.refresh_from_db()
    assert msa_request.status == Status.CANCELLED
    assert msa_request.eligibility_results.count() == 0


def test_admin_action_reruns_requests_under_review_and_skips_others(rf, staff_user):
    from django.contrib.admin.sites import AdminSite
    from django.contrib.messages.storage.fallback import FallbackStorage

    reviewed = eligible_submitted_request()
    eligibility_check_run(msa_request_id=reviewed.pk)
    draft = MsaRequestFactory()
    request = rf.post("/admin/")
    request.user = staff_user
    request.session = {}
    request._messages = FallbackStorage(request)

    class FakeAdmin:
        admin_site = AdminSite()

        def message_user(self, request, message, level):
            request._messages.add(level, message)

    rerun_eligibility(FakeAdmin(), request, Request.objects.filter(pk__in=[reviewed.pk, draft.pk]))

    texts = [str(m) for m in request._messages]
    assert any("re-checked for 1 request" in t for t in texts)
    assert any("1 request was skipped" in t for t in texts)
    assert reviewed.events.filter(actor=staff_user).count() == 1


def test_removal_request_passes_without_a_device():
    msa_request = eligible_submitted_request(
        request_type="removal",
        device=None,
        waterproof_bag_commitment=False,
        existing_device_kind="msa",
        existing_device_manufacturer="Sample Maker",
        existing_device_model="Isolator",
        existing_device_isolating=True,
    )

    eligibility_check_run(msa_request_id=msa_request.pk)

    msa_request.refresh_from_db()
    assert msa_request.device_snapshot is None
    assert msa_request.eligibility_outcome == "pass"


def test_task_retries_a_transient_database_error(monkeypatch):
    from django.db import OperationalError

    from enrollment import eligibility

    msa_request = eligible_submitted_request()
    real = eligibility.eligibility_check_run
    calls = []

    def flaky(*, msa_request_id):
        calls.append(msa_request_id)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(msa_request_id=msa_request_id)

    monkeypatch.setattr(eligibility, "eligibility_check_run", flaky)

    # As a worker runs it: the error is handled by the task's retry policy, not propagated.
    tasks.check_eligibility.apply(args=(msa_request.pk,), throw=False)

    assert len(calls) == 2
    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW


def test_admin_inline_shows_each_rule_in_words(rf, staff_user):
    from django.contrib import admin

    from backoffice.admin.eligibility import EligibilityResultInline

    msa_request = eligible_submitted_request(esr_violation="yes")
    eligibility_check_run(msa_request_id=msa_request.pk)
    inline = EligibilityResultInline(Request, admin.site)
    request = rf.get("/admin/")
    request.user = staff_user

    rows = list(inline.get_queryset(request).filter(msa_request=msa_request))

    assert [r.code for r in rows][:2] == ["METER_SELF_CONTAINED", "SERVICE_1PH_3W_240"]
    esr = next(r for r in rows if r.code == "NO_ESR_VIOLATION")
    assert inline.result_label(esr) == "FAIL"
    assert inline.rule(esr) == "No Electric Service Requirement violation (NO_ESR_VIOLATION)"
    assert not inline.has_add_permission(request, msa_request)
    assert not inline.has_change_permission(request, msa_request)


def test_status_page_panel_shows_the_stored_results(client):
    from django.template.loader import render_to_string

    msa_request = eligible_submitted_request()
    assert "checking your request" in render_to_string(
        "enrollment/includes/eligibility_panel.html", {"msa_request": msa_request}
    )
    eligibility_check_run(msa_request_id=msa_request.pk)
    msa_request.refresh_from_db()

    html = render_to_string(
        "enrollment/includes/eligibility_panel.html", {"msa_request": msa_request}
    )

    assert "You meet every requirement." in html
    assert html.count("Meets the requirement:") == 13


def test_first_check_snapshots_the_list_as_it_stands_at_submission():
    msa_request = eligible_submitted_request()
    stale = {**msa_request.device.snapshot(), "status": "retired"}
    Request.objects.filter(pk=msa_request.pk).update(device_snapshot=stale)

    eligibility_check_run(msa_request_id=msa_request.pk)

    msa_request.refresh_from_db()
    assert msa_request.device_snapshot["status"] == "active"
    assert results_of(msa_request)["DEVICE_APPROVED"] == "pass"


def test_an_uploaded_authorization_form_is_for_review_until_staff_accept_it():
    from enrollment.authorizations import authorization_accept
    from enrollment.models import Document
    from tests.enrollment.factories import DocumentFactory, reviewer

    msa_request = eligible_submitted_request(contractor_company=ContractorCompanyFactory())
    DocumentFactory(msa_request=msa_request, kind=Document.Kind.METER_PANEL_PHOTO)
    assert not request_authorization_on_file(msa_request)

    document = DocumentFactory(msa_request=msa_request, kind=Document.Kind.AUTHORIZATION_FORM)
    authorization = authorization_record_upload(document=document, actor=msa_request.filed_by)
    eligibility_check_run(msa_request_id=msa_request.pk)

    assert not request_authorization_on_file(msa_request)
    assert results_of(msa_request)["AUTHORIZATION_ON_FILE"] == "review"

    authorization_accept(authorization_id=authorization.pk, actor=reviewer())

    assert request_authorization_on_file(msa_request)


def test_a_request_naming_neither_account_nor_meter_asks_about_duplicates():
    msa_request = MsaRequestFactory(
        status=Status.SUBMITTED, service_account_number="", meter_number=""
    )

    eligibility_check_run(msa_request_id=msa_request.pk)

    assert results_of(msa_request)["NO_OPEN_DUPLICATE"] == "review"
