"""The customer's authorization of a contractor: uploaded forms, emailed signing links, revoking.

A contractor files for a customer only with the customer's authorization on file. It arrives as
an uploaded signed Authorization Form, or as an electronic signature through a one-time link
emailed to the customer. The customer may revoke it; the company then loses access to the
request (``enrollment.permissions`` reads ``Request.authorization_revoked_at``).
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
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from common.emails import send_templated_email
from common.i18n import Message

from . import signing
from .consent import consent_require
from .models import (
    AuthorizationLink,
    AuthorizationMethod,
    CustomerAuthorization,
    Document,
    Request,
    RequestEvent,
    Status,
)
from .notifications import notify_contractor
from .permissions import acts_for_request
from .selectors import (
    agreement_current,
    agreement_text,
    signature_covers_request,
    signing_facts_missing,
)

logger = logging.getLogger(__name__)


def _hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def _event(msa_request: Request, *, actor, note: Message) -> None:
    """Write an audit row that does not change the status (the timeline shows it)."""
    RequestEvent.objects.create(
        msa_request=msa_request,
        from_status=msa_request.status,
        to_status=msa_request.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        **RequestEvent.note_values(note),
    )


def _verified_emails(user) -> set[str]:
    return {
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }


def account_for_email(email: str):
    """Return the active portal account whose address is ``email`` (any case), or None.

    The address is an account's when it is its login, or one of its verified addresses (allauth
    lets an account hold several): a signing link to either asks that account to sign in. An
    unverified extra address claims nothing, since anyone may type one into their account.
    """
    if not email:
        return None
    active = User.objects.filter(is_active=True)
    return (
        active.filter(email__iexact=email).first()
        or active.filter(emailaddress__email__iexact=email, emailaddress__verified=True).first()
    )


def requests_awaiting_confirmation(user) -> QuerySet[Request]:
    """Contractors' requests filed for ``user``'s verified address that they have not confirmed.

    Shown on the customer's requests page with who filed them; nothing in them is theirs until
    they confirm (``request_confirm_customer``).
    """
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_customer):
        return Request.objects.none()
    emails = _verified_emails(user)
    if not emails:
        return Request.objects.none()
    match = Q()
    for email in emails:
        match |= Q(customer_email__iexact=email)
    return (
        Request.objects.filter(
            match,
            applicant__isnull=True,
            contractor_company__isnull=False,
            authorization_revoked_at__isnull=True,
        )
        .select_related("contractor_company")
        .order_by("-created_at")
    )


def request_confirm_customer(*, msa_request_id: int, user) -> Request:
    """Attach a contractor's request to the signed-in customer's account, at their word.

    The only way a request joins a customer's account (issue 17): the customer, signed in,
    confirms it — on their requests page, or by signing the emailed link while signed in. The
    account's address must be verified and equal the request's customer email; an uploaded
    form or a typed address never links anyone. Raises ``PermissionDenied`` otherwise; a
    second confirmation changes nothing.
    """
    with transaction.atomic():
        msa_request = Request.objects.select_for_update().get(pk=msa_request_id)
        if msa_request.applicant_id is not None and msa_request.applicant_id == user.pk:
            return msa_request
        if not requests_awaiting_confirmation(user).filter(pk=msa_request.pk).exists():
            raise PermissionDenied
        msa_request.applicant = user
        msa_request.save(update_fields=["applicant", "updated_at"])
        _event(
            msa_request,
            actor=user,
            note=Message(gettext_noop("The customer confirmed this request in their account.")),
        )
    logger.info("request %s: confirmed by the customer's account", msa_request.pk)
    return msa_request


def authorization_record_upload(*, document: Document, actor) -> CustomerAuthorization | None:
    """Record an uploaded Authorization Form as a claim for staff to verify.

    It counts as the customer's authorization only once staff accept it
    (``authorization_accept``); until then the rule AUTHORIZATION_ON_FILE reads "review". It
    never attaches the request to anyone's account (issue 17: a blank PDF is not a signature).
    """
    msa_request = document.msa_request
    if document.kind != Document.Kind.AUTHORIZATION_FORM or not msa_request.contractor_company_id:
        return None
    if msa_request.authorization_revoked_at is not None:
        raise PermissionDenied
    authorization = CustomerAuthorization.objects.create(
        msa_request=msa_request,
        company_id=msa_request.contractor_company_id,
        method=AuthorizationMethod.UPLOAD,
        document=document,
        signed_at=timezone.now(),
        recorded_by=actor,
    )
    _event(
        msa_request,
        actor=actor,
        note=Message(gettext_noop("Authorization Form uploaded; staff will check it.")),
    )
    logger.info("request %s: authorization %s uploaded", msa_request.pk, authorization.pk)
    return authorization


def authorization_accept(*, authorization_id: int, actor) -> CustomerAuthorization:
    """Accept an uploaded Authorization Form after reading it (staff who decide requests only).

    Raises ``PermissionDenied`` without ``enrollment.decide_request``, ``ValidationError`` for
    a revoked or online-signed authorization; accepting twice changes nothing.
    """
    if not (getattr(actor, "is_staff", False) and actor.has_perm("enrollment.decide_request")):
        raise PermissionDenied
    with transaction.atomic():
        authorization = (
            CustomerAuthorization.objects.select_for_update()
            .select_related("msa_request")
            .get(pk=authorization_id)
        )
        if authorization.accepted_at is not None:
            return authorization
        if authorization.method != AuthorizationMethod.UPLOAD or not authorization.is_active:
            raise ValidationError(_("Only an active uploaded form can be accepted."))
        authorization.accepted_at = timezone.now()
        authorization.accepted_by = actor
        authorization.save(update_fields=["accepted_at", "accepted_by"])
        _event(
            authorization.msa_request,
            actor=actor,
            note=Message(
                gettext_noop("Staff checked and accepted the uploaded Authorization Form.")
            ),
        )
    logger.info("authorization %s accepted", authorization.pk)
    return authorization


def authorization_link_send(*, msa_request_id: int, actor) -> tuple[AuthorizationLink, str]:
    """Email the customer a one-time link to sign the authorization; older links stop working.

    Returns the link with its raw token (which only the email carries; it is not stored).
    """
    with transaction.atomic():
        msa_request = (
            Request.objects.select_for_update(of=("self",))
            .select_related("contractor_company")
            .get(pk=msa_request_id)
        )
        if not (
            msa_request.contractor_company_id
            and getattr(actor, "company_id", None) == msa_request.contractor_company_id
            and acts_for_request(actor, msa_request)
        ):
            raise PermissionDenied
        if msa_request.status != Status.DRAFT:
            raise ValidationError(
                _("A signing link can only be sent while the request is a draft.")
            )
        if not msa_request.customer_email:
            raise ValidationError(
                _("Enter the customer's email address first (step “Account and meter”).")
            )
        missing = signing_facts_missing(msa_request)
        if missing:
            # The agreement quotes these facts: the customer signs them, so they come first.
            raise ValidationError(
                _("Fill in %(facts)s before sending the signing link: the agreement quotes them.")
                % {"facts": ", ".join(missing)}
            )
        now = timezone.now()
        msa_request.authorization_links.filter(
            used_at__isnull=True, withdrawn_at__isnull=True
        ).update(withdrawn_at=now)
        raw_token = secrets.token_urlsafe(32)
        link = AuthorizationLink.objects.create(
            msa_request=msa_request,
            email=msa_request.customer_email,
            token_hash=_hash_token(raw_token),
            created_by=actor,
            expires_at=now + timedelta(days=settings.MSA_AUTHORIZATION_LINK_DAYS),
        )
        _event(
            msa_request,
            actor=actor,
            note=Message(
                gettext_noop(
                    "Signing link for the customer's authorization emailed to the customer."
                )
            ),
        )
        path = reverse(
            "enrollment:authorization_link", kwargs={"pk": msa_request.pk, "token": raw_token}
        )
        transaction.on_commit(
            lambda: _send_link_email(link=link, msa_request=msa_request, path=path)
        )
    logger.info("request %s: authorization link %s sent", msa_request.pk, link.pk)
    return link, raw_token


def _send_link_email(*, link: AuthorizationLink, msa_request: Request, path: str) -> None:
    try:
        send_templated_email(
            to=[link.email],
            template="enrollment/emails/authorization_link",
            language=msa_request.customer_language,
            context={
                "msa_request": msa_request,
                "path": path,
                "expires_at": link.expires_at,
                "company": msa_request.contractor_company,
            },
        )
    except Exception:
        logger.exception("email authorization_link for request %s failed", msa_request.pk)


@dataclass(frozen=True)
class LinkCheck:
    """What a signing link's token opens: the link and its request, or why it cannot be used."""

    link: AuthorizationLink | None
    refusal: str = ""

    @property
    def ok(self) -> bool:
        return self.link is not None and not self.refusal


def authorization_link_check(
    *, msa_request_id: int, raw_token: str, lock: bool = False
) -> LinkCheck:
    """Return the link behind ``raw_token`` for request ``msa_request_id``, or why it is refused.

    A token that is unknown, altered, or meant for another request reads "invalid" alike, so
    the page never hints at other requests.
    """
    links = AuthorizationLink.objects.select_related(
        "msa_request", "msa_request__contractor_company"
    )
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(
        token_hash=_hash_token(raw_token or ""), msa_request_id=msa_request_id
    ).first()
    if link is None:
        return LinkCheck(None, "invalid")
    if link.used_at is not None:
        return LinkCheck(link, "used")
    if link.withdrawn_at is not None or link.msa_request.authorization_revoked_at is not None:
        return LinkCheck(link, "withdrawn")
    if link.expires_at <= timezone.now():
        return LinkCheck(link, "expired")
    if link.msa_request.status != Status.DRAFT:
        return LinkCheck(link, "closed")
    return LinkCheck(link)


def authorization_sign(
    *,
    msa_request_id: int,
    raw_token: str,
    signer_name: str,
    consent: bool,
    shown_sha256: str,
    ip_address: str | None,
    user=None,
) -> CustomerAuthorization:
    """Sign the customer's authorization through a one-time link, once.

    Its PDF is printed and emailed to the signer by a task after commit (``signing``).
    Raises ``LinkRefused`` for a link that cannot be used, and ``ValidationError`` for a
    refused signature: no consent to electronic records for the link's address (code
    ``esign_consent``), a changed text, or the contractor signing.
    """
    signer_name = signing.signer_name_clean(signer_name=signer_name, consent=consent)
    with transaction.atomic():
        check = authorization_link_check(
            msa_request_id=msa_request_id, raw_token=raw_token, lock=True
        )
        if not check.ok:
            raise LinkRefused(check.refusal)
        link = check.link
        msa_request = Request.objects.select_for_update().get(pk=link.msa_request_id)
        signed_in = getattr(user, "is_authenticated", False)
        account = account_for_email(link.email)
        if account is not None and not (signed_in and user.pk == account.pk):
            # The address belongs to an account: that account signs, signed in.
            raise LinkRefused("other_account")
        if signed_in and user.company_id and user.company_id == msa_request.contractor_company_id:
            raise ValidationError(
                _("The customer signs this authorization themselves, not the contractor.")
            )
        # E-SIGN §7001(c): the customer consented to electronic records first.
        consent_require(msa_request=msa_request, email=link.email)
        version = agreement_current()
        authorization = signing.signature_record(
            model=CustomerAuthorization,
            msa_request=msa_request,
            version=version,
            text=agreement_text(msa_request=msa_request, version=version),
            shown_sha256=shown_sha256,
            signer_name=signer_name,
            signer=user if signed_in else None,
            ip_address=ip_address,
            # The page is shown in the customer's language (the email's); so is the text signed.
            language=msa_request.customer_language,
            fields={
                "company_id": msa_request.contractor_company_id,
                "method": AuthorizationMethod.E_SIGNATURE,
                "consent": True,
            },
        )
        link.used_at = authorization.signed_at
        link.save(update_fields=["used_at"])
        _event(
            msa_request,
            actor=None,
            note=Message(gettext_noop("The customer signed the authorization online.")),
        )
        # Signing while signed in, from the emailed link, is the customer's confirmation.
        if (
            signed_in
            and msa_request.applicant_id is None
            and requests_awaiting_confirmation(user).filter(pk=msa_request.pk).exists()
        ):
            request_confirm_customer(msa_request_id=msa_request.pk, user=user)
        transaction.on_commit(
            lambda: _notify_contractor(msa_request_id=msa_request.pk, event="authorization_signed")
        )
    logger.info("request %s: authorization %s signed online", msa_request.pk, authorization.pk)
    return authorization


def authorizations_void_changed(*, msa_request: Request, actor) -> list[int]:
    """Void the online signatures whose quoted facts changed; return the voided ids.

    Call inside the transaction that changed ``msa_request`` (locked). A voided signature no
    longer puts the authorization on file; the timeline asks for a new one.
    """
    signatures = msa_request.authorizations.filter(
        method=AuthorizationMethod.E_SIGNATURE, revoked_at__isnull=True, voided_at__isnull=True
    ).select_related("version")
    voided = [s.pk for s in signatures if not signature_covers_request(s, msa_request)]
    if voided:
        CustomerAuthorization.objects.filter(pk__in=voided).update(voided_at=timezone.now())
        _event(
            msa_request,
            actor=actor,
            note=Message(
                gettext_noop(
                    "A fact the customer signed (name, premises, account, meter or device) "
                    "changed, so the customer's signature no longer counts. Send a new "
                    "signing link."
                )
            ),
        )
        logger.info("request %s: %d signature(s) voided by a change", msa_request.pk, len(voided))
    return voided


class LinkRefused(Exception):
    """The signing link cannot be used (``reason``: invalid, used, withdrawn, expired, closed,
    other_account — the address belongs to an account that is not the one signed in)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def authorization_revoke(*, msa_request_id: int, actor) -> Request:
    """Revoke the contractor's authorization (the customer alone may); the company loses access."""
    with transaction.atomic():
        msa_request = Request.objects.select_for_update().get(pk=msa_request_id)
        if not (getattr(actor, "is_authenticated", False) and msa_request.applicant_id == actor.pk):
            raise PermissionDenied
        if not msa_request.contractor_company_id:
            raise ValidationError(_("No contractor files this request for you."))
        if msa_request.authorization_revoked_at is not None:
            return msa_request  # revoking twice changes nothing
        now = timezone.now()
        msa_request.authorization_revoked_at = now
        msa_request.save(update_fields=["authorization_revoked_at", "updated_at"])
        msa_request.authorizations.filter(revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=actor
        )
        msa_request.authorization_links.filter(
            used_at__isnull=True, withdrawn_at__isnull=True
        ).update(withdrawn_at=now)
        _event(
            msa_request,
            actor=actor,
            note=Message(gettext_noop("The customer revoked the contractor's authorization.")),
        )
        transaction.on_commit(
            lambda: _notify_contractor(msa_request_id=msa_request.pk, event="authorization_revoked")
        )
    logger.info("request %s: contractor authorization revoked", msa_request.pk)
    return msa_request


def _notify_contractor(*, msa_request_id: int, event: str) -> None:
    notify_contractor(msa_request_id=msa_request_id, event=event)
