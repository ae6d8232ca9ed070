"""A draft's search attributes: given at its start, then upserted with only what changed, yet never an empty upsert."""

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from workflows import search_attributes as sa

DEADLINE = datetime(2026, 12, 1, 17, tzinfo=UTC)


def _current(**values) -> TypedSearchAttributes:
    keys = {"stage": sa.STAGE, "version": sa.PROCESS_VERSION, "deadline": sa.STAGE_DEADLINE, "ministry": sa.LEAD_MINISTRY}
    return TypedSearchAttributes([SearchAttributePair(keys[name], value) for name, value in values.items()])


def _updates(stage: str, deadline: datetime | None, ministry: str = "BTC"):
    return [
        sa.STAGE.value_set(stage),
        sa.PROCESS_VERSION.value_set("LAW_2025"),
        sa.STAGE_DEADLINE.value_set(deadline) if deadline else sa.STAGE_DEADLINE.value_unset(),
        sa.LEAD_MINISTRY.value_set(ministry),
    ]


def _describing(stage: str, deadline: datetime | None, *, classified: bool = False):
    return sa.describing(stage=stage, process_version="LAW_2025", deadline=deadline, lead_ministry="BTC", target_session="16-2",
                         classified=classified)


def test_a_classified_draft_is_described_without_its_ministry_and_session():
    assert [u.key.name for u in _describing("DRAFTING", DEADLINE, classified=True)] == ["LegisStage", "LegisProcessVersion", "LegisStageDeadline"]
    assert [u.key.name for u in _describing("DRAFTING", DEADLINE)][3:] == ["LegisLeadMinistry", "LegisTargetSession"]


def test_the_attributes_given_at_the_start_leave_the_first_upsert_only_the_deadline():
    at_start = sa.as_set(_describing("POLICY_PROPOSAL", None))
    assert {pair.key.name: pair.value for pair in at_start} == {
        "LegisStage": "POLICY_PROPOSAL", "LegisProcessVersion": "LAW_2025", "LegisLeadMinistry": "BTC", "LegisTargetSession": "16-2"}
    changes = sa.changes(_describing("POLICY_PROPOSAL", DEADLINE), at_start)
    assert [(u.key.name, u.value) for u in changes] == [("LegisStageDeadline", DEADLINE)]


def test_a_first_upsert_sets_everything_that_has_a_value_and_leaves_the_rest():
    changes = sa.changes(_updates("DRAFTING", None), TypedSearchAttributes.empty)
    assert [(u.key.name, u.value) for u in changes] == [
        ("LegisStage", "DRAFTING"), ("LegisProcessVersion", "LAW_2025"), ("LegisLeadMinistry", "BTC")]


def test_a_stage_change_sends_the_stage_and_the_new_deadline_only():
    current = _current(stage="DRAFTING", version="LAW_2025", ministry="BTC")
    changes = sa.changes(_updates("APPRAISAL", DEADLINE), current)
    assert [(u.key.name, u.value) for u in changes] == [("LegisStage", "APPRAISAL"), ("LegisStageDeadline", DEADLINE)]


def test_a_deadline_that_ends_is_unset():
    current = _current(stage="APPRAISAL", version="LAW_2025", deadline=DEADLINE, ministry="BTC")
    changes = sa.changes(_updates("PROMULGATED", None), current)
    assert [(u.key.name, u.value) for u in changes] == [("LegisStage", "PROMULGATED"), ("LegisStageDeadline", None)]


def test_nothing_changed_still_upserts_the_stage_where_older_histories_have_an_upsert():
    current = _current(stage="APPRAISAL", version="LAW_2025", deadline=DEADLINE, ministry="BTC")
    changes = sa.changes(_updates("APPRAISAL", DEADLINE), current)
    assert [(u.key.name, u.value) for u in changes] == [("LegisStage", "APPRAISAL")]


@given(
    before=st.fixed_dictionaries({"stage": st.sampled_from(["DRAFTING", "APPRAISAL"]), "ministry": st.sampled_from(["BTC", "BYT"])}),
    stage=st.sampled_from(["DRAFTING", "APPRAISAL", "PROMULGATED"]),
    deadline=st.none() | st.just(DEADLINE),
    ministry=st.sampled_from(["BTC", "BYT"]),
)
def test_applying_the_changes_gives_the_same_attributes_as_the_full_upsert(before, stage, deadline, ministry):
    current = _current(version="LAW_2025", **before)
    full = _updates(stage, deadline, ministry)
    changes = sa.changes(full, current)
    assert changes

    def applied(updates):
        values = {pair.key.name: pair.value for pair in current}
        for update in updates:
            if update.value is None:
                values.pop(update.key.name, None)
            else:
                values[update.key.name] = update.value
        return values

    assert applied(changes) == applied(full)
