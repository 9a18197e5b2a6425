"""Factories for eligibility tests, on top of the shared ones in tests/factories.py."""

from eligibility.models import ApprovedProduct
from enrollment.models import Status
from tests.factories import ApprovedProductFactory, MeterRecordFactory, MsaRequestFactory


def eligible_submitted_request(**overrides):
    """A submitted install request whose site, device and meter record all pass."""
    msa_request = MsaRequestFactory(status=Status.SUBMITTED, **overrides)
    MeterRecordFactory(
        service_account_number=msa_request.service_account_number,
        meter_number=msa_request.meter_number,
        panel_rating_amps=msa_request.panel_rating_amps or 200,
    )
    return msa_request


class NonIsolatingProductFactory(ApprovedProductFactory):
    adapter_type = ApprovedProduct.AdapterType.NON_ISOLATING
