"""A webhook receiver on 127.0.0.1 for the tests and the history recorder: it records every request and answers
with the statuses it is given, in turn."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
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
    """A receiver that fails every event of some drafts (`server.failing`, their submission IDs: its handler for them
    broken) and takes the rest: answering 503, or, with `server.hangs` seconds, answering nothing that long, or with
    `server.drops` closing the connection unanswered (its process crashed on that payload, a proxy reset it); with
    `server.slow` seconds, every answer comes that late."""

    def do_POST(self) -> None:  # noqa: N802
        server = self.server
        body = self.rfile.read(int(self.headers["Content-Length"]))
        failing = self.headers["Idempotency-Key"].rpartition(":")[0] in server.failing
        hangs, drops = getattr(server, "hangs", 0.0), getattr(server, "drops", False)
        time.sleep(getattr(server, "slow", 0.0))
        status = (0 if hangs or drops else 503) if failing else 204
        with server.lock:
            server.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body, status))
        if failing and drops:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if failing and hangs:
            time.sleep(hangs)
            return
        self.send_response(status)
        self.end_headers()


@contextlib.contextmanager
def silent_listener(host: str = RECEIVER_HOST) -> Iterator[tuple[int, list[socket.socket]]]:
    """A port that takes every connection and answers nothing (a hung receiver, a stopped PostgreSQL), until the block
    ends: the port, and the connections it has taken."""
    listener = socket.socket()
    listener.bind((host, 0))
    listener.listen(64)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1], held
    finally:
        listener.close()
        for connection in held:
            connection.close()
