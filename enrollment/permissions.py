"""Who may see and act on a request: the one object-level rule every view, download and export uses.

Anything a user may not see is answered with a 404, never a 403, so ids reveal nothing.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Request


def _is_active_user(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _applicant_side(user) -> Q:
    """The requests a user files or owns: their own, or their company's as its contractor.

    The contractor's side holds only while the customer has not revoked the authorization; a
    contractor's draft before any authorization is on file is the company's to see.
    """
    contractor_side = Q(filed_by=user)
    if user.company_id:
        contractor_side |= Q(contractor_company_id=user.company_id)
    return Q(applicant=user) | (contractor_side & Q(authorization_revoked_at__isnull=True))


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
    if msa_request.authorization_revoked_at is not None:
        return False
    return msa_request.filed_by_id == user.pk or bool(
        user.company_id and msa_request.contractor_company_id == user.company_id
    )


def requests_owned_by(user, queryset: QuerySet[Request] | None = None):
    """Return the requests whose customer account is ``user`` (only they may revoke)."""
    queryset = Request.objects.all() if queryset is None else queryset
    if not _is_active_user(user):
        return queryset.none()
    return queryset.filter(applicant=user)


def requests_of_company(user, queryset: QuerySet[Request] | None = None):
    """Return the requests of ``user``'s contractor company that they may see (the dashboard)."""
    queryset = Request.objects.all() if queryset is None else queryset
    if not (_is_active_user(user) and user.company_id):
        return queryset.none()
    return queryset.filter(
        contractor_company_id=user.company_id, authorization_revoked_at__isnull=True
    )


def can_view_request(user, msa_request: Request) -> bool:
    return requests_visible_to(user).filter(pk=msa_request.pk).exists()


def get_request_for_user_or_404(user, pk: int, queryset: QuerySet[Request] | None = None):
    """Return the request with ``pk`` if ``user`` may see it, else raise Http404."""
    try:
        return requests_visible_to(user, queryset).get(pk=pk)
    except Request.DoesNotExist:
        raise Http404("No such request.") from None
