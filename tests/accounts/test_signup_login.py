import re

import pytest
from django.core import mail
from django.db.models import CharField
from django.db.models.functions import Cast

from accounts.models import ContractorCompany, User

PASSWORD = "a-long-Passphrase-42"


def _signup(client, **extra):
    data = {
        "email": "new.customer@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "full_name": "New Customer",
        **extra,
    }
    business = data.get("role") in ("contractor", "vendor")
    return client.post("/accounts/signup/business/" if business else "/accounts/signup/", data)


def _link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


@pytest.mark.django_db
def test_signup_sends_a_verification_email_and_the_link_verifies(client):
    response = _signup(client)

    assert response.status_code == 302
    user = User.objects.get(email="new.customer@example.com")
    assert user.full_name == "New Customer"
    assert user.role == User.Role.CUSTOMER
    assert len(mail.outbox) == 1
    link = _link_in(mail.outbox[0])

    client.post(link)

    assert user.emailaddress_set.get().verified


@pytest.mark.django_db
def test_unverified_user_cannot_log_in_until_verified(client):
    _signup(client)
    client.logout()

    response = client.post(
        "/accounts/login/", {"login": "new.customer@example.com", "password": PASSWORD}
    )

    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]


@pytest.mark.django_db
def test_contractor_signup_registers_an_unverified_company(client):
    response = _signup(
        client,
        email="pat@installer.example.com",
        role="contractor",
        company_name="Bright Installers",
        cslb_license_number="1234567",
        company_phone="(909) 555-0111",
    )

    assert response.status_code == 302
    user = User.objects.get(email="pat@installer.example.com")
    assert user.role == User.Role.CONTRACTOR
    assert user.company.name == "Bright Installers"
    assert user.is_company_admin
    assert not user.company.is_verified


@pytest.mark.django_db
def test_contractor_signup_without_company_keeps_what_was_typed(client):
    response = _signup(client, email="pat@installer.example.com", role="contractor")

    assert response.status_code == 200
    assert b"Contractors must give this." in response.content
    assert b"pat@installer.example.com" in response.content
    assert not User.objects.filter(email="pat@installer.example.com").exists()
    assert not ContractorCompany.objects.exists()


@pytest.mark.django_db
def test_verified_user_logs_in_and_out(client, customer):
    response = client.post(
        "/accounts/login/", {"login": customer.email, "password": "pw-for-tests-123"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(customer.pk)

    client.post("/accounts/logout/")

    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_emails_a_link_that_sets_a_new_password(client, customer):
    client.post("/accounts/password/reset/", {"email": customer.email})

    assert len(mail.outbox) == 1
    link = _link_in(mail.outbox[0])
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": "Brand-new-passphrase-7", "password2": "Brand-new-passphrase-7"},
    )

    customer.refresh_from_db()
    assert customer.check_password("Brand-new-passphrase-7")


@pytest.mark.django_db
def test_password_reset_for_unknown_email_does_not_reveal_it(client, customer):
    known = client.post("/accounts/password/reset/", {"email": customer.email})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/program/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_public_pages_render_with_skip_link_and_landmarks(client, url):
    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert "<nav" in html and "<footer" in html
    assert "vendor/bootstrap/css/bootstrap.min.css" in html
    # Every stylesheet and script is our own (a random CSRF token may spell "cdn" by chance).
    assert re.findall(r'<(?:script|link)[^>]*(?:src|href)="(?:https?:)?//', html) == []


@pytest.mark.django_db
def test_program_page_states_the_fee_and_the_eligibility_rules(client):
    html = client.get("/program/").content.decode()

    assert "$279.22" in html
    assert "200 A" in html
    assert "waterproof bag" in html
    assert "Isolating" in html and "Non-isolating" in html


@pytest.mark.django_db
def test_a_homeowner_signs_up_without_company_fields_and_businesses_have_their_own_page(client):
    homeowner_page = client.get("/accounts/signup/").content.decode()
    business_page = client.get("/accounts/signup/business/").content.decode()

    for name in ("company_name", "cslb_license_number", "company_phone", 'name="role"'):
        assert name not in homeowner_page
        assert name in business_page
    assert "/accounts/signup/business/" in homeowner_page
    assert 'value="customer"' not in business_page

    # A contractor's fields sent to the homeowner's page make a customer account, nothing more.
    response = _signup(client, email="home@example.com")
    assert response.status_code == 302
    user = User.objects.get(email="home@example.com")
    assert user.role == User.Role.CUSTOMER and user.company is None


@pytest.mark.django_db
def test_the_business_sign_up_page_is_in_spanish(client):
    client.cookies["django_language"] = "es"

    html = client.get("/accounts/signup/business/", HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Regístrese como contratista o fabricante de dispositivos" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored"),
    [("(909) 555-0111 ext. 12", "+19095550111;ext=12"), ("909.555.0111", "+19095550111")],
)
def test_a_company_phone_is_stored_in_e164_with_its_extension(client, typed, stored):
    _signup(
        client,
        email="pat@installer.example.com",
        role="contractor",
        company_name="Bright Installers",
        cslb_license_number="1234567",
        company_phone=typed,
    )

    # Cast: the column's text as stored, not read back through the field.
    raw = ContractorCompany.objects.annotate(raw=Cast("phone", CharField())).get().raw
    assert raw == stored


@pytest.mark.django_db
def test_a_company_phone_of_dashes_is_refused(client):
    response = _signup(
        client,
        email="pat@installer.example.com",
        role="contractor",
        company_name="Bright Installers",
        cslb_license_number="1234567",
        company_phone="----------",
    )

    assert response.status_code == 200
    assert b"Enter a phone number such as (626) 555-0100" in response.content
    assert not ContractorCompany.objects.exists()


@pytest.mark.django_db
def test_the_sign_in_emails_name_an_address_with_an_apostrophe_as_typed(client):
    # allauth's own emails (not under templates/*/emails/): their text turns escaping off too.
    address = "pat.o'brien@example.com"
    _signup(client, email=address, full_name="Pat O'Brien & Co")
    client.logout()
    client.post("/accounts/password/reset/", {"email": address})

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        text = message.subject + "\n" + message.body
        assert "&#x27;" not in text and "&amp;" not in text, text
    assert address in mail.outbox[0].body
