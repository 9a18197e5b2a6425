"""No user enumeration: sign-up and login answer the same for a known and an unknown address."""

import pytest
from django.core import mail

from accounts.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-Passphrase-42"


def sign_up(client, email):
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "full_name": "Someone",
            "role": "customer",
        },
    )


def test_signing_up_with_a_taken_address_looks_like_a_new_sign_up(client, customer):
    taken = sign_up(client, customer.email)
    client.logout()
    fresh = sign_up(client, "nobody-yet@example.com")

    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert User.objects.filter(email=customer.email).count() == 1
    # The real owner is told by e-mail instead of the stranger on the page.
    assert customer.email in [m.to[0] for m in mail.outbox]


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client, customer):
    known = client.post("/accounts/login/", {"login": customer.email, "password": "wrong-one"})
    unknown = client.post(
        "/accounts/login/", {"login": "nobody@example.com", "password": "wrong-one"}
    )

    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors
