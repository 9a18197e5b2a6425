"""Reads for request pages, written so the number of queries does not grow with the data."""

from django.db.models import Prefetch, QuerySet

from .models import Application, RequestEvent
from .permissions import requests_visible_to


def request_list_for(user) -> QuerySet[Application]:
    """The requests a user's "My requests" page lists, newest first."""
    return (
        requests_visible_to(user)
        .select_related("device", "contractor_company")
        .order_by("-created_at")
    )


def request_detail_queryset(user) -> QuerySet[Application]:
    """Requests visible to ``user``, with what the status page shows, in fixed queries."""
    return (
        requests_visible_to(user)
        .select_related("device", "contractor_company", "applicant", "filed_by")
        .prefetch_related(Prefetch("events", queryset=RequestEvent.objects.select_related("actor")))
    )
