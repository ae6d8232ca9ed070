"""The queries the README gives operators for the Web UI's filter box are taken by Temporal's visibility (found by a Web
UI trial: the overdue query, `LegisStageDeadline <= now`, was refused "did you forget to quote "now"?")."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_queries() -> list[str]:
    """Every query the README writes in backquotes over the project's search attributes."""
    found = [q.strip() for q in re.findall(r"`([^`]*\bLegis[A-Za-z]+ *(?:=|<=|>=|<|>) *[^`]*)`", README.read_text(encoding="utf-8"))]
    return [q.replace("<the instant now, e.g. 2026-12-06T12:00:00Z>", "2026-12-06T12:00:00Z") for q in found if "--" not in q]


async def test_every_query_the_readme_gives_is_taken_by_the_web_uis_filter_box(dev_env):
    queries = readme_queries()
    assert any("LegisStageDeadline" in q for q in queries) and any("LegisLeadMinistry" in q for q in queries), queries
    for query in queries:
        [_ async for _ in dev_env.client.list_workflows(f"WorkflowType = 'DraftLawWorkflow' AND {query}", limit=1)]
