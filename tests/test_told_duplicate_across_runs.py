"""Found by a breaker of a draft's long life: a message sent once is answered "already applied" (`duplicate`).

Messages sent at once to a draft whose runs continue as new (here every 40 events, as a long-lived draft's run does after
thousands) are each applied once, but some of their callers are told `duplicate`: the receipt of a message "sent again",
though each was sent once and `workflows.client.send` saw no error (no RPCError reached it). In the runs' histories the
same update ID is accepted and completed twice, in one run (where it was applied) and in the next (where the draft,
remembering the request, answers it as a duplicate): Temporal's client re-sent the update under its own ID after the
run continued as new, and the draft answers its own update, delivered again, as another caller's. The CLI then prints
"already applied: event #N", the API `"duplicate": true`; of two callers sending one request ID at once, both can be told
`duplicate` and neither "applied" (seen with 60 request IDs sent twice at once: 4 to 8 such pairs a run).

README, "A draft's long life", Idempotency across runs: "sent again, the message is not applied twice and the first
receipt comes back marked `duplicate`"; "of callers sending one request ID at once ... the draft tells one 'applied' and
the others `duplicate`"; `workflows/client.py`: "An update that reaches a run as it continues as new is aborted
unapplied: it is sent again, under the same ID." (it was applied).
"""

from __future__ import annotations

import asyncio
import hashlib

from schemas.enums import DocumentKind, Stage
from schemas.messages import DocumentRef, DossierFiling
from store import audit
from tests.across_runs import at_drafting, taken
from tests.drafts import draft_text
from tests.polling import eventually
from workflows import client as drafts

S = Stage
AT_ONCE = 60
WAVES = 4


def _filing(base: DossierFiling, i: int) -> DossierFiling:
    return base.model_copy(update={"documents": (DocumentRef(kind=DocumentKind.DRAFT_TEXT, name=f"Dự thảo v{i}",
                                                               sha256=hashlib.sha256(str(i).encode()).hexdigest()),)})


async def test_a_message_sent_once_is_never_answered_as_a_duplicate_across_runs(short_history_env, pool):
    async with at_drafting(short_history_env, pool, "once") as (client, request):
        sid = request.submission_id
        base = draft_text(request)
        told_duplicate: list[str] = []
        for wave in range(WAVES):
            numbers = range(wave * AT_ONCE, (wave + 1) * AT_ONCE)
            # Each message sent once, without a request ID (under one, the same happens; sixty at once, though, fill the
            # server's buffer of the queries `send` asks first).
            receipts = await asyncio.gather(*(taken(lambda i=i: drafts.file_dossier(client, sid, _filing(base, i))) for i in numbers))
            told_duplicate += [f"#{i} (event {r.first_seq})" for i, r in zip(numbers, receipts, strict=True) if r.duplicate]
        # Nothing was lost or doubled: every filing is in the audit trail once.
        trail = await eventually(lambda: audit.history(pool, sid), lambda h: len(h.entries) >= 3 + WAVES * AT_ONCE)
        assert len({e.seq for e in trail.entries}) == len(trail.entries) == 3 + WAVES * AT_ONCE
        assert not told_duplicate, (f"{len(told_duplicate)} of {WAVES * AT_ONCE} messages, each sent once, were answered as "
                                    f"duplicates (\"already applied\"): {told_duplicate}")
