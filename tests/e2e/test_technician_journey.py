"""Journey 4: a technician's day on a phone, recorded without signal and sent when it returns.

Set ``E2E_SCREENSHOTS=1`` to write the pages to docs/screenshots/field-*.png.
"""

import os
import re
import time
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.demo import STAFF_EMAIL, TECHNICIAN_EMAIL
from enrollment.models import Status
from scheduling import services
from scheduling.models import FieldReport, Technician, Visit, VisitPhoto
from tests.e2e.conftest import checkpoint, panel_png
from tests.e2e.test_staff_journey import log_in
from tests.factories import MsaRequestFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shot(page, name: str) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / f"field-{name}.png"), full_page=True)


@pytest.fixture
def todays_visits(demo_data):
    """Three visits booked today for the demo technician (the first with life support)."""
    technician = Technician.objects.get(user__email=TECHNICIAN_EMAIL)
    window = technician.windows.order_by("starts_at").first()
    visits = []
    for stop, fields in enumerate(
        [
            {"life_support": True, "premises_street": "8631 Rush St"},
            {"premises_street": "2501 Walnut Grove Ave", "request_type": "install"},
            {"premises_street": "3100 Del Mar Ave", "request_type": "install"},
        ],
        start=1,
    ):
        msa_request = MsaRequestFactory(status=Status.SCHEDULED, **fields)
        visits.append(
            Visit.objects.create(
                msa_request=msa_request,
                technician=technician,
                window=window,
                date=timezone.localdate(),
                slot=stop - 1,
                route_order=stop,
                source=Visit.Source.STAFF,
                notes="Gate code 4512; meter on the left side of the garage." if stop == 1 else "",
            )
        )
    return visits


def wait_for_service_worker(page) -> None:
    """Wait until the service worker controls the page (evaluate, not wait_for_function: the
    site's CSP forbids the eval that polling a string would need)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    deadline = time.monotonic() + 10
    while not page.evaluate("navigator.serviceWorker.controller !== null"):
        assert time.monotonic() < deadline, "the service worker never took the page"
        page.wait_for_timeout(100)


def photo(name: str) -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": panel_png()}


def test_technician_records_two_outcomes_without_signal_and_they_arrive_once(
    page, new_context, live_server, todays_visits, mailoutbox
):
    done, failed, cancelled = todays_visits
    log_in(page, TECHNICIAN_EMAIL, "/field/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My day")
    cards = {v.pk: page.locator(f"#visit-{v.pk}") for v in todays_visits}
    expect(cards[done.pk].locator(".alert-danger")).to_contain_text("Life-support")
    expect(cards[done.pk].get_by_role("link", name=re.compile("^Call"))).to_have_attribute(
        "href", re.compile(r"^tel:")
    )
    # The service worker has the day (and what it needs) before the signal goes.
    wait_for_service_worker(page)
    checkpoint(page)
    shot(page, "day-phone")

    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#field-status")).to_contain_text("No signal")
    # Really no signal: the day above came from the service worker's copy.
    reached = "fetch('/healthz/').then(() => 'reached', () => 'no signal')"
    assert page.evaluate(reached) == "no signal"

    card = cards[done.pk]
    card.get_by_role("button", name="I have arrived").click()
    card.get_by_label("Photo of the meter before the work").set_input_files(photo("before.png"))
    card.get_by_label("Completed", exact=True).check()
    card.get_by_label("Photo of the meter after the work").set_input_files(photo("after.png"))
    card.get_by_role("button", name="Save the outcome").click()
    expect(card.locator(".field-queued")).to_contain_text("Saved on this phone")

    card = cards[failed.pk]
    card.get_by_label("Not completed", exact=True).check()
    card.get_by_role("button", name="Save the outcome").click()
    expect(card.get_by_role("alert")).to_contain_text("Choose why")
    card.get_by_label("Reason (when not completed)").select_option("NOT_LEFT_IN_BAG")
    card.get_by_label("Note", exact=True).fill("No MSA by the meter; customer not home.")
    card.get_by_label("or of what stopped it").set_input_files(photo("meter.png"))
    card.get_by_role("button", name="Save the outcome").click()
    expect(card.locator(".field-queued")).to_contain_text("Saved on this phone")
    expect(page.locator("#field-status")).to_contain_text("Waiting to send: 3")
    shot(page, "day-offline")

    # Nothing has reached the office yet; meanwhile the office cancels the third visit.
    assert not FieldReport.objects.exists()
    assert set(Visit.objects.values_list("state", flat=True)) == {Visit.State.BOOKED}
    services.visit_cancel(visit_id=cancelled.pk, by_customer=False, notify=False)
    card = cards[cancelled.pk]
    card.get_by_label("Completed", exact=True).check()
    card.get_by_role("button", name="Save the outcome").click()
    expect(card.locator(".field-queued")).to_contain_text("Saved on this phone")

    page.context.set_offline(False)
    for visit in (done, failed):
        expect(cards[visit.pk].locator(".field-queued")).to_contain_text("Sent to the office")
    # The conflict is shown to the technician, not lost.
    attention = page.get_by_role("region", name="Needs your attention")
    expect(attention).to_contain_text(cancelled.msa_request.reference)
    expect(attention).to_contain_text("The office cancelled this visit")
    expect(page.locator("#field-status")).not_to_contain_text("Waiting")
    checkpoint(page)
    shot(page, "day-sent")

    done.refresh_from_db()
    failed.refresh_from_db()
    assert done.state == Visit.State.COMPLETED and done.arrived_at is not None
    assert (failed.state, failed.failure_code) == (Visit.State.FAILED, "NOT_LEFT_IN_BAG")
    assert done.msa_request.status == Status.COMPLETED
    assert failed.msa_request.status == Status.VISIT_FAILED
    assert FieldReport.objects.filter(result=FieldReport.Result.RECORDED).count() == 2
    assert FieldReport.objects.get(visit=cancelled).result == FieldReport.Result.CONFLICT
    cancelled.refresh_from_db()
    assert cancelled.state == Visit.State.CANCELLED
    assert VisitPhoto.objects.filter(visit=done).count() == 2
    assert VisitPhoto.objects.filter(visit=failed).count() == 1
    customers = sorted(m.to[0] for m in mailoutbox)
    assert customers == sorted([done.msa_request.customer_email, failed.msa_request.customer_email])

    # The same upload sent again (an answer lost on the way back) changes nothing.
    report = FieldReport.objects.get(visit=done)
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    again = page.request.post(
        "/field/reports/",
        headers={"Accept": "application/json", "X-CSRFToken": token},
        multipart={
            "client_id": str(report.client_id),
            "visit": str(done.pk),
            "kind": "outcome",
            "completed": "1",
            "photos": photo("after.png"),
        },
    )
    assert again.status == 200 and again.json()["result"] == "recorded"
    assert FieldReport.objects.count() == 3
    assert VisitPhoto.objects.count() == 3
    assert len(mailoutbox) == 2

    # Staff see it on the visit board.
    staff = new_context().new_page()
    log_in(staff, STAFF_EMAIL, "/admin/scheduling/visit/board/?span=day")
    board = staff.locator("table.board")
    expect(board.locator(f"a[href$='/visit/{done.pk}/change/']")).to_contain_text("done")
    expect(board.locator(f"a[href$='/visit/{failed.pk}/change/']")).to_contain_text("failed")
    shot(staff, "staff-board")
