"""The customer's authorization of a contractor: uploaded forms, emailed signing links, revoking.

A contractor files for a customer only with the customer's authorization on file. It arrives as
an uploaded signed Authorization Form, or as an electronic signature through a one-time link
emailed to the customer. The customer may revoke it; the company then loses access to the
request (``enrollment.permissions`` reads ``Application.authorization_revoked_at``).
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.emails import send_templated_email
from common.i18n import Message

from . import signing
from .models import (
    Application,
    AuthorizationLink,
    AuthorizationMethod,
    CustomerAuthorization,
    Document,
    RequestEvent,
    Status,
)
from .notifications import notify_contractor
from .permissions import acts_for_request
from .selectors import agreement_current, agreement_text

logger = logging.getLogger(__name__)


def _hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def _event(application: Application, *, actor, note: Message) -> None:
    """Write an audit row that does not change the status (the timeline shows it)."""
    RequestEvent.objects.create(
        application=application,
        from_status=application.status,
        to_status=application.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        **RequestEvent.note_values(note),
    )


def request_link_customer_account(*, application: Application) -> Application:
    """Attach the customer's portal account to a contractor's request, by verified email only.

    Only an account whose address matches the request's customer email and is VERIFIED is
    linked, so nobody can claim a request by signing up with someone else's address.
    """
    if application.applicant_id or not application.customer_email:
        return application
    match = (
        EmailAddress.objects.filter(
            email__iexact=application.customer_email,
            verified=True,
            user__is_active=True,
            user__role="customer",
        )
        .values_list("user_id", flat=True)
        .first()
    )
    if match is not None:
        Application.objects.filter(pk=application.pk, applicant__isnull=True).update(
            applicant_id=match
        )
        application.applicant_id = match
        logger.info("request %s: linked to the customer's account", application.pk)
    return application


def requests_link_to_verified_account(*, user, email: str) -> int:
    """Give a customer who just verified ``email`` the contractors' requests filed for it."""
    if not (user.is_active and user.role == "customer" and email):
        return 0
    linked = Application.objects.filter(
        applicant__isnull=True,
        contractor_company__isnull=False,
        customer_email__iexact=email,
    ).update(applicant=user)
    if linked:
        logger.info("user %s: %s contractor request(s) linked", user.pk, linked)
    return linked


def authorization_record_upload(*, document: Document, actor) -> CustomerAuthorization | None:
    """Record an uploaded, signed Authorization Form as the customer's authorization."""
    application = document.application
    if document.kind != Document.Kind.AUTHORIZATION_FORM or not application.contractor_company_id:
        return None
    if application.authorization_revoked_at is not None:
        raise PermissionDenied
    authorization = CustomerAuthorization.objects.create(
        application=application,
        company_id=application.contractor_company_id,
        method=AuthorizationMethod.UPLOAD,
        document=document,
        signed_at=timezone.now(),
        recorded_by=actor,
    )
    _event(
        application, actor=actor, note=Message(gettext_noop("Signed Authorization Form uploaded."))
    )
    request_link_customer_account(application=application)
    logger.info("request %s: authorization %s uploaded", application.pk, authorization.pk)
    return authorization


def authorization_link_send(*, application_id: int, actor) -> tuple[AuthorizationLink, str]:
    """Email the customer a one-time link to sign the authorization; older links stop working.

    Returns the link with its raw token (which only the email carries; it is not stored).
    """
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("contractor_company")
            .get(pk=application_id)
        )
        if not (
            application.contractor_company_id
            and getattr(actor, "company_id", None) == application.contractor_company_id
            and acts_for_request(actor, application)
        ):
            raise PermissionDenied
        if application.status != Status.DRAFT:
            raise ValidationError(
                _("A signing link can only be sent while the request is a draft.")
            )
        if not application.customer_email:
            raise ValidationError(
                _("Enter the customer's email address first (step “Account and meter”).")
            )
        now = timezone.now()
        application.authorization_links.filter(
            used_at__isnull=True, withdrawn_at__isnull=True
        ).update(withdrawn_at=now)
        raw_token = secrets.token_urlsafe(32)
        link = AuthorizationLink.objects.create(
            application=application,
            email=application.customer_email,
            token_hash=_hash_token(raw_token),
            created_by=actor,
            expires_at=now + timedelta(days=settings.MSA_AUTHORIZATION_LINK_DAYS),
        )
        _event(
            application,
            actor=actor,
            note=Message(
                gettext_noop(
                    "Signing link for the customer's authorization emailed to the customer."
                )
            ),
        )
        path = reverse(
            "enrollment:authorization_link", kwargs={"pk": application.pk, "token": raw_token}
        )
        transaction.on_commit(
            lambda: _send_link_email(link=link, application=application, path=path)
        )
    logger.info("request %s: authorization link %s sent", application.pk, link.pk)
    return link, raw_token


def _send_link_email(*, link: AuthorizationLink, application: Application, path: str) -> None:
    try:
        send_templated_email(
            to=[link.email],
            template="enrollment/emails/authorization_link",
            language=application.customer_language,
            context={
                "application": application,
                "path": path,
                "expires_at": link.expires_at,
                "company": application.contractor_company,
            },
        )
    except Exception:
        logger.exception("email authorization_link for request %s failed", application.pk)


@dataclass(frozen=True)
class LinkCheck:
    """What a signing link's token opens: the link and its request, or why it cannot be used."""

    link: AuthorizationLink | None
    refusal: str = ""

    @property
    def ok(self) -> bool:
        return self.link is not None and not self.refusal


def authorization_link_check(
    *, application_id: int, raw_token: str, lock: bool = False
) -> LinkCheck:
    """Return the link behind ``raw_token`` for request ``application_id``, or why it is refused.

    A token that is unknown, altered, or meant for another request reads "invalid" alike, so
    the page never hints at other requests.
    """
    links = AuthorizationLink.objects.select_related(
        "application", "application__contractor_company"
    )
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(
        token_hash=_hash_token(raw_token or ""), application_id=application_id
    ).first()
    if link is None:
        return LinkCheck(None, "invalid")
    if link.used_at is not None:
        return LinkCheck(link, "used")
    if link.withdrawn_at is not None or link.application.authorization_revoked_at is not None:
        return LinkCheck(link, "withdrawn")
    if link.expires_at <= timezone.now():
        return LinkCheck(link, "expired")
    if link.application.status != Status.DRAFT:
        return LinkCheck(link, "closed")
    return LinkCheck(link)


def authorization_sign(
    *,
    application_id: int,
    raw_token: str,
    signer_name: str,
    consent: bool,
    shown_sha256: str,
    ip_address: str | None,
    user=None,
) -> CustomerAuthorization:
    """Sign the customer's authorization through a one-time link, once, and store it as a PDF."""
    signer_name = signing.signer_name_clean(signer_name=signer_name, consent=consent)
    with transaction.atomic():
        check = authorization_link_check(
            application_id=application_id, raw_token=raw_token, lock=True
        )
        if not check.ok:
            raise LinkRefused(check.refusal)
        link = check.link
        application = Application.objects.select_for_update().get(pk=link.application_id)
        signed_in = getattr(user, "is_authenticated", False)
        if signed_in and user.company_id and user.company_id == application.contractor_company_id:
            raise ValidationError(
                _("The customer signs this authorization themselves, not the contractor.")
            )
        version = agreement_current()
        authorization = signing.signature_record(
            model=CustomerAuthorization,
            application=application,
            version=version,
            text=agreement_text(application=application, version=version),
            shown_sha256=shown_sha256,
            signer_name=signer_name,
            signer=user if signed_in else None,
            ip_address=ip_address,
            language=translation.get_language(),
            pdf_template="enrollment/agreement/authorization_signed_pdf.html",
            fields={
                "company_id": application.contractor_company_id,
                "method": AuthorizationMethod.E_SIGNATURE,
                "consent": True,
            },
        )
        link.used_at = authorization.signed_at
        link.save(update_fields=["used_at"])
        _event(
            application,
            actor=None,
            note=Message(gettext_noop("The customer signed the authorization online.")),
        )
        request_link_customer_account(application=application)
        transaction.on_commit(
            lambda: _notify_contractor(application_id=application.pk, event="authorization_signed")
        )
    logger.info("request %s: authorization %s signed online", application.pk, authorization.pk)
    return authorization


class LinkRefused(Exception):
    """The signing link cannot be used (``reason``: invalid, used, withdrawn, expired, closed)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def authorization_revoke(*, application_id: int, actor) -> Application:
    """Revoke the contractor's authorization (the customer alone may); the company loses access."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application_id)
        if not (getattr(actor, "is_authenticated", False) and application.applicant_id == actor.pk):
            raise PermissionDenied
        if not application.contractor_company_id:
            raise ValidationError(_("No contractor files this request for you."))
        if application.authorization_revoked_at is not None:
            return application  # revoking twice changes nothing
        now = timezone.now()
        application.authorization_revoked_at = now
        application.save(update_fields=["authorization_revoked_at", "updated_at"])
        application.authorizations.filter(revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=actor
        )
        application.authorization_links.filter(
            used_at__isnull=True, withdrawn_at__isnull=True
        ).update(withdrawn_at=now)
        _event(
            application,
            actor=actor,
            note=Message(gettext_noop("The customer revoked the contractor's authorization.")),
        )
        transaction.on_commit(
            lambda: _notify_contractor(application_id=application.pk, event="authorization_revoked")
        )
    logger.info("request %s: contractor authorization revoked", application.pk)
    return application


def _notify_contractor(*, application_id: int, event: str) -> None:
    notify_contractor(application_id=application_id, event=event)
