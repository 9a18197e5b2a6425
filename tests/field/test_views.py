"""The technician's pages: only their own visits, outcomes through the one service, JSON answers."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from enrollment.models import Status
from scheduling import services
from scheduling.models import FieldReport, Visit
from tests.enrollment.factories import png_bytes
from tests.factories import StaffFactory, UserFactory
from tests.scheduling.conftest import approved_request, on_the_day
from tests.scheduling.factories import TechnicianFactory
from tests.scheduling.test_visits import DAY, morning

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def phone_user():
    return UserFactory(role=User.Role.TECHNICIAN, full_name="Alex Tech")


@pytest.fixture
def technician(phone_user):
    return TechnicianFactory(windows=[(8, 12, 2), (12, 16, 2)], user=phone_user)


def book(technician, **fields):
    return services.visit_book(
        msa_request_id=approved_request(**fields).pk,
        window_id=morning(technician).pk,
        day=DAY,
        notify=False,
    )


def outcome(visit, client_id=None, **fields):
    return {
        "kind": "outcome",
        "visit": visit.pk,
        "client_id": str(client_id or uuid.uuid4()),
        "completed": "1",
        **fields,
    }


def test_my_day_lists_only_the_technicians_own_visits_with_what_they_need(
    client, technician, phone_user
):
    mine = book(
        technician,
        life_support=True,
        customer_phone="(626) 555-0142",
        premises_street="1 Walnut Grove Ave",
        premises_city="Rosemead",
    )
    theirs = book(TechnicianFactory(windows=[(8, 12, 2)]))
    client.force_login(phone_user)

    with on_the_day(DAY):
        page = client.get(reverse("field:my_day"))

    body = page.content.decode()
    assert page.status_code == 200
    assert mine.msa_request.reference in body
    assert theirs.msa_request.reference not in body
    assert 'href="tel:+16265550142"' in body
    assert "geo:0,0?q=1%20Walnut%20Grove%20Ave" in body
    # The life-support warning comes before anything else on the visit's card.
    card = body[body.index(f'id="visit-{mine.pk}"') :]
    card = card[card.index("card-body") :]
    assert card.index("Life-support") < card.index(mine.msa_request.reference)
    assert 'capture="environment"' in body and 'accept="image/*"' in body


@pytest.mark.parametrize("who", ["customer", "staff", "unlinked technician", "inactive technician"])
def test_no_one_but_a_linked_active_technician_opens_the_day_or_sends_an_outcome(
    client, technician, phone_user, who
):
    visit = book(technician)
    if who == "customer":
        client.force_login(UserFactory())
    elif who == "staff":
        client.force_login(StaffFactory())
    elif who == "unlinked technician":
        client.force_login(UserFactory(role=User.Role.TECHNICIAN))
    else:
        technician.is_active = False
        technician.save()
        client.force_login(phone_user)

    with on_the_day(DAY):
        page = client.get(reverse("field:my_day"))
        sent = client.post(reverse("field:report"), outcome(visit), **JSON)

    assert (page.status_code, sent.status_code) == (404, 404)
    visit.refresh_from_db()
    assert visit.state == Visit.State.BOOKED


def test_another_technicians_visit_cannot_be_reported(client, technician, phone_user):
    theirs = book(TechnicianFactory(windows=[(8, 12, 2)]))
    client.force_login(phone_user)

    with on_the_day(DAY):
        sent = client.post(reverse("field:report"), outcome(theirs), **JSON)

    assert sent.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == Visit.State.BOOKED


def test_a_signed_out_phone_is_told_to_sign_in_and_nothing_changes(client, technician):
    visit = book(technician)
    with on_the_day(DAY):
        sent = client.post(reverse("field:report"), outcome(visit), **JSON)
    assert sent.status_code == 401
    assert sent.json()["result"] == "signed_out"


def test_an_upload_sent_twice_answers_recorded_both_times_and_records_once(
    client, technician, phone_user, mailoutbox, django_capture_on_commit_callbacks
):
    visit = book(technician)
    client.force_login(phone_user)
    client_id = uuid.uuid4()

    answers = []
    with on_the_day(DAY):
        for _ in range(2):
            data = outcome(visit, client_id)
            data["photos"] = SimpleUploadedFile("m.png", png_bytes((32, 32)), "image/png")
            with django_capture_on_commit_callbacks(execute=True):
                answers.append(client.post(reverse("field:report"), data, **JSON))

    assert [a.status_code for a in answers] == [200, 200]
    assert [a.json()["result"] for a in answers] == ["recorded", "recorded"]
    assert FieldReport.objects.count() == 1
    assert visit.photos.count() == 1
    assert len(mailoutbox) == 1
    visit.msa_request.refresh_from_db()
    assert visit.msa_request.status == Status.COMPLETED


def test_a_conflict_is_answered_409_with_words_for_the_technician(client, technician, phone_user):
    visit = book(technician)
    client.force_login(phone_user)
    with on_the_day(DAY):
        services.visit_cancel(visit_id=visit.pk, by_customer=False, notify=False)
        sent = client.post(
            reverse("field:report"),
            outcome(visit, completed="0", failure_code="NOT_LEFT_IN_BAG"),
            **JSON,
        )
        again = client.post(reverse("field:report"), {**outcome(visit), "kind": "arrival"}, **JSON)

    assert sent.status_code == 409
    assert "cancelled this visit" in sent.json()["message"]
    assert again.status_code == 409


def test_an_arrival_is_noted_and_staff_see_it_on_the_board(client, technician, phone_user):
    visit = book(technician)
    client.force_login(phone_user)
    with on_the_day(DAY):
        sent = client.post(reverse("field:report"), {**outcome(visit), "kind": "arrival"}, **JSON)
        client.force_login(StaffFactory())
        board = client.get(reverse("admin:scheduling_board") + f"?start={DAY}&span=day")

    assert sent.status_code == 200
    visit.refresh_from_db()
    assert visit.arrived_at is not None
    assert "arrived" in board.content.decode()


def test_without_the_pages_script_the_form_still_records_once_and_comes_back_to_the_day(
    client, technician, phone_user
):
    visit = book(technician)
    client.force_login(phone_user)
    data = outcome(visit, completed="0", failure_code="OTHER", note="Dog in the yard.")
    with on_the_day(DAY):
        first = client.post(reverse("field:report"), data)
        second = client.post(reverse("field:report"), data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse("field:my_day")
    assert FieldReport.objects.count() == 1
    visit.refresh_from_db()
    assert (visit.state, visit.outcome_note) == (Visit.State.FAILED, "Dog in the yard.")


def test_the_service_worker_and_manifest_are_served_from_the_field_scope(client):
    worker = client.get(reverse("field:service_worker"))
    manifest = client.get(reverse("field:manifest"))

    assert worker["Content-Type"].startswith("text/javascript")
    assert b"msa-field-" in worker.content and b"/field/" in worker.content
    assert manifest.json()["start_url"] == reverse("field:my_day")
    assert {icon["sizes"] for icon in manifest.json()["icons"]} == {"192x192", "512x512"}


def test_a_technician_signing_in_lands_on_their_day(client, phone_user):
    client.force_login(phone_user)
    assert client.get(reverse("home"))["Location"] == reverse("field:my_day")


def test_the_call_link_dials_the_e164_number_and_its_extension(client, technician, phone_user):
    book(technician, customer_phone="(626) 555-0100 ext. 12")
    client.force_login(phone_user)

    with on_the_day(DAY):
        body = client.get(reverse("field:my_day")).content.decode()

    assert 'href="tel:+16265550100;ext=12"' in body
    assert "(626) 555-0100 ext. 12</a>" in body


def test_my_day_shows_each_visit_in_route_order_with_what_the_technician_needs(
    client, technician, phone_user
):
    from tests.enrollment.factories import DocumentFactory

    later = services.visit_book(
        msa_request_id=approved_request(
            request_type="replacement",
            existing_device_kind="gma",
            existing_device_manufacturer="ConnectDER",
            waterproof_bag_commitment=False,
        ).pk,
        window_id=technician.windows.order_by("starts_at").last().pk,
        day=DAY,
        notify=False,
    )
    first = book(technician, request_type="install", waterproof_bag_commitment=True)
    first.notes = "Gate code 4512; dog in the yard."
    first.save(update_fields=["notes"])
    DocumentFactory.create_batch(2, msa_request=first.msa_request)
    client.force_login(phone_user)

    with on_the_day(DAY):
        body = client.get(reverse("field:my_day")).content.decode()

    # Route order: the morning visit's card comes first, each headed with its window.
    assert body.index(f'id="visit-{first.pk}"') < body.index(f'id="visit-{later.pk}"')
    first_card = body[body.index(f'id="visit-{first.pk}"') : body.index(f'id="visit-{later.pk}"')]
    later_card = body[body.index(f'id="visit-{later.pk}"') :]
    assert f"1. {first.window} · {first.msa_request.reference}" in first_card
    assert f"2. {later.window} · {later.msa_request.reference}" in later_card
    # The device to install, and the one to remove.
    assert "Device to install" in first_card and str(first.msa_request.device) in first_card
    assert "Device to remove" in later_card and "ConnectDER" in later_card
    # The customer's preparation: the bagged MSA promised (or not) and the panel photos sent.
    assert "waterproof bag: yes" in first_card and "2 meter panel photos sent" in first_card
    assert "waterproof bag: not promised" in later_card and "0 meter panel photos" in later_card
    # The access notes staff wrote on the visit.
    assert "Gate code 4512; dog in the yard." in first_card
    assert "Gate code" not in later_card


def test_the_camera_takes_a_photo_before_and_one_after_the_work(client, technician, phone_user):
    """A phone's camera (``capture``) gives one photo per input, whatever ``multiple`` says, so
    "before" and "after" each need their own input; both reach the one report."""
    visit = book(technician)
    client.force_login(phone_user)

    with on_the_day(DAY):
        page = client.get(reverse("field:my_day"))
        data = outcome(visit)
        data["photos"] = [
            SimpleUploadedFile("before.png", png_bytes((32, 32)), "image/png"),
            SimpleUploadedFile("after.png", png_bytes((40, 30)), "image/png"),
        ]
        sent = client.post(reverse("field:report"), data, **JSON)

    body = page.content.decode()
    before = f'id="photo-before-{visit.pk}"'
    after = f'id="photo-after-{visit.pk}"'
    assert before in body and after in body
    assert body.index(before) < body.index(after)
    for tag in body.split("<input")[1:]:
        if 'type="file"' in tag:
            assert 'capture="environment"' in tag and "multiple" not in tag.split(">")[0]
    assert sent.status_code == 200
    assert visit.photos.count() == 2


def test_my_day_and_the_phones_answers_speak_spanish(client, technician, phone_user):
    phone_user.preferred_language = "es"
    phone_user.save(update_fields=["preferred_language"])
    visit = book(technician)
    client.force_login(phone_user)

    with on_the_day(DAY):
        page = client.get(reverse("field:my_day"), HTTP_ACCEPT_LANGUAGE="es")
        manifest = client.get(reverse("field:manifest"), HTTP_ACCEPT_LANGUAGE="es")
        refused = client.post(
            reverse("field:report"),
            outcome(visit, completed="0", failure_code="OTHER"),
            HTTP_ACCEPT_LANGUAGE="es",
            **JSON,
        )

    body = page.content.decode()
    assert "Mi día" in body
    assert "He llegado" in body and "Foto del medidor antes del trabajo" in body
    assert manifest.json()["lang"] == "es" and manifest.json()["short_name"] == "Mi día"
    assert refused.status_code == 400 and "Otro" in refused.json()["message"]


def test_the_board_reloads_itself_so_staff_see_progress_as_it_happens(
    client, technician, phone_user
):
    done = book(technician)
    failed = book(technician)
    client.force_login(phone_user)
    with on_the_day(DAY):
        client.post(reverse("field:report"), outcome(done), **JSON)
        client.post(
            reverse("field:report"),
            outcome(failed, completed="0", failure_code="NOT_LEFT_IN_BAG"),
            **JSON,
        )
        client.force_login(StaffFactory())
        board = client.get(reverse("admin:scheduling_board") + f"?start={DAY}&span=day")

    body = board.content.decode()
    assert '<meta http-equiv="refresh" content="60">' in body
    assert "✓ done" in body and "✗ failed: NOT_LEFT_IN_BAG" in body


def test_the_technician_knows_what_to_take_out_before_driving_to_a_removal(
    client, technician, phone_user, staff_user
):
    removal = book(
        technician,
        request_type="removal",
        device=None,
        existing_device_kind="msa",
        existing_device_manufacturer="Sample Maker",
        existing_device_model="Isolator",
        existing_device_isolating=True,
    )
    described = "Meter socket adapter (MSA) · Sample Maker Isolator · isolating"
    client.force_login(phone_user)

    with on_the_day(DAY):
        day = client.get(reverse("field:my_day")).content.decode()
    client.force_login(staff_user)
    sheet = client.get(
        reverse("scheduling:route_sheet", args=[technician.pk, DAY.isoformat()])
    ).content.decode()

    assert "Device to remove" in day and described in day
    assert f"At the meter now: {described}" in sheet
    assert removal.msa_request.reference in sheet
