"""The lines a module's logger is asked to write, caught where the module holds its logger: unlike structlog's
`capture_logs`, whatever another test has configured (a logger cached on first use is not intercepted by it)."""

from __future__ import annotations


class LogLines(list):
    """Set as a module's `log` (monkeypatch): each call of a level's method is kept as the event and its fields."""

    def _line(self, event: str, **fields: object) -> None:
        self.append({"event": event, **fields})

    debug = info = warning = error = exception = _line
