"""The public's comments on a posted draft, in PostgreSQL: taken in, grouped by article, answered, totalled.

A comment is taken in one statement that also checks the round: known, its draft not classified, its window open.
A repeated submission (the same sender, article and text) finds the row it made the first time. The sender is known
only by a keyed hash of the client's address (`sender_hash`), never by the address.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from schemas.consultation import ConsultationView
from schemas.enums import Response, Stage
from schemas.messages import DocumentRef
from schemas.public import (
    ArticleGroup,
    ArticleGroups,
    GroupAnswer,
    GroupAnswered,
    PublicAnswerView,
    PublicComment,
    PublicCommentReceipt,
    PublicCommentRow,
    PublicRoundInput,
    PublicTally,
    PublicTotals,
)
from schemas.refusal import RefusalKind, Refused
from store import audit, held, registry
from store.intake import Incoming, take_many
from workflows.codec import KeyRing
from workflows.sessions import last_day_of

# Answers a page of them holds at most (one per article group, or per single comment answered alone; each explanation up to
# 20,000 characters): a round may have thousands, read a page at a time.
ANSWERS_PER_PAGE = 50


def sender_key(ring: KeyRing | None) -> bytes:
    """The key of the senders' hashes: derived from the payload keys (`KeyRing.derived`), which every API process holds
    and no database does, so that the fingerprints PostgreSQL keeps do not give back an address to whoever reads it (found
    by the public's trial: the key stood in the same database, and trying the addresses of a /24 found a commenter's at
    once). Without payload keys (a client that seals nothing), a key of this process alone."""
    return ring.derived(b"legis public senders") if ring is not None else secrets.token_bytes(32)


def sender_hash(key: bytes, address: str, browser: str | None = None) -> bytes:
    """32 bytes: the client's address, and the browser's form cookie where the comment came by the public page, so that
    people behind one shared address (a mobile network's, a school's) sending the same words are each counted, and one
    browser sending its form again is counted once."""
    return hmac.new(key, address.encode() if browser is None else f"{address}\x00{browser}".encode(), hashlib.sha256).digest()


def fingerprint(submission_id: str, round_id: str, sender: bytes, comment: PublicComment) -> bytes:
    """32 bytes, equal for the same sender, article and text in the same round (spaces around the text do not count) and
    never across rounds, so that the fingerprint alone finds a repeat (`store.intake`). Migration roundfingerprintv26
    computes it in SQL from the round and the fingerprint stored before it (the hash of sender, article and text)."""
    said = hashlib.sha256(sender + f"{comment.article or 0}\x00{comment.text.strip()}".encode()).digest()
    return hashlib.sha256(hashlib.sha256(submission_id.encode()).digest() + hashlib.sha256(round_id.encode()).digest() + said).digest()


async def take(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, round_id: str, comment: PublicComment,
               sender: bytes) -> PublicCommentReceipt:
    """Store a comment, or find it again when it is a repeat (alone; the API takes them in groups, `store.intake`).
    Refused (`Refused`) when the round is unknown, its draft is classified, its window is closed or the article is past
    the draft's last."""
    [outcome] = await take_many(db, [Incoming(submission_id, round_id, comment, fingerprint(submission_id, round_id, sender, comment))])
    if isinstance(outcome, Refused):
        raise outcome
    return outcome


async def why_refused(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, round_id: str, article: int | None) -> Refused | None:
    """Why a comment was not taken, as the round stands now; None when nothing refuses it now (the round registered
    after the statement that refused it began: a comment sent the moment its round opened, found by a fresh-user trial
    told "the posted draft has articles 1 to None")."""
    row = await db.fetchrow(
        f"SELECT r.closes_at, r.closed_at, r.articles, s.classified, s.ended IS NOT NULL OR s.stage IN {registry.FINAL_STAGES} AS ended, "
        "now() AS now FROM public_rounds r JOIN submissions s USING (submission_id) WHERE r.submission_id = $1 AND r.round_id = $2",
        submission_id, round_id)
    if row is None or row["classified"]:
        return await unknown_round(db, submission_id, round_id)
    # A draft withdrawn, rejected or ended takes no more comments, before its round's own close comes (found by a public trial).
    if row["closed_at"] is not None or row["now"] >= row["closes_at"] or row["ended"]:
        return Refused("round_id", "round_closed", "the consultation window is closed", RefusalKind.CLOSED)
    if article is not None and row["articles"] is not None and article > row["articles"]:
        return Refused("article", "article_in_draft", f"the posted draft has articles 1 to {row['articles']}", RefusalKind.INVALID)
    return None


async def registered(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, round_id: str, *, within: float) -> bool:
    """Whether a public round is registered (it takes comments), waiting up to `within` seconds for its round to do it: the
    draft answers its opening before the round's first task registers it (a fresh-user trial's comment, sent on the
    answer, found no round)."""
    deadline = asyncio.get_running_loop().time() + within
    while not await db.fetchval("SELECT true FROM public_rounds WHERE submission_id = $1 AND round_id = $2", submission_id, round_id):
        if asyncio.get_running_loop().time() >= deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def register(db: asyncpg.Pool | asyncpg.Connection, round_: PublicRoundInput) -> None:
    """A PUBLIC_POSTING round opens; registering it again (a retried activity) changes nothing."""
    await db.execute(
        "INSERT INTO public_rounds (submission_id, round_id, lead_ministry, opened_at, closes_at, articles) VALUES ($1, $2, $3, $4, $5, $6) "
        "ON CONFLICT (submission_id, round_id) DO NOTHING",
        round_.submission_id, round_.round_id, round_.lead_ministry, round_.opened_at, round_.closes_at, round_.articles)


async def close(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, round_id: str) -> PublicTotals:
    """The window closed: no comment is taken after this; the totals (the same when asked again)."""
    await db.execute("UPDATE public_rounds SET closed_at = coalesce(closed_at, now()) WHERE submission_id = $1 AND round_id = $2",
                     submission_id, round_id)
    row = await db.fetchrow(
        "SELECT count(*) AS comments, count(DISTINCT article) AS articles, count(*) FILTER (WHERE article IS NULL) AS whole_draft "
        "FROM public_comments WHERE submission_id = $1 AND round_id = $2", submission_id, round_id)
    return PublicTotals(**dict(row))


_GROUPS = """
SELECT article, count(*) AS comments, count(*) FILTER (WHERE answer_id IS NULL) AS unanswered
FROM public_comments WHERE submission_id = $1 AND round_id = $2 GROUP BY article ORDER BY article NULLS FIRST
"""


async def groups(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, round_id: str) -> ArticleGroups | None:
    """The round's comments grouped by article, with how many still need an answer; None for no such public round."""
    closed = await db.fetchval("SELECT closed_at IS NOT NULL OR now() >= closes_at FROM public_rounds WHERE submission_id = $1 AND round_id = $2",
                               submission_id, round_id)
    if closed is None:
        return None
    rows = await db.fetch(_GROUPS, submission_id, round_id)
    return ArticleGroups(submission_id=submission_id, round_id=round_id, closed=closed,
                         groups=tuple(ArticleGroup(**dict(row)) for row in rows))


_COMMENTS = """
FROM public_comments WHERE submission_id = $1 AND round_id = $2 AND ($3::integer IS NULL OR article = $3) AND (NOT $4 OR article IS NULL)
"""


async def comments(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, round_id: str, *, article: int | None, whole_draft: bool,
                   after: int | None, size: int) -> tuple[list[PublicCommentRow], int | None, int] | None:
    """A page of the round's comments in the order they were taken (of one article, or on the draft as a whole, if
    asked), the number to continue after (if any) and how many match in all; None for no such public round."""
    if await db.fetchval("SELECT true FROM public_rounds WHERE submission_id = $1 AND round_id = $2", submission_id, round_id) is None:
        return None
    chosen = (submission_id, round_id, article, whole_draft)
    rows = await db.fetch(f"SELECT comment_id, article, body AS text, received_at, answer_id IS NOT NULL AS answered {_COMMENTS} "
                          "AND ($5::bigint IS NULL OR comment_id > $5) ORDER BY comment_id LIMIT $6", *chosen, after, size + 1)
    found = [PublicCommentRow(**dict(row)) for row in rows[:size]]
    return found, found[-1].comment_id if len(rows) > size else None, await db.fetchval(f"SELECT count(*) {_COMMENTS}", *chosen)


async def answer(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, round_id: str, given: GroupAnswer) -> GroupAnswered:
    """Answer every comment of the group not yet answered (a comment answered alone before keeps its answer).
    Refused while the window is open, and for a group with nothing left to answer."""
    async with held(db) as connection, connection.transaction():
        state = await connection.fetchrow(
            f"SELECT r.closes_at, r.closed_at, now() >= r.closes_at AS window_ended, r.compiled_at, s.stage, s.ended, "
            f"{_round_ended_at('r')} IS NOT NULL AS round_ended FROM public_rounds r "
            "JOIN submissions s USING (submission_id) WHERE r.submission_id = $1 AND r.round_id = $2 FOR UPDATE OF r", submission_id, round_id)
        if state is None:
            raise await unknown_round(connection, submission_id, round_id)
        if state["stage"] in (Stage.WITHDRAWN.value, Stage.REJECTED.value) or state["ended"] is not None:
            # Its public page says no answer will come (found by a new user: an answer then read "accepted" beside it).
            ended = state["ended"] or state["stage"]
            raise Refused("submission_id", "draft_closed", f"the draft has ended ({ended}): its round takes no answers", RefusalKind.CLOSED)
        if state["round_ended"]:
            raise Refused("round_id", "round_closed", "the draft recorded this round cancelled or lost: it will not be compiled, and takes "
                          "no answers", RefusalKind.CLOSED)
        # Past the window's end no comment is taken (`why_refused`), though the round's workflow has not run its close yet
        # (a worker down or lagging): its comments are all in (found by a public trial: told it "takes comments until" a
        # day already past).
        if state["closed_at"] is None and not state["window_ended"]:
            # Said with the window's last day (found by a ministry's trial: it said no date).
            raise Refused("round_id", "round_still_open", "comments are answered once the window has closed: it takes comments until the end of "
                          f"{last_day_of(state['closes_at'])} (Ha Noi)", RefusalKind.CONFLICT)
        if state["compiled_at"] is not None:
            raise Refused("round_id", "compiled_once", "the round is already compiled", RefusalKind.CLOSED)
        # An answer to one comment is read under that comment's article (found by a trial: the public's page listed it
        # under the draft as a whole, and the article the citizen commented on showed none).
        article = given.article if given.comment_id is None else await connection.fetchval(
            "SELECT article FROM public_comments WHERE submission_id = $1 AND round_id = $2 AND comment_id = $3",
            submission_id, round_id, given.comment_id)
        answer_id = await connection.fetchval(
            "INSERT INTO public_answers (submission_id, round_id, article, response, explanation, official) "
            "VALUES ($1, $2, $3, $4, $5, $6) RETURNING answer_id",
            submission_id, round_id, article, given.response.value, given.explanation, given.official)
        if given.comment_id is not None:
            target, argument = "comment_id = $4", given.comment_id
        elif given.whole_draft:
            target, argument = "article IS NULL AND $4::integer IS NULL", None
        else:
            target, argument = "article = $4", given.article
        done = await connection.execute(
            f"UPDATE public_comments SET answer_id = $3 WHERE submission_id = $1 AND round_id = $2 AND answer_id IS NULL AND {target}",
            submission_id, round_id, answer_id, argument)
        answered = int(done.rsplit(" ", 1)[1])
        if answered == 0:
            if given.comment_id is not None:  # named by its number: the number is what is wrong (found by a new user)
                raise Refused("comment_id", "unanswered_comments_only", f"no comment {given.comment_id} of round {round_id} is waiting for an "
                              "answer (answered already, or a comment of another round)", RefusalKind.CONFLICT)
            raise Refused("whole_draft" if given.whole_draft else "article", "unanswered_comments_only",
                          "no comment of this group is waiting for an answer", RefusalKind.CONFLICT)
        # Counted once, at the round's first answer, then kept (the round's row is held, and a closed round takes no more
        # comments): counted at every answer, a round of a million read it all for each of its hundred-odd answers.
        left = await connection.fetchval(
            "UPDATE public_rounds SET unanswered = CASE WHEN unanswered IS NULL THEN (SELECT count(*) FROM public_comments "
            "WHERE submission_id = $1 AND round_id = $2 AND answer_id IS NULL) ELSE unanswered - $3 END "
            "WHERE submission_id = $1 AND round_id = $2 RETURNING unanswered", submission_id, round_id, answered)
    return GroupAnswered(answer_id=answer_id, answered=answered, unanswered=left)


async def tally(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, round_id: str) -> PublicTally:
    """How the comments were answered; counted again gives the same figures once the round is closed."""
    row = await db.fetchrow(
        "SELECT count(*) FILTER (WHERE a.response = 'ACCEPTED') AS accepted, count(*) FILTER (WHERE a.response = 'EXPLAINED') AS explained, "
        "count(*) FILTER (WHERE c.answer_id IS NULL) AS unanswered "
        "FROM public_comments c LEFT JOIN public_answers a USING (answer_id) WHERE c.submission_id = $1 AND c.round_id = $2",
        submission_id, round_id)
    return PublicTally(**dict(row))


async def check_answered(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, view: ConsultationView) -> None:
    """Before a compilation, asked by the API and the CLI alike: raises Refused (CONFLICT, `responses`,
    `public_comments_answered`) while a closed public posting (`view`, the round's own) holds comments of the public with no
    answer; the lead ministry answers them by article first (`POST .../answers`)."""
    if not (view.public_comments_in_postgresql and view.closed):
        return
    if unanswered := (await tally(db, submission_id, view.round_id)).unanswered:
        raise Refused("responses", "public_comments_answered", f"{unanswered} comments of the public have no answer yet: answer them by "
                      "article (legis consult answer; POST .../answers) before the compilation", RefusalKind.CONFLICT)


async def compiled(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, round_id: str) -> PublicTally:
    """The lead ministry compiled the round: no answer changes after this; the final tally."""
    await db.execute("UPDATE public_rounds SET compiled_at = coalesce(compiled_at, now()) WHERE submission_id = $1 AND round_id = $2",
                     submission_id, round_id)
    return await tally(db, submission_id, round_id)


@dataclass(frozen=True)
class PublicRound:
    """A public round as its page shows it; only rounds of drafts that are not classified exist here."""

    submission_id: str
    round_id: str
    title: str
    lead_ministry: str
    opened_at: datetime
    closes_at: datetime
    closed: bool
    comments: int
    draft_ended: bool = False
    # Closed before its window's end (its draft withdrawn, rejected or ended): when.
    closed_early_at: datetime | None = None
    # Its draft recorded it cancelled or lost (its workflow ended without its result): no compilation, no answer, will come.
    round_ended: bool = False
    # The posted draft's articles, where its posting gave them: a comment on a later one is refused.
    articles: int | None = None


def _round_ended_at(row: str) -> str:
    """SQL: when the draft of public round `row` (an alias of `public_rounds`) recorded the round cancelled or lost (its
    label begins "round <ID> ": `workflows.rounds`), or NULL: no compilation will come then (found by a breaker: the page
    promised answers, and the lead ministry could give some)."""
    return (f"(SELECT min(a.occurred_at) FROM audit_events a WHERE a.submission_id = {row}.submission_id AND a.event IN "
            f"('CONSULTATION_CANCELLED', 'CONSULTATION_LOST') AND split_part(substr(a.label, 7), ' ', 1) = {row}.round_id)")


_ROUNDS = f"""
-- The lead ministry the registry holds now: a round opened before ministries merged names the merged one.
SELECT r.submission_id, r.round_id, s.title, s.lead_ministry, r.opened_at, r.closes_at, r.articles,
       -- A draft at a final stage, or whose workflow ended outside its rules (terminated, say), takes no more comments.
       -- Nor a round its draft recorded cancelled, while the round closes its registration.
       (r.closed_at IS NOT NULL OR now() >= r.closes_at OR NOT {registry.OPEN} OR ended.at IS NOT NULL) AS closed,
       -- At a final stage (its rounds cancelled) or ended outside its rules: its round will get no answers; a law promulgated
       -- after its lead ministry answered ended with them (found by a public trial: "withdrawn or ended before its answers").
       NOT {registry.OPEN} AND NOT (s.stage = 'PROMULGATED' AND EXISTS (
           SELECT 1 FROM public_answers a WHERE a.submission_id = r.submission_id AND a.round_id = r.round_id)) AS draft_ended,
       -- Or when its draft recorded it cancelled or lost (found by a breaker: "closed at the end of" a day still to come).
       CASE WHEN least(r.closed_at, s.ended_at, ended.at) < r.closes_at THEN least(r.closed_at, s.ended_at, ended.at) END AS closed_early_at,
       ended.at IS NOT NULL AS round_ended
-- The round's end its draft recorded, read once for the three columns that say it.
FROM public_rounds r JOIN submissions s USING (submission_id) CROSS JOIN LATERAL (SELECT {_round_ended_at('r')} AS at) ended
WHERE NOT s.classified AND s.title IS NOT NULL
"""


# Rounds listed a page at most (the public list and `GET /v1/public/consultations`).
PUBLIC_LIST_PAGE = 200


@dataclass(frozen=True)
class ListedAfter:
    """Where a page of the public list ends: the last round's place in its order (closed, the instant it closed or closes,
    submission, round)."""

    closed: bool
    ends_at: datetime
    submission_id: str
    round_id: str


async def public_rounds(db: asyncpg.Pool | asyncpg.Connection, *, after: ListedAfter | None = None,
                        limit: int = PUBLIC_LIST_PAGE) -> tuple[list[PublicRound], bool]:
    """Rounds open now first, then the latest closed ones (whose answers the public reads), at most `limit` after `after`;
    and whether more follow (found by a public trial: past the first 200, a closed round's answers could no longer be found
    from the list). A page starts after the place the last one ended, not after a count: a round that closes meanwhile
    moves on among the closed, and no other is passed over (found by a breaker: an offset skipped the round it passed)."""
    # Open ones first by the same test as each round's `closed` (found by a breaker: a withdrawn draft's round among the open).
    # The closed ones by when they closed, early or at their window's end (found by the public's trial: a round closed early
    # five days ago was listed before one closed yesterday).
    place = (after.closed, after.ends_at, after.submission_id, after.round_id) if after else (None, None, None, None)
    rows = await db.fetch(
        f"SELECT * FROM (SELECT *, coalesce(closed_early_at, closes_at) AS ends_at FROM ({_ROUNDS}) rounds) listed "
        "WHERE $1::boolean IS NULL OR closed > $1 OR closed = $1 AND (ends_at < $2 OR ends_at = $2 "
        "AND (submission_id, round_id) > ($3::text, $4::text)) ORDER BY closed, ends_at DESC, submission_id, round_id LIMIT $5", *place, limit + 1)
    more, rows = len(rows) > limit, rows[:limit]
    counts = await comment_counts(db, [(row["submission_id"], row["round_id"]) for row in rows])
    return [PublicRound(**{k: v for k, v in row.items() if k != "ends_at"}, comments=counts[(row["submission_id"], row["round_id"])])
            for row in rows], more


async def published_documents(pool: asyncpg.Pool, submission_id: str, *, posted_at: datetime) -> tuple[DocumentRef, ...]:
    """The documents the public reads of a round: those of the draft's dossier as it stood when the round was posted
    (`posted_at`, its opening), filed with where they are read (`url`); one filed without is not published (found by a
    ministry's trial: every internal document was named). What the lead ministry files while the public comments is not
    what they comment on (found by a public trial: an internal revision filed without its `url` emptied the page of the
    text still open for comment, and one with it put another text under the comments already given)."""
    return tuple(d for d in await audit.dossier_as_of(pool, submission_id, posted_at) if d.url)


async def public_round(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, round_id: str) -> PublicRound | None:
    row = await db.fetchrow(f"{_ROUNDS} AND r.submission_id = $1 AND r.round_id = $2", submission_id, round_id)
    return PublicRound(**dict(row), comments=(await comment_counts(db, [(submission_id, round_id)]))[(submission_id, round_id)]) if row else None


async def spelled_otherwise(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, round_id: str) -> tuple[str, str] | None:
    """The submission and round IDs of the one round the public reads whose IDs differ from these in letter case alone, if
    any."""
    # Of the rounds the public reads (`_ROUNDS`): a redirect would tell a hidden one exists (found by a breaker).
    rows = await db.fetch("SELECT r.submission_id, r.round_id FROM public_rounds r JOIN submissions s USING (submission_id) "
                          "WHERE lower(r.submission_id) = lower($1) AND lower(r.round_id) = lower($2) AND NOT s.classified "
                          "AND s.title IS NOT NULL LIMIT 2", submission_id, round_id)
    return (rows[0]["submission_id"], rows[0]["round_id"]) if len(rows) == 1 else None


async def unknown_round(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, round_id: str,
                        said: str = "no public consultation of this draft has this round") -> Refused:
    """The refusal (`round_id`, `public_round_unknown`, NOT_FOUND) of a round the public's tables do not hold under these
    IDs: `said`, or, where the public reads one whose IDs differ in letter case alone, that round named (found by a
    public trial: the lead ministry was told a posting it had opened "takes no comments of the public")."""
    spelled = await spelled_otherwise(db, submission_id, round_id)
    if spelled is not None and spelled != (submission_id, round_id):
        of = "" if spelled[0] == submission_id else f" of draft {spelled[0]}"
        said = f"no public consultation {round_id} of draft {submission_id}; round {spelled[1]}{of} differs from it only in letter case"
    return Refused("round_id", "public_round_unknown", said, RefusalKind.NOT_FOUND)


# A round's count of comments is read again at most every so many seconds in one process once it has this many: the
# public's pages and routes, which anyone may reload, counted every comment at every view (found by a breaker of the
# public pages: 0.15 s of PostgreSQL a view at a million comments). A smaller count is read exact, at little cost; the
# round's close reads its totals exact whatever their number (`close`).
COUNTED_ONCE_FROM = 10_000
COUNT_FRESH_SECONDS = 30.0
_MAX_COUNTED = 1_000
_counted: dict[tuple[str, str], tuple[float, int]] = {}


async def comment_counts(db: asyncpg.Pool | asyncpg.Connection, rounds: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """How many comments each (submission, round) has: exact below `COUNTED_ONCE_FROM`, else as of up to
    `COUNT_FRESH_SECONDS` before."""
    now, found = time.monotonic(), {}
    for key in rounds:
        if (kept := _counted.get(key)) is not None and now - kept[0] < COUNT_FRESH_SECONDS:
            found[key] = kept[1]
    if missing := [key for key in rounds if key not in found]:
        rows = await db.fetch("SELECT k.submission_id, k.round_id, (SELECT count(*) FROM public_comments c WHERE c.submission_id = "
                              "k.submission_id AND c.round_id = k.round_id) AS comments FROM unnest($1::text[], $2::text[]) AS "
                              "k(submission_id, round_id)", [sid for sid, _ in missing], [rid for _, rid in missing])
        for row in rows:
            key = (row["submission_id"], row["round_id"])
            found[key] = row["comments"]
            if row["comments"] >= COUNTED_ONCE_FROM:
                if len(_counted) >= _MAX_COUNTED:
                    _counted.pop(next(iter(_counted)))
                _counted[key] = (now, row["comments"])
    return found


async def counted(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, view: ConsultationView) -> ConsultationView:
    """A round's view (`workflows.client.consultation_and_end`) with the public's comments counted where they are kept,
    beside the consultees' in their answers (the round itself adds the public's total only when it closes: an open round,
    or one whose draft was withdrawn, counted only its consultees'), and how many of them still wait for an answer."""
    if not view.public_comments_in_postgresql:
        return view
    posted = await public_round(db, submission_id, view.round_id)
    asked = sum(answer.comment_count for answer in view.answers)  # the public's go to PostgreSQL, never into an answer
    if posted is None:
        return view
    unanswered = (await tally(db, submission_id, view.round_id)).unanswered
    return view.model_copy(update={"comments": asked + posted.comments, "public_unanswered": unanswered})


async def received(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, round_id: str, comment_id: int) -> bool:
    """Whether the round took a comment of that number (the page thanks its sender for it, and for nothing else)."""
    return await db.fetchval("SELECT EXISTS (SELECT 1 FROM public_comments WHERE comment_id = $1 AND submission_id = $2 AND round_id = $3)",
                             comment_id, submission_id, round_id)


async def answers(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, round_id: str, *, after: tuple[int, int] | None = None,
                  size: int = ANSWERS_PER_PAGE) -> tuple[list[PublicAnswerView], tuple[int, int] | None, int]:
    """A page of the lead ministry's answers in article order (those on the draft as a whole first), each with the number
    of comments it answers (and the comment's number where it answers one), after the position `after` (article, 0 for the whole draft, and answer number); returns the
    page, the position of its last answer when more follow (else None), and how many answers there are in all."""
    article, answer = after or (None, None)
    rows = await db.fetch(
        "SELECT a.answer_id, a.article, a.response, a.explanation, a.answered_at, count(c.comment_id) AS comments, "
        "CASE WHEN count(c.comment_id) = 1 THEN min(c.comment_id) END AS comment_id "
        "FROM public_answers a LEFT JOIN public_comments c USING (answer_id) WHERE a.submission_id = $1 AND a.round_id = $2 "
        "AND ($3::int IS NULL OR (coalesce(a.article, 0), a.answer_id) > ($3::int, $4::bigint)) "
        "GROUP BY a.answer_id ORDER BY coalesce(a.article, 0), a.answer_id LIMIT $5", submission_id, round_id, article, answer, size + 1)
    total = await db.fetchval("SELECT count(*) FROM public_answers WHERE submission_id = $1 AND round_id = $2", submission_id, round_id)
    shown = rows[:size]
    following = (shown[-1]["article"] or 0, shown[-1]["answer_id"]) if len(rows) > size else None
    return [PublicAnswerView(article=r["article"], response=Response(r["response"]), explanation=r["explanation"], comments=r["comments"],
                             comment_id=r["comment_id"], answered_at=r["answered_at"]) for r in shown], following, total
