"""A small fake of the Stripe API on 127.0.0.1, enough for the real ``stripe`` SDK.

It implements Checkout Session create/retrieve and refund create, honours ``Idempotency-Key``
as Stripe does (the first answer under a key, even an error, is the answer to every repeat),
records every request, and can be told to answer 500
or to hang (answering only after the client gave up) for the next calls.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    params: dict


@dataclass
class FakeStripe:
    sessions: dict = field(default_factory=dict)
    refunds: dict = field(default_factory=dict)
    idempotent: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)
    fail_next: list = field(default_factory=list)  # HTTP statuses for the next calls
    hang_next: list = field(default_factory=list)  # seconds to wait before answering
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: int = 0

    # --- helpers for tests ------------------------------------------------------------
    def calls(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def complete(self, session_id: str, *, paid: bool = True) -> dict:
        """Play the customer paying on Stripe's page; return the session as Stripe has it."""
        with self.lock:
            session = self.sessions[session_id]
            self.counter += 1
            session.update(
                status="complete",
                payment_status="paid" if paid else "unpaid",
                payment_intent=f"pi_test_{self.counter}",
            )
            return json.loads(json.dumps(session))

    def expire(self, session_id: str) -> dict:
        with self.lock:
            self.sessions[session_id].update(status="expired")
            return json.loads(json.dumps(self.sessions[session_id]))

    # --- the API ------------------------------------------------------------------------
    def handle(self, method: str, path: str, headers: dict, params: dict) -> tuple[int, dict]:
        with self.lock:
            self.requests.append(Recorded(method, path, headers, params))
            key = headers.get("idempotency-key") if method == "POST" else None
            if key and key in self.idempotent:
                return self.idempotent[key]
            if self.fail_next:
                status = self.fail_next.pop(0)
                answer = status, {"error": {"type": "api_error", "message": "fake outage"}}
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
        if method == "POST" and path == "/v1/refunds":
            self.counter += 1
            refund = {
                "id": f"re_test_{self.counter}",
                "object": "refund",
                "amount": int(params["amount"]),
                "currency": "usd",
                "payment_intent": params.get("payment_intent"),
                "status": "succeeded",
            }
            self.refunds[refund["id"]] = refund
            return 200, refund
        return 404, {"error": {"type": "invalid_request_error", "message": "unknown path"}}

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
        }
        self.sessions[session_id] = session
        return session

    # --- the server -----------------------------------------------------------------------
    def serve(self) -> ThreadingHTTPServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                url = urlparse(self.path)
                params = dict(parse_qsl(raw or url.query, keep_blank_values=True))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, body = fake.handle(method, url.path, headers, params)
                with fake.lock:
                    delay = fake.hang_next.pop(0) if fake.hang_next else 0
                if delay:
                    time.sleep(delay)
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

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return server
