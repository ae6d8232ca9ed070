"""How `legis` fails: one exception per exit code, each printed as one line (or one JSON object) by `cli.main`.

The codes are documented in the README's CLI section; scripts rely on them, so they never change meaning:
0 ok, 1 unexpected, 2 usage or invalid input, 3 refused by the draft or the rules, 4 not found, 5 unavailable.
"""

from __future__ import annotations

from enum import IntEnum

from schemas.redaction import tokens_redacted
from schemas.refusal import RefusalKind, Refused


class ExitCode(IntEnum):
    OK = 0
    UNEXPECTED = 1
    INVALID = 2
    REFUSED = 3
    NOT_FOUND = 4
    UNAVAILABLE = 5


class Failure(Exception):
    """A failure the caller can act on; `field` and `rule` name what to correct, as the draft's refusals do.

    The message is a whole sentence and names the field where there is one; the rule is added to it when printed.
    """

    code = ExitCode.UNEXPECTED
    label = "error"
    # The refusal kind (`schemas.refusal.RefusalKind`) a failure of this class is, unless it says otherwise.
    kind_of_class: RefusalKind | None = None

    def __init__(
        self, message: str, *, field: str | None = None, rule: str | None = None, kind: RefusalKind | None = None,
        problems: list[dict] | None = None
    ) -> None:
        # An argument quoted back (an ID that was a whole token pasted) keeps a token's ID only (`schemas.redaction`).
        message = tokens_redacted(message)
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule
        self.kind = RefusalKind(kind) if kind else self.kind_of_class
        self.problems = problems or []

    def line(self) -> str:
        # Told once: a message may already name its rule (among others, for a file with several problems), or quote
        # only another one (a failed start's, within "the draft has ended (...)"), when its own is still told.
        rule = f" (rule: {self.rule})" if self.rule and f"(rule: {self.rule})" not in self.message else ""
        return f"{self.label}: {self.message}{rule}"

    def as_json(self) -> dict:
        body = {"exit_code": int(self.code), "error": self.label, "kind": self.kind.value if self.kind else None, "field": self.field, "rule": self.rule, "message": self.message}
        return body | ({"problems": self.problems} if self.problems else {})


class Invalid(Failure):
    """A usage mistake or input that breaks a rule of its own (a file that is not UTF-8 JSON, a field out of range)."""

    code = ExitCode.INVALID
    label = "invalid"
    kind_of_class = RefusalKind.INVALID


class Rejected(Failure):
    """The draft, a round or the rules refused the message as it stands now."""

    code = ExitCode.REFUSED
    label = "refused"
    # Found by a new user: a refusal that named no kind was `"kind": null` in JSON, which a script reads as an outage (exit 5).
    kind_of_class = RefusalKind.CONFLICT


class NotFound(Failure):
    code = ExitCode.NOT_FOUND
    label = "not found"
    kind_of_class = RefusalKind.NOT_FOUND


class Unavailable(Failure):
    """Temporal, a worker or PostgreSQL did not answer in time, or the draft cannot take the message this moment: the
    same command may succeed later (BUSY, as the API answers 503 and 504)."""

    code = ExitCode.UNAVAILABLE
    label = "unavailable"
    kind_of_class = RefusalKind.BUSY


def from_refusal(refused: Refused) -> Failure:
    """A refusal of the draft core or a round, with the exit code its kind calls for: a draft that cannot take the
    message this moment (BUSY: pinning its rulebook, catching up) is unavailable, as the API answers it 503."""
    kind = {RefusalKind.INVALID: Invalid, RefusalKind.NOT_FOUND: NotFound, RefusalKind.BUSY: Unavailable}.get(refused.kind, Rejected)
    return kind(f"{refused.field}: {refused.message}", field=refused.field, rule=refused.rule, kind=refused.kind)
