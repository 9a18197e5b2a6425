"""Who may see a device evaluation: one rule for pages, downloads and the admin."""

from django.contrib.auth.models import Group
from django.db.models import QuerySet

from accounts.models import ContractorCompany, User

from .models import DeviceEvaluation

METER_ENGINEERING = "Meter engineering"
VIEW = "vendors.view_deviceevaluation"
DECIDE = "vendors.decide_deviceevaluation"


def _vendor_company_id(user) -> int | None:
    """The vendor company ``user`` acts for today, read from the present user row."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return None
    if user.role != User.Role.VENDOR or user.company_id is None:
        return None
    company = user.company
    if company.kind != ContractorCompany.Kind.VENDOR or not company.is_verified:
        return None
    return company.pk


def evaluations_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """All evaluations for meter engineering; a vendor's own company's; none for anyone else."""
    queryset = DeviceEvaluation.objects.all() if queryset is None else queryset
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return queryset.none()
    if user.is_staff and user.has_perm(VIEW):
        return queryset
    company_id = _vendor_company_id(user)
    if company_id is None:
        return queryset.none()
    return queryset.filter(company_id=company_id)


def evaluations_editable_by(user, queryset: QuerySet | None = None) -> QuerySet:
    """The evaluations ``user`` may fill in, submit, answer or withdraw: their company's."""
    queryset = DeviceEvaluation.objects.all() if queryset is None else queryset
    company_id = _vendor_company_id(user)
    if company_id is None:
        return queryset.none()
    return queryset.filter(company_id=company_id)


def can_decide(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm(DECIDE)
    )


def meter_engineering_addresses() -> list[str]:
    """Where vendors' submissions and messages go: the meter engineering team's members."""
    group = Group.objects.filter(name=METER_ENGINEERING).first()
    if group is None:
        return []
    return list(
        group.user_set.filter(is_active=True).order_by("email").values_list("email", flat=True)
    )


def vendor_addresses(evaluation: DeviceEvaluation) -> list[tuple[str, str]]:
    """The vendor's people to tell: the company's active vendor users, with their languages."""
    return list(
        User.objects.filter(company_id=evaluation.company_id, role=User.Role.VENDOR, is_active=True)
        .order_by("email")
        .values_list("email", "preferred_language")
    )
