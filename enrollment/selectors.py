"""Reads for request pages, written so the number of queries does not grow with the data."""

import hashlib

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone, translation

from eligibility.models import ApprovedProduct
from eligibility.rules import Report, SiteFacts
from eligibility.selectors import check_site_facts

from .models import (
    OPEN_STATUSES,
    AgreementSignature,
    AgreementVersion,
    CustomerAuthorization,
    Document,
    EligibilityResult,
    Request,
    RequestEvent,
)
from .permissions import requests_visible_to


def request_list_for(user) -> QuerySet[Request]:
    """The requests a user's "My requests" page lists, newest first."""
    return (
        requests_visible_to(user)
        .select_related("device", "contractor_company")
        .order_by("-created_at")
    )


def request_detail_queryset(user) -> QuerySet[Request]:
    """Requests visible to ``user``, with what the status page shows, in fixed queries."""
    return (
        requests_visible_to(user)
        .select_related("device", "contractor_company", "applicant", "filed_by")
        .prefetch_related(
            Prefetch("events", queryset=RequestEvent.objects.select_related("actor")),
            Prefetch("documents", queryset=Document.objects.order_by("created_at", "pk")),
            Prefetch(
                "signatures",
                queryset=AgreementSignature.objects.select_related("version").defer("signed_text"),
            ),
            Prefetch(
                "eligibility_results", queryset=EligibilityResult.objects.order_by("position")
            ),
        )
    )


def request_detail_prefetch_authorizations(msa_request: Request) -> None:
    """Load a contractor-filed request's authorizations and links (none to load otherwise)."""
    if not msa_request.contractor_company_id:
        return
    prefetch_related_objects(
        [msa_request],
        Prefetch(
            "authorizations",
            queryset=CustomerAuthorization.objects.defer("signed_text").order_by("-signed_at"),
        ),
        "authorization_links",
    )


def devices_for(request_type: str) -> QuerySet[ApprovedProduct]:
    """Active Approved Product List entries that serve ``request_type``."""
    devices = ApprovedProduct.objects.filter(status=ApprovedProduct.Status.ACTIVE)
    # request_types is a JSON list; filter in Python-free SQL portable to SQLite and PostgreSQL.
    return devices.filter(request_types__icontains=f'"{request_type}"')


def request_has_open_duplicate(msa_request: Request) -> bool | None:
    """Whether another open request holds this meter or service account; None when unknown."""
    match = Q()
    if msa_request.meter_number:
        match |= Q(meter_number=msa_request.meter_number)
    if msa_request.service_account_number:
        match |= Q(service_account_number=msa_request.service_account_number)
    if not match:
        return None
    return (
        Request.objects.filter(match, status__in=OPEN_STATUSES).exclude(pk=msa_request.pk).exists()
    )


def request_authorization_on_file(msa_request: Request) -> bool:
    """Whether the customer's authorization of the filing contractor is on file and not revoked."""
    if msa_request.authorization_revoked_at is not None:
        return False
    return msa_request.authorizations.filter(
        revoked_at__isnull=True, company_id=msa_request.contractor_company_id
    ).exists()


def request_precheck(msa_request: Request, *, device: dict | None = None) -> Report:
    """Judge a request by the program rules: the wizard's pre-check and the authoritative check.

    ``device`` is the APL snapshot to judge against; by default the entry as it stands now.
    """
    return check_site_facts(
        SiteFacts.from_dict(msa_request.site_facts()),
        lookup_meter=True,
        # Once the customer revoked the contractor, the request is the customer's own.
        filed_by_contractor=msa_request.contractor_company_id is not None
        and msa_request.authorization_revoked_at is None,
        authorization_on_file=request_authorization_on_file(msa_request),
        open_duplicate=request_has_open_duplicate(msa_request),
        device=device,
    )


def agreement_current() -> AgreementVersion:
    """The Customer Agreement version in effect today."""
    return AgreementVersion.objects.filter(effective_date__lte=timezone.localdate()).first() or (
        AgreementVersion.objects.order_by("effective_date", "pk").first()
    )


def agreement_text(*, msa_request: Request, version: AgreementVersion) -> str:
    """The exact text a signer of ``msa_request`` agrees to (what is hashed and printed).

    In the active language: the version's Spanish text for a Spanish reader, when it has one.
    """
    title, body = version.text_for(translation.get_language())
    return (
        render_to_string(
            "enrollment/agreement/signed_text.txt",
            {
                "msa_request": msa_request,
                "version": version,
                "title": title,
                "body": body,
                "fee_cents": settings.MSA_VISIT_FEE_CENTS,
            },
        ).strip()
        + "\n"
    )


def text_sha256(text: str) -> str:
    """The SHA-256 (hex) of a text's UTF-8 bytes: what a signature records."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
