"""Property-based fuzzing of public forms: no input may crash a view (a 500 is a failure)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ContractorFactory

text = st.one_of(st.text(max_size=300), st.sampled_from(["", " ", "0", "-1", "null", "\x00"]))
FORMS = {
    "/accounts/signup/": ["email", "password1", "password2", "full_name"],
    "/accounts/signup/business/": [
        "email",
        "password1",
        "password2",
        "full_name",
        "role",
        "company_name",
        "cslb_license_number",
        "company_phone",
    ],
    "/accounts/login/": ["login", "password", "remember"],
    "/accounts/password/reset/": ["email"],
}
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.django_db
@pytest.mark.parametrize("url", sorted(FORMS))
@FUZZ
@given(data=st.data())
def test_public_forms_never_crash(client, url, data):
    fields = FORMS[url]
    payload = data.draw(st.fixed_dictionaries({}, optional=dict.fromkeys(fields, text)))

    response = client.post(url, payload)

    assert response.status_code < 500


@pytest.mark.django_db
@FUZZ
@given(email=text, name=text)
def test_company_forms_never_crash(client, email, name):
    contractor = ContractorFactory(is_company_admin=True)
    client.force_login(contractor)

    assert client.post("/company/", {"email": email}).status_code < 500
    assert client.post("/company/api-tokens/", {"name": name}).status_code < 500
    assert client.post("/company/join/" + (name.strip("/") or "x") + "/").status_code < 500
