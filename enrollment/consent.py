"""Consent to electronic records before an electronic signature (E-SIGN Act, 15 U.S.C. §7001(c)).

Before a person first signs a request's Customer Agreement or the customer's authorization
electronically, they are shown a disclosure (``disclosure``) and consent to it; the consent is
recorded (``ElectronicRecordsConsent``) with the disclosure's version, the language it was shown
in, a SHA-256 of its words, the time and the address. A signature is accepted only with a
current consent (``consent_require``, called by the signing services). Withdrawing consent or
asking for a paper copy is recorded on the request's timeline and emailed to the reviewers; the
next electronic signature then asks for consent again. docs/signing.md describes the records.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import roles
from accounts.selectors import staff_role_emails
from common.emails import send_templated_email
from common.i18n import Message

from .models import ElectronicRecordsConsent, PaperCopyRequest, Request, RequestEvent
from .selectors import text_sha256

logger = logging.getLogger(__name__)

# The disclosure's version: a change of its words is a new version, and consents given to an
# older one no longer count (the signer is asked again).
CONSENT_VERSION = "esign-2026-11"


@dataclass(frozen=True)
class Disclosure:
    """The disclosure as shown: its version, its sections (heading, text) and their hash."""

    version: str
    sections: tuple[tuple[str, str], ...]

    @property
    def text(self) -> str:
        return "\n\n".join(f"{heading}\n{body}" for heading, body in self.sections)

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)


def disclosure(language: str) -> Disclosure:
    """Return the E-SIGN disclosure of ``CONSENT_VERSION`` in ``language`` ("en" or "es")."""
    with translation.override(language):
        sections = (
            (
                _("Your right to paper"),
                _(
                    "You may have the agreement, the authorization, receipts and notices of this "
                    "request on paper instead of electronically. Paper copies are free: there is "
                    "no fee. Ask for one at any time with the “Ask for a paper copy” button on "
                    "the signing page or on the request's status page, or by writing to "
                    "customer.generation@sce.com with the request number."
                ),
            ),
            (
                _("What this consent covers"),
                _(
                    "This consent covers this request only: its Customer Agreement, your "
                    "authorization of a contractor if there is one, the receipts, and the "
                    "notices we send about it."
                ),
            ),
            (
                _("Withdrawing your consent"),
                _(
                    "You may withdraw this consent at any time, free of charge, with the "
                    "“Withdraw consent” button on the request's status page or on the signing "
                    "page, or by writing to customer.generation@sce.com with the request "
                    "number. Withdrawing does not undo what you already signed; staff will "
                    "contact you to continue on paper."
                ),
            ),
            (
                _("Keeping your email address up to date"),
                _(
                    "We send the records to your email address. If you have a portal account, "
                    "change it under Account, Email addresses. If you sign through a link your "
                    "contractor sent, ask the contractor to send the link to your new address."
                ),
            ),
            (
                _("What you need"),
                _(
                    "To open and keep the records you need: a web browser that is kept up to "
                    "date, a PDF reader (most browsers include one), an email account that can "
                    "receive attachments, and a place to save or print the PDF files."
                ),
            ),
        )
    return Disclosure(version=CONSENT_VERSION, sections=sections)


def _email(address: str) -> str:
    return (address or "").strip().lower()


def _counting(email: str):
    """``email``'s consents that count now (current disclosure, not withdrawn), latest first."""
    return ElectronicRecordsConsent.objects.filter(
        email=_email(email), version=CONSENT_VERSION, withdrawn_at__isnull=True
    ).order_by("-given_at")


def consent_current(*, msa_request: Request, email: str) -> ElectronicRecordsConsent | None:
    """The signer's consent that counts now for ``msa_request``: current version, not withdrawn."""
    return _counting(email).filter(msa_request=msa_request).first()


@dataclass(frozen=True)
class ConsentSummary:
    """A reader's consent as a status page shows it: when given (aware), to which version."""

    given_at: datetime
    version: str


def consent_annotations(email: str) -> dict[str, Subquery]:
    """Annotations for a request queryset: when ``email``'s current consent was given, or None.

    Read back with ``consent_summary``; the status page gets it with the request's own row
    instead of a query of its own.
    """
    latest = _counting(email).filter(msa_request=OuterRef("pk"))
    return {"esign_consent_given_at": Subquery(latest.values("given_at")[:1])}


def consent_summary(msa_request: Request) -> ConsentSummary | None:
    """The consent read by ``consent_annotations`` on ``msa_request``'s row; None without one."""
    given_at = getattr(msa_request, "esign_consent_given_at", None)
    return None if given_at is None else ConsentSummary(given_at=given_at, version=CONSENT_VERSION)


def consent_require(*, msa_request: Request, email: str) -> ElectronicRecordsConsent:
    """Return the signer's current consent, or raise ``ValidationError`` (nothing is signed)."""
    consent = consent_current(msa_request=msa_request, email=email)
    if consent is None:
        raise ValidationError(
            _(
                "Before you sign electronically, read the disclosure about electronic records "
                "and give your consent."
            ),
            code="esign_consent",
        )
    return consent


def consent_give(
    *,
    msa_request_id: int,
    email: str,
    user,
    language: str,
    shown_sha256: str,
    ip_address: str | None,
) -> ElectronicRecordsConsent:
    """Record the signer's consent to the disclosure shown in ``language``; return it.

    ``shown_sha256`` is the hash of the disclosure the page showed (``Disclosure.sha256``);
    a page showing older words is refused with ``ValidationError``. Giving consent twice
    returns the consent already current.
    """
    shown = disclosure(language)
    if shown_sha256 != shown.sha256:
        raise ValidationError(
            _("The disclosure changed since you opened it. Read it again, then consent.")
        )
    with transaction.atomic():
        msa_request = Request.objects.select_for_update().get(pk=msa_request_id)
        existing = consent_current(msa_request=msa_request, email=email)
        if existing is not None:
            return existing
        consent = ElectronicRecordsConsent.objects.create(
            msa_request=msa_request,
            email=_email(email),
            user=user if getattr(user, "is_authenticated", False) else None,
            version=shown.version,
            language=language,
            disclosure_sha256=shown.sha256,
            given_at=timezone.now(),
            ip_address=ip_address or None,
        )
        _event(
            msa_request,
            actor=user,
            note=Message(
                gettext_noop("Consent to electronic records given (disclosure %(version)s).")
            )
            % {"version": shown.version},
        )
    logger.info("request %s: electronic records consent %s given", msa_request_id, consent.pk)
    return consent


def consent_withdraw(*, msa_request_id: int, email: str, user) -> int:
    """Withdraw the signer's consents on the request; return how many were withdrawn.

    Staff are told by email (after the commit); withdrawing with nothing to withdraw changes
    nothing and tells no one.
    """
    with transaction.atomic():
        msa_request = Request.objects.select_for_update().get(pk=msa_request_id)
        count = ElectronicRecordsConsent.objects.filter(
            msa_request=msa_request, email=_email(email), withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())
        if count:
            _event(
                msa_request,
                actor=user,
                note=Message(
                    gettext_noop(
                        "Consent to electronic records withdrawn: continue with this person "
                        "on paper."
                    )
                ),
            )
            transaction.on_commit(
                lambda: _tell_staff(
                    msa_request=msa_request, email=_email(email), what="consent_withdrawn"
                )
            )
    logger.info("request %s: %d electronic records consent(s) withdrawn", msa_request_id, count)
    return count


def paper_copy_request(
    *, msa_request_id: int, email: str, user, language: str, mailing_address: str = ""
) -> PaperCopyRequest:
    """Record a request for the paper copy of the request's records and tell staff by email."""
    with transaction.atomic():
        msa_request = Request.objects.select_for_update().get(pk=msa_request_id)
        paper = PaperCopyRequest.objects.create(
            msa_request=msa_request,
            email=_email(email),
            user=user if getattr(user, "is_authenticated", False) else None,
            language=language,
            mailing_address=" ".join((mailing_address or "").split()),
            requested_at=timezone.now(),
        )
        _event(
            msa_request,
            actor=user,
            note=Message(gettext_noop("A paper copy of the records was asked for.")),
        )
        transaction.on_commit(
            lambda: _tell_staff(
                msa_request=msa_request, email=paper.email, what="paper_copy", paper=paper
            )
        )
    logger.info("request %s: paper copy %s asked for", msa_request_id, paper.pk)
    return paper


def _tell_staff(*, msa_request: Request, email: str, what: str, paper=None) -> None:
    try:
        send_templated_email(
            to=staff_role_emails(roles.REVIEWER),
            template="enrollment/emails/records_staff",
            language=settings.LANGUAGE_CODE,
            context={"msa_request": msa_request, "email": email, "what": what, "paper": paper},
        )
    except Exception:
        logger.exception("email records_staff for request %s failed", msa_request.pk)


def _event(msa_request: Request, *, actor, note: Message) -> None:
    RequestEvent.objects.create(
        msa_request=msa_request,
        from_status=msa_request.status,
        to_status=msa_request.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        **RequestEvent.note_values(note),
    )
