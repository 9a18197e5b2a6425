"""Staff manage the APL and meter records in admin: lists, search, history and CSV export."""

import pytest

from eligibility import demo
from eligibility.models import ApprovedProduct
from eligibility.resources import ApprovedProductResource, MeterRecordResource
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    demo.seed(stdout=None)
    return client


def test_apl_list_filters_and_searches(staff_client):
    response = staff_client.get(
        "/admin/eligibility/approvedproduct/", {"adapter_type__exact": "isolating", "q": "Tesla"}
    )

    assert response.status_code == 200
    assert b"Backup Switch (sample)" in response.content
    assert b"IslandDER" not in response.content


def test_apl_entry_has_a_history_page(staff_client):
    product = ApprovedProduct.objects.get(manufacturer="Tesla")

    response = staff_client.get(f"/admin/eligibility/approvedproduct/{product.pk}/history/")

    assert response.status_code == 200


def test_apl_exports_as_csv_that_import_apl_reads(staff_client):
    response = staff_client.post(
        "/admin/eligibility/approvedproduct/export/",
        {
            "format": "0",
            "resource": "0",
            **{
                f"approvedproductresource_{f}": "on"
                for f in [
                    "manufacturer",
                    "model_name",
                    "model_number",
                    "adapter_type",
                    "request_types",
                    "rated_current_amps",
                ]
            },
        },
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("manufacturer,model_name,model_number")
    assert "install|replacement" in body


def test_meter_records_list_searches_by_exact_account(staff_client):
    response = staff_client.get("/admin/eligibility/meterrecord/", {"q": "8000000001"})

    assert response.status_code == 200
    assert b"M1000001" in response.content
    assert b"M1000002" not in response.content


def test_suspending_from_admin_dates_the_change_and_leaves_checked_requests_alone(staff_client):
    from django.utils import timezone

    from enrollment.eligibility import eligibility_check_run
    from tests.eligibility.factories import eligible_submitted_request

    product = ApprovedProduct.objects.get(manufacturer="Tesla")
    msa_request = eligible_submitted_request(device=product)
    eligibility_check_run(msa_request_id=msa_request.pk)

    response = staff_client.post(
        "/admin/eligibility/approvedproduct/",
        {"action": "mark_suspended", "_selected_action": [product.pk]},
        follow=True,
    )

    assert b"1 entry is now suspended." in response.content
    product.refresh_from_db()
    assert product.status == "suspended"
    assert product.status_changed_on == timezone.localdate()
    assert product.history.first().status == "suspended"
    msa_request.refresh_from_db()
    assert msa_request.device_snapshot["status"] == "active"
    assert b"Backup Switch" not in staff_client.get("/eligibility/approved-products/").content


def test_setting_a_status_twice_changes_nothing_the_second_time():
    from eligibility.services import product_set_status

    demo.seed(stdout=None)
    ids = list(
        ApprovedProduct.objects.filter(manufacturer="ConnectDER").values_list("pk", flat=True)
    )

    assert product_set_status(product_ids=ids, status="retired") == 3
    assert product_set_status(product_ids=ids, status="retired") == 0


@pytest.mark.parametrize(
    ("model", "resource", "factory", "typed"),
    [
        ("approvedproduct", ApprovedProductResource, "ApprovedProductFactory", "Niño & Peña"),
        ("meterrecord", MeterRecordResource, "MeterRecordFactory", "1 Zoë Ñúñez St"),
    ],
)
def test_the_admin_csv_exports_open_in_excel_as_utf8(staff_client, model, resource, factory, typed):
    field = "manufacturer" if model == "approvedproduct" else "service_address"
    getattr(factories, factory)(**{field: typed})
    prefix = resource.__name__.lower()
    fields = [f.column_name for f in resource().get_export_fields()]

    response = staff_client.post(
        f"/admin/eligibility/{model}/export/",
        {"format": "0", "resource": "0", **{f"{prefix}_{name}": "on" for name in fields}},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    # The byte-order mark tells Excel the file is UTF-8: "Peña", not "PeÃ±a".
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert typed in response.content.decode("utf-8-sig")
