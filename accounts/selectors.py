"""Reads about accounts that other apps need."""

from functools import reduce
from operator import or_

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
