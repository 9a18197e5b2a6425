"""Every URL that takes an id, walked as every kind of visitor.

The URLs come from the URL configuration: a new URL with a path parameter fails
``test_every_parametrised_url_is_covered`` until it is added to ``COVERED`` with who may open it.
Whoever may not see the object gets a 404 (never a 403, so ids reveal nothing); an anonymous
visitor is sent to log in or gets a 404.
"""

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from enrollment.models import Status
from tests.factories import (
    ContractorCompanyFactory,
    ContractorFactory,
    MsaRequestFactory,
    StaffFactory,
    UserFactory,
)

ROLES = [
    "owner",
    "other_customer",
    "contractor",
    "other_contractor",
    "revoked_contractor",
    "anonymous",
    "staff",
    # Staff whose groups do not give "view request": sees no request but their own side's.
    "staff_without_view",
]
# Namespaces and prefixes whose URLs are not ours to cover here (framework or library views).
IGNORED_PREFIXES = ("admin", "accounts/", "i18n", "static", "media", "api/")


@dataclass
class World:
    """One request filed by a contractor for a customer, and everyone else around it."""

    users: dict
    msa_request: object
    objects: dict

    def login(self, client, role: str) -> None:
        if self.users.get(role) is not None:
            client.force_login(self.users[role])

    def revoke(self) -> None:
        from enrollment.authorizations import authorization_revoke

        authorization_revoke(msa_request_id=self.msa_request.pk, actor=self.users["owner"])


@pytest.fixture
def world(db):
    company = ContractorCompanyFactory()
    contractor = ContractorFactory(company=company, is_company_admin=True)
    owner = UserFactory()
    msa_request = MsaRequestFactory(
        applicant=owner,
        filed_by=contractor,
        contractor_company=company,
        status=Status.UNDER_REVIEW,
    )
    from accounts import services as account_services

    token, _raw = account_services.api_token_create(user=contractor, name="CRM")
    return World(
        users={
            "owner": owner,
            "other_customer": UserFactory(),
            "contractor": contractor,
            "other_contractor": ContractorFactory(),
            # The filing contractor after the customer revoked the authorization.
            "revoked_contractor": contractor,
            "anonymous": None,
            "staff": StaffFactory(),
            "staff_without_view": StaffFactory(is_superuser=False),
        },
        msa_request=msa_request,
        objects={"api_token": token},
    )


@dataclass(frozen=True)
class Case:
    """How to build a URL's arguments from the world, how to call it, and who may open it.

    ``status`` puts the world's request in the state the URL is meant for first.
    """

    kwargs: object
    allowed: frozenset
    method: str = "get"
    status: str | None = None


APPLICANT_SIDE = frozenset({"owner", "contractor"})
VIEWERS = frozenset({"owner", "contractor", "staff"})


def _request_pk(world):
    return {"pk": world.msa_request.pk}


def _with_document(world):
    from tests.enrollment.factories import DocumentFactory

    document = DocumentFactory(msa_request=world.msa_request)
    return {"pk": world.msa_request.pk, "document_pk": document.pk}


def _with_signed_agreement(world):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from enrollment.models import AgreementSignature
    from enrollment.selectors import agreement_current
    from tests.enrollment.factories import pdf_bytes

    AgreementSignature.objects.create(
        msa_request=world.msa_request,
        version=agreement_current(),
        signer_name="Owner Person",
        signer=world.users["owner"],
        signed_at=timezone.now(),
        signed_text="text",
        text_sha256="0" * 64,
        pdf=ContentFile(pdf_bytes(), name="signed.pdf"),
    )
    return _request_pk(world)


def _with_booked_visit(world):
    from scheduling import selectors as scheduling_selectors
    from scheduling import services as scheduling_services
    from scheduling.models import Visit
    from tests.scheduling.factories import TechnicianFactory

    type(world.msa_request).objects.filter(pk=world.msa_request.pk).update(status=Status.APPROVED)
    world.msa_request.refresh_from_db()
    technician = TechnicianFactory()
    offer = scheduling_selectors.offered_windows(msa_request=world.msa_request)[0]
    visit = scheduling_services.visit_book(
        msa_request_id=world.msa_request.pk,
        window_id=offer.window_id,
        day=offer.day,
        actor=world.users["staff"],
        source=Visit.Source.STAFF,
    )
    return {
        "pk": world.msa_request.pk,
        "visit_id": visit.pk,
        "technician_id": technician.pk,
        "day": offer.day.isoformat(),
    }


def _with_payment(provider="stripe", status="succeeded"):
    def build(world):
        from tests.payments.factories import PaymentFactory

        payment = PaymentFactory(msa_request=world.msa_request, provider=provider, status=status)
        return {"pk": world.msa_request.pk, "payment_pk": payment.pk}

    return build


def _only(*names):
    return lambda world: {k: v for k, v in _with_booked_visit(world).items() if k in names}


def _with_signing_link(world):
    from enrollment.authorizations import authorization_link_send

    _link, raw_token = authorization_link_send(
        msa_request_id=world.msa_request.pk, actor=world.users["contractor"]
    )
    return {"pk": world.msa_request.pk, "token": raw_token}


def _with_signed_authorization(world):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from enrollment.models import CustomerAuthorization
    from enrollment.selectors import agreement_current
    from tests.enrollment.factories import pdf_bytes

    authorization = CustomerAuthorization.objects.create(
        msa_request=world.msa_request,
        company=world.msa_request.contractor_company,
        method="e_signature",
        version=agreement_current(),
        signer_name="Owner Person",
        consent=True,
        signed_text="text",
        text_sha256="0" * 64,
        signed_at=timezone.now(),
        pdf=ContentFile(pdf_bytes(), name="authorization.pdf"),
    )
    return {"pk": world.msa_request.pk, "authorization_pk": authorization.pk}


def _with_vendor_evaluation(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.enrollment.factories import pdf_bytes
    from tests.vendors.factories import VendorFactory
    from tests.vendors.test_lifecycle import DEVICE
    from vendors import services as vendor_services

    vendor = VendorFactory()
    evaluation = vendor_services.evaluation_create(actor=vendor, **DEVICE)
    record = vendor_services.evaluation_file_add(
        evaluation_id=evaluation.pk,
        actor=vendor,
        kind="spec_sheet",
        upload=SimpleUploadedFile("spec.pdf", pdf_bytes(), content_type="application/pdf"),
    )
    return {"pk": evaluation.pk, "file_pk": record.pk}


# The world's link goes to the address of the owner's account: that account signs, signed in
# (anonymous is sent to the sign-in page, not refused); everyone else is refused (issue 17). A
# link stops working when the customer revokes the authorization.
LINK_HOLDERS = frozenset({"owner", "anonymous"})

# url name -> Case. "allowed" roles must NOT get a 404; everyone else must.
COVERED = {
    "enrollment:request_detail": Case(_request_pk, VIEWERS),
    "enrollment:wizard_resume": Case(_request_pk, APPLICANT_SIDE, status=Status.DRAFT),
    "enrollment:wizard_step": Case(
        lambda w: {"pk": w.msa_request.pk, "step": "type"}, APPLICANT_SIDE, status=Status.DRAFT
    ),
    "enrollment:agreement_sign": Case(_request_pk, APPLICANT_SIDE, status=Status.DRAFT),
    "enrollment:agreement_pdf": Case(_with_signed_agreement, VIEWERS),
    "enrollment:authorization_form_pdf": Case(_request_pk, APPLICANT_SIDE, status=Status.DRAFT),
    "enrollment:document_download": Case(_with_document, VIEWERS),
    "enrollment:document_delete": Case(
        _with_document, APPLICANT_SIDE, method="post", status=Status.DRAFT
    ),
    "enrollment:info_answer": Case(
        _request_pk, APPLICANT_SIDE, method="post", status=Status.INFO_REQUESTED
    ),
    "enrollment:request_cancel": Case(_request_pk, APPLICANT_SIDE),
    "enrollment:request_message": Case(
        _request_pk, APPLICANT_SIDE, method="post", status=Status.UNDER_REVIEW
    ),
    "enrollment:document_add": Case(
        _request_pk, APPLICANT_SIDE, method="post", status=Status.UNDER_REVIEW
    ),
    "enrollment:answers_correct": Case(
        lambda w: {"pk": w.msa_request.pk, "step": "wiring"},
        APPLICANT_SIDE,
        status=Status.UNDER_REVIEW,
    ),
    "enrollment:esign_records": Case(_request_pk, VIEWERS, method="post"),
    "payments:checkout_start": Case(
        _request_pk, APPLICANT_SIDE, method="post", status=Status.AWAITING_PAYMENT
    ),
    "payments:checkout_success": Case(_request_pk, VIEWERS, status=Status.AWAITING_PAYMENT),
    "payments:checkout_cancelled": Case(_request_pk, VIEWERS, status=Status.AWAITING_PAYMENT),
    "payments:receipt_download": Case(_with_payment(), VIEWERS),
    "payments:demo_checkout": Case(
        lambda w: {"payment_pk": _with_payment("demo", "pending")(w)["payment_pk"]},
        APPLICANT_SIDE,
        status=Status.AWAITING_PAYMENT,
    ),
    "scheduling:request_visit": Case(_request_pk, VIEWERS, status=Status.APPROVED),
    "scheduling:visit_pick": Case(
        _request_pk, APPLICANT_SIDE, method="post", status=Status.APPROVED
    ),
    "scheduling:visit_cancel": Case(_only("pk"), APPLICANT_SIDE, method="post"),
    "scheduling:route_sheet": Case(_only("technician_id", "day"), frozenset({"staff"})),
    "scheduling:visit_outcome": Case(_only("visit_id"), frozenset({"staff"}), method="post"),
    "scheduling:work_order_pdf": Case(_only("visit_id"), frozenset({"staff"})),
    "enrollment:authorization_link_send": Case(
        _request_pk, APPLICANT_SIDE, method="post", status=Status.DRAFT
    ),
    "enrollment:authorization_link": Case(_with_signing_link, LINK_HOLDERS, status=Status.DRAFT),
    "enrollment:authorization_revoke": Case(_request_pk, frozenset({"owner"})),
    # Only the account whose verified address the request names confirms it (the owner already
    # has: a repeat changes nothing).
    "enrollment:request_confirm": Case(_request_pk, frozenset({"owner"}), method="post"),
    "enrollment:authorization_pdf": Case(_with_signed_authorization, VIEWERS),
    # The signer's copy opens only in the browser that signed (its session names it): no one
    # else, whoever they are.
    "enrollment:authorization_signed_copy": Case(
        lambda w: {
            "pk": w.msa_request.pk,
            "authorization_pk": _with_signed_authorization(w)["authorization_pk"],
        },
        frozenset(),
    ),
    # A vendor's evaluation: only its own company fills it in; meter engineering (here the
    # superuser on staff) reads its files; no customer or contractor sees either.
    "vendors:evaluation_detail": Case(
        lambda w: {"pk": _with_vendor_evaluation(w)["pk"]}, frozenset()
    ),
    "vendors:file_download": Case(
        lambda w: {"pk": _with_vendor_evaluation(w)["file_pk"]}, frozenset({"staff"})
    ),
    # The contractor's own account pages: a revoked authorization concerns one request, not them.
    "accounts:api_token_revoke": Case(
        lambda w: {"pk": w.objects["api_token"].pk},
        frozenset({"contractor", "revoked_contractor"}),
        method="post",
    ),
    "accounts:join_company": Case(
        lambda w: {"token": "not-a-valid-token"}, frozenset(set(ROLES) - {"anonymous"})
    ),
}


def _parametrised_url_names(patterns=None, prefix="", namespace=None) -> set[str]:
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(IGNORED_PREFIXES) or route.lstrip("^").startswith(IGNORED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            names |= _parametrised_url_names(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern) and pattern.pattern.converters and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_parametrised_url_is_covered():
    found = _parametrised_url_names()
    uncovered = found - set(COVERED)

    assert {"enrollment:request_detail", "accounts:api_token_revoke"} <= found

    assert not uncovered, f"add these URLs to the permission matrix: {sorted(uncovered)}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(COVERED))
def test_who_may_open_what(client, world, name, role):
    case = COVERED[name]
    if case.status is not None:
        type(world.msa_request).objects.filter(pk=world.msa_request.pk).update(status=case.status)
    kwargs = case.kwargs(world)
    if role == "revoked_contractor":
        world.revoke()
    world.login(client, role)
    url = reverse(name, kwargs=kwargs)

    response = getattr(client, case.method)(url)

    if role in case.allowed:
        assert response.status_code != 404, f"{role} should reach {name}"
        assert response.status_code < 500
    elif role == "anonymous":
        assert response.status_code in (302, 404), response.status_code
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 404, f"{role} got {response.status_code} from {name}"


@pytest.mark.parametrize("role", ROLES)
def test_company_dashboard_and_export_list_only_what_the_role_may_see(client, world, role):
    """The dashboard's list and CSV export (no id in their URLs) go through the same rule."""
    if role == "revoked_contractor":
        world.revoke()
    world.login(client, role)
    reference = world.msa_request.reference

    page = client.get(reverse("enrollment:company_requests"))
    export = client.get(reverse("enrollment:company_requests_export"))

    if role == "anonymous":
        assert page.status_code == export.status_code == 302
    elif role in ("contractor", "other_contractor", "revoked_contractor"):
        assert page.status_code == export.status_code == 200
        body = b"".join(export.streaming_content).decode()
        listed = reference in body and reference in page.content.decode()
        assert listed == (role == "contractor"), f"{role} sees {reference}: {listed}"
    else:
        assert page.status_code == export.status_code == 404
