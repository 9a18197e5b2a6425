"""The applicant hears about every step they must know about, after the change is committed."""

import pytest

from enrollment import services
from enrollment.models import Status
from tests.factories import ContractorFactory, MsaRequestFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.mark.parametrize(
    ("source", "act", "subject", "quoted"),
    [
        (
            Status.AWAITING_PAYMENT,
            lambda a, s: services.request_mark_paid(msa_request_id=a.pk),
            "We received your MSA request",
            None,
        ),
        (
            Status.UNDER_REVIEW,
            lambda a, s: services.request_ask_for_info(
                msa_request_id=a.pk, actor=s, question="Is the panel 200 A?"
            ),
            "We need more information",
            "Is the panel 200 A?",
        ),
        (
            Status.UNDER_REVIEW,
            lambda a, s: services.request_approve(msa_request_id=a.pk, actor=s),
            "is approved",
            None,
        ),
        (
            Status.UNDER_REVIEW,
            lambda a, s: services.request_reject(
                msa_request_id=a.pk, actor=s, reason="The meter is CT-rated."
            ),
            "was not approved",
            "The meter is CT-rated.",
        ),
        (
            Status.APPROVED,
            lambda a, s: services.request_cancel(msa_request_id=a.pk, actor=a.applicant),
            "is cancelled",
            None,
        ),
    ],
)
def test_each_step_emails_the_customer_in_text_and_html(
    staff, mailoutbox, django_capture_on_commit_callbacks, source, act, subject, quoted
):
    msa_request = MsaRequestFactory(status=source)

    with django_capture_on_commit_callbacks(execute=True):
        act(msa_request, staff)

    mails = [m for m in mailoutbox if subject in m.subject]
    assert len(mails) == 1
    mail = mails[0]
    assert mail.to == [msa_request.customer_email]
    assert msa_request.reference in mail.subject
    assert msa_request.get_absolute_url() in mail.body
    html = mail.alternatives[0][0]
    assert msa_request.get_absolute_url() in html
    if quoted:
        assert quoted in mail.body
        assert quoted in html


def test_no_email_is_sent_when_the_transaction_rolls_back(staff, mailoutbox):
    msa_request = MsaRequestFactory(status=Status.UNDER_REVIEW)

    # Without running on-commit callbacks (as in a rolled-back transaction) nothing is sent.
    services.request_approve(msa_request_id=msa_request.pk, actor=staff)

    assert mailoutbox == []


def test_a_contractor_filed_request_emails_only_the_contractor_about_a_non_key_step(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    contractor = ContractorFactory()
    msa_request = MsaRequestFactory(
        applicant=None,
        filed_by=contractor,
        contractor_company=contractor.company,
        customer_name="Owner",
        customer_email="owner@example.com",
        status=Status.UNDER_REVIEW,
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.request_approve(msa_request_id=msa_request.pk, actor=staff)

    # The contractor is the designated primary contact; approval is not one of the key emails.
    assert mailoutbox[0].to == [contractor.email]


def test_a_mail_failure_does_not_undo_or_break_the_step(
    staff, settings, mailoutbox, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    msa_request = MsaRequestFactory(status=Status.UNDER_REVIEW)

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("enrollment.notifications.send_request_email", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_approve(msa_request_id=msa_request.pk, actor=staff)

    msa_request.refresh_from_db()
    assert msa_request.status == Status.APPROVED
    assert "email approved for request" in caplog.text
    assert msa_request.customer_email not in caplog.text
