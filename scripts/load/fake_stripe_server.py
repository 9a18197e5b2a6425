"""The tests' fake Stripe (tests/payments/fake_stripe.py) as a server for `make load`.

The portal's real Stripe SDK talks to it (``STRIPE_API_BASE``), as in the payment tests. What a
customer does on Stripe's own page is played by one more address, which the load test's
customers call instead of a card form:

    POST /_fake/pay/<checkout session id>  ->  {"success_url": "<where Stripe sends them back>"}

It marks the session paid (a payment intent for its amount) and returns the session's success
URL with ``{CHECKOUT_SESSION_ID}`` filled in, as Stripe does when it redirects the browser.

    python scripts/load/fake_stripe_server.py PORT
"""

import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.payments.fake_stripe import FakeStripe

PAY = "/_fake/pay/"


class LoadFakeStripe(FakeStripe):
    """``FakeStripe`` that also lets a customer pay over HTTP, and keeps no request log."""

    def handle(self, method: str, path: str, headers: dict, params: dict) -> tuple[int, dict]:
        if method == "POST" and path.startswith(PAY):
            session_id = path[len(PAY) :]
            if self.sessions.get(session_id, {}).get("status") != "open":
                return 400, {"error": {"type": "invalid_request_error", "message": "not open"}}
            session = self.complete(session_id)
            url = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
            return 200, {"success_url": url}
        answer = super().handle(method, path, headers, params)
        with self.lock:
            self.requests.clear()  # a load test makes thousands: the tests' log is not needed
        return answer


def main() -> None:
    port = int(sys.argv[1])
    LoadFakeStripe().serve(port)
    print(f"fake Stripe on 127.0.0.1:{port}", flush=True)
    signal.pause()  # until make load stops it (SIGTERM)


if __name__ == "__main__":
    main()
