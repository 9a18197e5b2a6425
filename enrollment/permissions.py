"""Who may see and act on a request: the one object-level rule every view, download and export uses.

Anything a user may not see is answered with a 404, never a 403, so ids reveal nothing.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User

from .models import Request


def _is_active_user(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _current_company_id(user) -> int | None:
    """The company ``user`` acts for today: a contractor's present company, else None.

    Read from the user row loaded for this request (session or API token), never from who filed:
    a contractor who moved, was removed from the company or lost the contractor role acts for no
    company's requests any more (STYLE.md "Access follows current membership"; issue 17).
    """
    if getattr(user, "role", None) != "contractor":
        return None
    return user.company_id


def acts_for_company(user, company_id: int | None) -> bool:
    """Whether ``user`` acts for contractor company ``company_id`` today (in Python, no query).

    The same rule as the pages: active, a contractor, and of that company now. Who is emailed
    and texted about a company's requests follows it too (issue 17).
    """
    return bool(company_id) and _is_active_user(user) and _current_company_id(user) == company_id


def company_admins_acting(company_id: int | None) -> QuerySet[User]:
    """The company's admins who act for it today (``acts_for_company``), as a query."""
    return User.objects.filter(
        company_id=company_id,
        role=User.Role.CONTRACTOR,
        is_active=True,
        is_company_admin=True,
    )


def _applicant_side(user) -> Q:
    """The requests a user owns or acts for: their own, or their current company's.

    A customer's own request is theirs (``applicant``; and a customer's own draft, filed by them
    with no company, before any account link). A contractor's side is their current company's
    requests, the filer's included, and holds only while the customer has not revoked the
    authorization. Having filed a request gives no access by itself.
    """
    side = Q(applicant=user) | Q(filed_by=user, contractor_company__isnull=True)
    company_id = _current_company_id(user)
    if company_id:
        side |= Q(contractor_company_id=company_id, authorization_revoked_at__isnull=True)
    return side


def requests_visible_to(user, queryset: QuerySet[Request] | None = None):
    """Return the requests ``user`` may see: the applicant's side's, or all for staff."""
    queryset = Request.objects.all() if queryset is None else queryset
    if not _is_active_user(user):
        return queryset.none()
    if user.is_staff and user.has_perm("enrollment.view_request"):
        return queryset
    return queryset.filter(_applicant_side(user))


def requests_editable_by(user, queryset: QuerySet[Request] | None = None):
    """Return the requests ``user`` may fill in, sign, answer or cancel (never staff's role)."""
    queryset = Request.objects.all() if queryset is None else queryset
    if not _is_active_user(user):
        return queryset.none()
    return queryset.filter(_applicant_side(user))


def acts_for_request(user, msa_request: Request) -> bool:
    """Whether ``user`` is on the applicant's side of ``msa_request`` (in Python, no query)."""
    if not _is_active_user(user):
        return False
    if msa_request.applicant_id == user.pk:
        return True
    if msa_request.contractor_company_id is None:
        return msa_request.filed_by_id == user.pk
    if msa_request.authorization_revoked_at is not None:
        return False
    company_id = _current_company_id(user)
    return bool(company_id and msa_request.contractor_company_id == company_id)


def requests_owned_by(user, queryset: QuerySet[Request] | None = None):
    """Return the requests whose customer account is ``user`` (only they may revoke)."""
    queryset = Request.objects.all() if queryset is None else queryset
    if not _is_active_user(user):
        return queryset.none()
    return queryset.filter(applicant=user)


def requests_of_company(user, queryset: QuerySet[Request] | None = None):
    """Return the requests of ``user``'s contractor company that they may see (the dashboard)."""
    queryset = Request.objects.all() if queryset is None else queryset
    company_id = _current_company_id(user)
    if not (_is_active_user(user) and company_id):
        return queryset.none()
    return queryset.filter(contractor_company_id=company_id, authorization_revoked_at__isnull=True)


def get_request_for_user_or_404(user, pk: int, queryset: QuerySet[Request] | None = None):
    """Return the request with ``pk`` if ``user`` may see it, else raise Http404."""
    try:
        return requests_visible_to(user, queryset).get(pk=pk)
    except Request.DoesNotExist:
        raise Http404("No such request.") from None
