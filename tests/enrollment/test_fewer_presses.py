"""Fewer presses for a homeowner (issue 19): signing up to apply opens an install request, a
one-question step is answered by its answer's button, a photo instead is one button."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from enrollment.models import MeterRecordState
from tests.factories import MsaRequestFactory

pytestmark = pytest.mark.django_db

APPLY = "/requests/new/?type=install"


def step_url(msa_request, step):
    return reverse("enrollment:wizard_step", kwargs={"pk": msa_request.pk, "step": step})


@pytest.fixture
def draft(client, customer):
    client.force_login(customer)
    return MsaRequestFactory(
        applicant=customer,
        filed_by=customer,
        meter_record_state=MeterRecordState.CONFIRMED,
        life_support=True,
    )


def test_create_an_account_to_apply_signs_up_towards_an_install_request(client):
    html = client.get("/").content.decode()

    assert 'href="/accounts/signup/?next=%2Frequests%2Fnew%2F%3Ftype%3Dinstall"' in html


def test_confirming_the_email_after_signing_up_to_apply_opens_the_new_request(client):
    client.post(
        f"/accounts/signup/?next={APPLY}",
        {
            "email": "rosa@example.com",
            "full_name": "Rosa Martinez",
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
            "next": APPLY,
        },
    )
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)

    response = client.post(link.replace("http://testserver", ""))

    assert response.status_code == 302
    assert response["Location"] == APPLY


def test_the_request_type_can_be_chosen_in_advance_by_the_link(client, customer):
    client.force_login(customer)

    chosen = client.get("/requests/new/?type=install").content.decode()
    plain = client.get("/requests/new/").content.decode()

    assert re.search(r'<input[^>]*value="install"[^>]*checked', chosen)
    assert not re.search(r'<input[^>]*name="request_type"[^>]*checked', plain)


@pytest.mark.parametrize(
    ("step", "name", "values"),
    [("records", "record_right", ("True", "False")), ("safety", "life_support", ("True", "False"))],
)
def test_a_one_question_step_asks_with_one_button_per_answer(client, draft, step, name, values):
    html = client.get(step_url(draft, step)).content.decode()

    for value in values:
        assert f'<button type="submit" name="{name}" value="{value}"' in html
    assert f'type="radio" name="{name}"' not in html
    assert '<button type="submit" name="next"' not in html


def test_pressing_an_answer_saves_it_and_goes_on(client, draft):
    response = client.post(step_url(draft, "safety"), {"life_support": "False"})

    draft.refresh_from_db()
    assert draft.life_support is False
    assert response["Location"] == step_url(draft, "wiring")


@pytest.mark.parametrize("step", ["records", "safety"])
def test_finishing_later_on_a_one_question_step_keeps_the_saved_answer(client, draft, step):
    response = client.post(step_url(draft, step), {"later": ""})

    assert response["Location"] == reverse("enrollment:request_list")
    draft.refresh_from_db()
    assert draft.meter_record_state == MeterRecordState.CONFIRMED
    assert draft.life_support is True


def test_a_photo_instead_is_one_button_above_the_questions(client, draft):
    html = client.get(step_url(draft, "socket")).content.decode()

    assert '<button type="submit" name="photo_instead" value="on"' in html
    assert 'type="checkbox" name="photo_instead"' not in html


def test_finishing_later_keeps_a_photo_instead_chosen_before(client, draft):
    client.post(step_url(draft, "socket"), {"photo_instead": "on"})

    client.post(step_url(draft, "socket"), {"later": ""})

    draft.refresh_from_db()
    assert draft.answers_by_photo == ["socket"]
