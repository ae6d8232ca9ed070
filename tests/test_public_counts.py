"""How many comments a public round has, as the public's pages and routes say it (found by a breaker of the public pages:
every view counted every comment, 0.15 s of PostgreSQL a view at a million comments, for anyone who reloads a page):
exact for a round below `COUNTED_ONCE_FROM`, else read again at most every `COUNT_FRESH_SECONDS` in one process. The
round's close reads its totals exact. A real PostgreSQL, no Temporal."""

from __future__ import annotations

import time

from store import public
from tests.test_board_forms import posted_round


async def comments(pool, sid: str, count: int, start: int = 0) -> None:
    await pool.execute("INSERT INTO public_comments (submission_id, round_id, article, body, fingerprint) SELECT $1, 'cong-khai', "
                       "(g % 40) + 1, 'ý kiến ' || g, sha256(convert_to($1, 'UTF8') || int8send(g)) FROM generate_series($2::bigint, $3::bigint) g", sid, start + 1, start + count)


def listed(rounds, sid: str) -> int:
    return next(r.comments for r in rounds if r.submission_id == sid)


async def test_a_large_rounds_count_is_read_once_in_a_while_and_a_small_ones_at_every_view(pool, monkeypatch):
    large, small = await posted_round(pool, "MANY"), await posted_round(pool, "FEW")
    many = public.COUNTED_ONCE_FROM + 5
    await comments(pool, large, many)
    await comments(pool, small, 3)
    assert listed((await public.public_rounds(pool))[0], large) == many and listed((await public.public_rounds(pool))[0], small) == 3
    await comments(pool, large, 2, start=many)
    await comments(pool, small, 1, start=3)
    # Within the time a large count stands, the view reads it as it was; a small one is exact.
    assert (await public.public_round(pool, large, "cong-khai")).comments == many
    assert (await public.public_round(pool, small, "cong-khai")).comments == 4
    later = time.monotonic() + public.COUNT_FRESH_SECONDS + 1
    monkeypatch.setattr(public.time, "monotonic", lambda: later)
    assert listed((await public.public_rounds(pool))[0], large) == many + 2
    # The close's totals are exact whatever the pages said.
    assert (await public.close(pool, large, "cong-khai")).comments == many + 2
