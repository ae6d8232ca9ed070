"""A webhook receiver on 127.0.0.1 for the tests and the history recorder: it records every request and answers
with the statuses it is given, in turn."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.stack import RECEIVER_HOST


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int


# An answer that keeps the request waiting, unanswered, until the receiver is released (or for STALL_SECONDS).
STALL = 0
STALL_SECONDS = 60.0


class Receiver(ThreadingHTTPServer):
    """Records every request; answers with the statuses of `answers` in turn (302 sends to `location`, STALL none), then 204."""

    def __init__(self, answers: list[int], location: str = "/moved") -> None:
        self.answers = answers
        self.location = location
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.released = threading.Event()
        super().__init__((RECEIVER_HOST, 0), Handler)

    def url(self, host: str = RECEIVER_HOST, scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.server_address[1]}/hook"

    def taken(self) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.status == 204]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
        server: Receiver = self.server  # type: ignore[assignment]
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with server.lock:
            status = server.answers.pop(0) if server.answers and self.path == "/hook" else 204
            server.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body, status))
        if status == STALL:
            server.released.wait(STALL_SECONDS)
            return
        self.send_response(status)
        if status == 302:
            self.send_header("Location", server.location)
        self.end_headers()

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


class FailsOneDraft(Handler):
    """A receiver that answers 503 to every event of one draft (its handler for that draft is broken) and takes the rest."""

    def do_POST(self) -> None:  # noqa: N802
        server = self.server
        body = self.rfile.read(int(self.headers["Content-Length"]))
        failing = self.headers["Idempotency-Key"].startswith(server.failing + ":")
        status = 503 if failing else 204
        with server.lock:
            server.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body, status))
        self.send_response(status)
        self.end_headers()
