"""Custom search attributes and the memo that make drafts findable in the Temporal Web UI, and their server types."""

from datetime import datetime

from temporalio.common import SearchAttributeKey, SearchAttributePair, SearchAttributeUpdate, TypedSearchAttributes

STAGE = SearchAttributeKey.for_keyword("LegisStage")
LEAD_MINISTRY = SearchAttributeKey.for_keyword("LegisLeadMinistry")
TARGET_SESSION = SearchAttributeKey.for_keyword("LegisTargetSession")
PROCESS_VERSION = SearchAttributeKey.for_keyword("LegisProcessVersion")
STAGE_DEADLINE = SearchAttributeKey.for_datetime("LegisStageDeadline")

ALL = (STAGE, LEAD_MINISTRY, TARGET_SESSION, PROCESS_VERSION, STAGE_DEADLINE)


def describing(
    *, stage: str, process_version: str, deadline: datetime | None, lead_ministry: str, target_session: str, classified: bool
) -> list[SearchAttributeUpdate]:
    """A draft's attributes, stage first; a classified draft's ministry and session stay out."""
    updates = [
        STAGE.value_set(stage),
        PROCESS_VERSION.value_set(process_version),
        STAGE_DEADLINE.value_set(deadline) if deadline else STAGE_DEADLINE.value_unset(),
    ]
    if not classified:
        updates += [LEAD_MINISTRY.value_set(lead_ministry), TARGET_SESSION.value_set(target_session)]
    return updates


def as_set(updates: list[SearchAttributeUpdate]) -> TypedSearchAttributes:
    """The attributes the updates leave on a workflow that had none, to give at its start."""
    return TypedSearchAttributes([SearchAttributePair(update.key, update.value) for update in updates if update.value is not None])


def changes(updates: list[SearchAttributeUpdate], current: TypedSearchAttributes) -> list[SearchAttributeUpdate]:
    """The updates that would change `current`, and at least the stage's: the server rewrites the whole visibility
    record at each upsert, so fewer bytes cost less, while the workflow keeps upserting exactly where its older
    histories did (replay matches upsert commands, not their contents)."""
    return [update for update in updates if current.get(update.key) != update.value] or updates[:1]


# The dev server re-reads its search-attribute cache from the database on every read, so that attributes added while it
# runs work at once. Ours are registered as it starts, so it keeps a production server's default instead: two database
# reads fewer for each upsert.
CACHED_SEARCH_ATTRIBUTES = ["--dynamic-config-value", "system.forceSearchAttributesCacheRefreshOnRead=false"]


def dev_server_flags() -> list[str]:
    """`--search-attribute Name=Type` flags that register ALL on `temporal server start-dev`."""
    flags: list[str] = []
    for key in ALL:
        flags += ["--search-attribute", f"{key.name}={key.indexed_value_type.name.removeprefix('INDEXED_VALUE_TYPE_').title()}"]
    return flags
