"""Email subjects and text bodies read as typed; only the HTML part is escaped."""

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import timezone

from accounts import services as account_services
from common.emails import send_templated_email
from enrollment import authorizations
from tests.enrollment.factories import eligible_draft
from tests.factories import ContractorCompanyFactory, ContractorFactory, MsaRequestFactory

pytestmark = pytest.mark.django_db

COMPANY = "Sol & Sun's Storage"
CUSTOMER = "Zoë O'Brien & Luis Núñez"
STREET = "1 O'Neil & Pine St"
MODEL = "O'Neil & Co. MSA-200"
# Typed values with an ampersand and an apostrophe: every email names at least one.
TYPED = (COMPANY, CUSTOMER, STREET, MODEL)
ESCAPES = ("&amp;", "&#x27;", "&#39;", "&quot;", "&lt;", "&gt;")
TEMPLATES = sorted(
    str(path.relative_to(settings.BASE_DIR / "templates")).removesuffix("_subject.txt")
    for path in Path(settings.BASE_DIR, "templates").glob("*/emails/*_subject.txt")
)


def test_every_email_template_is_checked():
    # A new email is picked up by the glob; this guards the glob itself.
    assert len(TEMPLATES) >= 18
    assert "scheduling/emails/visit_booked" in TEMPLATES
    assert "accounts/emails/company_invitation" in TEMPLATES


@pytest.fixture
def context():
    """Every variable an email template reads, each typed value holding a ``&`` and a ``'``.

    The request is the customer's own (no contractor), so the greeting names them.
    """
    company = ContractorCompanyFactory(name=COMPANY)
    msa_request = MsaRequestFactory(customer_name=CUSTOMER, premises_street=STREET)
    when = timezone.make_aware(dt.datetime(2026, 12, 1, 17, 0))
    visit = SimpleNamespace(
        date=when.date(),
        window=SimpleNamespace(starts_at=dt.time(12), ends_at=dt.time(16)),
        outcome_note=f"{CUSTOMER} asked",
    )
    payment = SimpleNamespace(pk=1, receipt_number="R-1", amount_cents=27922)
    return {
        "msa_request": msa_request,
        "company": company,
        "visit": visit,
        "payment": payment,
        "refund": SimpleNamespace(amount_cents=100, reason=f"{COMPANY} asked"),
        "dispute": SimpleNamespace(
            amount_cents=27922, reason=f"{CUSTOMER} asked", evidence_due_by=when
        ),
        "invitation": SimpleNamespace(
            company=company, invited_by=SimpleNamespace(get_full_name=CUSTOMER)
        ),
        "expires_at": when,
        "note": f"{COMPANY} said so",
        "path": "/x/",
        "preparation": "Bag",
        "failure_explanation": "",
        "evaluation": SimpleNamespace(
            pk=1,
            reference="EV-000001",
            company=company,
            manufacturer=COMPANY,
            model_name=MODEL,
            get_status_display="In review",
            decision_reason=f"{COMPANY} asked",
        ),
        "message": SimpleNamespace(body=f"{CUSTOMER} asked"),
        "what": "paper_copy",
        "email": "zoe.o'brien@example.com",
        "paper": SimpleNamespace(mailing_address=STREET),
        "status": "In review",
    }


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_company_and_customer_names_with_ampersand_and_apostrophe_read_as_typed(
    template, language, context, mailoutbox
):
    send_templated_email(
        to=["x@example.com"], template=template, context=context, language=language
    )

    (message,) = mailoutbox
    html = message.alternatives[0][0]
    text = message.subject + "\n" + message.body
    assert not any(escape in text for escape in ESCAPES), text
    # Each email names someone or something typed with "&" and "'", so the check is not empty.
    assert any(typed in text for typed in TYPED), text
    # Whatever name the HTML part shows (escaped, as it must be), the text shows as typed.
    assert "Sol & Sun" not in html and "O'Brien & Luis" not in html
    if "Sol &amp; Sun&#x27;s" in html:
        assert COMPANY in text
    if "O&#x27;Brien &amp; Luis" in html:
        assert CUSTOMER in text
    assert ".m.." not in text


def test_the_customers_first_email_names_the_company_as_typed(
    mailoutbox, django_capture_on_commit_callbacks
):
    contractor = ContractorFactory(company__name=COMPANY)
    msa_request = eligible_draft(
        applicant=None,
        filed_by=contractor,
        contractor_company=contractor.company,
        customer_name=CUSTOMER,
        customer_email="zoe@example.com",
    )

    with django_capture_on_commit_callbacks(execute=True):
        authorizations.authorization_link_send(msa_request_id=msa_request.pk, actor=contractor)

    (message,) = mailoutbox
    assert COMPANY in message.body
    assert "&amp;" not in message.subject + message.body
    assert "p.m.." not in message.body
    assert "(Pacific time). If you did not expect" in message.body


def test_an_invitation_names_the_company_as_typed(mailoutbox, django_capture_on_commit_callbacks):
    admin = ContractorFactory(
        company__name="O'Brien & Sons", full_name="Pat O'Brien", is_company_admin=True
    )

    with django_capture_on_commit_callbacks(execute=True):
        account_services.company_invite(invited_by=admin, email="new@example.com")

    (message,) = mailoutbox
    assert "O'Brien & Sons" in message.subject
    assert "Pat O'Brien invited you" in message.body
