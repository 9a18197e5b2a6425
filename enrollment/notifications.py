"""Emails to applicants about their request, sent after the transaction that caused them."""

import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from accounts.models import User
from accounts.selectors import preferred_languages
from common import emails

from .models import Request, Status
from .permissions import acts_for_company, company_admins_acting

logger = logging.getLogger(__name__)


# Emails a person may turn off, by topic; the rest (submitted, receipts, outcomes) always go.
EMAIL_TOPICS = {
    "enrollment/emails/info_requested": "status",
    "enrollment/emails/approved": "status",
    "enrollment/emails/rejected": "status",
    "enrollment/emails/cancelled": "status",
    "scheduling/emails/visit_booked": "visit",
    "scheduling/emails/visit_rescheduled": "visit",
    "scheduling/emails/visit_cancelled": "visit",
    "scheduling/emails/visit_reminder": "reminder",
    "payments/emails/payment_failed": "payment",
}


def send_request_email(*, msa_request: Request, to, template: str, context: dict, **kwargs):
    """Send a request's email in each recipient's language (``common.emails.send_request_email``).

    Looks up the accounts' preferred languages here, so the shared library reads no app.
    """
    recipients = [address for address in to if address]
    topic = EMAIL_TOPICS.get(template)
    if topic and recipients and getattr(settings, "MSA_EMAIL_CHOICES", ""):
        # The person's own choices (kept by a higher app, named in settings like a backend).
        recipients = import_string(settings.MSA_EMAIL_CHOICES)(addresses=recipients, topic=topic)
        if not recipients:
            return
    languages = dict(preferred_languages(recipients))
    if msa_request.applicant_id:
        # The account holder reads the request's language at whichever address they use now.
        languages[_customer_address(msa_request).lower()] = msa_request.customer_language
    emails.send_request_email(
        msa_request=msa_request,
        to=recipients,
        template=template,
        context=context,
        preferred_languages=languages,
        **kwargs,
    )


# event -> the status whose audit note the email quotes (staff's question, the reasons)
EVENTS = {
    "draft_saved": None,
    "submitted": None,
    "info_requested": Status.INFO_REQUESTED,
    "approved": Status.APPROVED,
    "rejected": Status.REJECTED,
    "cancelled": Status.CANCELLED,
}


# Emails the customer of a contractor's request gets a copy of; the contractor, the designated
# primary contact, gets every email. Other apps pass ``key=True`` for theirs (scheduled, outcome).
KEY_EVENTS = frozenset({"submitted", "rejected", "cancelled"})


def _contractor_contacts(msa_request: Request) -> list[str]:
    """The designated primary contact: the filer while still with the company, else its admins."""
    filer = msa_request.filed_by
    if acts_for_company(filer, msa_request.contractor_company_id):
        return [person_address(filer)]
    return list(
        company_admins_acting(msa_request.contractor_company_id).values_list("email", flat=True)
    )


def person_address(user: User | None) -> str:
    """Where ``user`` reads email now: the account's primary verified address, else its login.

    Messages follow the person, not a copy of the address taken when a request was filed
    (issue 24): an address the customer removed from the account gets nothing.
    """
    if user is None or not user.is_active:
        return ""
    addresses = EmailAddress.objects.filter(user=user, verified=True).order_by("-primary", "pk")
    return next(iter(addresses.values_list("email", flat=True)), "") or user.email


def _customer_address(msa_request: Request) -> str:
    """The account holder's address: their account's when the request is in one."""
    if msa_request.applicant_id:
        return person_address(msa_request.applicant)
    return msa_request.customer_email


def request_recipients(msa_request: Request, *, key: bool) -> list[str]:
    """Who is emailed about ``msa_request``; ``key`` marks the emails the customer must get too.

    A contractor's request: the contractor gets everything, the customer the key emails only;
    once the customer revoked the authorization, only the customer. A customer's own request:
    the customer (and whoever filed it, when that is someone else). The one place that decides
    who is emailed about a request; each person is reached at their account's current verified
    address (``person_address``), the customer without an account at the address on the request.
    Expects ``filed_by`` and ``applicant`` selected with the request.
    """
    customer = _customer_address(msa_request)
    if msa_request.contractor_company_id and msa_request.authorization_revoked_at is None:
        addresses = _contractor_contacts(msa_request)
        if key:
            addresses.append(customer)
    elif msa_request.contractor_company_id:
        addresses = [customer]
    else:
        addresses = [customer, person_address(msa_request.filed_by)]
    unique = []
    for address in addresses:
        if address and address.lower() not in {a.lower() for a in unique}:
            unique.append(address)
    return unique


def notify_applicant(*, msa_request_id: int, event: str) -> None:
    """Email the applicant about ``event``; a mail failure is logged, never raised."""
    try:
        msa_request = Request.objects.select_related("filed_by", "applicant").get(pk=msa_request_id)
        quoted = EVENTS[event]
        note = ""
        if quoted is not None:
            latest = (
                msa_request.events.filter(to_status=quoted)
                .exclude(from_status=quoted)
                .order_by("-created_at", "-pk")
            )
            event_row = latest.first()
            # Rendered in each recipient's language: the note may be the portal's own words.
            note = event_row.note_message if event_row else ""
        path = (
            reverse("enrollment:wizard_resume", kwargs={"pk": msa_request.pk})
            if event == "draft_saved"
            else msa_request.get_absolute_url()
        )
        send_request_email(
            msa_request=msa_request,
            to=request_recipients(msa_request, key=event in KEY_EVENTS),
            template=f"enrollment/emails/{event}",
            context={"msa_request": msa_request, "note": note, "path": path},
        )
    except Exception:
        # The state change is committed; a lost email must not turn it into an error page.
        logger.exception("email %s for request %s failed", event, msa_request_id)


CONTRACTOR_EVENTS = ("authorization_signed", "authorization_revoked")


def notify_contractor(*, msa_request_id: int, event: str) -> None:
    """Email the contractor about the customer's authorization; failures are logged, not raised."""
    try:
        if event not in CONTRACTOR_EVENTS:
            raise ValueError(event)
        msa_request = Request.objects.select_related("filed_by", "contractor_company").get(
            pk=msa_request_id
        )
        if not msa_request.contractor_company_id:
            return
        # A revoked contractor hears only that access ended, through the dashboard link.
        path = (
            reverse("enrollment:company_requests")
            if event == "authorization_revoked"
            else msa_request.get_absolute_url()
        )
        send_request_email(
            msa_request=msa_request,
            to=_contractor_contacts(msa_request),
            template=f"enrollment/emails/{event}",
            context={"msa_request": msa_request, "note": "", "path": path},
        )
    except Exception:
        logger.exception("email %s for request %s failed", event, msa_request_id)
