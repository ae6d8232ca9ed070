"""The determinism gate: committed histories of whole lifecycles replay against today's workflow code."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from cli.replay import load_history
from schemas.state import NEWEST_GENERATION, DraftLawInput
from tests.conftest import TEST_KEYS
from tests.drafts import patch_ids
from tests.record_histories import HISTORIES as HISTORIES_DIR
from tests.reproduce_update_while_pinning import ran_ahead
from workers.worker import sandbox_runner
from workflows.codec import data_converter
from workflows.consultation import COMMENTS_RECORDED, PUBLIC_WINDOW_WHOLE, ConsultationWorkflow
from workflows.draft_law import WORKFLOW_TYPE, DraftLawWorkflow
from workflows.generations import (
    APPROVED_DATES_PATCH,
    CUTOFFS_RECOUNTED_PATCH,
    GENERATIONS,
    MEETING_AFTER_SESSION_PATCH,
    REACHED_LEVELS_PATCH,
)
from workflows.webhook_delivery import WebhookDeliveryWorkflow

HISTORIES = sorted(HISTORIES_DIR.glob("*.json"))
# Histories of faults, each with its own test below.
STUCK_AFTER_RESTART = HISTORIES_DIR / "cases" / "draft-stuck-after-restart.history.json"
# Written by the same code from the same events, with the update taken first: its twin.
UPDATE_WITH_PIN_RESULT = HISTORIES_DIR / "cases" / "draft-update-with-pin-result.json"


def test_histories_are_committed():
    assert {p.stem.split("-")[0] for p in HISTORIES} >= {
        "law_2025_one_session", "law_2015_two_sessions", "returned_twice", "withdrawn", "failed_vote_rejected",
        "postponed", "slipped_to_next_session", "consulted_and_reprogrammed", "ordinance_reconsidered", "law_2015_three_sessions",
        "ordinance_referred",
    }


ROUNDS = sorted((HISTORIES_DIR / "rounds").glob("*.json"))
DELIVERIES = sorted((HISTORIES_DIR / "webhooks").glob("*.json"))


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_committed_history_replays(path: Path):
    # With the workers' own converter and sandbox: the committed histories were recorded before payloads were sealed, and the
    # codec passes their payloads through.
    replayer = Replayer(workflows=[DraftLawWorkflow], data_converter=data_converter(TEST_KEYS), workflow_runner=sandbox_runner())
    result = await replayer.replay_workflow(load_history(path), raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"


@pytest.mark.parametrize("path", ROUNDS + DELIVERIES, ids=[p.stem for p in ROUNDS + DELIVERIES])
async def test_committed_round_and_delivery_histories_replay(path: Path):
    replayer = Replayer(workflows=[ConsultationWorkflow, WebhookDeliveryWorkflow], data_converter=pydantic_data_converter,
                        workflow_runner=sandbox_runner())
    result = await replayer.replay_workflow(load_history(path), raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"


def test_every_workflow_type_and_generation_has_committed_histories():
    assert ROUNDS and DELIVERIES
    second_generation = [p for p in HISTORIES if "\"pin_rules\"" in p.read_text(encoding="utf-8")]  # what only they run first
    assert {p.stem.split("-")[0] for p in second_generation} >= {"imported_under_way", "postponed_then_session_moved", "debated_then_next_session"}


def test_the_newest_generation_is_the_one_its_patch_names():
    assert GENERATIONS[0][0] == NEWEST_GENERATION and [g for g, _ in GENERATIONS] == sorted({g for g, _ in GENERATIONS}, reverse=True)


def test_the_public_rounds_whole_window_has_a_committed_history_beside_those_from_before():
    """Recorded since a public posting stays open for its whole window: it replays with its patch taken, and the rounds
    from before without it. (The draft's `continue-as-new-while-waiting` is asked only when the server suggests a new
    run, which no recorded path reaches: `tests/test_long_life.py` records one live and replays it.)"""
    public_rounds = {p.name: PUBLIC_WINDOW_WHOLE in patch_ids(load_history(p).events) for p in ROUNDS if p.stem.startswith("public_in_postgresql")}
    assert public_rounds["public_in_postgresql-s24.json"] and not public_rounds["public_in_postgresql-s7.json"], public_rounds


def test_rounds_recording_their_comments_have_committed_histories_beside_those_from_before():
    """Recorded since a round records its opinions' comments and its compilation's answers (`opinion-comments-recorded`):
    they replay with the patch taken and its two activities, and the rounds from before, which took opinions in a
    handler that awaited nothing, replay without it."""
    recorded = {p.name: COMMENTS_RECORDED in patch_ids(load_history(p).events) for p in ROUNDS if not p.stem.startswith("public_in_postgresql")}
    assert recorded["consulted_and_reprogrammed-r1-s34.json"] and recorded["compiled_by_a_stranger-r1-s34.json"], recorded
    assert not recorded["consulted_and_reprogrammed-r1-s27.json"], recorded
    scheduled = [e.activity_task_scheduled_event_attributes.activity_type.name
                 for e in load_history(HISTORIES_DIR / "rounds" / "consulted_and_reprogrammed-r1-s34.json").events
                 if e.HasField("activity_task_scheduled_event_attributes")]
    assert scheduled == ["record_opinion_comments", "record_compilation_answers"]


def test_a_round_compiled_after_its_draft_was_ended_by_hand_has_a_committed_history():
    """Its result told to no draft, the round completes past `round-result-to-no-draft` (it failed before the patch)."""
    events = load_history(HISTORIES_DIR / "rounds" / "round_of_an_ended_draft-s38.json").events
    assert "round-result-to-no-draft" in patch_ids(events)
    assert events[-1].HasField("workflow_execution_completed_event_attributes")
    assert any(e.HasField("signal_external_workflow_execution_failed_event_attributes") for e in events)


def test_an_opinion_entered_after_its_round_closed_has_a_committed_history():
    """An opinion received on the window's last day is taken after the window's timer fired, dated by its `occurred_on`."""
    events = load_history(HISTORIES_DIR / "rounds" / "opinion_entered_afterwards-s46.json").events
    fired = next(i for i, e in enumerate(events) if e.HasField("timer_fired_event_attributes"))
    accepted = [e.workflow_execution_update_accepted_event_attributes for e in events[fired:]
                if e.HasField("workflow_execution_update_accepted_event_attributes")]
    late = [a for a in accepted if a.accepted_request.input.name == "submit_opinion"]
    assert len(late) == 1 and b"occurred_on" in late[0].accepted_request.input.args.payloads[0].data
    assert events[-1].HasField("workflow_execution_completed_event_attributes")


def test_a_round_cancelled_by_its_lead_ministry_has_committed_histories():
    """The draft cancels its round (a request to cancel the external workflow), records it, and DRAFTING is approved; the
    round ends cancelled."""
    events = load_history(HISTORIES_DIR / "round_cancelled_by_its_lead_ministry-s46.json").events
    assert sum(e.HasField("request_cancel_external_workflow_execution_initiated_event_attributes") for e in events) == 1
    assert [e["event"] for e in audited(HISTORIES_DIR / "round_cancelled_by_its_lead_ministry-s46.json")
            if e["event"] in ("CONSULTATION_OPENED", "CONSULTATION_CANCELLED")] == ["CONSULTATION_OPENED", "CONSULTATION_CANCELLED"]
    round_events = load_history(HISTORIES_DIR / "rounds" / "round_cancelled_by_its_lead_ministry-r1-s46.json").events
    assert round_events[-1].HasField("workflow_execution_canceled_event_attributes")


def test_a_delivery_past_a_failing_draft_has_a_committed_history():
    """A round that took one draft's events while its receiver failed another's polls again at the subscriber's pace
    (`webhook-backoff-only-when-nothing-taken`; found by a re-check: it backed off, doubling up to five minutes)."""
    events = load_history(HISTORIES_DIR / "webhooks" / "past_a_failing_draft-s47.json").events
    assert "webhook-backoff-only-when-nothing-taken" in patch_ids(events)
    taken = next(i for i, e in enumerate(events) if e.HasField("activity_task_completed_event_attributes")
                 and json.loads(e.activity_task_completed_event_attributes.result.payloads[0].data)["failed_drafts"])
    assert json.loads(events[taken].activity_task_completed_event_attributes.result.payloads[0].data)["delivered"] > 0
    timer = next(e.timer_started_event_attributes for e in events[taken:] if e.HasField("timer_started_event_attributes"))
    assert timer.start_to_fire_timeout.seconds == 1  # the poll's, not doubled


def test_the_twenty_first_generation_has_a_committed_history():
    """Two rounds' compilations both in the dossier DRAFTING hands on, and the Prime Minister's date said to lapse when the
    Government returns the draft (`tests.scenario_compiled_apart`)."""
    path = HISTORIES_DIR / "compiled_apart_and_returned-s47.json"
    assert "compilations-kept-apart" in patch_ids(load_history(path).events)
    entries = audited(path)
    compiled = [doc["name"] for e in entries if e["event"] == "CONSULTATION_COMPILED" for doc in e["documents"]]
    assert compiled == ["Bản tổng hợp, tiếp thu, giải trình (r1)", "Bản tổng hợp, tiếp thu, giải trình (r2)"]
    returned = next(e for e in entries if e["event"] == "DECISION" and e["outcome"] == "RETURN_FOR_REVISION")
    assert "approved by PM lapses with the stage" in returned["label"]


def test_the_twenty_second_generation_has_a_committed_history():
    """An ordinance's examining committee remapped (UBPL, merged in 2025, to UBPLTP), which then examines it; sent back by
    the President and adopted again at the meeting announced that day, not at the one before its session; and a law deferred
    past the date its deferring authority approved (`tests.scenario_reconsidered_at_the_next_meeting`)."""
    path = HISTORIES_DIR / "reconsidered_at_the_next_meeting-s48.json"
    assert "reconsidered-at-the-next-meeting-committee-remapped" in patch_ids(load_history(path).events)
    entries = audited(path)
    assert [e["label"] for e in entries if e["event"] == "AGENCY_REMAPPED"] == ["examining committee UBPL is now UBPLTP"]
    assert [e["agency_code"] for e in entries if e["event"] == "DECISION" and e["stage"] == "EXAMINATION"] == ["UBPLTP"]
    adopted = [e["to_stage"] for e in entries if e["event"] == "DECISION" and e["stage"] == "STANDING_COMMITTEE_OPINION"]
    assert adopted == ["PROMULGATION", "PROMULGATION"] and entries[-1]["to_stage"] == "PROMULGATED"
    # A law deferred by the Standing Committee, whose examination date it had approved: the date lapses with the programme change.
    deferred = audited(HISTORIES_DIR / "deferred_past_its_approved_date-s48.json")
    [change] = [e for e in deferred if e["event"] == "PROGRAMME_CHANGED"]
    assert "approved by UBTVQH lapses with the programme change" in change["label"]


def test_the_third_generation_has_committed_histories():
    """Recorded since a draft that stays overdue when its deadline moves keeps the escalation levels it reached: every
    notable path, the late postponement that made the change (tests.scenarios.postponed_while_overdue), and a run
    continued from a second-generation state, which takes the third generation up."""
    third = {p.stem.split("-")[0] for p in HISTORIES if REACHED_LEVELS_PATCH in patch_ids(load_history(p).events)}
    assert third >= {"postponed_while_overdue", "carried_from_generation_2", "law_2025_one_session", "postponed_then_session_moved"}
    assert escalations(HISTORIES_DIR / "postponed_while_overdue-s8.json") == ["RESPONSIBLE_OFFICIAL", "HEAD_OF_AGENCY", "VPCP", "DEPUTY_PM"]
    # The same path recorded by the second generation, which raised the last level again: it replays as it ran.
    assert REACHED_LEVELS_PATCH not in patch_ids(load_history(HISTORIES_DIR / "postponed_while_overdue-s7.json").events)
    assert escalations(HISTORIES_DIR / "postponed_while_overdue-s7.json")[-2:] == ["DEPUTY_PM", "DEPUTY_PM"]


def test_the_fourth_generation_has_committed_histories():
    """Recorded since an approved date after the session's cut-off is raised when it is approved: the postponement the
    Prime Minister approved 10 days after the cut-off, then the session moved 6 days later, raises the conflict twice
    (the third generation's recording of the same path, once, when the session moved); it replays as it ran."""
    fourth = {p.stem.split("-")[0] for p in HISTORIES if APPROVED_DATES_PATCH in patch_ids(load_history(p).events)}
    assert fourth >= {"postponed_then_session_moved", "law_2025_one_session", "imported_under_way", "carried_from_generation_2"}
    conflicts = lambda path: [e for e in audited(path) if e["event"] == "POSTPONEMENT_CONFLICT"]  # noqa: E731
    assert len(conflicts(HISTORIES_DIR / "postponed_then_session_moved-s9.json")) == 2
    assert len(conflicts(HISTORIES_DIR / "postponed_then_session_moved-s8.json")) == 1


def test_the_fifth_generation_has_committed_histories():
    """Recorded since rest days that move a cut-off ahead of a draft, not its deadline, are recorded: a day off announced
    on the Government's cut-off while the draft is in drafting (tests.scenarios.rest_days_moved_the_cutoff)."""
    fifth = {p.stem.split("-")[0] for p in HISTORIES if CUTOFFS_RECOUNTED_PATCH in patch_ids(load_history(p).events)}
    assert fifth >= {"rest_days_moved_the_cutoff", "law_2025_one_session", "postponed_then_session_moved", "carried_from_generation_2"}
    [moved] = [e for e in audited(HISTORIES_DIR / "rest_days_moved_the_cutoff-s15.json") if e["event"] == "DEADLINE_RECOUNTED"]
    assert (moved["stage"], moved["label"]) == ("DRAFTING", "rest days announced: the cut-off ahead is now 2027-04-02 for GOVERNMENT_DECISION "
                                                            "(sitting 16-2) (was 2027-04-05 for GOVERNMENT_DECISION (sitting 16-2))")


def test_the_seventh_generation_has_committed_histories():
    """Recorded since the Standing Committee meeting before a session must meet after the session before it opens: an
    ordinance aimed at a later session, told of the one meeting announced, which prepares the earlier session, counts no
    cut-off from it; told of a meeting between the two, it counts back from that one."""
    seventh = {p.stem.split("-")[0] for p in HISTORIES if MEETING_AFTER_SESSION_PATCH in patch_ids(load_history(p).events)}
    assert seventh >= {"ordinance_meeting_between_sessions", "law_2025_one_session", "debated_then_next_session", "carried_from_generation_6"}
    scheduled = [e for e in audited(HISTORIES_DIR / "ordinance_meeting_between_sessions-s18.json") if e["event"] == "MEETING_SCHEDULED"]
    assert [e["label"].split(": ")[1].split(" on ")[0] for e in scheduled] == ["UBTVQH-BETWEEN"]
    # A sixth-generation state carried into a run of the seventh is counted again by its rules, and says so first.
    recounted = audited(HISTORIES_DIR / "carried_from_generation_6-s18.json")[0]
    assert recounted["event"] == "DEADLINE_RECOUNTED" and recounted["deadline"] is None
    assert "the Standing Committee meeting it comes before is now none (was UBTVQH-EARLY)" in recounted["label"]


def audited(path: Path) -> list[dict]:
    """The events a draft's history wrote to the audit trail, in order, as JSON."""
    written = [json.loads(e.activity_task_scheduled_event_attributes.input.payloads[0].data) for e in load_history(path).events
               if e.WhichOneof("attributes") == "activity_task_scheduled_event_attributes"
               and e.activity_task_scheduled_event_attributes.activity_type.name == "record_events"]
    return [entry for batch in written for entry in batch["entries"]]


def escalations(path: Path) -> list[str]:
    """The escalation levels a draft's history wrote to the audit trail, in order."""
    return [entry["escalation_level"] for entry in audited(path) if entry["event"] == "ESCALATION"]


def test_the_eighth_generations_paths_have_committed_histories():
    """The Assembly's decisions taken at its sittings, and a withdrawal's cancelled round recorded after the decision."""
    assert all("assembly-decides-at-its-sitting" in patch_ids(load_history(path).events) for path in HISTORIES if path.stem.endswith("-s22"))
    entries = audited(HISTORIES_DIR / "withdrawn_with_a_round_open-s22.json")
    assert [e["event"] for e in entries][-2:] == ["DECISION", "CONSULTATION_CANCELLED"]


def test_the_ninth_generations_paths_have_committed_histories():
    """A Standing Committee meeting announced while a law's approved date conflicts with its session raises no second
    conflict; the session moved, which changes the cut-off, raises it with the new one."""
    assert all("conflict-raised-when-it-changes" in patch_ids(load_history(path).events) for path in HISTORIES if path.stem.endswith("-s23"))
    told = [(e["event"], e["label"].split(";")[0]) for e in audited(HISTORIES_DIR / "postponed_then_session_moved-s23.json")
            if e["event"] in ("POSTPONEMENT_CONFLICT", "MEETING_SCHEDULED", "SESSION_RESCHEDULED")]
    assert [event for event, _ in told] == ["POSTPONEMENT_CONFLICT", "MEETING_SCHEDULED", "SESSION_RESCHEDULED", "POSTPONEMENT_CONFLICT"]
    assert told[0][1] != told[3][1]  # another cut-off


def test_the_tenth_generations_paths_have_committed_histories():
    """A round's counts in words that agree with them: one comment received and accepted is "1 comment"; a decision
    that starts appraisal's clock carries its deadline; a law accelerated at its debate is voted there."""
    tenth = [path for path in HISTORIES if path.stem.endswith("-s25") and "rounds-named-once-whatever-the-case" in patch_ids(load_history(path).events)]
    assert {p.stem for p in tenth} >= {"consulted_and_reprogrammed-s25", "law_2025_one_session-s25", "withdrawn_with_a_round_open-s25",
                                  "accelerated_at_its_debate-s25", "remapped_with_a_round_open-s25"}
    labels = [e["label"] for e in audited(HISTORIES_DIR / "consulted_and_reprogrammed-s25.json")
              if e["event"] in ("OPINION_RECEIVED", "CONSULTATION_COMPILED")]
    assert labels[:2] == ["round r1: BTC, 1 comment", "round r1: BNV, 0 comments"] and "2 opinions, 0 silent; 1 comment accepted" in labels[2]
    entered = {e["to_stage"]: e["to_stage_deadline"] for e in audited(HISTORIES_DIR / "law_2025_one_session-s25.json") if e["event"] == "DECISION"}
    assert entered["APPRAISAL"] is not None and entered["DRAFTING"] is None  # drafting has no limit of its own
    # A law accelerated at the sitting that debated it, a later session announced after: voted there.
    accelerated = audited(HISTORIES_DIR / "accelerated_at_its_debate-s25.json")
    [switched] = [e for e in accelerated if e["event"] == "PROGRAMME_CHANGED"]
    [voted] = [e for e in accelerated if e["event"] == "DECISION" and e["stage"] == "NA_SESSION"]
    assert switched["label"].startswith("TWO_SESSIONS -> ONE_SESSION; aimed at session 16-2") and voted["to_stage"] == "PROMULGATION"
    # A round open when its lead ministry merged is told, and compiled by the new code.
    told = [e for e in load_history(HISTORIES_DIR / "remapped_with_a_round_open-s25.json").events
            if e.WhichOneof("attributes") == "signal_external_workflow_execution_initiated_event_attributes"]
    assert [e.signal_external_workflow_execution_initiated_event_attributes.signal_name for e in told] == ["lead_ministry_remapped"]
    compiled = [e for e in audited(HISTORIES_DIR / "remapped_with_a_round_open-s25.json") if e["event"] == "CONSULTATION_COMPILED"]
    assert [e["agency_code"] for e in compiled] == ["BTC"]


def test_the_eleventh_generations_paths_have_committed_histories():
    """A round told by a forged signal that another ministry leads the draft, which compiled it: the draft did not record
    that compilation, only the lead ministry's of its other round; an approved postponement carries the deadline it set."""
    eleventh = [path for path in HISTORIES if path.stem.endswith("-s26") and "compiled-by-the-lead-ministry" in patch_ids(load_history(path).events)]
    assert {p.stem for p in eleventh} >= {"compiled_by_a_stranger-s26", "postponed-s26", "law_2025_one_session-s26",
                                          "remapped_with_a_round_open-s26", "consulted_and_reprogrammed-s26"}
    stranger = audited(HISTORIES_DIR / "compiled_by_a_stranger-s26.json")
    compiled = [(e["agency_code"], e["label"].split(":")[0]) for e in stranger if e["event"] == "CONSULTATION_COMPILED"]
    opened = [e["agency_code"] for e in stranger if e["event"] == "CONSULTATION_OPENED"]
    assert opened == [opened[0]] * 2 and compiled == [(opened[0], "round r2")] and opened[0] != "BCA"
    [approved] = [e for e in audited(HISTORIES_DIR / "postponed-s26.json") if e["event"] == "POSTPONEMENT_DECIDED"]
    assert approved["to_stage_deadline"] == approved["requested_deadline"] != approved["deadline"]


def test_the_dead_letter_path_has_a_committed_history():
    """A draft whose audit write the database refused for its data: the write failed without retry, the draft took
    the patched path and went on to its end (tests.record_histories.record_dead_lettered)."""
    path = HISTORIES_DIR / "dead_lettered-s6.json"
    assert path in HISTORIES
    kinds = _kinds(path)
    assert "activity_task_failed_event_attributes" in kinds and kinds[-1] == "workflow_execution_completed_event_attributes"
    assert "audit-dead-letters" in patch_ids(load_history(path).events)


def test_a_round_with_the_publics_comments_in_postgresql_has_a_committed_history():
    """A PUBLIC_POSTING round on the patched path (tests.record_histories.record_public_round): registered, closed with
    the totals read, compiled with the answers' tally read, each by an activity; no comment's text is in its history."""
    path = HISTORIES_DIR / "rounds" / "public_in_postgresql-s7.json"
    assert path in ROUNDS
    assert "public-comments-in-postgresql" in patch_ids(load_history(path).events)
    activities = [e.activity_task_scheduled_event_attributes.activity_type.name for e in load_history(path).events
                  if e.WhichOneof("attributes") == "activity_task_scheduled_event_attributes"]
    assert activities == ["register_public_round", "close_public_round", "tally_public_answers"]
    assert "Điều 12" not in path.read_text(encoding="utf-8")


async def _replay_failure(path: Path) -> Exception | None:
    replayer = Replayer(workflows=[DraftLawWorkflow], data_converter=pydantic_data_converter)
    return (await replayer.replay_workflow(load_history(path), raise_on_replay_failure=False)).replay_failure


def _kinds(path: Path) -> list[str]:
    return [e.WhichOneof("attributes") or "" for e in load_history(path).events]


@pytest.mark.xfail(
    strict=True,
    reason="temporalio 1.35.0 cannot replay draft-stuck-after-restart with any workflow code: its update was accepted "
    "behind commands a worker made ahead of their workflow task, and a replay accepts it first (workflows/task_order.py). "
    "Repair such a draft with `temporal workflow reset` (README). Strict: an SDK that replays it makes this test fail.",
)
async def test_draft_stuck_after_restart_replays():
    failure = await _replay_failure(STUCK_AFTER_RESTART)
    assert failure is None, f"{STUCK_AFTER_RESTART.name}: {failure}"


async def test_draft_stuck_after_restart_is_the_sdk_order_of_a_run_ahead_not_the_workflow_code():
    """Why draft-stuck-after-restart does not replay, and why no change to the workflow code can make it.

    Its twin was written by the same code from the same events: the pinned rulebook and the update
    came in one workflow task (events 9-11, the update sequenced after event 10). The twin took the
    update first; the stuck draft took it after the commands that applying the pinned rulebook made
    (memo, stage, audit activity), because a worker had applied the pin's result in an activation of
    its own, for a status query, before that task began: its first audit entry carries the first
    task's time. A replay sees one task and puts the update first, whatever the code does; it can
    replay one of the two, and replays the twin.
    """
    stuck, twin = _kinds(STUCK_AFTER_RESTART), _kinds(UPDATE_WITH_PIN_RESULT)
    assert stuck[:12] == twin[:12]
    accepted, memo = "workflow_execution_update_accepted_event_attributes", "workflow_properties_modified_event_attributes"
    assert twin[12:14] == [accepted, memo]
    assert stuck[12] == memo and stuck[15] == accepted
    assert ran_ahead(load_history(STUCK_AFTER_RESTART)) and not ran_ahead(load_history(UPDATE_WITH_PIN_RESULT))

    assert await _replay_failure(UPDATE_WITH_PIN_RESULT) is None
    failure = await _replay_failure(STUCK_AFTER_RESTART)
    assert failure is not None and "Update machine does not handle this event: HistoryEvent(id: 13, WorkflowPropertiesModified)" in str(failure)


@workflow.defn(name=WORKFLOW_TYPE, sandboxed=False)
class TimerFirstDraftLaw:
    """A non-deterministic edit of the real workflow: it sleeps before pinning its rulebook."""

    @workflow.run
    async def run(self, request: DraftLawInput) -> None:
        await workflow.sleep(timedelta(seconds=1))


async def test_a_nondeterministic_change_fails_the_gate():
    replayer = Replayer(workflows=[TimerFirstDraftLaw], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(load_history(HISTORIES_DIR / "consulted_and_reprogrammed-s2.json"), raise_on_replay_failure=False)
    assert result.replay_failure is not None
    assert "nondeterminism" in type(result.replay_failure).__name__.lower() or "Nondeterminism" in str(result.replay_failure)


def test_the_twelfth_generations_paths_have_committed_histories():
    """A deferral naming the next session with a mistyped opening day aims the draft at the day the calendar announces;
    a vote failed, then one passed, at the session."""
    twelfth = [path for path in HISTORIES if path.stem.endswith("-s27") and "named-sessions-as-announced" in patch_ids(load_history(path).events)]
    assert {p.stem for p in twelfth} >= {"deferred_to_a_mistyped_session-s27", "law_2025_one_session-s27", "failed_vote_rejected-s27",
                                         "consulted_and_reprogrammed-s27", "postponed-s27"}
    entries = audited(HISTORIES_DIR / "deferred_to_a_mistyped_session-s27.json")
    [deferred] = [e for e in entries if e["event"] == "PROGRAMME_CHANGED"]
    aimed, said = deferred["label"].split("(opens ")[1].split(") (the request said ")
    assert date.fromisoformat(said.rstrip(")")) == date.fromisoformat(aimed) - timedelta(days=20)
    votes = [e["to_stage"] for e in entries if e["event"] == "DECISION" and e["stage"] == "NA_SESSION"]
    assert votes == ["NA_SESSION", "PROMULGATION"]


def test_the_thirteenth_generations_paths_have_committed_histories():
    """A two-session law entered under way with its vote at the session after its debate, dated by its day; a draft
    entered past its deadline, whose deadline passed and escalations say the day each fell due."""
    thirteenth = [path for path in HISTORIES if path.stem.endswith("-s30") and "imported-sittings-after-their-debate" in patch_ids(load_history(path).events)]
    assert {p.stem for p in thirteenth} >= {"voted_after_its_debate-s30", "law_2025_one_session-s30", "entered_overdue-s30",
                                             "voted_with_a_session_ahead-s30", "debated_twice_with_a_session_ahead-s30"}
    # With a session announced ahead, which the draft aims at: its vote, dated before that session, is entered.
    ahead = audited(HISTORIES_DIR / "voted_with_a_session_ahead-s30.json")
    assert [e["to_stage"] for e in ahead if e["event"] == "DECISION" and e["stage"] == "NA_SESSION"] == ["PROMULGATION"]
    # A three-session law entered after its second debate, at a session that has ended: voted at the session announced.
    twice = audited(HISTORIES_DIR / "debated_twice_with_a_session_ahead-s30.json")
    [vote] = [e for e in twice if e["event"] == "DECISION" and e["stage"] == "NA_SESSION"]
    [second] = [e for e in twice if e["event"] == "DECISION" and e["stage"] == "NA_SECOND_SESSION"]
    assert second["imported"] and not vote["imported"] and vote["to_stage"] == "PROMULGATION"
    assert date.fromisoformat(vote["at"][:10]) - date.fromisoformat(second["occurred_on"]) > timedelta(days=200)
    alarms = [e for e in audited(HISTORIES_DIR / "entered_overdue-s30.json") if e["event"] in ("DEADLINE_PASSED", "ESCALATION")]
    assert [e["escalation_level"] for e in alarms] == [None, "RESPONSIBLE_OFFICIAL", "HEAD_OF_AGENCY", "VPCP", "DEPUTY_PM"]
    days = [date.fromisoformat(e["occurred_on"]) for e in alarms]
    assert days == sorted(days) and days[0] == date.fromisoformat(alarms[0]["deadline"]) + timedelta(days=1) and days[-1] > days[0]
    assert all(date.fromisoformat(e["at"][:10]) > days[-1] for e in alarms)  # recorded when the draft was entered
    entries = audited(HISTORIES_DIR / "voted_after_its_debate-s30.json")
    [debated] = [e for e in entries if e["stage"] == "NA_FIRST_SESSION" and e["event"] == "DECISION"]
    [voted] = [e for e in entries if e["stage"] == "NA_SESSION" and e["event"] == "DECISION"]
    assert debated["imported"] and voted["imported"] and voted["to_stage"] == "PROMULGATION"
    assert date.fromisoformat(voted["occurred_on"]) - date.fromisoformat(debated["occurred_on"]) == timedelta(days=195)
    assert [e["to_stage"] for e in entries if e["event"] == "DECISION" and not e["imported"]] == ["PUBLICATION", "PROMULGATED"]


def test_the_fourteenth_generations_path_has_a_committed_history():
    """An approved date's conflict raised once, at its approval: the session brought forward past its cut-off, and a later
    date approved after, raise it no more (the thirteenth generation's `postponed_then_session_moved` raised it again at
    every move that changed it)."""
    path = HISTORIES_DIR / "postponed_then_session_brought_forward-s32.json"
    assert "conflict-ends-when-its-cutoff-passes" in patch_ids(load_history(path).events)
    entries = audited(path)
    assert [e["event"] for e in entries if e["event"] in ("POSTPONEMENT_DECIDED", "POSTPONEMENT_CONFLICT", "SESSION_RESCHEDULED")] == [
        "POSTPONEMENT_DECIDED", "POSTPONEMENT_CONFLICT", "SESSION_RESCHEDULED", "POSTPONEMENT_DECIDED"]
    assert entries[-1]["outcome"] == "WITHDRAW"


def test_the_fifteenth_generations_path_has_a_committed_history():
    """A draft entered under way past its session's cut-off, a later session announced: its deadline passed and its slip
    to that session both say the day the cut-off passed, recorded the moment it was entered."""
    path = HISTORIES_DIR / "slipped_on_entry-s35.json"
    assert "slip-dated-with-its-cutoff" in patch_ids(load_history(path).events)
    entries = audited(path)
    passed, slipped = (next(e for e in entries if e["event"] == kind) for kind in ("DEADLINE_PASSED", "SESSION_SLIPPED"))
    assert passed["occurred_on"] is not None and slipped["occurred_on"] == passed["occurred_on"] and slipped["at"] == passed["at"]
    assert "to 16-3" in slipped["label"] and entries[-1]["outcome"] == "WITHDRAW"


def test_the_seventeenth_generations_path_has_a_committed_history():
    """A draft entered at the Government's review, whose decision's cut-off had passed, reaching that stage by an approval
    entered two days late: its deadline passed and its slip say the day it reached the stage, after the cut-off's."""
    path = HISTORIES_DIR / "reached_past_its_cutoff-s39.json"
    assert "alarms-dated-within-their-stage" in patch_ids(load_history(path).events)
    entries = audited(path)
    [reached] = [e for e in entries if e["event"] == "DECISION" and e["to_stage"] == "GOVERNMENT_DECISION"]
    passed, slipped = (next(e for e in entries if e["event"] == kind and e["stage"] == "GOVERNMENT_DECISION")
                       for kind in ("DEADLINE_PASSED", "SESSION_SLIPPED"))
    assert reached["occurred_on"] is not None and passed["occurred_on"] == slipped["occurred_on"] == reached["occurred_on"]
    assert date.fromisoformat(passed["deadline"]) < date.fromisoformat(reached["occurred_on"])
    assert "to 16-3" in slipped["label"] and entries[-1]["outcome"] == "WITHDRAW"


def test_the_sixteenth_generations_path_has_a_committed_history():
    """A two-session law's delegations' round, opened between the sessions, ends as the next session gives once that
    session moves: the draft records the new end and tells the round, which waits for it from then on."""
    path = HISTORIES_DIR / "delegations_follow_the_session-s36.json"
    assert "rounds-follow-their-session" in patch_ids(load_history(path).events)
    entries = audited(path)
    [moved] = [e for e in entries if e["event"] == "CONSULTATION_RESCHEDULED"]
    assert "round dbqh: NA_DELEGATIONS until" in moved["label"] and [e["event"] for e in entries][-2:] == ["DECISION", "CONSULTATION_CANCELLED"]
    round_events = load_history(HISTORIES_DIR / "rounds" / "delegations_follow_the_session-dbqh-s36.json").events
    kinds = [e.WhichOneof("attributes") for e in round_events]
    assert kinds.count("workflow_execution_signaled_event_attributes") == 1 and kinds.count("timer_started_event_attributes") == 2


def test_the_eighteenth_generations_path_has_a_committed_history():
    """A draft entered at the Government's review reaches the Government's decision past its cut-off, with no later session
    announced: its deadline passed and the first level of the ladder that day, the next three days on (a timer), where the
    seventeenth generation raised every level due at once."""
    path = HISTORIES_DIR / "late_from_the_day-s41.json"
    events = load_history(path).events
    assert "escalation-ladder-from-the-day-late" in patch_ids(events)
    entries = audited(path)
    [reached] = [e for e in entries if e["event"] == "DECISION" and e["to_stage"] == "GOVERNMENT_DECISION"]
    passed = next(e for e in entries if e["event"] == "DEADLINE_PASSED")
    ladder = [e for e in entries if e["event"] == "ESCALATION"]
    assert [e["escalation_level"] for e in ladder] == ["RESPONSIBLE_OFFICIAL", "HEAD_OF_AGENCY"]
    at = datetime.fromisoformat
    assert passed["at"] == ladder[0]["at"] and timedelta(0) <= at(passed["at"]) - at(reached["at"]) < timedelta(hours=1)
    assert passed["occurred_on"] is None
    assert at(ladder[1]["at"]) - at(reached["at"]) >= timedelta(days=3)
    assert entries[-1]["outcome"] == "WITHDRAW"


def test_the_nineteenth_generations_rounds_have_committed_histories():
    """A round opened from the nineteenth generation is workflow `consultation-<submission>:<round>`, which no other draft's
    round shares; one opened before is `consultation-<submission>-<round>`, and both replay."""
    for stem, earlier in (("withdrawn_with_a_round_open", "s25"), ("consulted_and_reprogrammed", "s27")):
        events = load_history(HISTORIES_DIR / f"{stem}-s42.json").events
        assert "round-workflow-ids-of-one-draft" in patch_ids(events)
        [started] = [e.start_child_workflow_execution_initiated_event_attributes for e in events
                     if e.HasField("start_child_workflow_execution_initiated_event_attributes")]
        [draft_id] = [e.workflow_execution_started_event_attributes for e in events[:1]]
        submission_id = json.loads(draft_id.input.payloads[0].data)["submission_id"]
        assert started.workflow_id == f"consultation-{submission_id}:r1"
        before = load_history(HISTORIES_DIR / f"{stem}-{earlier}.json").events
        [opened] = [e.start_child_workflow_execution_initiated_event_attributes for e in before
                    if e.HasField("start_child_workflow_execution_initiated_event_attributes")]
        assert opened.workflow_id.endswith("-r1") and ":" not in opened.workflow_id
        assert (HISTORIES_DIR / "rounds" / f"{stem}-r1-s42.json").exists()
