import pytest

from schemas.enums import Outcome, ProcessVersion, SessionProcedure, Stage
from schemas.refusal import RefusalKind, Refused
from schemas.rulebook import load_rulebook
from workflows.stage_graph import InvalidTransition, next_stage, resolve, stage_path

S = Stage
V2015, V2025 = ProcessVersion.LAW_2015, ProcessVersion.LAW_2025
ONE, TWO = SessionProcedure.ONE_SESSION, SessionProcedure.TWO_SESSIONS



def path_of(version, procedure):
    """The path the current edition of the version's rulebook gives."""
    return stage_path(load_rulebook(version), procedure)


AFTER_PROGRAMME = [S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW, S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION]


def test_law_2025_one_session_path_matches_domain_table():
    assert list(path_of(V2025, ONE)) == [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, *AFTER_PROGRAMME, S.NA_SESSION, S.PROMULGATION, S.PUBLICATION]


def test_law_2015_starts_with_a_law_making_proposal():
    assert list(path_of(V2015, ONE)) == [S.LAW_MAKING_PROPOSAL, S.LEGISLATIVE_PROGRAMME, *AFTER_PROGRAMME, S.NA_SESSION, S.PROMULGATION, S.PUBLICATION]


def test_two_sessions_insert_first_session_and_inter_session_revision():
    path = path_of(V2025, TWO)
    assert list(path[-5:]) == [S.NA_FIRST_SESSION, S.INTER_SESSION_REVISION, S.NA_SESSION, S.PROMULGATION, S.PUBLICATION]


def test_promulgation_leads_to_promulgated():
    assert next_stage(path_of(V2025, ONE), S.PUBLICATION) is S.PROMULGATED


@pytest.mark.parametrize("outcome,expected", [(Outcome.REJECT, S.REJECTED), (Outcome.WITHDRAW, S.WITHDRAWN), (Outcome.APPROVE, S.GOVERNMENT_REVIEW)])
def test_outcomes_at_appraisal(outcome, expected):
    assert resolve(path_of(V2025, ONE), S.APPRAISAL, outcome) is expected


def test_return_goes_back_to_named_stage():
    assert resolve(path_of(V2025, ONE), S.GOVERNMENT_DECISION, Outcome.RETURN_FOR_REVISION, return_to=S.DRAFTING) is S.DRAFTING


def test_return_forward_is_invalid():
    with pytest.raises(InvalidTransition) as refused:
        resolve(path_of(V2025, ONE), S.APPRAISAL, Outcome.RETURN_FOR_REVISION, return_to=S.EXAMINATION)
    # A refusal like any other (found by a review): one the rules let through refuses the message, never fails a task.
    assert isinstance(refused.value, Refused) and (refused.value.field, refused.value.rule, refused.value.kind) == (
        "outcome", "stage_transition", RefusalKind.INVALID)


def test_failed_vote_stays_passed_vote_moves_on():
    path = path_of(V2025, ONE)
    assert resolve(path, S.NA_SESSION, Outcome.VOTE, vote_passed=False) is S.NA_SESSION
    assert resolve(path, S.NA_SESSION, Outcome.CARRY_OVER) is S.NA_SESSION
    assert resolve(path, S.NA_SESSION, Outcome.VOTE, vote_passed=True) is S.PROMULGATION


def test_terminal_and_foreign_stages_refuse_transitions():
    path = path_of(V2025, ONE)
    with pytest.raises(InvalidTransition):
        resolve(path, S.PROMULGATED, Outcome.APPROVE)
    with pytest.raises(InvalidTransition):
        resolve(path, S.LAW_MAKING_PROPOSAL, Outcome.APPROVE)
    with pytest.raises(InvalidTransition):
        resolve(path_of(V2025, ONE), S.NA_FIRST_SESSION, Outcome.APPROVE)
