import re

import pytest
from django.core import mail

PASSWORD = "a-long-Passphrase-42"


@pytest.mark.django_db
def test_confirming_the_email_address_signs_the_new_customer_in(client):
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

    assert "_auth_user_id" in client.session
