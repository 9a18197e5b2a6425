"""The customer's authorization of a contractor: the emailed one-time link, uploads, revoking."""

import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from enrollment import authorizations, selectors
from enrollment.models import AuthorizationLink, CustomerAuthorization, Status
from tests.enrollment.factories import authorize, consent_through_page, eligible_draft
from tests.factories import ContractorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contractor():
    return ContractorFactory(full_name="Casey Contractor")


def contractor_draft(contractor, **fields):
    defaults = {
        "applicant": None,
        "filed_by": contractor,
        "contractor_company": contractor.company,
        "customer_name": "Dana Customer",
        "customer_email": "dana@example.com",
    }
    return eligible_draft(**{**defaults, **fields})


def send_link(msa_request, contractor, mailoutbox, capture):
    """Request a link as the contractor does; return the signing URL read from the email."""
    with capture(execute=True):
        authorizations.authorization_link_send(msa_request_id=msa_request.pk, actor=contractor)
    return re.search(r"(/requests/\d+/authorize/[^\s/]+/)", mailoutbox[-1].body).group(1)


def authorization_rule(msa_request):
    report = selectors.request_precheck(msa_request)
    return next(r.result for r in report.rules if r.code == "AUTHORIZATION_ON_FILE")


def sign(client, url, name="Dana Customer"):
    page = consent_through_page(client, url)
    return client.post(
        url,
        {
            "signer_name": name,
            "consent": "on",
            "shown_sha256": page.context["form"].initial["shown_sha256"],
        },
        REMOTE_ADDR="198.51.100.7",
    )


def test_the_customer_signs_through_the_emailed_link_without_an_account(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = contractor_draft(contractor)
    assert authorization_rule(msa_request) == "fail"

    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    email = mailoutbox[-1]
    assert email.to == ["dana@example.com"]
    assert contractor.company.name in email.subject
    assert url.startswith(f"/requests/{msa_request.pk}/authorize/")

    page = consent_through_page(client, url)
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    assert "Authorization Form" in page.context["text"]
    assert msa_request.premises_address in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = sign(client, url, name="  Dana   Customer ")

    assert response.status_code == 200
    assert "authorization is signed" in response.content.decode()
    authorization = CustomerAuthorization.objects.get(msa_request=msa_request)
    assert authorization.method == "e_signature"
    assert authorization.signer_name == "Dana Customer"
    assert authorization.ip_address == "198.51.100.7"
    assert authorization.text_sha256 == selectors.text_sha256(authorization.signed_text)
    assert authorization.signer is None
    assert PdfReader(io.BytesIO(authorization.pdf.read())).pages
    msa_request.refresh_from_db()
    assert selectors.request_authorization_on_file(msa_request)
    assert authorization_rule(msa_request) == "pass"
    # The contractor, the designated primary contact, hears that it is signed.
    notice = mailoutbox[-1] if mailoutbox[-1].to == [contractor.email] else mailoutbox[-2]
    assert notice.to == [contractor.email]
    assert "signed the authorization" in notice.subject
    # The signer keeps a copy of what they signed, once its PDF is stored.
    (copy,) = [m for m in mailoutbox if m.to == ["dana@example.com"] and m.attachments]
    assert copy.attachments[0][2] == "application/pdf"


def test_only_the_sha256_of_the_token_is_stored(
    contractor, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = contractor_draft(contractor)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    raw_token = url.rstrip("/").rsplit("/", 1)[1]

    link = AuthorizationLink.objects.get()
    assert raw_token not in link.token_hash
    assert len(raw_token) >= 40
    assert link.token_hash == authorizations._hash_token(raw_token)


def assert_refused(response, words):
    assert response.status_code == 404
    assert "This signing link cannot be used" in response.content.decode()
    assert words in response.content.decode()


def test_an_expired_link_is_refused_with_a_clear_page(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = contractor_draft(contractor)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    AuthorizationLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert_refused(client.get(url), "has expired")
    response = client.post(url, {"signer_name": "Dana", "consent": "on", "shown_sha256": "x"})
    assert_refused(response, "has expired")
    assert not CustomerAuthorization.objects.exists()


def test_a_used_link_is_refused_the_second_time(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = contractor_draft(contractor)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    page = consent_through_page(client, url)
    data = {
        "signer_name": "Dana Customer",
        "consent": "on",
        "shown_sha256": page.context["form"].initial["shown_sha256"],
    }
    assert client.post(url, data).status_code == 200

    assert_refused(client.get(url), "already used")
    assert_refused(client.post(url, data), "already used")
    assert CustomerAuthorization.objects.count() == 1


def test_a_tampered_token_is_refused(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = contractor_draft(contractor)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    token = url.rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    for bad in (tampered, token[:-3], "x", token + "x"):
        url_bad = reverse(
            "enrollment:authorization_link", kwargs={"pk": msa_request.pk, "token": bad}
        )
        assert_refused(client.get(url_bad), "is not valid")
    assert not CustomerAuthorization.objects.exists()


def test_a_link_used_for_another_request_is_refused_without_a_hint(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    mine = contractor_draft(contractor)
    other = contractor_draft(contractor, customer_email="other@example.com")
    url = send_link(mine, contractor, mailoutbox, django_capture_on_commit_callbacks)
    token = url.rstrip("/").rsplit("/", 1)[1]
    swapped = reverse("enrollment:authorization_link", kwargs={"pk": other.pk, "token": token})

    response = client.get(swapped)

    assert_refused(response, "is not valid")
    body = response.content.decode()
    for secret in (other.premises_address, other.customer_name, mine.reference, other.reference):
        assert secret not in body
    page = client.post(swapped, {"signer_name": "Dana", "consent": "on", "shown_sha256": "x"})
    assert_refused(page, "is not valid")
    assert not CustomerAuthorization.objects.exists()


def test_a_new_link_withdraws_the_older_one(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = contractor_draft(contractor)
    first = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    second = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)

    assert_refused(client.get(first), "newer link")
    assert client.get(second).status_code == 200


def test_the_contractor_cannot_sign_for_the_customer(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = contractor_draft(contractor)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    colleague = ContractorFactory(company=contractor.company)
    client.force_login(colleague)

    response = sign(client, url)

    assert response.status_code == 200
    assert "signs this authorization themselves" in response.content.decode()
    assert not CustomerAuthorization.objects.exists()


def test_only_the_filing_company_may_send_a_link_and_only_for_a_draft(contractor):
    msa_request = contractor_draft(contractor)
    with pytest.raises(PermissionDenied):
        authorizations.authorization_link_send(
            msa_request_id=msa_request.pk, actor=ContractorFactory()
        )
    msa_request.status = Status.SUBMITTED
    msa_request.save()
    with pytest.raises(ValidationError):
        authorizations.authorization_link_send(msa_request_id=msa_request.pk, actor=contractor)


def test_the_contractor_requests_the_link_from_the_status_page(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = contractor_draft(contractor)
    client.force_login(contractor)
    page = client.get(msa_request.get_absolute_url())
    assert "Email the customer a signing link" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enrollment:authorization_link_send", kwargs={"pk": msa_request.pk})
        )

    assert response.status_code == 302
    assert mailoutbox[-1].to == ["dana@example.com"]
    page = client.get(msa_request.get_absolute_url())
    assert "Signing link emailed to dana@example.com" in page.content.decode()


def test_signing_while_logged_in_with_the_verified_email_links_the_customer_account(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    customer = UserFactory(email="dana@example.com")
    msa_request = contractor_draft(contractor)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    client.force_login(customer)

    sign(client, url)

    msa_request.refresh_from_db()
    assert msa_request.applicant == customer
    assert CustomerAuthorization.objects.get().signer == customer
    assert client.get(msa_request.get_absolute_url()).status_code == 200


def test_a_link_to_the_address_of_an_account_asks_that_account_to_sign_in(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    from allauth.account.models import EmailAddress

    squatter = UserFactory(email="dana@example.com")
    EmailAddress.objects.filter(user=squatter).update(verified=False)
    msa_request = contractor_draft(contractor)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)

    # Holding the link is not enough: the account behind the address signs in first.
    page = client.get(url)
    assert page.status_code == 302
    assert page.url.startswith(reverse("account_login"))
    posted = client.post(url, {"signer_name": "X Y", "consent": "on", "shown_sha256": "x"})
    assert posted.status_code == 302
    with pytest.raises(authorizations.LinkRefused):
        authorizations.authorization_sign(
            msa_request_id=msa_request.pk,
            raw_token=url.rstrip("/").rsplit("/", 1)[1],
            signer_name="X Y",
            consent=True,
            shown_sha256="x",
            ip_address=None,
        )
    someone_else = UserFactory()
    client.force_login(someone_else)
    assert_refused(client.get(url), "another portal account")
    assert not CustomerAuthorization.objects.exists()

    # The account itself signs; an unverified address still joins nothing to it.
    client.force_login(squatter)
    sign(client, url)

    msa_request.refresh_from_db()
    assert CustomerAuthorization.objects.get().signer == squatter
    assert msa_request.applicant is None
    assert client.get(msa_request.get_absolute_url()).status_code == 404


def test_a_link_to_an_accounts_other_verified_address_asks_that_account_to_sign_in(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    """The address is the account's second verified one, not its login (allauth allows many)."""
    from allauth.account.models import EmailAddress

    customer = UserFactory(email="dana.work@example.com")
    EmailAddress.objects.create(user=customer, email="Dana@Example.com", verified=True)
    msa_request = contractor_draft(contractor)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)

    # Whoever holds the link is sent to sign in; another account is refused.
    page = client.get(url)
    assert page.status_code == 302
    assert page.url.startswith(reverse("account_login"))
    client.force_login(UserFactory())
    assert_refused(client.get(url), "another portal account")
    assert not CustomerAuthorization.objects.exists()

    # The account itself signs, and its signature confirms the request into it.
    client.force_login(customer)
    sign(client, url)

    assert CustomerAuthorization.objects.get().signer == customer
    msa_request.refresh_from_db()
    assert msa_request.applicant == customer


def test_an_unverified_address_on_another_account_does_not_claim_the_link(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    """Anyone can add an address they do not own to their account; only verified ones count."""
    from allauth.account.models import EmailAddress

    squatter = UserFactory()
    EmailAddress.objects.create(user=squatter, email="dana@example.com", verified=False)
    msa_request = contractor_draft(contractor)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)

    client.force_login(squatter)
    sign(client, url)

    msa_request.refresh_from_db()
    assert msa_request.applicant is None


def test_verifying_the_email_later_offers_the_request_for_confirmation_only(client, contractor):
    from allauth.account.models import EmailAddress
    from allauth.account.signals import email_confirmed

    msa_request = contractor_draft(contractor)
    authorize(msa_request)
    customer = UserFactory(email="dana@example.com")
    address = EmailAddress.objects.get(user=customer)

    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)

    msa_request.refresh_from_db()
    assert msa_request.applicant is None
    client.force_login(customer)
    assert client.get(msa_request.get_absolute_url()).status_code == 404
    listing = client.get(reverse("enrollment:request_list")).content.decode()
    assert msa_request.reference in listing
    assert contractor.company.name in listing
    assert msa_request.premises_address not in listing  # nothing of it until they confirm

    response = client.post(reverse("enrollment:request_confirm", kwargs={"pk": msa_request.pk}))

    assert response.status_code == 302
    msa_request.refresh_from_db()
    assert msa_request.applicant == customer
    page = client.get(msa_request.get_absolute_url()).content.decode()
    assert "Revoke the contractor" in page
    listing = client.get(reverse("enrollment:request_list")).content.decode()
    assert contractor.company.name in listing


def test_nobody_else_can_confirm_a_request_into_their_account(client, contractor):
    from allauth.account.models import EmailAddress

    msa_request = contractor_draft(contractor)
    stranger = UserFactory(email="stranger@example.com")
    unverified = UserFactory(email="dana@example.com")
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    url = reverse("enrollment:request_confirm", kwargs={"pk": msa_request.pk})

    for someone in (stranger, unverified, ContractorFactory(company=contractor.company)):
        client.force_login(someone)
        assert client.post(url).status_code == 404

    msa_request.refresh_from_db()
    assert msa_request.applicant is None


def test_a_blank_pdf_uploaded_through_the_api_is_a_claim_not_an_authorization(client, contractor):
    """Issue 17: a contractor attached a blank page as the customer's signed form."""
    from accounts import services as account_services
    from tests.enrollment.factories import pdf_bytes

    customer = UserFactory(email="dana@example.com")  # an existing, verified customer
    _token, raw = account_services.api_token_create(user=contractor, name="CRM")
    msa_request = contractor_draft(contractor)

    response = client.post(
        f"/api/v1/requests/{msa_request.pk}/documents",
        {"kind": "authorization_form", "file": upload_pdf(pdf_bytes())},
        headers={"Authorization": f"Bearer {raw}"},
    )

    assert response.status_code == 201
    msa_request.refresh_from_db()
    assert msa_request.applicant is None  # never attached to the customer's account
    assert not selectors.request_authorization_on_file(msa_request)
    assert authorization_rule(msa_request) == "review"
    client.force_login(customer)
    assert client.get(msa_request.get_absolute_url()).status_code == 404


def upload_pdf(content):
    from tests.enrollment.factories import upload

    return upload("signed.pdf", content)


def test_staff_accept_an_uploaded_form_in_admin(client, contractor):
    from tests.enrollment.factories import reviewer
    from tests.factories import StaffFactory

    msa_request = contractor_draft(contractor)
    authorization = authorize(msa_request, accepted=False)
    changelist = reverse("admin:enrollment_customerauthorization_changelist")
    action = {"action": "accept_uploaded_forms", "_selected_action": [authorization.pk]}

    client.force_login(StaffFactory(is_superuser=False))  # staff without the reviewer's role
    client.post(changelist, action)
    authorization.refresh_from_db()
    assert authorization.accepted_at is None

    staff = reviewer()
    client.force_login(staff)
    client.post(changelist, action)

    authorization.refresh_from_db()
    assert authorization.accepted_by == staff
    assert authorization_rule(msa_request) == "pass"
    with pytest.raises(PermissionDenied):
        authorizations.authorization_accept(authorization_id=authorization.pk, actor=contractor)


# --- revoking ---------------------------------------------------------------------------------


def test_the_customer_revokes_and_the_whole_company_loses_access(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    customer = UserFactory(email="dana@example.com")
    msa_request = contractor_draft(contractor, applicant=customer)
    authorize(msa_request)
    colleague = ContractorFactory(company=contractor.company)
    pending = send_link(
        contractor_draft(contractor, applicant=customer),
        contractor,
        mailoutbox,
        django_capture_on_commit_callbacks,
    )
    url = reverse("enrollment:authorization_revoke", kwargs={"pk": msa_request.pk})
    client.force_login(customer)
    assert "Revoke the contractor" in client.get(msa_request.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "on"})

    assert response.status_code == 302
    msa_request.refresh_from_db()
    assert msa_request.authorization_revoked_at is not None
    assert not selectors.request_authorization_on_file(msa_request)
    assert CustomerAuthorization.objects.get(msa_request=msa_request).revoked_by == customer
    assert mailoutbox[-1].to == [contractor.email]
    assert "revoked" in mailoutbox[-1].subject
    assert msa_request.premises_address not in mailoutbox[-1].body
    for member in (contractor, colleague):
        client.force_login(member)
        assert client.get(msa_request.get_absolute_url()).status_code == 404
        dashboard = client.get(reverse("enrollment:company_requests")).content.decode()
        assert msa_request.reference not in dashboard
    # The customer still sees and owns the request; their other request's open link still works.
    client.force_login(customer)
    assert client.get(msa_request.get_absolute_url()).status_code == 200
    assert client.get(pending).status_code == 200


def test_revoking_withdraws_open_links_and_is_harmless_twice(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    customer = UserFactory(email="dana@example.com")
    msa_request = contractor_draft(contractor, applicant=customer)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)

    authorizations.authorization_revoke(msa_request_id=msa_request.pk, actor=customer)
    first = msa_request.__class__.objects.get(pk=msa_request.pk).authorization_revoked_at
    authorizations.authorization_revoke(msa_request_id=msa_request.pk, actor=customer)

    assert msa_request.__class__.objects.get(pk=msa_request.pk).authorization_revoked_at == first
    assert_refused(client.get(url), "no longer works")


def test_only_the_customer_may_revoke(contractor):
    customer = UserFactory()
    msa_request = contractor_draft(contractor, applicant=customer)
    for someone in (contractor, UserFactory()):
        with pytest.raises(PermissionDenied):
            authorizations.authorization_revoke(msa_request_id=msa_request.pk, actor=someone)


def test_staff_read_authorizations_in_admin(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import StaffFactory

    msa_request = contractor_draft(contractor)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    sign(client, url)
    authorization = CustomerAuthorization.objects.get()
    client.force_login(StaffFactory())

    listing = client.get(reverse("admin:enrollment_customerauthorization_changelist"))
    detail = client.get(
        reverse("admin:enrollment_customerauthorization_change", args=[authorization.pk])
    )
    request_page = client.get(reverse("admin:enrollment_request_change", args=[msa_request.pk]))

    assert listing.status_code == detail.status_code == request_page.status_code == 200
    assert authorization.text_sha256 in detail.content.decode()
    assert "Dana Customer" in request_page.content.decode()


def test_after_revoking_the_customer_can_finish_the_draft_alone(contractor):
    customer = UserFactory(email="dana@example.com")
    msa_request = contractor_draft(contractor, applicant=customer)

    authorizations.authorization_revoke(msa_request_id=msa_request.pk, actor=customer)
    msa_request.refresh_from_db()

    assert authorization_rule(msa_request) == "pass"


def test_revoking_during_a_question_keeps_staffs_question_on_the_status_page(
    client, contractor, django_capture_on_commit_callbacks
):
    from enrollment import services
    from tests.factories import StaffFactory

    customer = UserFactory(email="dana@example.com")
    msa_request = contractor_draft(contractor, applicant=customer, status=Status.UNDER_REVIEW)
    services.request_ask_for_info(
        msa_request_id=msa_request.pk, actor=StaffFactory(), question="Is the panel 200 A?"
    )
    authorizations.authorization_revoke(msa_request_id=msa_request.pk, actor=customer)
    client.force_login(customer)

    page = client.get(msa_request.get_absolute_url())

    assert page.context["question"].note == "Is the panel 200 A?"


def test_a_link_for_a_request_no_longer_in_draft_is_refused(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = contractor_draft(contractor)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    msa_request.__class__.objects.filter(pk=msa_request.pk).update(status=Status.CANCELLED)

    assert_refused(client.get(url), "no longer needs a signature")


def test_the_contractors_status_page_queries_do_not_grow_with_links_and_authorizations(
    client, contractor, django_assert_num_queries, settings
):
    # The page as rendered; the reader's cached copy is pinned in tests/common/test_page_cache.py.
    settings.READER_PAGE_SECONDS = 0
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    msa_request = contractor_draft(contractor)
    authorizations.authorization_link_send(msa_request_id=msa_request.pk, actor=contractor)
    authorize(msa_request)
    client.force_login(contractor)
    url = msa_request.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)

    for _ in range(5):
        authorizations.authorization_link_send(msa_request_id=msa_request.pk, actor=contractor)
        authorize(msa_request)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["authorizations"]) == 6


# --- the account holder signs once (issue 17) ---------------------------------------------------


def test_after_the_customer_signs_through_the_link_the_contractor_is_not_asked_to_sign(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    from enrollment.models import AgreementSignature

    msa_request = contractor_draft(contractor)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    sign(client, url, name="Dana Customer")
    client.force_login(contractor)
    agreement = reverse("enrollment:agreement_sign", kwargs={"pk": msa_request.pk})

    page = client.get(agreement)

    body = page.content.decode()
    assert "The customer signed the Customer Agreement" in body
    assert 'name="signer_name"' not in body
    # Whatever name the contractor types, nothing is signed in it.
    response = client.post(agreement, {"signer_name": "Anyone At All", "consent": "on"})
    assert response.status_code == 302
    msa_request.refresh_from_db()
    assert msa_request.status == Status.AWAITING_PAYMENT
    assert not AgreementSignature.objects.filter(msa_request=msa_request).exists()
    status_page = client.get(msa_request.get_absolute_url()).content.decode()
    assert "You signed the Customer Agreement" not in status_page
    assert "Anyone At All" not in status_page
    assert "signed by the customer, Dana Customer" in status_page
    assert f"Submitted for the customer by {contractor.full_name}" in status_page


def test_through_the_api_the_contractor_submits_on_the_customers_signature(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    from accounts import services as account_services
    from enrollment.models import AgreementSignature

    msa_request = contractor_draft(contractor)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    sign(client, url, name="Dana Customer")
    _token, raw = account_services.api_token_create(user=contractor, name="CRM")

    response = client.post(
        f"/api/v1/requests/{msa_request.pk}/submit",
        {"signer_name": "Anyone At All", "consent": True},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "awaiting_payment"
    assert not AgreementSignature.objects.filter(msa_request=msa_request).exists()


def test_a_draft_changed_after_the_customer_signed_needs_a_new_signature(
    client, contractor, mailoutbox, django_capture_on_commit_callbacks
):
    msa_request = contractor_draft(contractor)
    url = send_link(msa_request, contractor, mailoutbox, django_capture_on_commit_callbacks)
    sign(client, url)
    assert selectors.request_customer_signature(msa_request) is not None

    type(msa_request).objects.filter(pk=msa_request.pk).update(premises_street="1 Other Way")
    msa_request.refresh_from_db()

    assert selectors.request_customer_signature(msa_request) is None


def test_on_an_uploaded_form_the_contractor_signs_in_their_own_name_never_the_customers(
    client, contractor
):
    """The paper form is the customer's signature; the contractor's online one is theirs."""
    from enrollment.models import AgreementSignature

    msa_request = contractor_draft(contractor)
    authorize(msa_request)
    client.force_login(contractor)
    url = reverse("enrollment:agreement_sign", kwargs={"pk": msa_request.pk})
    page = consent_through_page(client, url)
    assert page.context["form"].initial["signer_name"] == "Casey Contractor"
    shown = page.context["form"].initial["shown_sha256"]

    refused = client.post(
        url, {"signer_name": " dana  CUSTOMER", "consent": "on", "shown_sha256": shown}
    )

    assert refused.status_code == 200
    assert "Type your own name" in refused.content.decode()
    assert not AgreementSignature.objects.exists()

    client.post(url, {"signer_name": "Casey Contractor", "consent": "on", "shown_sha256": shown})

    signature = AgreementSignature.objects.get(msa_request=msa_request)
    assert (signature.signer, signature.signer_name) == (contractor, "Casey Contractor")
