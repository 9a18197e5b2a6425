"""Reads about accounts that other apps need."""

from functools import reduce
from operator import or_

from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from django.core import signing
from django.db.models import Q

from .models import User


def preferred_languages(addresses: list[str]) -> dict[str, str]:
    """The preferred language of each address whose account has one, keyed by lower-case email."""
    if not addresses:
        return {}
    matches = reduce(or_, (Q(email__iexact=address) for address in set(addresses)))
    rows = User.objects.filter(matches).exclude(preferred_language="")
    return {
        email.lower(): language
        for email, language in rows.values_list("email", "preferred_language")
    }


def email_confirmation_key_used(key: str) -> bool:
    """Whether ``key`` is a genuine confirmation link's key for an address already confirmed.

    allauth finds a link only while its address is unverified, so a second visit to a used link
    would read "expired or invalid" (issue 24). The key is allauth's signed address id; its age
    does not matter here, since the address is confirmed either way.
    """
    try:
        pk = signing.loads(key, salt=allauth_settings.SALT)
    except signing.BadSignature:
        return False
    return EmailAddress.objects.filter(pk=pk, verified=True).exists()


def staff_role_emails(role: str) -> list[str]:
    """The addresses of active staff in the group ``role`` (``accounts.roles``), sorted, unique.

    Who is told by email of what a role answers for: reviewers of applicants' messages and of
    consents withdrawn, finance of disputes.
    """
    return sorted(
        User.objects.filter(groups__name=role, is_active=True, is_staff=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
