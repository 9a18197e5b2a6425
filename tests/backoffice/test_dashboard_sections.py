"""The dashboard's visits and money sections, from the scheduling and payments apps."""

import datetime

import pytest
from django.utils import timezone

from payments.models import Payment
from scheduling.models import Visit
from tests.factories import MsaRequestFactory
from tests.payments.factories import PaymentFactory
from tests.scheduling.factories import TechnicianFactory

pytestmark = pytest.mark.django_db


def test_dashboard_shows_visits_by_reason_and_money(admin_client):
    technician = TechnicianFactory()
    window = technician.windows.first()
    today = timezone.localdate()
    for slot, (state, code) in enumerate(
        [("completed", ""), ("failed", "NOT_LEFT_IN_BAG"), ("failed", "NOT_LEFT_IN_BAG")]
    ):
        Visit.objects.create(
            msa_request=MsaRequestFactory(
                status="completed" if state == "completed" else "visit_failed",
                submitted_at=timezone.now() - datetime.timedelta(days=20),
            ),
            technician=technician,
            window=window,
            date=today - datetime.timedelta(days=1),
            slot=slot,
            state=state,
            source=Visit.Source.SCHEDULER,
            failure_code=code,
        )
    PaymentFactory(status=Payment.Status.SUCCEEDED, paid_at=timezone.now())

    html = admin_client.get("/admin/dashboard/").content.decode()

    assert "Visits (last 12 months)" in html
    assert 'aria-label="MSA wasn' in html or "NOT_LEFT_IN_BAG" in html or "bag" in html
    assert "$279.22" in html
