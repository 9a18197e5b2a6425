"""Who may see a request: the one object-level rule every view, download and export uses.

Anything a user may not see is answered with a 404, never a 403, so ids reveal nothing.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Application


def requests_visible_to(user, queryset: QuerySet[Application] | None = None):
    """Return the requests ``user`` may see: own requests, their company's, or all for staff."""
    queryset = Application.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_staff and user.has_perm("enrollment.view_application"):
        return queryset
    visible = Q(applicant=user) | Q(filed_by=user)
    if user.company_id:
        visible |= Q(contractor_company_id=user.company_id)
    return queryset.filter(visible)


def can_view_request(user, application: Application) -> bool:
    return requests_visible_to(user).filter(pk=application.pk).exists()


def get_request_for_user_or_404(user, pk: int, queryset: QuerySet[Application] | None = None):
    """Return the request with ``pk`` if ``user`` may see it, else raise Http404."""
    try:
        return requests_visible_to(user, queryset).get(pk=pk)
    except Application.DoesNotExist:
        raise Http404("No such request.") from None
