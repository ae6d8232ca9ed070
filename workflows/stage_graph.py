"""The statutory path of a Government draft law (DOMAIN.md, "Stages"), as pure functions."""

from __future__ import annotations

from collections.abc import Collection

from schemas.enums import LawKind, Outcome, ProcessVersion, SessionProcedure, Stage

_OPENING = {
    ProcessVersion.LAW_2015: (Stage.LAW_MAKING_PROPOSAL,),
    ProcessVersion.LAW_2025: (Stage.POLICY_PROPOSAL,),
}
_GOVERNMENT_AND_COMMITTEES = (
    Stage.LEGISLATIVE_PROGRAMME,
    Stage.DRAFTING,
    Stage.APPRAISAL,
    Stage.GOVERNMENT_REVIEW,
    Stage.GOVERNMENT_DECISION,
    Stage.EXAMINATION,
    Stage.STANDING_COMMITTEE_OPINION,
)
_ASSEMBLY = {
    SessionProcedure.ONE_SESSION: (Stage.NA_SESSION,),
    SessionProcedure.TWO_SESSIONS: (Stage.NA_FIRST_SESSION, Stage.INTER_SESSION_REVISION, Stage.NA_SESSION),
    SessionProcedure.THREE_SESSIONS: (
        Stage.NA_FIRST_SESSION,
        Stage.INTER_SESSION_REVISION,
        Stage.NA_SECOND_SESSION,
        Stage.SECOND_INTER_SESSION_REVISION,
        Stage.NA_SESSION,
    ),
}
_SESSION_STAGES = frozenset(stage for stages in _ASSEMBLY.values() for stage in stages)


class InvalidTransition(ValueError):
    pass


def stage_path(
    version: ProcessVersion,
    procedure: SessionProcedure,
    *,
    law_kind: LawKind = LawKind.NEW_LAW,
    skips: Collection[Stage] = (),
    publication: bool = False,
) -> tuple[Stage, ...]:
    """The stages a draft passes, in order, when nothing sends it back.

    An ordinance is adopted by the Standing Committee and never goes to the Assembly's sessions;
    a shortened or special track skips the stages its rulebook names; publication in the Official
    Gazette follows promulgation for drafts started since it was modelled.
    """
    assembly = () if law_kind is LawKind.ORDINANCE else _ASSEMBLY[procedure]
    ending = (Stage.PROMULGATION, Stage.PUBLICATION) if publication else (Stage.PROMULGATION,)
    path = _OPENING[version] + _GOVERNMENT_AND_COMMITTEES + assembly + ending
    return tuple(stage for stage in path if stage not in skips)


def place_on_new_path(stage: Stage, old_path: tuple[Stage, ...], new_path: tuple[Stage, ...]) -> Stage:
    """Where a draft stands after its programme track or session procedure changes.

    A draft at the voting session that is split over more sessions has just had its first (or
    second) debate: it goes to the revision before the next session. One whose current stage the
    new path no longer has moves on to the next stage the new path keeps; at the Assembly, that is
    the vote (a two-session draft accelerated votes at the session it is at).
    """
    if stage is Stage.NA_SESSION:
        before_vote = new_path[new_path.index(Stage.NA_SESSION) - 1]
        if before_vote not in old_path and before_vote in _SESSION_STAGES:
            return before_vote
    if stage in new_path:
        return stage
    if stage in _SESSION_STAGES:
        return Stage.NA_SESSION
    later = old_path[_position(old_path, stage) + 1 :]
    return next((s for s in later if s in new_path), new_path[-1])


def next_stage(path: tuple[Stage, ...], stage: Stage) -> Stage:
    position = _position(path, stage)
    return path[position + 1] if position + 1 < len(path) else Stage.PROMULGATED


def is_earlier(path: tuple[Stage, ...], candidate: Stage, stage: Stage) -> bool:
    return candidate in path and _position(path, candidate) <= _position(path, stage)


def resolve(
    path: tuple[Stage, ...],
    stage: Stage,
    outcome: Outcome,
    *,
    return_to: Stage | None = None,
    vote_passed: bool | None = None,
) -> Stage:
    """The stage a draft stands at after `outcome` is decided at `stage`.

    A failed vote leaves the draft at its stage: the Assembly then decides whether to carry it
    over to a later session (it stays at its stage), return or drop it (DOMAIN.md, stage 8).
    """
    if stage.is_terminal:
        raise InvalidTransition(f"{stage.value} is final")
    _position(path, stage)
    if outcome is Outcome.APPROVE:
        return next_stage(path, stage)
    if outcome is Outcome.VOTE:
        if vote_passed is None:
            raise InvalidTransition("a VOTE needs its result")
        return next_stage(path, stage) if vote_passed else stage
    if outcome is Outcome.CARRY_OVER:
        return stage
    if outcome is Outcome.REJECT:
        return Stage.REJECTED
    if outcome is Outcome.WITHDRAW:
        return Stage.WITHDRAWN
    if return_to is None or not is_earlier(path, return_to, stage):
        raise InvalidTransition(f"a return from {stage.value} must name a stage at or before it")
    return return_to


def _position(path: tuple[Stage, ...], stage: Stage) -> int:
    try:
        return path.index(stage)
    except ValueError:
        raise InvalidTransition(f"{stage.value} is not on this draft's path") from None
