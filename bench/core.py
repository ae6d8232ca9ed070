"""What a draft's own code costs per lifecycle, outside Temporal: the draft core's steps and the payload conversions
the workflow makes for them, timed one by one over the throughput benchmark's lifecycle (`--only core`)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from activities.rulebook import shipped_working_calendar
from schemas.messages import Decision, StartRequest
from schemas.records import PinnedRules, RecordEventsInput
from schemas.rulebook import load_rulebook
from schemas.state import NEWEST_GENERATION, DraftLawInput
from schemas.views import HistoryEntry
from workflows import draft, sessions
from workflows import draft_views as views
from workflows import search_attributes as sa
from workflows.change import Applied, Record
from workflows.codec import RefusingPayloadConverter

T = TypeVar("T")


def core(lifecycles: int, start_request: Callable[[], StartRequest], decisions: Callable[[StartRequest], list[Decision]],
         say: Callable[[str], None]) -> None:
    say(f"\n## The draft's own code, outside Temporal ({lifecycles} lifecycles, CPU ms per lifecycle)")
    converter = RefusingPayloadConverter()
    spent: Counter[str] = Counter()

    def timed(step: str, work: Callable[[], T]) -> T:
        started = time.process_time()
        done = work()
        spent[step] += time.process_time() - started
        return done

    for i in range(lifecycles):
        request = start_request()
        pinned = pinned_rules(request)
        now = datetime.now(UTC)
        state = timed("open the draft", lambda: draft.open_draft(DraftLawInput(**request.model_dump()), pinned, now, generation=NEWEST_GENERATION)).state
        for made in decisions(request):
            [payload] = converter.to_payloads([made])
            message = timed("decode the decision", lambda: converter.from_payloads([payload], [Decision])[0])
            now += timedelta(minutes=1)
            timed("validate (the update's validator)", lambda: draft.validate(draft.DECIDE, state, message, now, f"{i}-{made.stage}"))
            applied = timed("perform (the handler, once the validator passed)", lambda: draft.perform(draft.DECIDE, state, message, now, f"{i}-{made.stage}", checked=True))
            state = applied.state
            timed("encode the receipt", lambda: converter.to_payloads([applied.receipt]))
            timed("Web UI details", lambda: views.details(state))
            timed("search attributes", lambda: sa.describing(**views.visibility(state)))
            row = timed("registry row and cut-offs", lambda: views.registry_row(state, "bench"))
            cutoffs = timed("registry row and cut-offs", lambda: sessions.registry_cutoffs(state))
            entries = recorded(applied)
            if entries:
                timed("encode the audit batch", lambda: converter.to_payloads([RecordEventsInput(entries=entries, registry=row, cutoffs=cutoffs)]))
    for step, seconds in spent.most_common():
        say(f"{step:>36}: {seconds / lifecycles * 1000:.2f}")
    say(f"{'all':>36}: {sum(spent.values()) / lifecycles * 1000:.2f}")


def pinned_rules(request: StartRequest) -> PinnedRules:
    """What a new draft's pin gives it in the benchmarks: its rulebook and the shipped working calendar, no sessions."""
    return PinnedRules(rulebook=load_rulebook(request.process_version), working=shipped_working_calendar())


def recorded(applied: Applied) -> tuple[HistoryEntry, ...]:
    """The audit events a step of the core gives to write."""
    return tuple(effect.entry for effect in applied.effects if isinstance(effect, Record))
