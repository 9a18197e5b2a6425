"""The contractor API's requests: list (with polling), and one request in full.

Authenticated by personal API tokens; every read goes through ``enrollment.permissions``, the
same rule as the web portal, so another company's request is a 404 here too.
"""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from accounts.api_auth import ApiTokenAuth, TokenRateThrottle

from .models import Application
from .permissions import get_request_for_user_or_404, requests_visible_to
from .selectors import request_detail_queryset

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
    premises_address: str
    service_account_number: str
    meter_number: str
    eligibility_outcome: Literal["pass", "fail", "review", ""]
    submitted_at: datetime | None
    updated_at: datetime


class EventOut(Schema):
    from_status: str
    to_status: StatusName
    note: str
    created_at: datetime


class RuleOut(Schema):
    code: str
    result: Literal["pass", "fail", "review"]
    message: str


class RequestDetailOut(RequestOut):
    site_facts: dict
    timeline: list[EventOut]
    eligibility: list[RuleOut]

    @staticmethod
    def resolve_site_facts(obj: Application) -> dict:
        return obj.site_facts()

    @staticmethod
    def resolve_timeline(obj: Application) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_eligibility(obj: Application) -> list:
        return list(obj.eligibility_results.all())


@router.get("/requests", response=list[RequestOut])
@paginate(LimitOffsetPagination)
def list_requests(
    request: HttpRequest, status: StatusName | None = None, updated_since: datetime | None = None
):
    """The requests you may see, oldest change first, so a client can poll with updated_since."""
    queryset = requests_visible_to(request.user).order_by("updated_at", "pk")
    if status:
        queryset = queryset.filter(status=status)
    if updated_since:
        queryset = queryset.filter(updated_at__gt=updated_since)
    return queryset


@router.get("/requests/{request_id}", response=RequestDetailOut)
def get_request(request: HttpRequest, request_id: int):
    """One request with its site facts, timeline and eligibility results."""
    return get_request_for_user_or_404(
        request.user, request_id, request_detail_queryset(request.user)
    )
