"""uvicorn's HTTP protocol (httptools, which uvicorn takes when it is installed), answering a request it cannot parse as
every route answers a refusal: a problem naming its rule, with a request ID and an access line (found by a breaker: a path
sent in raw UTF-8, `GET /v1/submissions/BGDĐT-1` as curl sends it, and a request line over 64 KB, were answered
"Invalid HTTP request received." in text/plain, with neither)."""

from __future__ import annotations

import uuid

import structlog
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.problems import HARDENING, problem, problem_body
from schemas.refusal import RefusalKind, Refused

access_log = structlog.get_logger("legis.access")
RULE = "http_request_valid"


class ProblemHttpTools(HttpToolsProtocol):
    def send_400_response(self, msg: str) -> None:
        request_id = uuid.uuid4().hex
        # The parser says no more than that it failed: what HTTP asks of each part is said, the headers' too (found by a
        # fuzzer: Content-Length given twice was told of the path alone).
        body = problem_body(problem(Refused("request", RULE, f"the request is not HTTP this server reads ({msg}): a path and a query are "
                                                             "written in ASCII, other characters percent-encoded (BGD%C4%90T-1 for "
                                                             "BGDĐT-1), a request line is at most 64 KB, and each header is a name, a "
                                                             "colon and a value of visible characters on one line, Content-Length "
                                                             "given once and never beside Transfer-Encoding", RefusalKind.INVALID)))
        head = [b"HTTP/1.1 400 Bad Request\r\n", *(name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers),
                b"content-type: application/problem+json\r\n", b"content-length: %d\r\n" % len(body),
                *(name + b": " + value + b"\r\n" for name, value in HARDENING),
                b"x-request-id: " + request_id.encode() + b"\r\n", b"connection: close\r\n\r\n"]
        self.transport.write(b"".join(head) + body)
        self.transport.close()
        access_log.info("request", status=400, rule=RULE, request_id=request_id)
