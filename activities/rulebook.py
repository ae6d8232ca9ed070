"""Reading the rulebook file, done as an activity so that its content is pinned in the draft's history."""

from temporalio import activity

from schemas.messages import LoadRulebookInput
from schemas.rulebook import Rulebook, load_rulebook


@activity.defn
async def load_pinned_rulebook(request: LoadRulebookInput) -> Rulebook:
    return load_rulebook(request.process_version)
