"""The README's example client files a request end to end against a live server."""

import subprocess
import sys
from pathlib import Path

import pytest

from accounts import services as account_services
from enrollment.models import Request, Status
from tests.enrollment.factories import pdf_bytes
from tests.factories import ApprovedProductFactory, ContractorFactory, MeterRecordFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def test_the_example_client_files_signs_and_gets_a_checkout_link(
    live_server, tmp_path, seeded_agreement
):
    contractor = ContractorFactory()
    ApprovedProductFactory()
    MeterRecordFactory(service_account_number="8000000001", meter_number="M1000001")
    raw_token = account_services.api_token_create(user=contractor, name="example")[1]
    form = tmp_path / "authorization.pdf"
    form.write_bytes(pdf_bytes())

    result = subprocess.run(
        [
            sys.executable,
            "scripts/api_example.py",
            "--base",
            live_server.url,
            "--token",
            raw_token,
            "--authorization-form",
            str(form),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "pay the $279.22 site-visit fee at" in result.stdout
    msa_request = Request.objects.get()
    assert msa_request.status == Status.AWAITING_PAYMENT
    assert msa_request.contractor_company == contractor.company
