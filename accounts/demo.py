"""Demo users: a customer, a contractor with a verified company, a staff superuser, a technician."""

from allauth.account.models import EmailAddress
from django.utils import timezone

from .models import ContractorCompany, User

# Printed with the demo logins; seed_demo is refused in production.
DEMO_PASSWORD = "msa-demo-2026"
CUSTOMER_EMAIL = "customer@example.com"
CONTRACTOR_EMAIL = "contractor@example.com"
STAFF_EMAIL = "staff@example.com"
TECHNICIAN_EMAIL = "technician@example.com"


def _user(email: str, **fields) -> User:
    user, created = User.objects.get_or_create(email=email, defaults=fields)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(*, stdout) -> list[str]:
    company, _ = ContractorCompany.objects.get_or_create(
        cslb_license_number="1000001",
        defaults={
            "name": "Sample Solar & Storage Co. (sample)",
            "phone": "(626) 555-0100",
            "address": "100 Sample Way, Pasadena, CA 91101",
            "verified_at": timezone.now(),
        },
    )
    _user(CUSTOMER_EMAIL, full_name="Dana Customer (sample)", role=User.Role.CUSTOMER)
    _user(
        CONTRACTOR_EMAIL,
        full_name="Carlos Contractor (sample)",
        role=User.Role.CONTRACTOR,
        company=company,
        is_company_admin=True,
    )
    _user(
        STAFF_EMAIL,
        full_name="Sam Staff (sample)",
        role=User.Role.STAFF,
        is_staff=True,
        is_superuser=True,
    )
    _user(TECHNICIAN_EMAIL, full_name="Alex Rivera (sample)", role=User.Role.TECHNICIAN)
    return [
        "",
        f"Demo logins (password for all: {DEMO_PASSWORD})",
        f"  customer:    {CUSTOMER_EMAIL}",
        f"  contractor:  {CONTRACTOR_EMAIL}   ({company.name})",
        f"  staff admin: {STAFF_EMAIL}   (http://127.0.0.1:8000/admin/)",
        f"  technician:  {TECHNICIAN_EMAIL}   (the day's visits on a phone: /field/)",
    ]
