"""Found by an upstream system's trial: `GET /v1/public/consultations` answers a bare list, its next page only in
the `Link` header (README, HTTP API: "the next one in `Link: <...>; rel="next"`, `cursor`"; OpenAPI: an array of
`PublicRoundListed`, no `next_page`), yet a cursor it did not give is refused telling the caller to "take `next_page` as
it is", a field this answer does not have: the caller cannot act on it."""

from __future__ import annotations

from tests.http_api import problem


async def test_a_bad_cursor_of_the_public_list_points_to_where_that_list_gives_its_cursor(api):
    refused = problem(await api.get("/v1/public/consultations", params={"cursor": "zzz"}), 422, "cursor_invalid", "cursor")
    assert "next_page" not in refused["detail"], refused["detail"]
    assert "Link" in refused["detail"], refused["detail"]
