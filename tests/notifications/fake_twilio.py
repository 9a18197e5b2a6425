"""A small fake of Twilio's Messages API on 127.0.0.1, enough for the real ``twilio`` SDK.

It accepts ``POST /2010-04-01/Accounts/<sid>/Messages.json`` (form data, basic auth), records
each message and answers like Twilio, refusing (21610) a number that replied STOP, as Twilio
does with its own opt-out list.
"""

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse


@dataclass
class FakeTwilio:
    account_sid: str
    auth_token: str
    sent: list = field(default_factory=list)
    blocked: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, number: str) -> list[dict]:
        return [m for m in self.sent if m["To"] == number]

    def handle(self, method: str, path: str, headers: dict, params: dict) -> tuple[int, dict]:
        expected = (
            "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        )
        if headers.get("authorization") != expected:
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        if method != "POST" or path != f"/2010-04-01/Accounts/{self.account_sid}/Messages.json":
            return 404, {"code": 20404, "message": "not found", "status": 404}
        with self.lock:
            if params.get("To") in self.blocked:
                return 400, {
                    "code": 21610,
                    "message": "Attempt to send to unsubscribed recipient",
                    "status": 400,
                }
            sid = f"SM{len(self.sent) + 1:032d}"
            self.sent.append({**params, "sid": sid})
        return 201, {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": params.get("To"),
            "from": params.get("From"),
            "messaging_service_sid": params.get("MessagingServiceSid"),
            "body": params.get("Body"),
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }

    def serve(self) -> ThreadingHTTPServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                url = urlparse(self.path)
                params = dict(parse_qsl(raw, keep_blank_values=True))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, body = fake.handle("POST", url.path, headers, params)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return server
