"""A draft's page on the board and a public round's page over a long life: each a bounded page, the latest first, saying
where the rest are (found by a breaker: a draft's page listed every dossier version with its whole dossier, 12.8 MB
for 1,500 filings; its timeline stopped at the 1,000th event, its latest steps left out unsaid; a public round's page
held every answer, 13 MB for 400). Through the API's app and a real PostgreSQL (the pages read the registry and the
audit trail)."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import UTC, datetime

from schemas.enums import DocumentKind
from schemas.messages import MAX_REASON
from tests.test_board_forms import app_client, posted_round
from tests.test_board_pages import signed_in


async def _draft(pool, prefix: str) -> str:
    sid = f"{prefix}-{uuid.uuid4().hex[:8]}"
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                       "stage_since, classified, last_seq) VALUES ($1, $2, 'Luật thử', 'BGDDT', 'LAW_2025', '16-2', 'DRAFTING', now(), false, 1)",
                       sid, f"draft-law-{sid}")
    return sid


async def _events(pool, sid: str, rows: list[tuple]) -> None:
    """Events (seq, event, label, documents, version) in the audit trail, as the draft's activity writes them."""
    now = datetime.now(UTC)
    await pool.executemany(
        "INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, actor, agency_code, label, documents, version) "
        "VALUES ($1, $2, $3, $4, $5, 'DRAFTING', 'LEAD_MINISTRY', 'BGDDT', $6, $7, $8)",
        [(sid, seq, f"draft-law-{sid}", now, event, label, json.dumps(documents), version) for seq, event, label, documents, version in rows])


async def _draft_page(pool, sid: str):
    """The draft's board page as an operator reads it, checked under 2 MB (the README's "about 1 MB" and its margin)."""
    async with app_client(pool) as http:
        await signed_in(http, pool, language="en")
        answer = await http.get(f"/board/drafts/{sid}")
    assert answer.status_code == 200, answer.text[-1000:]
    size = len(answer.content)
    assert size < 2 * 1024 * 1024, f"the draft's page is {size / 1024 / 1024:.1f} MB"
    return answer


def _document(kind: DocumentKind, n: int) -> dict:
    return {"kind": kind.value, "name": f"{kind.value} bản {n} ".ljust(300, "x"), "sha256": hashlib.sha256(f"{kind}{n}".encode()).hexdigest()}


async def test_a_drafts_page_with_many_dossier_versions_has_a_fixed_upper_size(pool):
    """A lead ministry files its dossier 1,500 times (a filing is a version; nothing bounds how many a draft holds), the
    first with a document of every kind: the page shows the latest 20 versions, and says how many there are."""
    sid = await _draft(pool, "S40BIG")
    everything = [_document(kind, 0) for kind in DocumentKind]
    rows = [(1, "DOSSIER_FILED", None, everything, 1)]
    rows += [(n, "DOSSIER_FILED", None, [_document(DocumentKind.DRAFT_TEXT, n)], n) for n in range(2, 1501)]
    await _events(pool, sid, rows)
    answer = await _draft_page(pool, sid)
    assert re.findall(r"Version ([0-9]+) ·", answer.text) == [str(n) for n in range(1481, 1501)] and "of 1500 versions" in answer.text


async def test_a_drafts_timeline_shows_its_latest_events_and_links_the_earlier_ones(pool):
    """1,200 events: the page shows the latest (a page of at most 1,000 and about 1 MB), says which, and links the
    earlier ones, whose page links back to the latest."""
    sid = await _draft(pool, "S40LONG")
    await pool.execute("UPDATE submissions SET last_seq = 1200 WHERE submission_id = $1", sid)
    await _events(pool, sid, [(n, "WARNING", f"nhắc việc số {n}", [], None) for n in range(1, 1201)])
    async with app_client(pool) as http:
        await signed_in(http, pool, language="en")
        latest = await http.get(f"/board/drafts/{sid}")
        assert latest.status_code == 200, latest.text[-1000:]
        shown = re.findall(r"nhắc việc số ([0-9]+)<", latest.text)
        assert shown == [str(n) for n in range(201, 1201)] and "Events 201 to 1200 of 1200 recorded." in latest.text
        [earlier] = re.findall(r'<a href="\?before=([0-9]+)">Earlier events</a>', latest.text)
        assert earlier == "201" and "Latest events" not in latest.text
        first = await http.get(f"/board/drafts/{sid}", params={"before": earlier})
        assert re.findall(r"nhắc việc số ([0-9]+)<", first.text) == [str(n) for n in range(1, 201)]
        assert "Earlier events" not in first.text and '<a href="?">Latest events</a>' in first.text
        assert (await http.get(f"/board/drafts/{sid}", params={"before": "x"})).status_code == 422


async def test_a_public_rounds_page_has_an_upper_size_fit_for_the_internet(pool):
    """400 answers, each explained in 20,000 characters (`MAX_EXPLANATION`) quoting the law, every `&` and `<` written as an
    entity: the page holds 50 of them (`tests/test_public_answers.py` reads the others)."""
    sid = await posted_round(pool, "S40ANS", closes_at="now() - interval '1 second'")
    explanation = ("Điều 5 & Điều 6 <khoản 2> " * 1000)[:20_000]
    for n in range(1, 401):
        answer_id = await pool.fetchval("INSERT INTO public_answers (submission_id, round_id, article, response, explanation, official) "
                                        "VALUES ($1, 'cong-khai', $2, 'EXPLAINED', $3, 'Vụ trưởng') RETURNING answer_id", sid, n, explanation)
        await pool.execute("INSERT INTO public_comments (submission_id, round_id, article, body, fingerprint, answer_id) "
                           "VALUES ($1, 'cong-khai', $2, 'Ý kiến', $3, $4)", sid, n, f"{sid}/{n}".encode(), answer_id)
    async with app_client(pool) as http:
        answer = await http.get(f"/public/{sid}/cong-khai")
    assert answer.status_code == 200, answer.text[-1000:]
    size = len(answer.content)
    assert size < 2 * 1024 * 1024, f"the public round's page is {size / 1024 / 1024:.1f} MB with 400 of its up to 2,000 answers"


async def test_a_drafts_page_says_a_postponement_awaits_its_decision_until_it_is_decided(pool):
    """Found by a trial: a request to move the deadline, waiting for the Deputy Prime Minister, showed only as one line of
    the timeline; the page's header says it waits, until it is decided or the draft leaves the stage."""
    sid = await _draft(pool, "S40ASK")
    now = datetime.now(UTC)

    async def event(seq: int, kind: str, to_stage: str = "DRAFTING") -> None:
        await pool.execute("INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, actor, agency_code, "
                           "requested_deadline, documents) VALUES ($1, $2, $3, $4, $5, 'DRAFTING', $6, 'LEAD_MINISTRY', 'BGDDT', '2027-03-01', '[]')",
                           sid, seq, f"draft-law-{sid}", now, kind, to_stage)

    async with app_client(pool) as http:
        await signed_in(http, pool, language="en")
        await event(1, "SUBMITTED")
        assert "awaiting decision" not in (await http.get(f"/board/drafts/{sid}")).text
        await event(2, "POSTPONEMENT_REQUESTED")
        assert "Postponement asked to Mar 1, 2027: awaiting decision" in (await http.get(f"/board/drafts/{sid}")).text
        await event(3, "POSTPONEMENT_DECIDED")
        assert "awaiting decision" not in (await http.get(f"/board/drafts/{sid}")).text
        await event(4, "POSTPONEMENT_REQUESTED")
        await event(5, "DECISION", to_stage="APPRAISAL")
        assert "awaiting decision" not in (await http.get(f"/board/drafts/{sid}")).text


async def test_an_overdue_drafts_page_says_the_rung_of_the_ladder_it_is_on(pool):
    """Found by a trial: which level an overdue draft had been escalated to was to be read in its timeline."""
    sid = await _draft(pool, "S40ESC")
    await pool.execute("UPDATE submissions SET stage_deadline = (now() - interval '20 days')::date WHERE submission_id = $1", sid)
    now = datetime.now(UTC)
    for seq, kind, level in ((1, "SUBMITTED", None), (2, "DEADLINE_PASSED", None), (3, "ESCALATION", "HEAD_OF_AGENCY"), (4, "ESCALATION", "VPCP")):
        await pool.execute("INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, escalation_level, "
                           "documents) VALUES ($1, $2, $3, $4, $5, 'DRAFTING', 'DRAFTING', $6, '[]')", sid, seq, f"draft-law-{sid}", now, kind, level)
    async with app_client(pool) as http:
        await signed_in(http, pool, language="en")
        shown = (await http.get(f"/board/drafts/{sid}")).text
        assert "escalated to the Government Office (VPCP)</strong>" in shown and "escalated to HEAD_OF_AGENCY</strong>" not in shown
        await pool.execute("UPDATE submissions SET stage_deadline = (now() + interval '20 days')::date WHERE submission_id = $1", sid)
        assert "escalated to the Government Office (VPCP)</strong>" not in (await http.get(f"/board/drafts/{sid}")).text  # no longer overdue


async def test_a_timeline_of_quoted_reasons_stays_about_a_megabyte(pool):
    """Found by a breaker: the timeline shows each event's reasons, and the page's budget counted them as stored where the
    page writes them escaped ('"' five bytes): 1,000 reasons of quotes and ampersands made a 4 MB page."""
    sid = await _draft(pool, "S44WHY")
    # Reasons at the message's limit made of what HTML writes as entities (any text a decider may send: quoted clauses,
    # "a" & "b", <...>): 4,000 characters stored, about 18,000 bytes on the page.
    reason = ('"&<>\'' * 800)[:MAX_REASON]
    now = datetime.now(UTC)
    await pool.executemany(
        "INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, actor, agency_code, reasons) "
        "VALUES ($1, $2, $3, $4, 'WARNING', 'DRAFTING', 'LEAD_MINISTRY', 'BGDDT', $5)",
        [(sid, seq, f"draft-law-{sid}", now, reason) for seq in range(1, 1001)])
    shown = (await _draft_page(pool, sid)).text
    # The latest events the page's bytes hold, each with its reasons, and the way to the earlier ones.
    assert 0 < shown.count("Reasons:") < 1000 and "Earlier events" in shown
