"""Factories for vendor companies and their users."""

import datetime

import factory

from accounts.models import ContractorCompany, User
from tests.factories import UserFactory


class VendorCompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractorCompany

    name = factory.Sequence(lambda n: f"Device Maker {n}")
    kind = ContractorCompany.Kind.VENDOR
    cslb_license_number = None
    phone = "(626) 555-0142"
    verified_at = factory.Faker("date_time", tzinfo=datetime.UTC)


class VendorFactory(UserFactory):
    email = factory.Sequence(lambda n: f"vendor{n}@example.com")
    role = User.Role.VENDOR
    company = factory.SubFactory(VendorCompanyFactory)
