"""The fake Stripe `make load` pays through (scripts/load/fake_stripe_server.py), as a server of its
own: the portal's real SDK opens a session there, the customer pays, Stripe's success link leads
back with the session's id, and the portal then reads the session as paid."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from payments import stripe_client

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server_address(settings):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts/load/fake_stripe_server.py"), str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().startswith("fake Stripe on")
        settings.STRIPE_SECRET_KEY = "sk_test_fake_load"
        settings.STRIPE_API_BASE = f"http://127.0.0.1:{port}"
        yield settings.STRIPE_API_BASE
    finally:
        process.terminate()
        process.wait(timeout=10)


def _pay(address: str, session_id: str) -> tuple[int, dict]:
    url = f"{address}/_fake/pay/{session_id}"  # always http://127.0.0.1:<port>
    request = urllib.request.Request(url, method="POST", data=b"")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as refused:
        return refused.code, json.load(refused)


def test_a_customer_pays_at_the_load_tests_fake_stripe_and_comes_back(server_address):
    session = stripe_client.create_checkout_session(
        idempotency_key=f"load-test-{time.time_ns()}",
        amount_cents=27922,
        currency="usd",
        product_name="Site-visit fee",
        customer_email="load-1@example.com",
        metadata={"request_id": "7", "payment_id": "9"},
        success_url="http://127.0.0.1:8765/payments/requests/7/paid/?session_id={CHECKOUT_SESSION_ID}",
        cancel_url="http://127.0.0.1:8765/payments/requests/7/cancelled/",
    )
    assert session["status"] == "open" and session["amount_total"] == 27922

    status, answer = _pay(server_address, session["id"])

    assert status == 200
    assert answer["success_url"].endswith(f"/payments/requests/7/paid/?session_id={session['id']}")
    paid = stripe_client.retrieve_checkout_session(session_id=session["id"])
    assert paid["status"] == "complete" and paid["payment_status"] == "paid"
    assert paid["payment_intent"]
    # Stripe's page cannot be paid twice: nor can the fake's.
    assert _pay(server_address, session["id"])[0] == 400
