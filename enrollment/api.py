"""The contractor API's requests: list (with polling), and one request in full.

Authenticated by personal API tokens; every read goes through ``enrollment.permissions``, the
same rule as the web portal, so another company's request is a 404 here too.
"""

from datetime import UTC, datetime
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status as Reply
from pydantic import AfterValidator, field_validator

from accounts.api_auth import ApiTokenAuth, TokenRateThrottle, idempotent
from common.addresses import zip_five
from common.api import ErrorOut, error_body
from common.client_ip import client_ip
from common.phones import phone_stored
from eligibility.api import SiteFactsIn, refuse_null_characters

from . import consent, services
from .authorizations import authorization_link_send
from .models import Request
from .permissions import get_request_for_user_or_404, requests_editable_by, requests_visible_to
from .selectors import (
    agreement_current,
    agreement_text,
    devices_for,
    request_customer_signature,
    request_detail_queryset,
    text_sha256,
)

# What any call may answer: bad parameters, no or a revoked token, not yours, a reused
# Idempotency-Key, too many requests. The shape is the API's error shape.
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class RequestPagination(LimitOffsetPagination):
    """Pages of at most 100 requests; offsets bounded so the database never sees an overflow."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=100)
        offset: int = Field(0, ge=0, le=10_000_000)


router = Router(tags=["requests"], auth=ApiTokenAuth(), throttle=[TokenRateThrottle()])

StatusName = Literal[
    "draft",
    "awaiting_payment",
    "submitted",
    "under_review",
    "info_requested",
    "approved",
    "rejected",
    "scheduled",
    "completed",
    "visit_failed",
    "cancelled",
]


class RequestOut(Schema):
    id: int
    reference: str
    status: StatusName
    request_type: Literal["install", "removal", "replacement"]
    customer_name: str
    customer_phone: str = Field(
        description="E.164, with ';ext=' and the extension when there is one: +16265550100;ext=12."
    )
    customer_language: str
    premises_address: str
    service_account_number: str
    meter_number: str
    eligibility_outcome: Literal["pass", "fail", "review", ""]
    submitted_at: datetime | None
    updated_at: datetime

    _phone_stored = field_validator("customer_phone", mode="before")(phone_stored)


class EventOut(Schema):
    from_status: str
    to_status: StatusName
    note: str
    created_at: datetime

    @staticmethod
    def resolve_note(obj) -> str:
        return obj.display_note


class RuleOut(Schema):
    code: str
    result: Literal["pass", "fail", "review"]
    message: str

    @staticmethod
    def resolve_message(obj) -> str:
        return obj.text


class RequestDetailOut(RequestOut):
    site_facts: dict
    timeline: list[EventOut]
    eligibility: list[RuleOut]

    @staticmethod
    def resolve_site_facts(obj: Request) -> dict:
        return obj.site_facts()

    @staticmethod
    def resolve_timeline(obj: Request) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_eligibility(obj: Request) -> list:
        return list(obj.eligibility_results.all())


@router.get("/requests", response={200: list[RequestOut], **ERRORS})
@paginate(RequestPagination)
def list_requests(
    request: HttpRequest, status: StatusName | None = None, updated_since: datetime | None = None
):
    """The requests you may see, oldest change first, so a client can poll with updated_since."""
    queryset = requests_visible_to(request.user).order_by("updated_at", "pk")
    if status:
        queryset = queryset.filter(status=status)
    if updated_since:
        # Any offset JSON allows, as UTC: the database refuses offsets past ±15:59.
        if timezone.is_naive(updated_since):
            updated_since = timezone.make_aware(updated_since, UTC)
        queryset = queryset.filter(updated_at__gt=updated_since.astimezone(UTC))
    return queryset


@router.get("/requests/{request_id}", response={200: RequestDetailOut, **ERRORS})
def get_request(request: HttpRequest, request_id: int):
    """One request with its site facts, timeline and eligibility results."""
    return get_request_for_user_or_404(
        request.user, request_id, request_detail_queryset(request.user)
    )


class DraftIn(SiteFactsIn):
    """A new draft: the customer, the premises and the site facts (DESIGN.md §4 names)."""

    request_type: Literal["install", "removal", "replacement"]
    customer_name: str = Field("", max_length=200)
    customer_email: str = Field("", max_length=254)
    customer_phone: str = Field(
        "",
        max_length=40,
        description="As people type it: (626) 555-0100 ext. 12, +1 626 555 0100; "
        "stored and answered in E.164.",
    )
    customer_language: Literal["en", "es"] = Field(
        "en", description="The account holder's language for emails, receipts and the agreement."
    )
    customer_account_number: str = Field("", pattern=r"^(7\d{11})?$")
    rule21_reference: str = Field("", max_length=40)
    life_support: bool | None = None
    premises_street: str = Field("", max_length=200)
    premises_unit: str = Field("", max_length=40)
    premises_city: str = Field("", max_length=80)
    # A ZIP+4 is accepted as the web form accepts it; the request keeps its first five digits.
    premises_zip: Annotated[str, AfterValidator(zip_five)] = Field(
        "", pattern=r"^(\d{5}(-?\d{4})?)?$"
    )


def _validation_errors(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _out(msa_request: Request) -> dict:
    msa_request = Request.objects.get(pk=msa_request.pk)
    return RequestOut.from_orm(msa_request).model_dump(mode="json")


@router.post(
    "/requests",
    response={201: RequestOut, 400: ErrorOut, 403: ErrorOut, 422: ErrorOut, **ERRORS},
)
def create_request(request: HttpRequest, payload: DraftIn):
    """Start a draft for a customer from its site facts (send an Idempotency-Key to retry)."""

    def answer() -> tuple[int, dict]:
        data = payload.facts(exclude_unset=True)
        request_type = data.pop("request_type")
        device_id = data.pop("device", None)
        data["energized_conductors"] = list(data.get("energized_conductors") or [])
        for name in (
            "service_voltage",
            "meter_socket_form",
            "socket_ring_type",
            "esr_violation",
            "service_account_number",
            "meter_number",
            "existing_device_kind",
            "existing_device_manufacturer",
            "existing_device_model",
        ):
            if data.get(name) is None and name in data:
                data[name] = ""
        if device_id is not None:
            device = devices_for(request_type).filter(pk=device_id).first()
            if device is None:
                return 400, error_body(
                    "invalid",
                    _("Some fields are not valid."),
                    {"device": [_("Choose an active device on the Approved Product List.")]},
                )
            data["device"] = device
        try:
            with transaction.atomic():
                msa_request = services.request_create_draft(
                    actor=request.user, request_type=request_type
                )
                services.request_update_draft(
                    msa_request_id=msa_request.pk, actor=request.user, step="review", data=data
                )
        except ValidationError as exc:
            return 400, error_body(
                "invalid", _("Some fields are not valid."), _validation_errors(exc)
            )
        return 201, _out(msa_request)

    return Reply(*idempotent(request, answer))


@router.post(
    "/requests/{request_id}/cancel",
    response={200: RequestOut, 404: ErrorOut, 409: ErrorOut, **ERRORS},
)
def cancel_request(request: HttpRequest, request_id: int):
    """Cancel a request before its visit is scheduled, or after a visit that failed.

    After a failed visit the meter is free for a new request; the fee paid for that visit is not
    refunded.
    """
    msa_request = get_request_for_user_or_404(
        request.user, request_id, requests_editable_by(request.user)
    )

    def answer() -> tuple[int, dict]:
        try:
            services.request_cancel(msa_request_id=msa_request.pk, actor=request.user)
        except services.TransitionError as exc:
            return 409, error_body("conflict", str(exc))
        return 200, _out(msa_request)

    return Reply(*idempotent(request, answer))


class AgreementOut(Schema):
    version: str
    text: str
    sha256: str
    # The E-SIGN disclosure (enrollment.consent) the signer consents to before signing.
    esign_disclosure_version: str
    esign_disclosure: str
    esign_disclosure_sha256: str


class SubmitIn(Schema):
    """The signature of the Customer Agreement; empty when the customer signed it online.

    When the customer signed through the emailed link, nobody signs again (issue 17): the
    fields are ignored and the request moves on on the customer's signature.
    """

    _no_null_characters = field_validator("*")(refuse_null_characters)
    signer_name: str = Field("", max_length=200)
    consent: bool = False
    agreement_sha256: str = Field("", pattern=r"^([0-9a-f]{64})?$")
    # The signer's consent to electronic records: the SHA-256 of the disclosure fetched from
    # /agreement. Needed once per signer and request (until withdrawn); empty afterwards.
    esign_disclosure_sha256: str = Field("", pattern=r"^([0-9a-f]{64})?$")


class DocumentOut(Schema):
    id: int
    kind: str
    original_name: str
    content_type: str
    size: int


@router.get(
    "/requests/{request_id}/agreement", response={200: AgreementOut, 404: ErrorOut, **ERRORS}
)
def agreement(request: HttpRequest, request_id: int):
    """The exact Customer Agreement text to sign for this draft, and its SHA-256."""
    msa_request = get_request_for_user_or_404(
        request.user, request_id, requests_editable_by(request.user)
    )
    version = agreement_current()
    text = agreement_text(msa_request=msa_request, version=version)
    disclosure = consent.disclosure(translation.get_language())
    return {
        "version": version.version,
        "text": text,
        "sha256": text_sha256(text),
        "esign_disclosure_version": disclosure.version,
        "esign_disclosure": disclosure.text,
        "esign_disclosure_sha256": disclosure.sha256,
    }


@router.post(
    "/requests/{request_id}/submit",
    response={200: RequestOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, **ERRORS},
)
def submit(request: HttpRequest, request_id: int, payload: SubmitIn):
    """Sign the Customer Agreement (the text fetched from /agreement) and owe the fee."""
    msa_request = get_request_for_user_or_404(
        request.user, request_id, requests_editable_by(request.user)
    )

    def answer() -> tuple[int, dict]:
        try:
            if request_customer_signature(msa_request) is not None:
                services.agreement_submit_signed_by_customer(
                    msa_request_id=msa_request.pk, actor=request.user
                )
                return 200, _out(msa_request)
            if payload.esign_disclosure_sha256:
                consent.consent_give(
                    msa_request_id=msa_request.pk,
                    email=request.user.email,
                    user=request.user,
                    language=translation.get_language(),
                    shown_sha256=payload.esign_disclosure_sha256,
                    ip_address=client_ip(request),
                )
            services.agreement_sign(
                msa_request_id=msa_request.pk,
                actor=request.user,
                signer_name=payload.signer_name,
                consent=payload.consent,
                shown_sha256=payload.agreement_sha256,
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            return 400, error_body(
                "invalid", _("The request cannot be signed."), _validation_errors(exc)
            )
        except services.TransitionError as exc:
            return 409, error_body("conflict", str(exc))
        return 200, _out(msa_request)

    return Reply(*idempotent(request, answer))


@router.post(
    "/requests/{request_id}/documents",
    response={201: DocumentOut, 409: ErrorOut, **ERRORS},
)
def attach_document(
    request: HttpRequest,
    request_id: int,
    kind: Form[Literal["meter_panel_photo", "authorization_form", "other"]],
    file: File[UploadedFile],
):
    """Attach a meter-panel photo (JPEG/PNG) or the signed Authorization Form (PDF)."""
    msa_request = get_request_for_user_or_404(
        request.user, request_id, requests_editable_by(request.user)
    )

    def answer() -> tuple[int, dict]:
        try:
            # The wizard's own service: an Authorization Form also becomes the customer's
            # authorization record.
            [document] = services.request_attach_documents(
                msa_request_id=msa_request.pk, actor=request.user, uploads=[(kind, file)]
            )
        except ValidationError as exc:
            return 400, error_body("invalid", _("The file was refused."), _validation_errors(exc))
        except services.TransitionError as exc:
            return 409, error_body("conflict", str(exc))
        return 201, DocumentOut.from_orm(document).model_dump(mode="json")

    return Reply(*idempotent(request, answer))


class SigningLinkOut(Schema):
    sent_to: str
    expires_at: datetime


@router.post(
    "/requests/{request_id}/signing-link",
    response={200: SigningLinkOut, 400: ErrorOut, 404: ErrorOut, **ERRORS},
)
def signing_link(request: HttpRequest, request_id: int):
    """Email the customer a one-time link to sign the authorization (older links stop working)."""
    msa_request = get_request_for_user_or_404(
        request.user, request_id, requests_editable_by(request.user)
    )

    def answer() -> tuple[int, dict]:
        try:
            link, _raw_token = authorization_link_send(
                msa_request_id=msa_request.pk, actor=request.user
            )
        except (ValidationError, PermissionDenied) as exc:
            messages = getattr(exc, "messages", None) or [_("Only the filing company may ask.")]
            return 400, error_body("invalid", str(messages[0]))
        return 200, {"sent_to": link.email, "expires_at": link.expires_at.isoformat()}

    return Reply(*idempotent(request, answer))
