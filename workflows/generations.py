"""Which behaviour a draft's run has, chosen by `workflow.patched` so that every history replays as it ran.

1. Drafts started before the draft core.
2. The draft core: the calendar read at the start, the next session after a debate, an approved postponement that
   stands when a session moves, rest days, rounds watched until they report.
3. A draft that stays overdue when its deadline moves keeps the escalation levels it reached (`Change.move_deadline`).

A new draft takes the newest generation; a carried second-generation state takes the third at its next run.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.state import NEWEST_GENERATION, DraftState

DRAFT_CORE_PATCH = "draft-core"
# First-generation drafts started before publication in the Official Gazette was modelled end at PROMULGATED.
PUBLICATION_PATCH = "publication-stage"
REACHED_LEVELS_PATCH = "escalation-levels-kept"


def of_new_draft() -> tuple[int, bool]:
    """The generation of a draft's first run, and whether its path ends with publication."""
    generation = NEWEST_GENERATION if workflow.patched(REACHED_LEVELS_PATCH) else 2 if workflow.patched(DRAFT_CORE_PATCH) else 1
    return generation, generation >= 2 or workflow.patched(PUBLICATION_PATCH)


def of_carried(state: DraftState) -> DraftState:
    """A state carried to a new run, in the newest generation its own allows."""
    if state.generation == 2 and workflow.patched(REACHED_LEVELS_PATCH):
        return state.model_copy(update={"generation": NEWEST_GENERATION})
    return state
