from django.db import transaction

from .models import ContractorCompany, User


@transaction.atomic
def user_complete_signup(
    *,
    user: User,
    full_name: str,
    role: str,
    company_name: str = "",
    cslb_license_number: str = "",
    company_phone: str = "",
) -> User:
    """Record the sign-up details; a contractor also registers their (unverified) company."""
    user.full_name = full_name.strip()
    if role == User.Role.CONTRACTOR:
        company = ContractorCompany(
            name=company_name.strip(),
            cslb_license_number=cslb_license_number.strip(),
            phone=company_phone.strip(),
        )
        company.full_clean()
        company.save()
        user.role = User.Role.CONTRACTOR
        user.company = company
        user.is_company_admin = True
    else:
        user.role = User.Role.CUSTOMER
    user.save(update_fields=["full_name", "role", "company", "is_company_admin"])
    return user
