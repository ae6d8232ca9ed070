"""A query parameter with an empty (or very long) name: the refusal still names it (the query), and stays small.

Found by an upstream system's trial: `GET /v1/submissions?=x` (a script joining an empty name) is refused 422
`unknown_parameter` with `"field": ""` and a detail starting " is not a parameter of this route": no field named. And
`?<20,000 letters>=1` is echoed whole, twice, in the problem (40 KB), where the forms' check cuts the name to 60."""
from __future__ import annotations

from schemas.enums import CallerRole
from tests.http_api import bearer, problem


async def test_an_empty_parameter_name_is_refused_naming_something(api, pool):
    operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)
    for query in ("=x", "=", "%20=1"):
        answer = problem(await api.get(f"/v1/submissions?{query}", headers=operator), 422, "unknown_parameter")
        assert answer["field"].strip(), answer  # names the parameter (or says it has no name), never ""
        assert not answer["detail"].startswith(" "), answer
    answer = problem(await api.get("/v1/public/consultations?=x"), 422, "unknown_parameter")
    assert answer["field"].strip(), answer


async def test_a_long_parameter_name_is_not_echoed_whole(api, pool):
    operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)
    response = await api.get("/v1/submissions?" + "a" * 20_000 + "=1", headers=operator)
    answer = problem(response, 422, "unknown_parameter")
    assert len(answer["field"]) <= 100, len(answer["field"])  # the forms' check (known_form_fields) cuts it to 60
    assert len(response.content) < 4_000, len(response.content)
