"""Reads: who hears about a request, what each person chose, whose number may be texted."""

from allauth.account.models import EmailAddress
from django.db.models.functions import Lower

from accounts.models import User
from enrollment.models import Request
from enrollment.permissions import acts_for_company, company_admins_acting

from .models import MobileNumber, NotificationChoices


def choices_for(user: User) -> NotificationChoices:
    """The person's choices, or the defaults (unsaved) when they never chose."""
    found = NotificationChoices.objects.filter(user=user).first()
    return found or NotificationChoices(user=user)


def textable_number(user: User) -> MobileNumber | None:
    """The person's verified, consented, not stopped mobile number, if any."""
    mobile = MobileNumber.objects.filter(user=user).first()
    return mobile if mobile is not None and mobile.textable else None


def request_contacts(msa_request: Request) -> list[User]:
    """The people told about ``msa_request``: its customer and, while authorized, the contractor.

    The contractor's designated contact is the filer while still with the company, else the
    company's admins (as for emails).
    """
    people: list[User] = []
    if msa_request.applicant_id and msa_request.applicant.is_active:
        people.append(msa_request.applicant)
    company_id = msa_request.contractor_company_id
    if company_id and msa_request.authorization_revoked_at is None:
        filer = msa_request.filed_by
        if acts_for_company(filer, company_id):
            people.append(filer)
        else:
            people += list(company_admins_acting(company_id))
    elif not company_id and msa_request.filed_by.is_active:
        people.append(msa_request.filed_by)
    unique = {}
    for person in people:
        unique.setdefault(person.pk, person)
    return list(unique.values())


def email_wanted(*, addresses: list[str], topic: str) -> list[str]:
    """The addresses whose person still wants ``topic`` by email (no account: always).

    An address is the person's when it is their login or one of their verified addresses (the
    emails go to the primary verified one, ``enrollment.notifications.person_address``), matched
    without regard to case. Named by the ``MSA_EMAIL_CHOICES`` setting; one query.
    """
    if not addresses:
        return []
    lowered = {address.lower() for address in addresses}
    declined = NotificationChoices.objects.filter(**{f"email_{topic}": False})
    found = EmailAddress.objects.annotate(address=Lower("email")).filter(
        address__in=lowered, verified=True, user__notification_choices__in=declined
    )
    logins = User.objects.annotate(address=Lower("email")).filter(
        address__in=lowered, notification_choices__in=declined
    )
    declined_lower = set(
        found.values_list("address", flat=True).union(logins.values_list("address", flat=True))
    )
    return [a for a in addresses if a.lower() not in declined_lower]
