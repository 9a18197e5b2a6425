"""Who may see and act on a request: the one object-level rule every view, download and export uses.

Anything a user may not see is answered with a 404, never a 403, so ids reveal nothing.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Application


def _is_active_user(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _applicant_side(user) -> Q:
    """The requests a user files or owns: their own, or their company's as its contractor."""
    side = Q(applicant=user) | Q(filed_by=user)
    if user.company_id:
        side |= Q(contractor_company_id=user.company_id)
    return side


def requests_visible_to(user, queryset: QuerySet[Application] | None = None):
    """Return the requests ``user`` may see: the applicant's side's, or all for staff."""
    queryset = Application.objects.all() if queryset is None else queryset
    if not _is_active_user(user):
        return queryset.none()
    if user.is_staff and user.has_perm("enrollment.view_application"):
        return queryset
    return queryset.filter(_applicant_side(user))


def requests_editable_by(user, queryset: QuerySet[Application] | None = None):
    """Return the requests ``user`` may fill in, sign, answer or cancel (never staff's role)."""
    queryset = Application.objects.all() if queryset is None else queryset
    if not _is_active_user(user):
        return queryset.none()
    return queryset.filter(_applicant_side(user))


def acts_for_request(user, application: Application) -> bool:
    """Whether ``user`` is on the applicant's side of ``application`` (in Python, no query)."""
    return _is_active_user(user) and (
        application.applicant_id == user.pk
        or application.filed_by_id == user.pk
        or bool(user.company_id and application.contractor_company_id == user.company_id)
    )


def can_view_request(user, application: Application) -> bool:
    return requests_visible_to(user).filter(pk=application.pk).exists()


def get_request_for_user_or_404(user, pk: int, queryset: QuerySet[Application] | None = None):
    """Return the request with ``pk`` if ``user`` may see it, else raise Http404."""
    try:
        return requests_visible_to(user, queryset).get(pk=pk)
    except Application.DoesNotExist:
        raise Http404("No such request.") from None
