"""Property-based fuzzing of every form and the webhook: no input may crash a view (no 500).

Each test posts what Hypothesis draws (any text, lists, missing fields, NULs) to a real view as
the user who may use it, and asserts the answer is not a server error. The public forms
(sign-up, login, reset, company) are in tests/msa_portal/test_fuzz_forms.py.
"""

import json

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enrollment import wizard
from enrollment.models import Status
from payments.models import Payment
from tests.backoffice.conftest import make_request, staff_in
from tests.factories import MsaRequestFactory, UserFactory
from tests.payments.conftest import WEBHOOK_SECRET, make_event, sign

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
text = st.one_of(
    st.text(max_size=200),
    st.sampled_from(["", " ", "0", "-1", "1e309", "null", "\x00", "2S", "yes", "on", "200"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
value = st.one_of(text, st.lists(text, max_size=3))


def payload(fields):
    """Any subset of ``fields``, each with any value (a string or a list of strings)."""
    return st.fixed_dictionaries({}, optional=dict.fromkeys(fields, value))


def form_fields(form_class) -> list[str]:
    return [*form_class.base_fields, "back", "later", "action"]


@pytest.fixture
def customer_client(client):
    user = UserFactory(email="fuzz-customer@example.com")
    client.force_login(user)
    client.user = user
    return client


def draft_of(user, **fields):
    return MsaRequestFactory(applicant=user, status=Status.DRAFT, **fields)


WIZARD_STEPS = [step for step in wizard.STEPS if step.form_class is not None]


@pytest.mark.parametrize("step", WIZARD_STEPS, ids=lambda s: s.slug)
@FUZZ
@given(data=st.data())
def test_wizard_steps_never_crash(customer_client, step, data):
    msa_request = draft_of(customer_client.user)
    url = reverse("enrollment:wizard_step", kwargs={"pk": msa_request.pk, "step": step.slug})

    response = customer_client.post(url, data.draw(payload(form_fields(step.form_class))))

    assert response.status_code < 500


@FUZZ
@given(data=st.data())
def test_starting_a_request_never_crashes(customer_client, data):
    fields = ["request_type", "replaces", "back", "later"]

    response = customer_client.post(reverse("enrollment:wizard_start"), data.draw(payload(fields)))

    assert response.status_code < 500


@FUZZ
@given(data=st.data())
def test_agreement_signing_never_crashes(customer_client, data):
    msa_request = draft_of(customer_client.user)
    fields = ["signer_name", "consent", "shown_sha256", "esign_action", "agree", "mailing_address"]

    response = customer_client.post(
        reverse("enrollment:agreement_sign", kwargs={"pk": msa_request.pk}),
        data.draw(payload(fields)),
    )

    assert response.status_code < 500


@pytest.mark.parametrize(
    ("name", "state"),
    [("info_answer", Status.INFO_REQUESTED), ("request_cancel", Status.UNDER_REVIEW)],
)
@FUZZ
@given(data=st.data())
def test_answer_and_cancel_never_crash(customer_client, name, state, data):
    msa_request = make_request(state, applicant=customer_client.user)

    response = customer_client.post(
        reverse(f"enrollment:{name}", kwargs={"pk": msa_request.pk}),
        data.draw(payload(["answer", "attachment", "reason"])),
    )

    assert response.status_code < 500


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("/eligibility/approved-products/", ["adapter_type", "manufacturer", "q", "page", "sort"]),
        (
            "/eligibility/check/",
            [
                "request_type",
                "device",
                "residential",
                "meter_self_contained",
                "service_phase",
                "service_wires",
                "service_voltage",
                "panel_rating_amps",
                "backfeed_amps",
                "meter_socket_form",
                "socket_ring_type",
                "comm_cable_in_liquidtight",
                "energized_conductors",
                "energized_in_liquidtight",
                "esr_violation",
                "waterproof_bag_commitment",
            ],
        ),
    ],
)
@FUZZ
@given(data=st.data())
def test_public_eligibility_pages_never_crash(client, url, fields, data):
    response = client.get(url, data.draw(payload(fields)))

    assert response.status_code < 500


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30)),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=25), children, max_size=4)
    ),
    max_leaves=12,
)
API_FIELDS = ["request_type", "panel_rating_amps", "service_phase", "device", "meter_number"]
api_bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(json.dumps).map(str.encode),
    st.fixed_dictionaries({}, optional=dict.fromkeys(API_FIELDS, json_values))
    .map(json.dumps)
    .map(str.encode),
)


@FUZZ
@given(body=api_bodies, content_type=st.sampled_from(["application/json", "text/plain", ""]))
def test_the_eligibility_api_never_crashes(client, settings, body, content_type):
    settings.MSA_ELIGIBILITY_API_RATE = "100000/m"

    response = client.post("/api/v1/eligibility/check", body, content_type=content_type)

    assert response.status_code < 500


@pytest.fixture
def webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.PAYMENT_PROVIDER = "stripe"


@FUZZ
@given(
    body=st.binary(max_size=500),
    signature=st.one_of(st.text(max_size=120), st.just("t=1,v1=" + "0" * 64)),
    extra=st.dictionaries(
        st.sampled_from(["HTTP_X_FORWARDED_FOR", "HTTP_USER_AGENT", "HTTP_CONTENT_ENCODING"]),
        st.text(max_size=40),
    ),
)
def test_unsigned_webhooks_are_400(client, webhook_secret, body, signature, extra):
    headers = {k: v for k, v in extra.items() if "\x00" not in v}

    response = client.post(
        reverse("payments:stripe_webhook"),
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature.replace("\x00", ""),
        **headers,
    )

    assert response.status_code == 400
    assert not Payment.objects.exists()


signed_bodies = st.one_of(
    json_values.map(json.dumps),
    st.builds(
        lambda kind, obj: json.dumps(make_event(kind, obj)),
        st.sampled_from(
            [
                "checkout.session.completed",
                "checkout.session.async_payment_succeeded",
                "checkout.session.async_payment_failed",
                "checkout.session.expired",
                "charge.refunded",
                "refund.updated",
                "something.else",
            ]
        ),
        st.one_of(
            json_values,
            st.dictionaries(
                st.sampled_from(
                    [
                        "id",
                        "metadata",
                        "payment_status",
                        "amount_total",
                        "payment_intent",
                        "client_reference_id",
                        "status",
                        "refunds",
                    ]
                ),
                json_values,
            ),
        ),
    ),
)


@FUZZ
@given(body=signed_bodies)
def test_correctly_signed_but_malformed_events_never_crash(client, webhook_secret, body):
    """Only Stripe can sign, but an event of an unexpected shape must still not be a 500."""
    response = client.post(
        reverse("payments:stripe_webhook"),
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body),
    )

    assert response.status_code in (200, 400)


@FUZZ
@given(data=st.data())
def test_the_demo_checkout_never_crashes(customer_client, settings, data):
    settings.PAYMENT_PROVIDER = "demo"
    settings.STRIPE_SECRET_KEY = ""
    msa_request = make_request(Status.AWAITING_PAYMENT, applicant=customer_client.user)
    start = customer_client.post(reverse("payments:checkout_start", kwargs={"pk": msa_request.pk}))

    response = customer_client.post(start.url, data.draw(payload(["action"])))

    assert response.status_code < 500


DECISIONS = {
    "approve": ["note"],
    "reject": ["reason_code", "message"],
    "ask_info": ["question"],
    "rerun": [],
}


@pytest.mark.parametrize("decision", DECISIONS)
@FUZZ
@given(data=st.data())
def test_staff_decision_forms_never_crash(client, decision, data):
    from accounts import roles

    reviewer = staff_in(roles.REVIEWER, "fuzz-reviewer@example.com")
    client.force_login(reviewer)
    msa_request = make_request(Status.UNDER_REVIEW)
    url = reverse(f"admin:enrollment_request_{decision}", args=[msa_request.pk])

    response = client.post(url, data.draw(payload([*DECISIONS[decision], "apply"])))

    assert response.status_code < 500


@pytest.mark.parametrize(
    "body",
    [
        "null",
        "[1, 2]",
        json.dumps({"id": "evt_1", "type": "checkout.session.completed"}),
        json.dumps(make_event("checkout.session.expired", {"id": "cs_1", "metadata": 1.5})),
    ],
    ids=["null", "list", "no-data", "metadata-not-an-object"],
)
def test_signed_bodies_the_fuzzer_found_are_400_and_store_nothing(client, webhook_secret, body):
    from payments.models import StripeEvent

    response = client.post(
        reverse("payments:stripe_webhook"),
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body),
    )

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
