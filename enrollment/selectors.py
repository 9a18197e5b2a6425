"""Reads for request pages, written so the number of queries does not grow with the data."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from eligibility.models import ApprovedProduct
from eligibility.rules import Report, SiteFacts
from eligibility.selectors import check_site_facts

from .models import (
    OPEN_STATUSES,
    AgreementSignature,
    AgreementVersion,
    AuthorizationMethod,
    CustomerAuthorization,
    Document,
    EligibilityResult,
    Request,
    RequestEvent,
    RequestMessage,
    Status,
)
from .permissions import requests_visible_to


def request_list_for(user) -> QuerySet[Request]:
    """The requests a user's "My requests" page lists, newest first."""
    return (
        requests_visible_to(user)
        .select_related("device", "contractor_company")
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class SignatureSummary:
    """What the status page says about the signed Customer Agreement (the latest signature)."""

    signer_name: str
    signed_at: datetime
    version: str


def request_detail_queryset(user) -> QuerySet[Request]:
    """Requests visible to ``user``, with what the status page shows, in fixed queries.

    The latest agreement signature's name, time and version come with the request's own row
    (three small subqueries; ``request_signature_summary`` reads them), one query fewer than
    prefetching the signatures.
    """
    latest = AgreementSignature.objects.filter(msa_request=OuterRef("pk")).order_by(
        "-signed_at", "-pk"
    )
    return (
        requests_visible_to(user)
        .select_related("device", "contractor_company", "applicant", "filed_by")
        .annotate(
            signature_signer_name=Subquery(latest.values("signer_name")[:1]),
            signature_signed_at=Subquery(latest.values("signed_at")[:1]),
            signature_version=Subquery(latest.values("version__version")[:1]),
        )
        .prefetch_related(
            Prefetch("events", queryset=RequestEvent.objects.select_related("actor")),
            Prefetch("documents", queryset=Document.objects.order_by("created_at", "pk")),
            Prefetch(
                "eligibility_results", queryset=EligibilityResult.objects.order_by("position")
            ),
            Prefetch("messages", queryset=RequestMessage.objects.select_related("author")),
        )
    )


def request_page_version(user, pk: int) -> str:
    """What the status page of request ``pk`` mainly shows, as a key part: ``"<pk>:<updated_at>"``.

    One query, and the same check as the page (``requests_visible_to``, as
    ``get_request_for_user_or_404``): raises ``Http404`` when ``user`` may not see the request,
    so a cached page is never shown to a reader who lost the right to it. One column and no
    model instance: this runs on every answer of the page, cached or not.
    """
    found = list(requests_visible_to(user).filter(pk=pk).values_list("updated_at", flat=True))
    if not found:
        raise Http404("No such request.")
    return f"{pk}:{found[0].isoformat()}"


def request_signature_summary(msa_request: Request) -> SignatureSummary | None:
    """The latest signature of a request loaded by ``request_detail_queryset``; None unsigned."""
    if msa_request.signature_signed_at is None:
        return None
    return SignatureSummary(
        signer_name=msa_request.signature_signer_name,
        signed_at=msa_request.signature_signed_at,
        version=msa_request.signature_version,
    )


def request_detail_prefetch_authorizations(msa_request: Request, *, links: bool = True) -> None:
    """Load a contractor-filed request's authorizations and, when ``links``, its links.

    Nothing to load for a request the customer filed; the links only for the contractor's side.
    """
    if not msa_request.contractor_company_id:
        return
    lookups = [
        Prefetch(
            "authorizations",
            queryset=CustomerAuthorization.objects.defer("signed_text").order_by("-signed_at"),
        )
    ]
    if links:
        lookups.append("authorization_links")
    prefetch_related_objects([msa_request], *lookups)


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


AUTHORIZATION_COUNTS = Q(method=AuthorizationMethod.E_SIGNATURE) | Q(accepted_at__isnull=False)


def request_authorization_state(msa_request: Request) -> str:
    """Where the customer's authorization of the filing company stands, in one query.

    ``"on_file"``: an active authorization signed online, or an uploaded form staff accepted;
    ``"review"``: only uploaded forms staff have not looked at yet (a document is a claim until
    a person verifies it: STYLE.md, DESIGN.md §4); ``"missing"``: none, or revoked.
    """
    if msa_request.authorization_revoked_at is not None:
        return "missing"
    active = msa_request.authorizations.filter(
        revoked_at__isnull=True,
        voided_at__isnull=True,
        company_id=msa_request.contractor_company_id,
    )
    states = set(active.annotate(counts=_counts()).values_list("counts", flat=True))
    if True in states:
        return "on_file"
    return "review" if states else "missing"


def _counts() -> Case:
    return Case(
        When(AUTHORIZATION_COUNTS, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def request_authorization_on_file(msa_request: Request) -> bool:
    """Whether the customer's authorization of the filing contractor is on file and not revoked.

    An uploaded form counts only once staff accepted it (``request_authorization_state``).
    """
    return request_authorization_state(msa_request) == "on_file"


def request_precheck(msa_request: Request, *, device: dict | None = None) -> Report:
    """Judge a request by the program rules: the wizard's pre-check and the authoritative check.

    ``device`` is the APL snapshot to judge against; by default the entry as it stands now.
    """
    authorization = request_authorization_state(msa_request)
    return check_site_facts(
        SiteFacts.from_dict(msa_request.site_facts()),
        lookup_meter=True,
        # Once the customer revoked the contractor, the request is the customer's own.
        filed_by_contractor=msa_request.contractor_company_id is not None
        and msa_request.authorization_revoked_at is None,
        authorization_on_file=authorization == "on_file",
        authorization_in_review=authorization == "review",
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


def signing_facts_missing(msa_request: Request) -> list[str]:
    """The facts the agreement's text quotes that ``msa_request`` has not filled in yet.

    Returned as translated labels; a signature is asked for only when this is empty, so the
    signer never agrees to "Premises: CA" (issue 24).
    """
    facts = {
        _("the customer's name"): msa_request.customer_name,
        _("the premises street address"): msa_request.premises_street,
        _("the premises city"): msa_request.premises_city,
        _("the premises ZIP code"): msa_request.premises_zip,
        _("the service account number"): msa_request.service_account_number,
        _("the meter number"): msa_request.meter_number,
    }
    if msa_request.needs_device:
        facts[_("the device")] = msa_request.device_id
    return [label for label, value in facts.items() if not value]


def signature_covers_request(signature: CustomerAuthorization, msa_request: Request) -> bool:
    """Whether ``signature``'s text still reads the same for ``msa_request`` as it stands now.

    The text is rebuilt in the signature's own version and language, so only a change to a fact
    it quotes (not a new agreement version) breaks it.
    """
    with translation.override(signature.language or "en"):
        text = agreement_text(msa_request=msa_request, version=signature.version)
    return text_sha256(text) == signature.text_sha256


def request_customer_signature(msa_request: Request) -> CustomerAuthorization | None:
    """The customer's online signature of the agreement as it reads now, or None.

    Through the emailed link the customer signs the Customer Agreement itself (with its
    Authorization section): when that signature is active, of the filing company, and covers
    the current version's text for this request in the language it was signed in, the account
    holder has signed and nobody is asked to sign again (issue 17). A changed draft or a new
    version changes the text, and the signature stops counting (STYLE.md).
    """
    if not msa_request.contractor_company_id or msa_request.authorization_revoked_at:
        return None
    version = agreement_current()
    signatures = msa_request.authorizations.filter(
        method=AuthorizationMethod.E_SIGNATURE,
        revoked_at__isnull=True,
        voided_at__isnull=True,
        company_id=msa_request.contractor_company_id,
        version=version,
    ).order_by("-signed_at", "-pk")
    for signature in signatures:
        with translation.override(signature.language or "en"):
            text = agreement_text(msa_request=msa_request, version=version)
        if text_sha256(text) == signature.text_sha256:
            return signature
    return None


def agreement_signs_as_contractor(*, msa_request: Request, user) -> bool:
    """Whether ``user`` signs ``msa_request``'s agreement as the contractor, not the customer.

    On a request a contractor's company filed, anyone but the account holder signs in their own
    name; the customer's signature is the customer's alone (issue 17).
    """
    return msa_request.contractor_company_id is not None and user.pk != msa_request.applicant_id


def agreement_signer_name(*, msa_request: Request, user) -> str:
    """The name the signing page offers ``user``: the customer's, or a contractor's own."""
    if agreement_signs_as_contractor(msa_request=msa_request, user=user):
        return user.full_name
    return msa_request.customer_name


def text_sha256(text: str) -> str:
    """The SHA-256 (hex) of a text's UTF-8 bytes: what a signature records."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The note of the step that sends a request back to scheduling after a visit failed on the
# utility's side; ``revisit_is_free`` recognises the step by it.
FREE_REVISIT_NOTE = gettext_noop(
    "The visit failed on the utility's side: the next visit is free, no new fee is due."
)


def revisit_is_free(*, msa_request_id: int, events: list[RequestEvent] | None = None) -> bool:
    """Return whether the request's latest failed visit was the utility's (no new fee is due).

    Read from the audit history, so payments (which may not import scheduling) can ask it;
    ``events`` (the request's whole history, already loaded) spares the query.
    """
    if events is not None:
        failed = [e for e in events if Status.VISIT_FAILED in (e.to_status, e.from_status)]
        latest = max(failed, key=lambda e: (e.created_at, e.pk), default=None)
        note_data = latest.note_data if latest is not None else None
        return bool(note_data) and note_data.get("text") == FREE_REVISIT_NOTE
    note_data = (
        RequestEvent.objects.filter(msa_request_id=msa_request_id)
        .filter(Q(to_status=Status.VISIT_FAILED) | Q(from_status=Status.VISIT_FAILED))
        .order_by("-created_at", "-pk")
        .values_list("note_data", flat=True)
        .first()
    )
    return bool(note_data) and note_data.get("text") == FREE_REVISIT_NOTE
