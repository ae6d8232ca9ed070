"""Custom search attributes that make drafts findable in the Temporal Web UI, and their server types."""

from temporalio.common import SearchAttributeKey

STAGE = SearchAttributeKey.for_keyword("LegisStage")
LEAD_MINISTRY = SearchAttributeKey.for_keyword("LegisLeadMinistry")
TARGET_SESSION = SearchAttributeKey.for_keyword("LegisTargetSession")
PROCESS_VERSION = SearchAttributeKey.for_keyword("LegisProcessVersion")
STAGE_DEADLINE = SearchAttributeKey.for_datetime("LegisStageDeadline")

ALL = (STAGE, LEAD_MINISTRY, TARGET_SESSION, PROCESS_VERSION, STAGE_DEADLINE)


def dev_server_flags() -> list[str]:
    """`--search-attribute Name=Type` flags that register ALL on `temporal server start-dev`."""
    flags: list[str] = []
    for key in ALL:
        flags += ["--search-attribute", f"{key.name}={key.indexed_value_type.name.removeprefix('INDEXED_VALUE_TYPE_').title()}"]
    return flags
