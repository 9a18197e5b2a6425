"""Journey 3: staff approve in admin, the scheduler books, a failed visit, a paid revisit, done.

Staff and the customer each have their own browser context; every page either of them meets is
checked with axe-core and at 360 px wide (``checkpoint``).
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.demo import CUSTOMER_EMAIL, DEMO_PASSWORD, STAFF_EMAIL
from accounts.models import User
from eligibility.models import ApprovedProduct
from enrollment import services
from enrollment.models import Status
from scheduling.models import Visit
from tests.e2e.conftest import checkpoint, label
from tests.factories import MsaRequestFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def request_under_review(demo_data):
    """The demo customer's install request, paid, checked by the eligibility task, under review."""
    msa_request = MsaRequestFactory(
        applicant=User.objects.get(email=CUSTOMER_EMAIL),
        status=Status.AWAITING_PAYMENT,
        service_account_number="8000000001",
        meter_number="M1000001",
        device=ApprovedProduct.objects.get(model_number="SAMPLE-CD-ISLANDDER"),
    )
    services.request_mark_paid(msa_request_id=msa_request.pk, note="Paid (demo provider).")
    msa_request.refresh_from_db()
    assert msa_request.status == Status.UNDER_REVIEW
    return msa_request


def log_in(page, email: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label(label("Email")).fill(email)
    page.get_by_label(label("Password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def record_outcome(staff, visit: Visit, *, completed: bool, code: str = "") -> None:
    """Staff record a visit's outcome on the technician's route sheet, on the visit's day.

    An outcome waits for its day; the live server runs in this process, so the clock travels
    for both.
    """
    day = dt.datetime.combine(visit.date, dt.time(10), ZoneInfo("America/Los_Angeles"))
    with time_machine.travel(day, tick=True):
        _record_outcome(staff, visit, completed=completed, code=code)


def _record_outcome(staff, visit: Visit, *, completed: bool, code: str) -> None:
    staff.goto(f"/scheduling/technicians/{visit.technician_id}/days/{visit.date.isoformat()}/")
    expect(staff.get_by_text(visit.msa_request.reference).first).to_be_visible()
    checkpoint(staff)
    form = staff.locator(f"form[action$='/visits/{visit.pk}/outcome/']")
    form.get_by_label("Outcome").select_option("1" if completed else "0")
    if code:
        form.get_by_label("Reason").select_option(code)
        form.get_by_label("Note").fill("MSA was not by the meter.")
    form.get_by_role("button", name="Save").click()


def test_staff_approve_a_failed_visit_is_paid_for_and_rebooked_and_a_completed_visit_closes_it(
    page, new_context, live_server, request_under_review
):
    msa_request = request_under_review
    status_url = f"/requests/{msa_request.pk}/"
    staff = new_context().new_page()

    # Staff approve from the request's page in admin; the scheduler books a visit on approval.
    change_url = f"/admin/enrollment/request/{msa_request.pk}/change/"
    log_in(staff, STAFF_EMAIL, change_url)
    checkpoint(staff)
    staff.get_by_role("link", name="Approve", exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Approve")
    checkpoint(staff)
    staff.get_by_role("button", name=re.compile("Approve")).click()
    expect(staff.locator(".messagelist")).to_be_visible()
    msa_request.refresh_from_db()
    assert msa_request.status == Status.SCHEDULED
    first = Visit.objects.get(msa_request=msa_request, state=Visit.State.BOOKED)

    # The customer sees the booked visit.
    log_in(page, CUSTOMER_EMAIL, status_url)
    expect(page.locator("#visit")).to_contain_text("Your visit:")
    checkpoint(page)

    # The technician could not leave it: the MSA was not in its bag.
    record_outcome(staff, first, completed=False, code="NOT_LEFT_IN_BAG")
    expect(staff.get_by_role("alert").or_(staff.get_by_role("status")).first).to_be_visible()
    checkpoint(staff)
    msa_request.refresh_from_db()
    assert msa_request.status == Status.VISIT_FAILED

    # The customer reads why, pays the revisit fee with the demo provider and is rebooked.
    page.goto(status_url)
    expect(page.locator("#visit")).to_contain_text("could not complete the visit")
    checkpoint(page)
    page.get_by_role("button", name=re.compile(r"^\s*Pay \$279\.22")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pay the site-visit fee")
    checkpoint(page)
    page.get_by_role("button", name="Pay (demo)").click()
    expect(page).to_have_url(re.compile(re.escape(status_url)))
    expect(page.locator("#visit")).to_contain_text("Your visit:")
    checkpoint(page)
    msa_request.refresh_from_db()
    assert msa_request.status == Status.SCHEDULED
    second = Visit.objects.get(msa_request=msa_request, state=Visit.State.BOOKED)
    assert second.pk != first.pk
    assert msa_request.payments.filter(purpose="revisit", status="succeeded").count() == 1

    # The second visit is done: the request is closed and the customer sees it.
    record_outcome(staff, second, completed=True)
    checkpoint(staff)
    msa_request.refresh_from_db()
    assert msa_request.status == Status.COMPLETED
    page.goto(status_url)
    expect(page.get_by_text(re.compile("Completed")).first).to_be_visible()
    checkpoint(page)
    page.goto("/requests/")
    expect(page.get_by_role("row", name=re.compile(msa_request.reference))).to_contain_text(
        "Completed"
    )
    checkpoint(page)
