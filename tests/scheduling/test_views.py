"""Customer and staff pages: who may see them, what they show, and how many queries they take."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from enrollment.models import Status
from scheduling import services
from scheduling.models import Visit
from tests.factories import StaffFactory, UserFactory
from tests.scheduling.conftest import approved_request, on_the_day
from tests.scheduling.factories import TechnicianFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


@pytest.fixture
def technician():
    return TechnicianFactory(windows=[(8, 12, 2), (12, 16, 2)])


def book(msa_request, technician, day=DAY, window=0):
    return services.visit_book(
        msa_request_id=msa_request.pk,
        window_id=technician.windows.order_by("starts_at")[window].pk,
        day=day,
        notify=False,
    )


def test_customer_picks_an_offered_window_earliest_first(client, technician, mailoutbox):
    msa_request = approved_request()
    client.force_login(msa_request.applicant)

    page = client.get(reverse("scheduling:request_visit", args=[msa_request.pk]))
    offers = page.context["pick_form"].fields["offer"].choices
    response = client.post(
        reverse("scheduling:visit_pick", args=[msa_request.pk]), {"offer": offers[0][0]}
    )

    assert page.status_code == 200
    assert "waterproof bag" in page.content.decode()
    # Wed Nov 25 is the first bookable day (two business days after Mon Nov 23).
    assert offers[0][0].endswith(":2026-11-25")
    assert [o[0] for o in offers][:2] == [
        f"{w.pk}:2026-11-25" for w in technician.windows.order_by("starts_at")
    ]
    assert response.status_code == 302
    visit = msa_request.visits.get(state=Visit.State.BOOKED)
    assert (visit.date, visit.source) == (dt.date(2026, 11, 25), Visit.Source.CUSTOMER)
    msa_request.refresh_from_db()
    assert msa_request.status == Status.SCHEDULED


def test_a_window_that_was_not_offered_cannot_be_picked(client, technician):
    msa_request = approved_request()
    client.force_login(msa_request.applicant)
    window = technician.windows.first()

    client.post(
        reverse("scheduling:visit_pick", args=[msa_request.pk]),
        {"offer": f"{window.pk}:2026-11-27"},  # the day after Thanksgiving
    )

    assert not Visit.objects.exists()


def test_customer_cancels_their_visit_from_the_page(client, technician):
    msa_request = approved_request()
    book(msa_request, technician)
    client.force_login(msa_request.applicant)

    response = client.post(reverse("scheduling:visit_cancel", args=[msa_request.pk]))

    assert response.status_code == 302
    msa_request.refresh_from_db()
    assert msa_request.status == Status.APPROVED
    assert not Visit.objects.filter(state=Visit.State.BOOKED).exists()


@pytest.mark.parametrize("name", ["request_visit", "visit_pick", "visit_cancel"])
def test_another_customers_request_is_a_404(client, technician, name):
    msa_request = approved_request()
    book(msa_request, technician)
    client.force_login(UserFactory())

    method = client.get if name == "request_visit" else client.post
    response = method(reverse(f"scheduling:{name}", args=[msa_request.pk]), {"offer": "1:x"})

    assert response.status_code == 404
    assert msa_request.visits.get().state == Visit.State.BOOKED


@pytest.mark.parametrize("who", ["customer", "anonymous"])
def test_staff_pages_are_a_404_for_everyone_else(client, technician, who):
    msa_request = approved_request()
    visit = book(msa_request, technician)
    if who == "customer":
        client.force_login(msa_request.applicant)
    urls = [
        reverse("scheduling:route_sheet", args=[technician.pk, DAY.isoformat()]),
        reverse("scheduling:work_order_pdf", args=[visit.pk]),
    ]

    for url in urls:
        assert client.get(url).status_code == 404
    outcome = client.post(reverse("scheduling:visit_outcome", args=[visit.pk]), {"completed": "1"})
    assert outcome.status_code == 404
    visit.refresh_from_db()
    assert visit.state == Visit.State.BOOKED


def test_work_order_is_a_real_pdf_with_the_address(client, technician, staff_user):
    msa_request = approved_request(premises_street="8631 Rush St", life_support=True)
    visit = book(msa_request, technician)
    client.force_login(staff_user)

    response = client.get(reverse("scheduling:work_order_pdf", args=[visit.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "8631 Rush St" in text
    assert msa_request.reference in text
    assert "Life-support" in text


def test_route_sheet_records_a_failed_outcome(client, technician, staff_user):
    msa_request = approved_request()
    visit = book(msa_request, technician)
    client.force_login(staff_user)

    sheet = client.get(reverse("scheduling:route_sheet", args=[technician.pk, DAY.isoformat()]))
    with on_the_day(DAY):
        response = client.post(
            reverse("scheduling:visit_outcome", args=[visit.pk]),
            {"completed": "0", "failure_code": "SOCKET_INCOMPATIBLE", "note": "Ringless socket."},
        )

    assert msa_request.premises_street in sheet.content.decode()
    assert response.status_code == 302
    visit.refresh_from_db()
    msa_request.refresh_from_db()
    assert (visit.state, visit.failure_code) == (Visit.State.FAILED, "SOCKET_INCOMPATIBLE")
    assert msa_request.status == Status.VISIT_FAILED


def test_status_panel_explains_a_failed_visit(technician, staff_user, rf):
    msa_request = approved_request()
    visit = book(msa_request, technician)
    with on_the_day(visit.date):
        services.visit_record_outcome(
            visit_id=visit.pk,
            actor=staff_user,
            completed=False,
            failure_code="BACKFEED_EXCEEDS_RATING",
            notify=False,
        )
    msa_request.refresh_from_db()

    html = Template('{% include "scheduling/request_panel.html" %}').render(
        Context({"msa_request": msa_request, "request": rf.get("/")})
    )

    assert "back-feed exceeds the rated load" in html
    assert "$279.22" in html


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = callable_()
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_route_sheet_and_board_take_the_same_queries_for_more_visits(client, technician):
    staff = StaffFactory()
    client.force_login(staff)
    other = TechnicianFactory(windows=[(8, 12, 4)])
    book(approved_request(), technician)
    sheet_url = reverse("scheduling:route_sheet", args=[technician.pk, DAY.isoformat()])
    board_url = reverse("admin:scheduling_board") + "?start=2026-11-30"
    sheet_few = _queries(lambda: client.get(sheet_url))
    board_few = _queries(lambda: client.get(board_url))

    for window in (0, 1, 1):
        book(approved_request(), technician, window=window)
    for day in (DAY, dt.date(2026, 12, 2)):
        book(approved_request(), other, day=day)

    assert _queries(lambda: client.get(sheet_url)) == sheet_few
    assert _queries(lambda: client.get(board_url)) == board_few


def test_status_panel_takes_the_same_queries_with_more_technicians(technician, rf):
    msa_request = approved_request()
    book(msa_request, technician)
    msa_request.refresh_from_db()
    template = Template('{% include "scheduling/request_panel.html" %}')

    def render():
        with CaptureQueriesContext(connection) as ctx:
            html = template.render(Context({"msa_request": msa_request, "request": rf.get("/")}))
        assert "Your visit" in html
        return len(ctx.captured_queries)

    few = render()
    for _ in range(3):
        TechnicianFactory()
    assert render() == few


def test_staff_book_and_move_through_the_admin_under_the_same_capacity(client, technician):
    client.force_login(StaffFactory())
    window = technician.windows.order_by("starts_at").first()
    first, second, third = approved_request(), approved_request(), approved_request()
    url = reverse("admin:scheduling_visit_assign")

    for msa_request in (first, second, third):
        client.post(url, {"msa_request": msa_request.pk, "window": window.pk, "day": "2026-12-01"})

    assert Visit.objects.filter(window=window, date=DAY, state="booked").count() == 2
    assert not third.visits.exists()
    response = client.post(url, {"msa_request": third.pk, "window": window.pk, "day": "2026-12-01"})
    assert "full" in response.content.decode()
    client.post(url, {"msa_request": first.pk, "window": window.pk, "day": "2026-12-02"})
    client.post(url, {"msa_request": third.pk, "window": window.pk, "day": "2026-12-01"})
    assert third.visits.get().date == DAY
    assert first.visits.get(state="booked").date == dt.date(2026, 12, 2)


def test_admin_board_and_lists_render(client, technician):
    client.force_login(StaffFactory())
    visit = book(approved_request(), technician)

    for url in [
        reverse("admin:scheduling_board") + "?start=2026-12-01&span=day",
        reverse("admin:scheduling_visit_changelist"),
        reverse("admin:scheduling_visit_change", args=[visit.pk]),
        reverse("admin:scheduling_visit_outcome", args=[visit.pk]),
        reverse("admin:scheduling_technician_changelist"),
        reverse("admin:scheduling_technician_change", args=[technician.pk]),
        reverse("admin:scheduling_unplaceablereport_changelist"),
        reverse("admin:scheduling_utilityholiday_changelist"),
    ]:
        assert client.get(url).status_code == 200, url


def test_staff_add_a_technician_with_a_territory_and_get_the_default_windows(client):
    client.force_login(StaffFactory())
    url = reverse("admin:scheduling_technician_add")
    inlines = {
        f"{prefix}-{field}": value
        for prefix in ("windows", "time_off")
        for field, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        )
    }
    data = {"name": "Pat", "home_zip": "91770", "working_weekdays": "[0, 1, 2, 3, 4]", **inlines}

    refused = client.post(url, {**data, "territory": "91770, 99999"})
    client.post(url, {**data, "territory": "91770, 91776 91801"})

    assert "99999" in refused.content.decode()
    from scheduling.models import Technician

    technician = Technician.objects.get()
    assert technician.territory_zips == ["91770", "91776", "91801"]
    assert [(str(w), w.capacity) for w in technician.windows.all()] == [
        ("08:00-12:00", 4),
        ("12:00-16:00", 4),
    ]


def test_a_customer_cannot_cancel_on_the_day_of_the_visit(client, technician):
    import time_machine

    msa_request = approved_request()
    book(msa_request, technician)
    client.force_login(msa_request.applicant)

    with time_machine.travel(dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC), tick=False):
        client.post(reverse("scheduling:visit_cancel", args=[msa_request.pk]))

    assert msa_request.visits.get().state == Visit.State.BOOKED


def test_offers_come_from_the_technician_based_nearest_the_premises():
    far = TechnicianFactory(home_zip="93001", windows=[(8, 12, 1)])
    near = TechnicianFactory(home_zip="91770", windows=[(8, 12, 1)])
    msa_request = approved_request(premises_zip="91770")
    from scheduling import selectors

    offers = selectors.offered_windows(msa_request=msa_request)

    assert far.pk < near.pk
    assert {o.technician_id for o in offers} == {near.pk}
    assert [o.day for o in offers] == sorted(o.day for o in offers)


def test_staff_rerun_the_scheduler_from_the_unplaceable_list(client, settings):
    settings.SCHEDULING_HORIZON_BUSINESS_DAYS = 1
    technician = TechnicianFactory(windows=[(8, 12, 1)])
    approved_request(), approved_request()
    services.schedule_approved_requests(notify=False)
    from scheduling.models import UnplaceableReport

    report = UnplaceableReport.objects.get()
    technician.windows.update(capacity=2)
    client.force_login(StaffFactory())

    client.post(
        reverse("admin:scheduling_unplaceablereport_changelist"),
        {"action": "run_scheduler", "_selected_action": [report.pk]},
    )

    assert not UnplaceableReport.objects.exists()
    assert Visit.objects.filter(state=Visit.State.BOOKED).count() == 2
