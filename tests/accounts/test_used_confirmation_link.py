"""Issue 24: a second visit to a used confirmation link says to log in, not "expired"."""

import re

import pytest
from django.core import mail
from django.urls import reverse

PASSWORD = "a-long-Passphrase-42"

pytestmark = pytest.mark.django_db


@pytest.fixture
def used_link(client):
    client.post(
        "/accounts/signup/",
        {
            "email": "new.customer@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "full_name": "New Customer",
            "role": "customer",
        },
    )
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    client.post(link)
    client.logout()
    return link


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_used_link_says_the_address_is_confirmed_with_a_way_to_log_in(client, used_link, method):
    response = getattr(client, method)(used_link, headers={"accept-language": "en"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "already confirmed" in page
    assert f'href="{reverse("account_login")}"' in page
    assert "expired or is invalid" not in page


def test_a_used_link_says_so_in_spanish(client, used_link):
    client.cookies["django_language"] = "es"

    page = client.get(used_link, headers={"accept-language": "es"}).content.decode()

    assert "ya está confirmada" in page
    assert "inicie sesión" in page


def test_a_link_that_was_never_issued_is_still_expired_or_invalid(client, used_link):
    page = client.get(reverse("account_confirm_email", args=["not-a-key"])).content.decode()

    assert "expired or is invalid" in page
    assert "already confirmed" not in page


def test_a_signed_in_visitor_is_told_it_is_confirmed_and_sent_on(client, used_link, customer):
    client.force_login(customer)

    page = client.get(used_link).content.decode()

    assert "This email address is already confirmed." in page
