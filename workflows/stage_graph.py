"""The statutory path of a draft, read from its rulebook's stage table (DOMAIN.md, "Stages"), as pure functions.

The table lists the stages in order, each with the Assembly procedures and kinds of draft it is on the
path of; the outcomes move a draft as `resolve` says: APPROVE to the next stage of its path, a passed
VOTE likewise (a failed one keeps it at the session), CARRY_OVER keeps it, RETURN_FOR_REVISION to the
stage named or the rule's first `return_to`, REFER_TO_ASSEMBLY to the rule's `refer_to` (an ordinance the
President still disagrees with goes to the Assembly's session), REJECT and WITHDRAW to the final states.
"""

from __future__ import annotations

from schemas.enums import ASSEMBLY_STAGES, LawKind, Outcome, ProgrammeTrack, SessionProcedure, Stage
from schemas.refusal import RefusalKind, Refused
from schemas.rulebook import Rulebook


class InvalidTransition(Refused):
    """A move the stage table does not allow: the draft core's rules refuse it first, and should one ever let it
    through, it still refuses the message (INVALID, `outcome`, `stage_transition`) instead of failing the draft's task."""

    def __init__(self, message: str) -> None:
        super().__init__("outcome", "stage_transition", message, RefusalKind.INVALID)


def stage_path(
    book: Rulebook,
    procedure: SessionProcedure,
    *,
    law_kind: LawKind = LawKind.NEW_LAW,
    track: ProgrammeTrack = ProgrammeTrack.REGULAR,
    publication: bool = True,
    referred: bool = False,
) -> tuple[Stage, ...]:
    """The stages a draft passes, in order, when nothing sends it back.

    An ordinance is adopted by the Standing Committee and goes to the Assembly's session only when
    `referred` (the President still disagrees with it once adopted again: the stage a rule's
    `refer_to` names joins its path); a shortened or special track skips the stages its rulebook
    names; publication in the Official Gazette follows promulgation where the rulebook rules it (and
    the draft is not of the first generation started before it was modelled).
    """
    rule = book.track(track)
    referral = {r.refer_to for r in book.stages if r.refer_to is not None} if referred else set()
    return tuple(
        r.stage for r in book.stages
        if (r.path_condition.admits(procedure, law_kind) or r.stage in referral) and not (rule and rule.skips_stage(r.stage, law_kind))
        and (publication or r.stage is not Stage.PUBLICATION)
    )


def referred(book: Rulebook, path: tuple[Stage, ...], law_kind: LawKind) -> bool:
    """Whether an ordinance was referred to the Assembly: its path holds the stage a rule's `refer_to` names."""
    return law_kind is LawKind.ORDINANCE and any(r.refer_to in path for r in book.stages if r.refer_to is not None)


def place_on_new_path(stage: Stage, old_path: tuple[Stage, ...], new_path: tuple[Stage, ...]) -> Stage:
    """Where a draft stands after its programme track or session procedure changes.

    A draft at the voting session that is split over more sessions has just had its first (or
    second) debate: it goes to the revision before the next session. One whose current stage the
    new path no longer has moves on to the next stage the new path keeps; at the Assembly, that is
    the vote (a two-session draft accelerated votes at the session it is at).
    """
    if stage is Stage.NA_SESSION:
        before_vote = new_path[new_path.index(Stage.NA_SESSION) - 1]
        if before_vote not in old_path and before_vote in ASSEMBLY_STAGES:
            return before_vote
    if stage in new_path:
        return stage
    if stage in ASSEMBLY_STAGES:
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
    refer_to: Stage | None = None,
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
    if outcome is Outcome.REFER_TO_ASSEMBLY:
        if refer_to is None or not is_earlier(path, refer_to, stage):
            raise InvalidTransition(f"a referral from {stage.value} needs the Assembly's session on the path before it")
        return refer_to
    if return_to is None or not is_earlier(path, return_to, stage):
        raise InvalidTransition(f"a return from {stage.value} must name a stage at or before it")
    return return_to


def _position(path: tuple[Stage, ...], stage: Stage) -> int:
    try:
        return path.index(stage)
    except ValueError:
        raise InvalidTransition(f"{stage.value} is not on this draft's path") from None
