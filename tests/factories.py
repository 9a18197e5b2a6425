"""factory_boy factories shared across the suite, one section per app."""

import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone

from accounts.models import ContractorCompany, User
from common.business_days import current_calendar
from eligibility.models import ApprovedProduct, MeterRecord
from enrollment.models import Request, Status


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    role = User.Role.CUSTOMER
    password = factory.django.Password("pw-for-tests-123")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staff{n}@example.com")
    role = User.Role.STAFF
    is_staff = True
    is_superuser = True


class ContractorCompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractorCompany

    name = factory.Sequence(lambda n: f"Installer Co {n}")
    cslb_license_number = factory.Sequence(lambda n: f"{2000000 + n}")
    phone = "(626) 555-0100"
    verified_at = factory.Faker("date_time", tzinfo=__import__("datetime").UTC)


class ContractorFactory(UserFactory):
    email = factory.Sequence(lambda n: f"contractor{n}@example.com")
    role = User.Role.CONTRACTOR
    company = factory.SubFactory(ContractorCompanyFactory)


class ApprovedProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprovedProduct

    manufacturer = "Sample Maker"
    model_name = factory.Sequence(lambda n: f"Adapter {n}")
    model_number = factory.Sequence(lambda n: f"SM-{n:04d}")
    adapter_type = ApprovedProduct.AdapterType.ISOLATING
    request_types = ["install", "replacement"]
    rated_current_amps = 200
    compatible_socket_forms = ["2S"]
    ring_requirement = ApprovedProduct.RingRequirement.ANY
    status = ApprovedProduct.Status.ACTIVE


class MeterRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeterRecord

    service_account_number = factory.Sequence(lambda n: f"8{n:09d}")
    meter_number = factory.Sequence(lambda n: f"M{n:07d}")
    service_address = "1 Sample St"
    city = "Rosemead"
    zip_code = "91770"
    panel_rating_amps = 200


class MsaRequestFactory(factory.django.DjangoModelFactory):
    """A complete, eligible install request in draft."""

    class Meta:
        model = Request

    applicant = factory.SubFactory(UserFactory)
    filed_by = factory.SelfAttribute("applicant")
    customer_name = factory.SelfAttribute("applicant.full_name")
    customer_email = factory.SelfAttribute("applicant.email")
    customer_phone = "(626) 555-0199"
    request_type = "install"
    status = Status.DRAFT
    service_account_number = factory.Sequence(lambda n: f"8{n:09d}")
    customer_account_number = factory.Sequence(lambda n: f"7{n:011d}")
    meter_number = factory.Sequence(lambda n: f"M{n:07d}")
    life_support = False
    premises_street = "8631 Rush St"
    premises_city = "Rosemead"
    premises_zip = "91770"
    residential = True
    meter_self_contained = True
    service_phase = 1
    service_wires = 3
    service_voltage = "120/240"
    panel_rating_amps = 200
    backfeed_amps = 0
    device = factory.SubFactory(ApprovedProductFactory)
    meter_socket_form = "2S"
    socket_ring_type = "ring"
    comm_cable_present = False
    comm_cable_in_liquidtight = None
    energized_present = False
    energized_conductors = factory.LazyFunction(list)
    energized_in_liquidtight = None
    esr_violation = "none"
    waterproof_bag_commitment = True
    submitted_at = None
    # What request_mark_paid stores: the 30th business day after submission.
    target_date = factory.LazyAttribute(
        lambda o: (
            o.submitted_at
            and current_calendar().nth_business_day_after(
                timezone.localdate(o.submitted_at), settings.MSA_TARGET_BUSINESS_DAYS
            )
        )
    )
