"""Public pages and the pre-check read a cached copy of the list, never a stale one (issue 27)."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eligibility.models import ApprovedProduct
from eligibility.services import product_set_status
from tests.factories import ApprovedProductFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/eligibility/check"
APL = "/eligibility/approved-products/"


def pre_check(client, device_id: int) -> dict:
    body = {"request_type": "install", "device": device_id}
    response = client.post(API, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    return response.json()


def device_rule(report: dict) -> dict:
    return next(rule for rule in report["rules"] if rule["code"] == "DEVICE_APPROVED")


def test_warm_pre_check_makes_no_query(client):
    device = ApprovedProductFactory()
    pre_check(client, device.pk)  # warms this process's copy
    with CaptureQueriesContext(connection) as captured:
        pre_check(client, device.pk)
    assert len(captured) == 0


def test_warm_product_list_makes_no_query(client):
    ApprovedProductFactory.create_batch(3)
    client.get(APL)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(APL, {"adapter_type": "isolating"})
    assert response.status_code == 200
    assert len(captured) == 0


def test_a_suspended_device_fails_the_warm_pre_check_at_once(
    client, django_capture_on_commit_callbacks
):
    device = ApprovedProductFactory()
    assert device_rule(pre_check(client, device.pk))["result"] == "pass"
    with django_capture_on_commit_callbacks(execute=True):
        product_set_status(product_ids=[device.pk], status=ApprovedProduct.Status.SUSPENDED)
    assert device_rule(pre_check(client, device.pk))["result"] != "pass"


def test_an_edited_entry_shows_on_the_cached_list_at_once(client):
    device = ApprovedProductFactory(model_name="Old name")
    assert "Old name" in client.get(APL).content.decode()
    device.model_name = "New name"
    device.save()
    html = client.get(APL).content.decode()
    assert "New name" in html and "Old name" not in html


def test_a_deleted_entry_leaves_the_cached_list_at_once(client):
    kept = ApprovedProductFactory(model_name="Kept")
    gone = ApprovedProductFactory(model_name="Gone")
    assert "Gone" in client.get(APL).content.decode()
    gone.delete()
    html = client.get(APL).content.decode()
    assert "Gone" not in html and kept.model_name in html


def page(client, url: str, data=None, **headers) -> str:
    html = client.get(url, data, **headers).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # one per visitor


def test_public_pages_are_cached_per_language(client):
    for url in ("/", "/program/", APL):
        english = page(client, url)
        spanish = page(client, url, HTTP_ACCEPT_LANGUAGE="es")
        assert spanish != english, url
        assert page(client, url) == english, url
        assert page(client, url, HTTP_ACCEPT_LANGUAGE="es") == spanish, url


CHECK = "/eligibility/check/"


def test_the_blank_questionnaire_is_rendered_once_and_served_without_a_query(client):
    ApprovedProductFactory()
    first = page(client, CHECK)
    with CaptureQueriesContext(connection) as captured:
        again = page(client, CHECK)
    assert again == first
    assert len(captured) == 0


def test_each_set_of_answers_gets_its_own_questionnaire_back(client):
    for amps in ("150", "200"):
        html = page(client, CHECK, data={"request_type": "install", "panel_rating_amps": amps})
        assert f'name="panel_rating_amps" value="{amps}"' in html
    # Another visitor's answers never fill in a blank form.
    assert 'name="panel_rating_amps" value=' not in page(client, CHECK)


def test_a_device_added_to_the_list_is_on_the_cached_questionnaire_at_once(
    client, django_capture_on_commit_callbacks
):
    ApprovedProductFactory(model_name="First adapter")
    assert "First adapter" in page(client, CHECK)
    with django_capture_on_commit_callbacks(execute=True):
        ApprovedProductFactory(model_name="Second adapter")
    assert "Second adapter" in page(client, CHECK)


def test_the_questionnaire_is_cached_per_language(client):
    english = page(client, CHECK)
    spanish = page(client, CHECK, HTTP_ACCEPT_LANGUAGE="es")
    assert spanish != english
    assert page(client, CHECK) == english
