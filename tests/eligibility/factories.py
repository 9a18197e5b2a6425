"""Factories for eligibility tests, on top of the shared ones in tests/factories.py."""

from eligibility.models import ApprovedProduct
from enrollment.models import Status
from tests.factories import ApplicationFactory, ApprovedProductFactory, MeterRecordFactory


def eligible_submitted_request(**overrides):
    """A submitted install request whose site, device and meter record all pass."""
    application = ApplicationFactory(status=Status.SUBMITTED, **overrides)
    MeterRecordFactory(
        service_account_number=application.service_account_number,
        meter_number=application.meter_number,
        panel_rating_amps=application.panel_rating_amps or 200,
    )
    return application


class NonIsolatingProductFactory(ApprovedProductFactory):
    adapter_type = ApprovedProduct.AdapterType.NON_ISOLATING
