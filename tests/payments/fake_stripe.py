"""A small fake of the Stripe API on 127.0.0.1, enough for the real ``stripe`` SDK.

It implements Checkout Session create/retrieve/expire/list, payment intents (list), refunds
(create/list) and disputes (list), honours ``Idempotency-Key`` as Stripe does (the first answer
under a key, even an error, is the answer to every repeat; a repeat while the first request is
still running gets 409 ``idempotency_key_in_use``), records every request, and can be told to
answer 500 or to hang (answering only after the client gave up) for the next calls. Helpers
play what happens outside the portal: the customer paying, a refund made in the Stripe
Dashboard, a cardholder's dispute and its outcome.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse


def _copy(obj: dict) -> dict:
    return json.loads(json.dumps(obj))


def _page(path: str, objects, params: dict) -> dict:
    """A Stripe list object holding every match on one page, newest first.

    ``created[gte]`` keeps the objects created at or after that Unix time, as Stripe does.
    """
    since = int(params.get("created[gte]") or 0)
    data = sorted(
        (o for o in objects if o.get("created", 0) >= since),
        key=lambda o: o.get("created", 0),
        reverse=True,
    )
    return {"object": "list", "url": path, "has_more": False, "data": data}


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    params: dict


@dataclass
class FakeStripe:
    sessions: dict = field(default_factory=dict)
    intents: dict = field(default_factory=dict)
    refunds: dict = field(default_factory=dict)
    disputes: dict = field(default_factory=dict)
    in_flight: set = field(default_factory=set)
    idempotent: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)
    fail_next: list = field(default_factory=list)  # HTTP statuses for the next calls (0: answer)
    hang_next: list = field(default_factory=list)  # seconds to wait before answering
    refund_status: str = "succeeded"  # what a new refund is at once ("failed": rejected)
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: int = 0

    # --- helpers for tests ------------------------------------------------------------
    def calls(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def complete(self, session_id: str, *, paid: bool = True) -> dict:
        """Play the customer paying on Stripe's page; return the session as Stripe has it.

        Stripe refuses payment on a session that is no longer open: so does the fake.
        """
        with self.lock:
            session = self.sessions[session_id]
            assert session["status"] != "expired", f"session {session_id} is expired"
            self.counter += 1
            intent_id = f"pi_test_{self.counter}"
            session.update(
                status="complete",
                payment_status="paid" if paid else "unpaid",
                payment_intent=intent_id,
            )
            self.intents[intent_id] = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": session["amount_total"],
                "currency": session["currency"],
                "status": "succeeded" if paid else "processing",
                "metadata": dict(session["metadata"]),
                "created": int(time.time()),
            }
            return _copy(session)

    def expire(self, session_id: str) -> dict:
        with self.lock:
            self.sessions[session_id].update(status="expired")
            return _copy(self.sessions[session_id])

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Wait until no request is still running at the fake (a hung answer was sent)."""
        end = time.monotonic() + timeout
        while self.in_flight and time.monotonic() < end:
            time.sleep(0.05)

    def open_sessions(self) -> list[str]:
        return [s["id"] for s in self.sessions.values() if s["status"] == "open"]

    def dashboard_refund(self, payment_intent: str, amount: int) -> dict:
        """Play staff refunding in the Stripe Dashboard (no metadata, no idempotency key)."""
        with self.lock:
            return _copy(self._refund({"payment_intent": payment_intent, "amount": amount})[1])

    def charge(self, payment_intent: str) -> dict:
        """The charge object of an intent, as ``charge.refunded`` carries it (no refund list)."""
        with self.lock:
            intent = self.intents[payment_intent]
            return {
                "id": "ch_" + payment_intent[3:],
                "object": "charge",
                "payment_intent": payment_intent,
                "amount": intent["amount"],
                "amount_refunded": self.refunded_cents(payment_intent),
                "refunded": self.refunded_cents(payment_intent) == intent["amount"],
            }

    def refunded_cents(self, payment_intent: str | None = None) -> int:
        """What Stripe counts as refunded (pending and succeeded), for one intent or all."""
        return sum(
            r["amount"]
            for r in self.refunds.values()
            if r["status"] in ("pending", "succeeded")
            and payment_intent in (None, r["payment_intent"])
        )

    def set_refund_status(self, refund_id: str, status: str) -> dict:
        with self.lock:
            self.refunds[refund_id]["status"] = status
            return _copy(self.refunds[refund_id])

    def open_dispute(self, payment_intent: str, *, reason: str = "fraudulent") -> dict:
        """Play a cardholder disputing the charge; return the dispute object."""
        with self.lock:
            self.counter += 1
            intent = self.intents[payment_intent]
            dispute = {
                "id": f"dp_test_{self.counter}",
                "object": "dispute",
                "amount": intent["amount"],
                "currency": intent["currency"],
                "charge": "ch_" + payment_intent[3:],
                "payment_intent": payment_intent,
                "reason": reason,
                "status": "needs_response",
                "evidence_details": {"due_by": int(time.time()) + 7 * 24 * 3600},
                "created": int(time.time()),
            }
            self.disputes[dispute["id"]] = dispute
            return _copy(dispute)

    def close_dispute(self, dispute_id: str, *, won: bool) -> dict:
        with self.lock:
            self.disputes[dispute_id]["status"] = "won" if won else "lost"
            return _copy(self.disputes[dispute_id])

    # --- the API ------------------------------------------------------------------------
    def handle(self, method: str, path: str, headers: dict, params: dict) -> tuple[int, dict]:
        with self.lock:
            self.requests.append(Recorded(method, path, headers, params))
            key = headers.get("idempotency-key") if method == "POST" else None
            if key and key in self.in_flight:
                return 409, {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "idempotency_key_in_use",
                        "message": "There is currently another in-progress request using "
                        "this Stripe-Idempotency-Key.",
                    }
                }
            if key and key in self.idempotent:
                return self.idempotent[key]
            failure = self.fail_next.pop(0) if self.fail_next else 0
            if failure:
                answer = failure, {"error": {"type": "api_error", "message": "fake outage"}}
            else:
                answer = self._route(method, path, params)
            # Like Stripe, the first answer under a key is kept, errors included.
            if key:
                self.idempotent[key] = answer
            return answer

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        if method == "POST" and path == "/v1/checkout/sessions":
            return 200, self._create_session(params)
        if method == "GET" and path.startswith("/v1/checkout/sessions/"):
            session = self.sessions.get(path.rsplit("/", 1)[1])
            if session is None:
                return 404, {"error": {"type": "invalid_request_error", "message": "No such"}}
            return 200, session
        if (
            method == "POST"
            and path.startswith("/v1/checkout/sessions/")
            and path.endswith("/expire")
        ):
            session = self.sessions.get(path.split("/")[-2])
            if session is None or session["status"] != "open":
                return 400, {
                    "error": {
                        "type": "invalid_request_error",
                        "message": "Only Checkout Sessions with a status of open can be expired.",
                    }
                }
            session["status"] = "expired"
            return 200, session
        if method == "GET" and path == "/v1/checkout/sessions":
            return 200, _page(path, self.sessions.values(), params)
        if method == "GET" and path == "/v1/payment_intents":
            return 200, _page(path, self.intents.values(), params)
        if method == "GET" and path == "/v1/disputes":
            return 200, _page(path, self.disputes.values(), params)
        if method == "GET" and path == "/v1/refunds":
            intent = params.get("payment_intent")
            return 200, _page(
                path,
                [r for r in self.refunds.values() if intent in (None, r["payment_intent"])],
                params,
            )
        if method == "POST" and path == "/v1/refunds":
            return self._refund(params)
        return 404, {"error": {"type": "invalid_request_error", "message": "unknown path"}}

    def _refund(self, params: dict) -> tuple[int, dict]:
        intent = params.get("payment_intent")
        if intent not in self.intents:
            return 400, {"error": {"type": "invalid_request_error", "message": "No such intent"}}
        amount = int(params["amount"])
        if amount > self.intents[intent]["amount"] - self.refunded_cents(intent):
            return 400, {
                "error": {
                    "type": "invalid_request_error",
                    "code": "charge_already_refunded",
                    "message": "Refund amount is greater than the unrefunded amount.",
                }
            }
        self.counter += 1
        refund = {
            "id": f"re_test_{self.counter}",
            "object": "refund",
            "amount": amount,
            "currency": "usd",
            "payment_intent": intent,
            "status": self.refund_status,
            "reason": None,
            "metadata": {
                k[len("metadata[") : -1]: v for k, v in params.items() if k.startswith("metadata[")
            },
            "created": int(time.time()),
        }
        self.refunds[refund["id"]] = refund
        return 200, refund

    def _create_session(self, params: dict) -> dict:
        self.counter += 1
        session_id = f"cs_test_{self.counter}"
        quantity = int(params.get("line_items[0][quantity]", 1))
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params.get("mode"),
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": int(params["line_items[0][price_data][unit_amount]"]) * quantity,
            "currency": params["line_items[0][price_data][currency]"],
            "customer_email": params.get("customer_email"),
            "metadata": {
                k[len("metadata[") : -1]: v for k, v in params.items() if k.startswith("metadata[")
            },
            "payment_intent": None,
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            "expires_at": int(time.time()) + 24 * 3600,
            "created": int(time.time()),
        }
        self.sessions[session_id] = session
        return session

    # --- the server -----------------------------------------------------------------------
    def serve(self, port: int = 0) -> ThreadingHTTPServer:
        """Answer on 127.0.0.1:``port`` (0: any free port) from a thread; return the server."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                url = urlparse(self.path)
                params = dict(parse_qsl(raw or url.query, keep_blank_values=True))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, body = fake.handle(method, url.path, headers, params)
                key = headers.get("idempotency-key") if method == "POST" else None
                with fake.lock:
                    delay = fake.hang_next.pop(0) if fake.hang_next and status != 409 else 0
                    if delay and key:
                        fake.in_flight.add(key)
                if delay:
                    time.sleep(delay)
                    with fake.lock:
                        fake.in_flight.discard(key)
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.send_header("Request-Id", f"req_fake_{len(fake.requests)}")
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out first: that is what the test wanted

            def do_GET(self):
                self._answer("GET")

            def do_POST(self):
                self._answer("POST")

            def log_message(self, format, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return server
