"""A round keeps at most `MAX_ROUND_DOCUMENTS` documents from its opinions, so that the result it hands back to its draft
in one signal stays under Temporal's payload limit. Found by a breaker: 160 opinions of 20 documents each, every field
within its bounds, made a result of 3.2 MB; the workflow task that took the compilation (and signalled the result)
failed on every attempt, the round stayed running for ever and its draft waited on it."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

import pytest

from schemas.consultation import (
    MAX_COMMENTS_PER_OPINION,
    MAX_COMMENTS_PER_ROUND,
    MAX_DOCUMENTS,
    MAX_ROUND_DOCUMENTS,
    Answer,
    CompilationSummary,
    ConsultationResult,
    Opinion,
)
from schemas.enums import Actor, ConsultationKind, DocumentKind, EventKind, Role, Stage
from schemas.messages import MAX_CONSULTEES, DocumentRef
from schemas.refusal import Refused
from store import audit
from tests.drafts import compilation, consultation, refusal_of, start_request
from tests.polling import eventually
from tests.scenarios import approve
from workers.worker import create_worker
from workflows import client as drafts
from workflows import round_client
from workflows.admissions import admits_round_documents

# Temporal's payload limit (the server's default `limit.blobSize.error`), and what the result may take of it.
PAYLOAD_LIMIT = 2 * 1024 * 1024
WIDE = "\U0001F4DC"  # four bytes in UTF-8: the longest a character of a name can be


def document(name: str, kind: DocumentKind = DocumentKind.COMMENTS_COMPILATION) -> DocumentRef:
    return DocumentRef(kind=kind, name=name, sha256=hashlib.sha256(name.encode()).hexdigest(), size_bytes=2**62)


def test_the_largest_result_a_round_can_hand_back_stays_well_under_the_payload_limit():
    """Every consultee answered and silent at once, every name at its longest in four-byte characters, every comment ID
    a round takes, and `MAX_ROUND_DOCUMENTS` documents: an upper bound on what the signal carries."""
    now, longest = datetime.now(UTC), document(WIDE * 300)
    answers, ids_left, documents_left = [], MAX_COMMENTS_PER_ROUND, MAX_ROUND_DOCUMENTS
    for i in range(MAX_CONSULTEES):
        ids, documents = min(MAX_COMMENTS_PER_OPINION, ids_left), min(MAX_DOCUMENTS, documents_left)
        ids_left, documents_left = ids_left - ids, documents_left - documents
        answers.append(Answer(consultee=f"A{i:023d}", official=WIDE * 200, at=now, comment_ids=tuple(f"{i:03d}{j:037d}" for j in range(ids)),
                              documents=(longest,) * documents))
    result = ConsultationResult(
        round_id="R" * 40, kind=ConsultationKind.WRITTEN_OPINIONS, opened_at=now, closed_at=now, answers=tuple(answers),
        silent=tuple(f"S{i:023d}" for i in range(MAX_CONSULTEES)), compiled_at=now,
        compilation=CompilationSummary(actor=Actor.LEAD_MINISTRY, agency_code="B" * 24, role=Role.MINISTER, official=WIDE * 200,
                                       accepted=MAX_COMMENTS_PER_ROUND, explained=0, document=longest))
    assert len(result.model_dump_json().encode()) < 0.7 * PAYLOAD_LIMIT


def test_an_opinion_past_the_round_s_documents_is_refused_naming_documents():
    opinion = Opinion(consultee="BTC", official="x", documents=(document("a"), document("b", DocumentKind.DRAFT_TEXT)))
    admits_round_documents(MAX_ROUND_DOCUMENTS - 2, opinion)
    with pytest.raises(Refused) as refused:
        admits_round_documents(MAX_ROUND_DOCUMENTS - 1, opinion)
    assert (refused.value.field, refused.value.rule) == ("documents", "round_documents_bound")
    assert f"it keeps {MAX_ROUND_DOCUMENTS - 1}, and this opinion brings 2" in refused.value.message


async def test_a_round_refuses_the_opinion_past_its_documents_and_hands_its_result_back(time_skipping_env, pool):
    env, client = time_skipping_env, time_skipping_env.client
    request = start_request()
    sid = request.submission_id
    full = MAX_ROUND_DOCUMENTS // MAX_DOCUMENTS
    consultees = tuple(f"B{i:03d}" for i in range(full + 1))
    kinds = list(DocumentKind)[:MAX_DOCUMENTS]

    def opinion(consultee: str, documents: int = MAX_DOCUMENTS) -> Opinion:
        named = tuple(document(f"{consultee} {kind.value} " + "Ệ" * 250, kind) for kind in kinds[:documents])
        return Opinion(consultee=consultee, official=f"Thứ trưởng {consultee}", documents=named)

    task_queue = f"docs-{uuid.uuid4().hex[:8]}"
    async with create_worker(client, pool, task_queue=task_queue):
        with env.with_time_skipping_disabled():
            await drafts.start_submission(client, request, task_queue=task_queue)
            await approve(client, request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME])
            await drafts.open_consultation(client, sid, consultation(request, "big", consultees))
            for consultee in consultees[:full]:
                await round_client.submit_opinion(client, sid, "big", opinion(consultee))
            with pytest.raises(Exception) as refused:
                await round_client.submit_opinion(client, sid, "big", opinion(consultees[full], 1))
            assert refusal_of(refused.value) == ("documents", "round_documents_bound")
            await round_client.submit_opinion(client, sid, "big", opinion(consultees[full], 0))  # its letter in the document system
            assert (await round_client.consultation(client, sid, "big")).closed
            await round_client.compile_round(client, sid, "big", compilation(request))
            status = await eventually(lambda: drafts.status(client, sid), lambda v: not v.open_consultations, seconds=30)
            history = await eventually(lambda: audit.history(pool, sid),
                                       lambda h: bool(h.entries) and h.entries[-1].seq == status.events_recorded)
    assert len([e for e in history.entries if e.event is EventKind.OPINION_RECEIVED]) == len(consultees)
    assert len([e for e in history.entries if e.event is EventKind.CONSULTATION_COMPILED]) == 1
