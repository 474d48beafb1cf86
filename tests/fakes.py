"""Fakes of the outside world for the tests: Twilio's REST API over HTTP, an SMTP server.

Our code talks to them through the real clients (the `twilio` library, `smtplib`); only the far
end is ours. Each fake runs on 127.0.0.1 in a thread of the test process and is a context manager
that stops it cleanly.
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import secrets
import socket
import threading
from collections import Counter
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller

TWILIO_ERRORS = {
    21211: (400, "Invalid 'To' Phone Number"),
    20003: (401, "Authenticate"),
    20429: (429, "Too Many Requests"),
    20500: (500, "Internal Server Error"),
}
ERROR_FOR_STATUS = {400: 21211, 401: 20003, 429: 20429}


def free_port() -> int:
    """A TCP port of 127.0.0.1 on which nothing listens (at the time of asking)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class TwilioRequest:
    method: str
    path: str
    auth: tuple[str, str] | None
    form: dict[str, str]
    sid: str | None  # the message sid answered, when the request succeeded


class FakeTwilio:
    """Twilio's `POST /2010-04-01/Accounts/{sid}/Messages.json`, with basic authentication.

    `fail_next(n, status=500)` makes the next `n` valid requests fail with Twilio's error JSON
    (`status=400` answers code 21211, "Invalid 'To' Phone Number"; 429 code 20429; others
    code 20500).
    """

    def __init__(self, account_sid: str = "AC" + "0" * 32, auth_token: str = "fake-auth-token"):
        self.account_sid, self.auth_token = account_sid, auth_token
        self.requests: list[TwilioRequest] = []
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeTwilio:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def fail_next(self, count: int = 1, status: int = 500) -> None:
        with self._lock:
            self._failures.extend([status] * count)

    @property
    def sent(self) -> list[TwilioRequest]:
        """The requests that Twilio accepted (answered 201)."""
        with self._lock:
            return [r for r in self.requests if r.sid]

    def bodies(self) -> Counter:
        """How many times each body was accepted."""
        return Counter(r.form.get("Body") for r in self.sent)

    # -- the server's side -------------------------------------------------------------------

    def _answer(self, method: str, path: str, headers, raw: bytes) -> tuple[int, dict]:
        auth = _basic_auth(headers.get("Authorization", ""))
        form = {key: values[0] for key, values in parse_qs(raw.decode()).items()}
        request = TwilioRequest(method, path, auth, form, None)
        with self._lock:
            self.requests.append(request)
        expected = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        if auth != (self.account_sid, self.auth_token):
            return _twilio_error(20003)
        if method != "POST" or path != expected:
            return 404, {
                "code": 20404,
                "message": "The requested resource was not found",
                "status": 404,
                "more_info": "https://www.twilio.com/docs/errors/20404",
            }
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            return _twilio_error(ERROR_FOR_STATUS.get(failure, 20500), status=failure)
        request.sid = "SM" + secrets.token_hex(16)
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{request.sid}"
        now = formatdate(usegmt=True)
        return 201, {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": form.get("Body"),
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": form.get("From"),
            "messaging_service_sid": None,
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": request.sid,
            "status": "queued",
            "subresource_uris": {"media": f"{uri}/Media.json"},
            "to": form.get("To"),
            "uri": f"{uri}.json",
        }

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            # HTTP/1.0: one request per connection, so the client keeps no socket open.
            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, payload = fake._answer(self.command, self.path, self.headers, raw)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle

            def log_message(self, *_args):
                pass

        return Handler


def _basic_auth(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    user, _, password = base64.b64decode(encoded).decode().partition(":")
    return user, password


def _twilio_error(code: int, status: int | None = None) -> tuple[int, dict]:
    default_status, message = TWILIO_ERRORS[code]
    status = status or default_status
    return status, {
        "code": code,
        "message": message,
        "status": status,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
    }


class FakeSmtp:
    """An SMTP server (aiosmtpd) that keeps what it receives as parsed `EmailMessage`s."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"

    def __enter__(self) -> FakeSmtp:
        self._controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._controller.stop()
